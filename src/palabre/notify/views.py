"""What the API shows of a notification."""

from __future__ import annotations

from datetime import datetime

import msgspec

from .models import Notification


class NotificationView(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    text: str
    actor_id: int | None
    space_id: int | None
    channel_id: int | None
    message_id: int | None
    created_at: datetime
    read: bool


def notification_view(row: Notification) -> NotificationView:
    return NotificationView(
        id=row.id,
        kind=row.kind,
        text=row.text,
        actor_id=row.actor_id,
        space_id=row.space_id,
        channel_id=row.channel_id,
        message_id=row.message_id,
        created_at=row.created_at,
        read=row.read_at is not None,
    )


class NotificationPage(msgspec.Struct, kw_only=True):
    notifications: list[NotificationView]  # newest first
    unread: int  # all the person's unread notifications, not only this page's
    more: bool  # older ones follow: ask with before=<the last id here>
