"""Personal access tokens: how scripts and bots call the JSON API as a person.

A token is shown once, at creation: `plb_` and 32 random bytes in URL-safe base64. Only its
SHA-256 is kept, with a name, scopes ("read", or "read write") and an optional expiry; it is
sent as `Authorization: Bearer plb_...` and can be revoked at any time. A person makes,
lists and revokes their own tokens here (create_token, list_tokens, revoke_token).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import ColumnElement, ForeignKey, String, and_, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base, Moment, utcnow
from ..errors import Conflict, Invalid, NotFound

PREFIX = "plb_"
SCOPES = ("read", "write")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(64))  # space-separated SCOPES
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    expires_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(Moment, default=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class TokenGrant:
    """What a presented token proves: whose it is and what it may do."""

    user_id: int
    scopes: frozenset[str]


def check_token(session: Session, token: str) -> TokenGrant | None:
    """The grant of a current (not revoked, not expired) token, else None; marks it used."""
    if not token.startswith(PREFIX) or len(token) > 128:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    row.last_used_at = now
    return TokenGrant(row.user_id, frozenset(row.scopes.split()))


MAX_TOKENS = 50  # current tokens per person
MAX_NAME = 80
MAX_LIFETIME = 10 * 366 * 24 * 3600  # seconds


class TokenView(msgspec.Struct, kw_only=True):
    """A token as listed: never its secret."""

    id: int
    name: str
    scopes: str  # "read" or "read write"
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class NewTokenView(TokenView, kw_only=True):
    token: str  # the secret, in this answer only


def token_view(row: ApiToken) -> TokenView:
    return TokenView(
        id=row.id,
        name=row.name,
        scopes=row.scopes,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        expires_at=row.expires_at,
    )


def clean_scopes(text: str) -> str:
    """The scopes as kept: "read" or "read write" (asked in any order)."""
    asked = set(text.split())
    if not asked or not asked <= set(SCOPES) or "read" not in asked:
        raise Invalid('scopes must be "read" or "read write"')
    return " ".join(scope for scope in SCOPES if scope in asked)


def _current(user_id: int, now: datetime) -> ColumnElement[bool]:
    return and_(
        ApiToken.user_id == user_id,
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
    )


def create_token(
    session: Session, user_id: int, name: str, scopes: str, expires_in: int | None
) -> NewTokenView:
    """A new token for the person; its secret is in the answer and nowhere else."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise Invalid(f"a token's name has 1 to {MAX_NAME} characters")
    scopes = clean_scopes(scopes)
    if expires_in is not None and not 60 <= expires_in <= MAX_LIFETIME:
        raise Invalid(f"expires_in is 60 to {MAX_LIFETIME} seconds, or absent (no expiry)")
    now = utcnow()
    count = session.scalar(select(func.count()).where(_current(user_id, now))) or 0
    if count >= MAX_TOKENS:
        raise Conflict(f"at most {MAX_TOKENS} tokens at a time: revoke one first")
    secret = new_token()
    row = ApiToken(
        user_id=user_id,
        name=name,
        token_hash=token_hash(secret),
        scopes=scopes,
        created_at=now,
        expires_at=now + timedelta(seconds=expires_in) if expires_in is not None else None,
    )
    session.add(row)
    session.flush()
    return NewTokenView(**msgspec.structs.asdict(token_view(row)), token=secret)


def list_tokens(session: Session, user_id: int) -> list[TokenView]:
    """The person's current tokens (neither revoked nor expired), newest first."""
    rows = session.scalars(
        select(ApiToken).where(_current(user_id, utcnow())).order_by(ApiToken.id.desc())
    )
    return [token_view(row) for row in rows]


def revoke_token(session: Session, user_id: int, token_id: int) -> None:
    """Revoke one of the person's tokens: calls with it get 401 from now on. Another
    person's token, or one already revoked, is not found."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        raise NotFound("no such token")
    row.revoked_at = utcnow()
