"""Invitation tokens: signed, expiring JWTs carrying a room, a name and a role.

A portal that embeds Palabre signs one per guest, as Jitsi's token authentication does, and
puts it in the meeting URL (`?token=...`). HS256 with the shared `jwt_secret`, or RS256 checked
against `jwt_public_key` (the portal keeps the private key). Claims:

    {"iss": jwt_issuer, "aud": jwt_audience, "exp": ..., "iat": ..., "nbf": ...,
     "room": "weekly-standup" or "*", "name": "Ada Lovelace", "role": "moderator"}

Jitsi's layout is accepted too: `context.user.name` and `context.user.moderator`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from joserfc import errors, jwt
from joserfc.jwk import OctKey, RSAKey

from ..config import Settings
from ..meeting.names import InvalidName, clean_display_name, normalize_room_name

ROLES = ("moderator", "participant")
LEEWAY = 30  # seconds of clock skew tolerated on exp and nbf
MAX_TOKEN = 8192


class InvitationError(ValueError):
    """A token that cannot be used; `code` says why, the message says it to a person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code  # expired, bad_signature, wrong_issuer, wrong_audience, invalid, ...


@dataclass(frozen=True)
class Invitation:
    room: str  # a normalized room name, or "*" for any room
    name: str | None  # display name for the guest
    moderator: bool
    expires: datetime
    subject: str | None = None  # "sub": the portal's id for this person, if any

    @property
    def role(self) -> str:
        return "moderator" if self.moderator else "participant"

    def allows(self, room: str) -> bool:
        return self.room == "*" or self.room == room


def _verification_key(settings: Settings) -> tuple[OctKey | RSAKey, str]:
    if settings.jwt_secret:
        return OctKey.import_key(settings.jwt_secret.encode()), "HS256"
    if settings.jwt_public_key:
        try:
            pem = Path(settings.jwt_public_key).read_bytes()
        except OSError as exc:
            raise InvitationError("not_configured", f"jwt_public_key: {exc}") from None
        return RSAKey.import_key(pem), "RS256"
    raise InvitationError("not_configured", "invitation tokens are not enabled on this server")


def tokens_enabled(settings: Settings) -> bool:
    return bool(settings.jwt_secret or settings.jwt_public_key)


def verify_invitation(token: str, settings: Settings, now: float | None = None) -> Invitation:
    """The invitation in the token; InvitationError if it is not one we accept."""
    key, algorithm = _verification_key(settings)
    if len(token) > MAX_TOKEN:
        raise InvitationError("invalid", "the invitation token is too long")
    try:
        decoded = jwt.decode(token, key, algorithms=[algorithm])
    except errors.BadSignatureError:
        raise InvitationError(
            "bad_signature", "the invitation token's signature is wrong"
        ) from None
    except errors.UnsupportedAlgorithmError:
        raise InvitationError(
            "bad_signature", f"the invitation token must be signed with {algorithm}"
        ) from None
    except (errors.JoseError, ValueError):
        raise InvitationError("invalid", "this is not an invitation token") from None
    claims = decoded.claims
    registry = jwt.JWTClaimsRegistry(
        now=int(time.time() if now is None else now),
        leeway=LEEWAY,
        exp={"essential": True},
    )
    try:
        registry.validate(claims)
    except errors.ExpiredTokenError:
        raise InvitationError("expired", "the invitation has expired") from None
    except errors.InvalidTokenError:
        raise InvitationError("not_yet_valid", "the invitation is not valid yet") from None
    except errors.JoseError as exc:
        raise InvitationError("invalid", f"invalid invitation token: {exc}") from None
    if claims.get("iss") != settings.jwt_issuer:
        raise InvitationError("wrong_issuer", "the invitation was issued by someone else")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if settings.jwt_audience not in audiences:
        raise InvitationError("wrong_audience", "the invitation is meant for another service")
    return _invitation(claims)


def _invitation(claims: dict[str, Any]) -> Invitation:
    room = claims.get("room")
    if not isinstance(room, str):
        raise InvitationError("invalid", "the invitation names no room")
    if room != "*":
        try:
            room = normalize_room_name(room)
        except InvalidName as exc:
            raise InvitationError("invalid", f"the invitation's room: {exc}") from None
    context = claims.get("context")
    user = context.get("user") if isinstance(context, dict) else None
    user = user if isinstance(user, dict) else {}
    name = claims.get("name", user.get("name"))
    if name is not None:
        if not isinstance(name, str):
            raise InvitationError("invalid", "the invitation's name must be text")
        try:
            name = clean_display_name(name)
        except ValueError as exc:
            raise InvitationError("invalid", f"the invitation's name: {exc}") from None
    role = claims.get("role")
    if role is None:
        moderator = user.get("moderator") in (True, "true")
    elif role in ROLES:
        moderator = role == "moderator"
    else:
        raise InvitationError("invalid", f"the invitation's role must be one of {ROLES}")
    subject = claims.get("sub")
    return Invitation(
        room=room,
        name=name,
        moderator=moderator,
        expires=datetime.fromtimestamp(int(claims["exp"]), UTC),
        subject=subject if isinstance(subject, str) else None,
    )


def create_invitation(
    settings: Settings,
    room: str,
    name: str | None = None,
    moderator: bool = False,
    ttl: int = 24 * 3600,
    private_key_pem: bytes | None = None,
    now: float | None = None,
) -> str:
    """A signed invitation: with jwt_secret (HS256), else with the RSA private key (RS256)."""
    if room != "*":
        room = normalize_room_name(room)
    if ttl <= 0:
        raise ValueError("ttl must be a positive number of seconds")
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
        "room": room,
        "role": "moderator" if moderator else "participant",
    }
    if name is not None:
        claims["name"] = clean_display_name(name)
    key: OctKey | RSAKey
    if private_key_pem is not None:
        key, algorithm = RSAKey.import_key(private_key_pem), "RS256"
        if not key.is_private:
            raise ValueError("the RS256 key given is not a private key")
    elif settings.jwt_secret:
        key, algorithm = OctKey.import_key(settings.jwt_secret.encode()), "HS256"
    else:
        raise ValueError("set jwt_secret, or give an RSA private key for RS256")
    return jwt.encode({"alg": algorithm, "typ": "JWT"}, claims, key)
