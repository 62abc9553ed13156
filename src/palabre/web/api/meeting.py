"""A space's meeting: its room, who is in it now, and what the hub tells of it.

- GET /api/spaces/{id}/meeting: the room and the people present (members with meeting
  access at least "read").
- `SpaceMeetings`, the hub's RoomObserver in the process that holds the rooms: it tells the
  space's open pages when its meeting starts, changes or ends (`meeting.changed`), and at
  the end keeps its minutes (the space's report) and, if a moderator asked, its chat, its
  notes (a document) and its whiteboard (a board).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...accounts.principal import principal_for_user
from ...accounts.users import User
from ...bus import Event, space_topic
from ...documents.content import copy_update, from_meeting_notes
from ...documents.store import create_document
from ...errors import Refusal
from ...meeting.names import SPACE_ROOM_PREFIX
from ...messaging.models import Channel
from ...messaging.rules import GENERAL
from ...messaging.store import post_message
from ...messaging.transcript import transcript
from ...signaling.observer import MeetingEnded
from ...spaces import store
from ...spaces.policy import authorize
from ...spaces.report import record_meeting
from .endpoints import ApiContext, Call, Endpoint

log = logging.getLogger(__name__)

Events = list[tuple[str, Event]]


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


def keep_meeting(session: Session, summary: MeetingEnded) -> Events:
    """Record the meeting in its space's report; keep its notes as a document and post its
    chat into the space's general channel, as the moderators who asked for them."""
    started = datetime.fromtimestamp(summary.opened_at, UTC)
    ended = datetime.fromtimestamp(max(summary.ended_at, summary.opened_at), UTC)
    if not record_meeting(session, summary.room, started, ended, summary.person_seconds / 60):
        return []
    return keep_notes(session, summary) + keep_board(session, summary) + keep_chat(session, summary)


def _keep_document(
    session: Session, summary: MeetingEnded, account: str | None, kind: str,
    titles: tuple[str, str], content: bytes,
) -> Events:  # fmt: skip
    """A new document of the meeting's space, made by the moderator who asked, if they still
    may write the space's documents (else it is lost, as it would have been without their
    asking). `titles`: French and English, formatted with the meeting's start."""
    if account is None or not content:
        return []
    user = session.scalar(select(User).where(User.name == account))
    space_id = store.space_of_room(session, summary.room)
    if user is None or space_id is None:
        return []
    started = datetime.fromtimestamp(summary.opened_at, UTC)
    title = titles[0] if (user.language or "fr") == "fr" else titles[1]
    try:
        with session.begin_nested():
            _, events = create_document(
                session, user.id, space_id, started.strftime(title), kind, None, content
            )
    except Refusal as refusal:
        log.info("a meeting's %s was not kept: %s", kind, refusal)
        return []
    return events


def keep_notes(session: Session, summary: MeetingEnded) -> Events:
    """The meeting's shared notes as a new text document of its space."""
    if summary.save_notes_by is None or not summary.notes:
        return []
    titles = ("Notes de réunion du %d/%m/%Y %H:%M UTC", "Meeting notes, %Y-%m-%d %H:%M UTC")
    return _keep_document(session, summary, summary.save_notes_by, "text", titles,
                          from_meeting_notes(summary.notes))  # fmt: skip


def keep_board(session: Session, summary: MeetingEnded) -> Events:
    """The meeting's whiteboard as a new board of its space (the same layout: a copy)."""
    if summary.save_board_by is None or not summary.board:
        return []
    titles = ("Tableau de réunion du %d/%m/%Y %H:%M UTC", "Meeting board, %Y-%m-%d %H:%M UTC")
    return _keep_document(session, summary, summary.save_board_by, "board", titles,
                          copy_update(summary.board))  # fmt: skip


def keep_chat(session: Session, summary: MeetingEnded) -> Events:
    """The chat, posted into the space's general channel as the moderator who asked, if they
    still may (else it is lost, as it would have been without their asking)."""
    if summary.save_chat_by is None or not summary.chat:
        return []
    user = session.scalar(select(User).where(User.name == summary.save_chat_by))
    space_id = store.space_of_room(session, summary.room)
    channel_id = session.scalar(
        select(Channel.id).where(Channel.space_id == space_id, Channel.name == GENERAL)
    )
    if user is None or channel_id is None:
        return []
    bodies = transcript(
        [(line.name, line.text, line.time) for line in summary.chat],
        summary.opened_at,
        summary.ended_at,
        user.language or "fr",
    )
    events: Events = []
    for index, body in enumerate(bodies):
        client_id = f"meeting-{summary.opened_at:.3f}-{index}"
        try:
            _, _, posted = post_message(session, user.id, channel_id, body, client_id)
        except Refusal as refusal:
            log.info("a meeting's chat was not kept: %s", refusal)
            return events
        events += posted
    return events


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
            self._spawn(self._keep(summary))

    async def _keep(self, summary: MeetingEnded) -> None:
        """The meeting's minutes for its space's report, and its chat if it is to be kept."""
        try:
            events = await self.ctx.run(keep_meeting, summary)
        except Exception:
            log.exception("a space's meeting could not be kept")
            return
        await self.ctx.publish(events)

    async def close(self) -> None:
        for task in list(self._tasks):
            await asyncio.gather(task, return_exceptions=True)
