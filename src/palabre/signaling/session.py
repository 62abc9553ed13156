"""One participant's signaling connection: limits, decoding, dispatch, and ordered sending."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from ..media.sdp import SdpError
from ..meeting.admission import JoinRights
from ..meeting.names import InvalidName, clean_display_name, normalize_room_name
from ..meeting.room import RoomFull
from . import collab, messages, moderation
from .hub import Hub, JoinRefused, Member, Waiter
from .limits import ExcessNotice, TokenBucket

log = logging.getLogger(__name__)

SEND_QUEUE_LIMIT = 1000  # a client this far behind is not reading: disconnect it


class Session:
    def __init__(
        self,
        hub: Hub,
        websocket: WebSocket,
        rate: float = 20,
        burst: float = 40,
        rights: Callable[[str], JoinRights] | None = None,
    ):
        self.hub = hub
        self.websocket = websocket
        self.member: Member | None = None
        self.waiter: Waiter | None = None
        # What this connection proved (sign-in, invitation), as rights in a given room.
        self.rights = rights or (lambda room: JoinRights())
        self._bucket = TokenBucket(rate, burst)
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._closing = False
        self._excess = ExcessNotice()

    # --- Peer protocol, used by the hub ---

    def send(self, message: dict[str, Any]) -> None:
        if self._closing:
            return
        if self._outbox.qsize() >= SEND_QUEUE_LIMIT:
            log.info("signaling client too slow, disconnecting")
            self._closing = True
            self._outbox.put_nowait(None)
            return
        self._outbox.put_nowait(messages.encode(message).decode())

    def admitted(self, member: Member) -> None:
        self.waiter = None
        self.member = member

    def close(self, reason: str) -> None:
        if not self._closing:
            self._closing = True
            self._outbox.put_nowait(None)

    # --- the connection ---

    async def run(self) -> None:
        await self.websocket.accept()
        writer = asyncio.create_task(self._write())
        try:
            while not self._closing:
                frame = await self.websocket.receive()
                if frame["type"] == "websocket.disconnect":
                    break
                text = frame.get("text")
                if self._closing:
                    # Closing (replaced by a resume, suspended, too slow, or our write failed
                    # because the client hung up): what the client sent meanwhile belongs to a
                    # connection it has given up, but for its goodbye: a `leave` still ends
                    # the seat rather than keeping it for a resume (a replaced connection's
                    # leave is dropped by _dispatch, the seat being no longer its own).
                    if text is not None and _is_leave(text):
                        self._handle(text)
                    break
                if text is None:
                    self._reply_error(
                        messages.ProtocolError("bad_message", "send JSON text frames")
                    )
                    continue
                self._handle(text)
        except WebSocketDisconnect:
            pass
        finally:
            if self.member is not None:  # no `leave`: it may come back with its token
                self.hub.suspend(self.member, "dropped")
            if self.waiter is not None:
                self.hub.turn_away(self.waiter, "left")
            self.close("left")
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer, 5)
            with contextlib.suppress(Exception):
                await self.websocket.close(1000)

    async def _write(self) -> None:
        while True:
            text = await self._outbox.get()
            if text is None:
                break
            try:
                await self.websocket.send_text(text)
            except Exception:
                break
        self._closing = True
        with contextlib.suppress(Exception):
            await self.websocket.close(1000)

    def _reply_error(self, error: messages.ProtocolError) -> None:
        self.send(messages.error(error.code, error.message, error.ref))

    def _handle(self, text: str) -> None:
        if not self._bucket.allow():
            # The first excess message of each second is answered, the others dropped.
            if self._excess.answer():
                self._reply_error(
                    messages.ProtocolError(
                        "rate_limited", "too many messages; slow down", messages.peek_ref(text)
                    )
                )
            return
        try:
            message = messages.decode(text)
            self._dispatch(message)
        except messages.ProtocolError as exc:
            self._reply_error(exc)

    def _dispatch(self, message: messages.ClientMessage) -> None:
        ref = message.id
        if isinstance(message, messages.Ping):
            self.send(_with_ref({"type": "pong"}, ref))
            return
        if isinstance(message, messages.Join):
            if self.member is not None or self.waiter is not None:
                raise messages.ProtocolError(
                    "already_joined", "this connection has joined already", ref
                )
            try:
                room = normalize_room_name(message.room)
            except InvalidName as exc:
                raise messages.ProtocolError("invalid", f"room: {exc}", ref) from None
            rights = replace(self.rights(room), password=message.password, e2ee=message.e2ee)
            try:
                name = clean_display_name(rights.name or message.name)
            except InvalidName as exc:
                raise messages.ProtocolError("invalid", f"name: {exc}", ref) from None
            try:
                joined = self.hub.join(
                    _Replier(self, ref), room, name, rights, resume=message.resume
                )
            except RoomFull as exc:
                raise messages.ProtocolError("room_full", str(exc), ref) from None
            except JoinRefused as exc:
                raise messages.ProtocolError(exc.code, exc.message, ref) from None
            if isinstance(joined, Waiter):
                self.waiter = joined
            else:
                self.member = joined
            return
        if self.waiter is not None:
            if isinstance(message, messages.Leave):
                waiter, self.waiter = self.waiter, None
                self.hub.turn_away(waiter, "left")
                return
            raise messages.ProtocolError("waiting", "you are waiting in the lobby", ref)
        member = self.member
        if member is None:
            raise messages.ProtocolError("not_joined", "send join first", ref)
        if self.hub.members.get(member.id) is not member:
            # This connection's seat went on without it (a resume replaced it, or the seat
            # was suspended): a late message from it, a publish offer or an ICE restart of
            # peer connections the browser has closed, must not touch the seat's new ones.
            return
        if isinstance(message, messages.ModeratorMessage):
            moderation.act(self.hub, member, message)
            return
        if isinstance(message, messages.CollabMessage):
            collab.act(self.hub, member, message)
            return
        if isinstance(message, messages.Publish):
            try:
                answer = self.hub.publish(member, message.sdp, message.sources)
            except SdpError as exc:
                raise messages.ProtocolError("bad_sdp", f"sdp: {exc}", ref) from None
            self.send(_with_ref({"type": "publish_answer", "sdp": answer}, ref))
        elif isinstance(message, messages.SubscribeAnswer):
            try:
                self.hub.subscribe_answer(member, message.sdp)
            except SdpError as exc:
                raise messages.ProtocolError("bad_sdp", f"sdp: {exc}", ref) from None
        elif isinstance(message, messages.RestartIce):
            self.hub.restart_ice(member)
        elif isinstance(message, messages.Mute):
            self.hub.mute(member, message.kind, message.muted)
        elif isinstance(message, messages.Leave):
            self.member = None
            self.hub.leave(member, "left")


class _Replier:
    """The session as the hub's Peer, adding `ref` to the `joined` reply only."""

    def __init__(self, session: Session, ref: int | None) -> None:
        self._session = session
        self._ref = ref

    def send(self, message: dict[str, Any]) -> None:
        if self._ref is not None and message.get("type") in ("joined", "lobby_waiting"):
            message = _with_ref(message, self._ref)
            self._ref = None
        self._session.send(message)

    def close(self, reason: str) -> None:
        self._session.close(reason)

    def admitted(self, member: Member) -> None:
        self._session.admitted(member)


def _with_ref(message: dict[str, Any], ref: int | None) -> dict[str, Any]:
    if ref is not None:
        message["ref"] = ref
    return message


def _is_leave(text: str) -> bool:
    try:
        return isinstance(messages.decode(text), messages.Leave)
    except messages.ProtocolError:
        return False
