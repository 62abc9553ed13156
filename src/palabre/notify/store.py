"""Notifications in the database: made by the other packages' operations, in their
transaction, so a notification exists exactly when what it tells of does."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..bus import Event, user_topic
from .models import KINDS, Notification
from .views import NotificationView, notification_view


def add_notification(
    session: Session,
    user_id: int,
    kind: str,
    *,
    text: str,
    actor_id: int | None = None,
    space_id: int | None = None,
    channel_id: int | None = None,
    message_id: int | None = None,
) -> tuple[NotificationView, tuple[str, Event]]:
    """A notification for `user_id`, and the event telling their open pages."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    row = Notification(
        user_id=user_id,
        kind=kind,
        text=text[:500],
        actor_id=actor_id,
        space_id=space_id,
        channel_id=channel_id,
        message_id=message_id,
    )
    session.add(row)
    session.flush()
    view = notification_view(row)
    return view, (user_topic(user_id), {"type": "notification", "notification": view})


def remove_notifications(session: Session, message_id: int) -> None:
    """Take back what a message (now deleted) made: its text must not outlive it."""
    session.execute(delete(Notification).where(Notification.message_id == message_id))
