"""Sign-in links for guest accounts, which have no password: a guest gives their address and
gets a link by e-mail that signs them in once, within LIFETIME. Only the link's SHA-256 is
kept. Whether the address has an account is never said (the answer is the same), and an
account gets at most MAX_PER_HOUR links an hour, so nobody floods a mailbox."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base, Moment, utcnow
from ..errors import SaidRefusal
from .users import User, UserInfo

LIFETIME = timedelta(hours=1)
MAX_PER_HOUR = 3
MAX_TOKEN = 128


class SignInLink(Base):
    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Moment)
    used_at: Mapped[datetime | None] = mapped_column(Moment, default=None)


# reason: (status, code, English, French)
REASONS: dict[str, tuple[int, str, str, str]] = {
    "not_found": (
        404, "not_found",
        "This sign-in link is not valid: ask for a new one.",
        "Ce lien de connexion n'est pas valide : demandez-en un nouveau.",
    ),
    "expired": (
        410, "link_expired",
        "This sign-in link has expired: ask for a new one.",
        "Ce lien de connexion a expiré : demandez-en un nouveau.",
    ),
    "used": (
        410, "link_used",
        "This sign-in link has already been used: ask for a new one.",
        "Ce lien de connexion a déjà servi : demandez-en un nouveau.",
    ),
}  # fmt: skip


class LinkRefused(SaidRefusal):
    """A sign-in link that cannot be used, said in the person's language."""

    REASONS = REASONS


@dataclass(frozen=True)
class NewLink:
    token: str
    email: str
    display_name: str
    expires_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_link(session: Session, email: str) -> NewLink | None:
    """A new link for the guest account of `email` (a normalized address), or None: no such
    guest, or it had its MAX_PER_HOUR links this hour."""
    user = session.scalars(
        select(User)
        .where(User.guest.is_(True), func.lower(User.email) == email.lower())
        .order_by(User.id)
    ).first()
    if user is None or user.email is None:
        return None
    now = utcnow()
    recent = session.scalar(
        select(func.count()).where(
            SignInLink.user_id == user.id, SignInLink.created_at > now - timedelta(hours=1)
        )
    )
    if (recent or 0) >= MAX_PER_HOUR:
        return None
    token = secrets.token_urlsafe(32)
    session.add(
        SignInLink(
            user_id=user.id, token_hash=_hash(token), created_at=now, expires_at=now + LIFETIME
        )
    )
    session.flush()
    return NewLink(token, user.email, user.display_name, now + LIFETIME)


def use_link(session: Session, token: str) -> UserInfo:
    """The guest account the link signs in, once; LinkRefused saying why not."""
    if not token or len(token) > MAX_TOKEN:
        raise LinkRefused("not_found")
    row = session.scalar(select(SignInLink).where(SignInLink.token_hash == _hash(token)))
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or user is None or not user.guest:
        raise LinkRefused("not_found")
    if row.used_at is not None:
        raise LinkRefused("used")
    if row.expires_at <= utcnow():
        raise LinkRefused("expired")
    taken = session.execute(
        update(SignInLink)
        .where(SignInLink.id == row.id, SignInLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        raise LinkRefused("used")
    return UserInfo.of(user)
