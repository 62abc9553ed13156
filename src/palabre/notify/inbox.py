"""A person's notifications: read newest first by pages, marked read; each person sees and
marks only their own (another's id is not found, and nothing changes)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..bus import Event, user_topic
from ..db import utcnow
from ..errors import Invalid, NotFound
from .models import Notification
from .views import NotificationPage, notification_view

MAX_PAGE = 100
MAX_IDS = 500

Events = list[tuple[str, Event]]


def unread_count(session: Session, user_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def list_notifications(
    session: Session, user_id: int, before: int | None, limit: int
) -> NotificationPage:
    """Newest first; `before` (a notification id) gives the page after one already shown."""
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}")
    query = select(Notification).where(Notification.user_id == user_id)
    if before is not None:
        query = query.where(Notification.id < before)
    rows = list(session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    return NotificationPage(
        notifications=[notification_view(row) for row in rows[:limit]],
        unread=unread_count(session, user_id),
        more=len(rows) > limit,
    )


def mark_read(
    session: Session, user_id: int, ids: list[int] | None, everything: bool
) -> tuple[int, Events]:
    """Mark these (or all) of the person's notifications read; the unread count left, and the
    event telling their other pages."""
    if everything == (ids is not None):
        raise Invalid("give either ids or all: true")
    now = utcnow()
    mine = (Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        wanted = set(ids)
        if not 1 <= len(wanted) <= MAX_IDS:
            raise Invalid(f"ids holds 1 to {MAX_IDS} notification ids")
        found = session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.id.in_(wanted))
        )
        if found != len(wanted):
            raise NotFound("no such notification")
        chosen = update(Notification).where(*mine, Notification.id.in_(wanted))
        session.execute(chosen.values(read_at=now))
    else:
        session.execute(update(Notification).where(*mine).values(read_at=now))
    unread = unread_count(session, user_id)
    event: Event = {
        "type": "notification.read",
        "ids": sorted(ids) if ids is not None else None,
        "all": everything,
        "unread": unread,
    }
    return unread, [(user_topic(user_id), event)]
