"""A space's activity feed: who did what, newest first, a page at a time (the lines are
written by every space operation through store.record)."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.users import User
from .models import Activity
from .policy import authorize


class Actor(msgspec.Struct, kw_only=True):
    id: int
    name: str
    display_name: str


class ActivityView(msgspec.Struct, kw_only=True):
    id: int
    verb: str  # e.g. space.created, member.added (docs/workspace-api.md lists them)
    subject: str  # what it was done to, as it was called then
    actor: Actor | None  # None: the account is gone, or the server did it
    created_at: datetime


class ActivityPage(msgspec.Struct, kw_only=True):
    items: list[ActivityView]
    before: int | None  # give it as ?before= for the next (older) page; None: no more


def activity(
    session: Session, user_id: int, space_id: int, before: int | None, limit: int
) -> ActivityPage:
    """The newest `limit` lines older than line `before` (all if None)."""
    authorize(session, user_id, space_id, "see_activity")
    query = (
        select(Activity, User)
        .outerjoin(User, User.id == Activity.actor_id)
        .where(Activity.space_id == space_id)
        .order_by(Activity.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        query = query.where(Activity.id < before)
    rows = session.execute(query).all()
    items = [
        ActivityView(
            id=line.id,
            verb=line.verb,
            subject=line.subject,
            actor=Actor(id=user.id, name=user.name, display_name=user.display_name)
            if user is not None
            else None,
            created_at=line.created_at,
        )
        for line, user in rows[:limit]
    ]
    return ActivityPage(items=items, before=items[-1].id if len(rows) > limit else None)
