"""A space's meeting: its room, who is in it now, and what the hub tells of it.

- GET /api/spaces/{id}/meeting: the room and the people present (members with meeting
  access at least "read").
- `SpaceMeetings`, the hub's RoomObserver in the process that holds the rooms: it tells the
  space's open pages when its meeting starts, changes or ends (`meeting.changed`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

import msgspec
from sqlalchemy.orm import Session

from ...accounts.principal import principal_for_user
from ...bus import space_topic
from ...meeting.names import SPACE_ROOM_PREFIX
from ...signaling.observer import MeetingEnded
from ...spaces import store
from ...spaces.policy import authorize
from .endpoints import ApiContext, Call, Endpoint

log = logging.getLogger(__name__)


class MeetingView(msgspec.Struct, kw_only=True):
    room: str
    live: bool
    participants: list[str]  # display names of those present


def meeting_rooms_of(session: Session, user_name: str) -> set[str]:
    """The rooms of the spaces whose meeting this account enters directly."""
    principal = principal_for_user(session, user_name)
    return store.meeting_rooms(session, principal.user_id) if principal else set()


def _room_of(session: Session, user_id: int, space_id: int) -> str:
    return authorize(session, user_id, space_id, "meeting.read").space.room


async def get_meeting(call: Call) -> MeetingView:
    room = await call.ctx.run(_room_of, call.me.user_id, call.param("space_id"))
    names = await call.ctx.backend.roster(room)
    return MeetingView(room=room, live=bool(names), participants=names)


ENDPOINTS = [
    Endpoint("GET", "/api/spaces/{space_id:int}/meeting", "The space's meeting: room, who is in",
             get_meeting, response=MeetingView, tags=("meeting",)),
]  # fmt: skip


class SpaceMeetings:
    """Tells a space's pages about its meeting; called by the hub on the event loop."""

    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx
        self._spaces: dict[str, int | None] = {}  # room -> space id, looked up once
        self._tasks: set[asyncio.Task[None]] = set()

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _space_of(self, room: str) -> int | None:
        if room not in self._spaces:
            self._spaces[room] = await self.ctx.run(store.space_of_room, room)
        return self._spaces[room]

    def roster_changed(self, room: str, names: list[str]) -> None:
        if room.startswith(SPACE_ROOM_PREFIX):
            self._spawn(self._tell(room, names))

    async def _tell(self, room: str, names: list[str]) -> None:
        space_id = await self._space_of(room)
        if space_id is None:
            return
        event = {"type": "meeting.changed", "space": space_id, "live": bool(names),
                 "participants": names}  # fmt: skip
        await self.ctx.bus.publish(space_topic(space_id), event)

    def meeting_ended(self, summary: MeetingEnded) -> None:
        if summary.room.startswith(SPACE_ROOM_PREFIX):
            self._spaces.pop(summary.room, None)

    async def close(self) -> None:
        for task in list(self._tasks):
            await asyncio.gather(task, return_exceptions=True)
