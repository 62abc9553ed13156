"""The organisation's directory: its accounts, found by name, so an admin can add them to a
space. Guest accounts (from outside) are not in it, and may not read it."""

from __future__ import annotations

import msgspec
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..errors import Forbidden
from .users import User

MAX_QUERY = 100


class DirectoryEntry(msgspec.Struct, kw_only=True):
    user_id: int
    name: str
    display_name: str
    email: str | None  # only if they chose to show it


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_directory(
    session: Session, user_id: int, query: str, limit: int
) -> list[DirectoryEntry]:
    """Organisation accounts whose name or display name contains `query` (any case), by
    name; Forbidden to a guest account."""
    caller = session.get(User, user_id)
    if caller is None or caller.guest:
        raise Forbidden("guests do not see the organisation's directory")
    query = " ".join(query.split())[:MAX_QUERY].casefold()
    pattern = _like(query)
    rows = session.scalars(
        select(User)
        .where(
            User.guest.is_(False),
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            ),
        )
        .order_by(User.name)
        .limit(limit)
    )
    return [
        DirectoryEntry(
            user_id=user.id,
            name=user.name,
            display_name=user.display_name,
            email=user.email if user.email_visible else None,
        )
        for user in rows
    ]
