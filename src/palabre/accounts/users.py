"""Users: local accounts (argon2id password) and accounts made by OpenID Connect sign-in.

Every signed-in user but a guest (an account made by a space invitation) is a host: with
`secure_domain` on, only hosts may open a room.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base, Database
from .passwords import hash_password, needs_rehash, verify_password

MAX_NAME = 64
_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]*")


class UserError(ValueError):
    """A user operation that cannot be done, with a message for the operator."""


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str | None] = mapped_column(String(256), default=None)
    oidc_issuer: Mapped[str | None] = mapped_column(String(512), default=None)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), default=None)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: datetime.now(UTC)
    )
    # A guest came in through a space's e-mail invitation: it sees only the spaces it was
    # invited to and nothing of the organisation's directory; it opens no meeting room.
    guest: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    email_visible: Mapped[bool] = mapped_column(Boolean, default=False)  # shown to co-members
    # The language of what Palabre writes to them (e-mail digests): "fr" or "en", None until
    # they choose (accounts/preferences.py).
    language: Mapped[str | None] = mapped_column(String(8), default=None)


@dataclass(frozen=True)
class UserInfo:
    """A user as the rest of Palabre sees it (no hash, no ORM session attached)."""

    name: str
    display_name: str
    local: bool  # has a password (else signs in with OpenID Connect)
    created_at: datetime
    guest: bool = False  # came through a space's invitation (users.User.guest)

    @classmethod
    def of(cls, user: User) -> UserInfo:
        return cls(
            user.name,
            user.display_name,
            user.password_hash is not None,
            user.created_at,
            user.guest,
        )


def normalize_user_name(text: str) -> str:
    """NFKC, case folded; letters a-z, digits, '.', '_', '-', '@'; 1 to 64 characters."""
    name = unicodedata.normalize("NFKC", text).casefold().strip()
    if not 1 <= len(name) <= MAX_NAME or not _NAME.fullmatch(name):
        raise UserError(
            f"user name must be 1 to {MAX_NAME} of a-z, 0-9, '.', '_', '-', '@', "
            "starting with a letter or digit"
        )
    return name


def clean_display_name(text: str | None, fallback: str) -> str:
    """One line of at most 128 visible characters (spaces collapsed, controls dropped)."""
    text = " ".join((text or "").split())
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return text[:128] or fallback


def add_user(
    db: Database, name: str, password: str | None, display_name: str | None = None
) -> UserInfo:
    name = normalize_user_name(name)
    if password is not None and len(password) < 8:
        raise UserError("password must be at least 8 characters")
    with db.session() as session:
        if _by_name(session, name) is not None:
            raise UserError(f"user {name!r} exists")
        user = User(
            name=name,
            display_name=clean_display_name(display_name, name),
            password_hash=hash_password(password) if password is not None else None,
        )
        session.add(user)
        session.flush()
        return UserInfo.of(user)


def set_password(db: Database, name: str, password: str) -> None:
    if len(password) < 8:
        raise UserError("password must be at least 8 characters")
    with db.session() as session:
        user = _by_name(session, _lookup_name(name))
        if user is None:
            raise UserError(f"no user {name!r}")
        user.password_hash = hash_password(password)


def remove_user(db: Database, name: str) -> None:
    with db.session() as session:
        user = _by_name(session, _lookup_name(name))
        if user is None:
            raise UserError(f"no user {name!r}")
        session.delete(user)


def list_users(db: Database) -> list[UserInfo]:
    with db.session() as session:
        return [UserInfo.of(u) for u in session.scalars(select(User).order_by(User.name))]


def get_user(db: Database, name: str) -> UserInfo | None:
    with db.session() as session:
        user = _by_name(session, _lookup_name(name))
        return UserInfo.of(user) if user else None


def authenticate(db: Database, name: str, password: str) -> UserInfo | None:
    """The user if the password is right; as slow for an unknown name as for a wrong password."""
    with db.session() as session:
        user = _by_name(session, _lookup_name(name))
        password_hash = user.password_hash if user else None
        if not verify_password(password_hash, password) or user is None:
            return None
        if password_hash and needs_rehash(password_hash):
            user.password_hash = hash_password(password)
        return UserInfo.of(user)


def oidc_user(
    db: Database,
    issuer: str,
    subject: str,
    preferred_name: str | None,
    display_name: str | None,
) -> UserInfo:
    """The account for this OpenID Connect identity, created on first sign-in.

    Its name is the provider's preferred_username (or e-mail) when free, else with a suffix.
    """
    with db.session() as session:
        user = session.scalar(
            select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
        )
        if user is None:
            base = _name_from(preferred_name) or _name_from(subject) or "user"
            name, n = base, 1
            while _by_name(session, name) is not None:
                n += 1
                suffix = f"-{n}"
                name = base[: MAX_NAME - len(suffix)] + suffix
            user = User(
                name=name,
                display_name=clean_display_name(display_name, name),
                oidc_issuer=issuer,
                oidc_subject=subject,
            )
            session.add(user)
        elif display_name:
            user.display_name = clean_display_name(display_name, user.name)
        session.flush()
        return UserInfo.of(user)


GUEST_PREFIX = "guest-"


def guest_user(session: Session, email: str, display_name: str) -> User:
    """A new guest account (from outside the organisation, no password) for `email`, in the
    caller's transaction. Its name is `guest-` and the display name in plain letters
    ("Hélène Durand" -> guest-helene-durand), with a number if taken: the prefix keeps guests
    apart from the organisation's names. UserError if the display name is empty; an
    IntegrityError if a concurrent transaction took the same name (try the whole again)."""
    display = clean_display_name(display_name, "")
    if not display:
        raise UserError("choose the name others will see")
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", display) if not unicodedata.combining(ch)
    )
    stem = _name_from(plain) or "user"
    base = (GUEST_PREFIX + stem)[:MAX_NAME].rstrip("-._@")
    for n in range(1, 10_000):
        suffix = "" if n == 1 else f"-{n}"
        name = base[: MAX_NAME - len(suffix)] + suffix
        if _by_name(session, name) is None:
            user = User(name=name, display_name=display, guest=True, email=email)
            session.add(user)
            session.flush()  # IntegrityError if another transaction took the name meanwhile
            return user
    raise UserError("no free name for this guest")


def _name_from(text: str | None) -> str | None:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"[^a-z0-9._@-]+", "-", text).strip("-._@")[:MAX_NAME]
    return text or None


def _lookup_name(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _by_name(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))
