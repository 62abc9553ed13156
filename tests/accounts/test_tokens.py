"""Invitation tokens: HS256 and RS256, expiry, signature, issuer and audience checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from palabre.accounts.tokens import InvitationError, create_invitation, verify_invitation
from palabre.config import Settings

SECRET = "an-hs256-secret-of-at-least-32-characters"


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
def hs256() -> Settings:
    return Settings(jwt_secret=SECRET)


def test_hs256_round_trip(hs256: Settings) -> None:
    token = create_invitation(hs256, "Weekly Standup", name="Ada Lovelace", moderator=True)
    invitation = verify_invitation(token, hs256)
    assert invitation.room == "weekly-standup"
    assert invitation.name == "Ada Lovelace"
    assert invitation.moderator and invitation.role == "moderator"
    assert invitation.allows("weekly-standup") and not invitation.allows("other")
    assert 86300 < invitation.expires.timestamp() - time.time() <= 86400


def test_participant_and_any_room(hs256: Settings) -> None:
    invitation = verify_invitation(create_invitation(hs256, "*", ttl=60), hs256)
    assert invitation.role == "participant" and invitation.name is None
    assert invitation.allows("any-room")


def test_expired(hs256: Settings) -> None:
    token = create_invitation(hs256, "room", ttl=60, now=time.time() - 3600)
    with pytest.raises(InvitationError, match="expired") as caught:
        verify_invitation(token, hs256)
    assert caught.value.code == "expired"


def test_not_yet_valid(hs256: Settings) -> None:
    token = create_invitation(hs256, "room", ttl=60, now=time.time() + 3600)
    with pytest.raises(InvitationError) as caught:
        verify_invitation(token, hs256)
    assert caught.value.code == "not_yet_valid"


def test_bad_signature(hs256: Settings) -> None:
    other = Settings(jwt_secret="another-secret-another-secret-another")
    with pytest.raises(InvitationError, match="signature") as caught:
        verify_invitation(create_invitation(other, "room"), hs256)
    assert caught.value.code == "bad_signature"
    token = create_invitation(hs256, "room")
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload[:-2]}AA.{signature}"
    with pytest.raises(InvitationError):
        verify_invitation(tampered, hs256)


def test_wrong_issuer_and_audience(hs256: Settings) -> None:
    token = create_invitation(Settings(jwt_secret=SECRET, jwt_issuer="portal"), "room")
    with pytest.raises(InvitationError, match="issued by") as caught:
        verify_invitation(token, hs256)
    assert caught.value.code == "wrong_issuer"
    token = create_invitation(Settings(jwt_secret=SECRET, jwt_audience="elsewhere"), "room")
    with pytest.raises(InvitationError, match="another service") as caught:
        verify_invitation(token, hs256)
    assert caught.value.code == "wrong_audience"


def test_garbage_and_alg_none(hs256: Settings) -> None:
    for garbage in ("", "abc", "a.b.c", "x" * 10000):
        with pytest.raises(InvitationError):
            verify_invitation(garbage, hs256)
    # An unsigned token ("alg": "none") is never accepted.
    claims = {"iss": "palabre", "aud": "palabre", "exp": time.time() + 60, "room": "r"}
    unsigned = f"{b64({'alg': 'none'})}.{b64(claims)}."
    with pytest.raises(InvitationError):
        verify_invitation(unsigned, hs256)


def test_missing_claims(hs256: Settings) -> None:
    key = OctKey.import_key(SECRET.encode())
    base = {"iss": "palabre", "aud": "palabre", "exp": int(time.time()) + 60}
    no_exp = jwt.encode({"alg": "HS256"}, {"iss": "palabre", "aud": "palabre", "room": "r"}, key)
    with pytest.raises(InvitationError):
        verify_invitation(no_exp, hs256)
    no_room = jwt.encode({"alg": "HS256"}, base, key)
    with pytest.raises(InvitationError, match="no room"):
        verify_invitation(no_room, hs256)
    bad_role = jwt.encode({"alg": "HS256"}, {**base, "room": "r", "role": "owner"}, key)
    with pytest.raises(InvitationError, match="role"):
        verify_invitation(bad_role, hs256)


def test_jitsi_claims_layout(hs256: Settings) -> None:
    key = OctKey.import_key(SECRET.encode())
    claims = {
        "iss": "palabre",
        "aud": ["palabre", "other"],
        "exp": int(time.time()) + 60,
        "room": "Team",
        "context": {"user": {"name": "Grace", "moderator": True}},
    }
    invitation = verify_invitation(jwt.encode({"alg": "HS256"}, claims, key), hs256)
    assert (invitation.room, invitation.name, invitation.moderator) == ("team", "Grace", True)


def test_rs256(tmp_path: Path) -> None:
    private = RSAKey.generate_key(2048)
    public_file = tmp_path / "public.pem"
    public_file.write_bytes(private.as_pem(private=False))
    settings = Settings(jwt_public_key=str(public_file))
    token = create_invitation(
        settings, "room", name="Ada", private_key_pem=private.as_pem(private=True)
    )
    assert verify_invitation(token, settings).name == "Ada"
    # Another key's signature, and an HS256 token made with the public key as the secret.
    stranger = RSAKey.generate_key(2048)
    with pytest.raises(InvitationError, match="signature"):
        verify_invitation(
            create_invitation(settings, "r", private_key_pem=stranger.as_pem(private=True)),
            settings,
        )
    # joserfc refuses to build this one, so sign it by hand.
    claims = {"iss": "palabre", "aud": "palabre", "exp": int(time.time()) + 60, "room": "r"}
    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims)}"
    mac = hmac.new(public_file.read_bytes(), signing_input.encode(), hashlib.sha256).digest()
    confused = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    with pytest.raises(InvitationError, match="RS256"):
        verify_invitation(confused, settings)


def test_not_configured() -> None:
    with pytest.raises(InvitationError) as caught:
        verify_invitation("a.b.c", Settings())
    assert caught.value.code == "not_configured"
