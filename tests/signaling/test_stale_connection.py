"""A connection whose seat went on without it (replaced by a resume, or suspended) is heard no
more: a publish offer or ICE restart it sent before the browser gave it up, arriving late,
must not touch the seat (docs/protocol.md, "Resuming after a drop")."""

from __future__ import annotations

import asyncio
import json
from typing import Any, cast

from starlette.websockets import WebSocket

from media.chrome_offer import CHROME_OFFER
from palabre.media.sfu import Sfu
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.hub import Hub
from palabre.signaling.session import Session


def _session(hub: Hub) -> Session:
    # Messages are handed to _handle directly: the WebSocket itself is never used.
    return Session(hub, cast(WebSocket, None))


def _sent(session: Session) -> list[dict[str, Any]]:
    out = []
    while not session._outbox.empty():
        text = session._outbox.get_nowait()
        if text is not None:
            out.append(json.loads(text))
    return out


def _join(session: Session, name: str, resume: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "join", "id": 1, "room": "conseil", "name": name}
    if resume is not None:
        message["resume"] = resume
    session._handle(json.dumps(message))
    joined = next(m for m in _sent(session) if m["type"] == "joined")
    return joined


def _hub() -> Hub:
    return Hub(Sfu(["127.0.0.1"]), MeetingCodes(b"k" * 32))


async def test_a_replaced_connection_cannot_publish_for_the_resumed_seat() -> None:
    hub = _hub()
    old, bob = _session(hub), _session(hub)
    first = _join(old, "Ada")
    ada = first["you"]["id"]
    _join(bob, "Bob")
    new = _session(hub)
    again = _join(new, "Ada", resume=first["resume"])
    assert again["you"]["id"] == ada
    _sent(bob)

    # The old connection's last frames arrive after the resume.
    old._handle(json.dumps({"type": "publish", "id": 2, "sdp": CHROME_OFFER}))
    old._handle(json.dumps({"type": "restart_ice"}))

    room = hub.members[ada].room
    assert room.participants[ada].tracks == ()
    assert not [m for m in _sent(bob) if m["type"] == "tracks"]
    assert hub.members[ada].media.tracks == []
    # The resumed connection itself is heard as usual.
    new._handle(json.dumps({"type": "publish", "id": 2, "sdp": CHROME_OFFER}))
    assert [m for m in _sent(new) if m["type"] == "publish_answer"]
    assert len(room.participants[ada].tracks) == 2


async def test_a_suspended_connection_cannot_publish() -> None:
    hub = _hub()
    old, bob = _session(hub), _session(hub)
    ada = _join(old, "Ada")["you"]["id"]
    _join(bob, "Bob")
    hub.suspend(hub.members[ada], "media_timeout")
    _sent(bob)

    old._handle(json.dumps({"type": "publish", "id": 2, "sdp": CHROME_OFFER}))

    assert not [m for m in _sent(bob) if m["type"] == "tracks"]
    room = next(iter(hub.rooms))
    assert room.participants[ada].tracks == ()


class _HungUp:
    """A client that sent `leave` and closed: our writes to it fail, its leave is still to
    be read."""

    def __init__(self, frames: list[dict[str, Any]]) -> None:
        self.frames = frames

    async def accept(self) -> None:
        pass

    async def receive(self) -> dict[str, Any]:
        await asyncio.sleep(0.05)  # the writer finds the client gone first
        return self.frames.pop(0) if self.frames else {"type": "websocket.disconnect"}

    async def send_text(self, text: str) -> None:
        raise RuntimeError("the client hung up")

    async def close(self, code: int = 1000) -> None:
        pass


async def test_a_leave_read_after_the_client_hung_up_still_ends_the_seat() -> None:
    hub = _hub()
    socket = _HungUp([{"type": "websocket.receive", "text": json.dumps({"type": "leave"})}])
    session = Session(hub, cast(WebSocket, socket))
    ada = _join(session, "Ada")["you"]["id"]
    session.send({"type": "something"})  # a write that will fail
    await session.run()
    assert ada not in hub.members
    assert not list(hub.rooms)  # left for good: no seat kept for a resume
