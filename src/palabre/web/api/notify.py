"""/api/notifications and /api/spaces/{id}/notify: a person's notifications, read and
marked, and how much they hear from each space (docs/workspace-api.md)."""

from __future__ import annotations

import msgspec

from ...notify import inbox
from ...notify.levels import SpaceLevel, set_space_level
from ...notify.views import NotificationPage
from .endpoints import Call, Endpoint


class MarkRead(msgspec.Struct, forbid_unknown_fields=True):
    ids: list[int] | None = None
    everything: bool = msgspec.field(default=False, name="all")


class Unread(msgspec.Struct):
    unread: int


class Level(msgspec.Struct, forbid_unknown_fields=True):
    level: str


async def list_notifications(call: Call) -> NotificationPage:
    before = call.int_query("before", 0, 1, 2**62) or None
    limit = call.int_query("limit", 50, 1, inbox.MAX_PAGE)
    return await call.ctx.run(inbox.list_notifications, call.me.user_id, before, limit)


async def mark_read(call: Call) -> Unread:
    body: MarkRead = call.body
    unread, events = await call.ctx.run(inbox.mark_read, call.me.user_id, body.ids, body.everything)
    await call.ctx.publish(events)
    return Unread(unread)


async def set_level(call: Call) -> SpaceLevel:
    body: Level = call.body
    view, events = await call.ctx.run(
        set_space_level, call.me.user_id, call.param("space_id"), body.level
    )
    await call.ctx.publish(events)
    return view


ENDPOINTS = [
    Endpoint("GET", "/api/notifications", "The caller's notifications, newest first",
             list_notifications, response=NotificationPage, tags=("notifications",)),
    Endpoint("POST", "/api/notifications/read", "Mark notifications read (ids, or all)",
             mark_read, body=MarkRead, response=Unread, tags=("notifications",)),
    Endpoint("PUT", "/api/spaces/{space_id:int}/notify",
             "How much the caller hears from a space: all, mentions or none", set_level,
             body=Level, response=SpaceLevel, tags=("notifications",)),
]  # fmt: skip
