"""Personal access tokens: how scripts and bots call the JSON API as a person.

A token is shown once, at creation: `plb_` and 32 random bytes in URL-safe base64. Only its
SHA-256 is kept, with a name, scopes ("read", or "read write") and an optional expiry; it is
sent as `Authorization: Bearer plb_...` and can be revoked at any time.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base, Moment, utcnow

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
