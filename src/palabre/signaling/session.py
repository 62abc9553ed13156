"""One participant's signaling connection: limits, decoding, dispatch, and ordered sending."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import msgspec
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..media.sdp import SdpError
from ..meeting.admission import JoinRights
from ..meeting.room import RoomFull
from . import breakouts, collab, moderation, p2p, polls
from .gate import Gate, Rights, check_join
from .hub import Hub, JoinRefused, Member, Waiter
from .protocol import client
from .protocol import server as ev
from .protocol.base import encode
from .protocol.client import ProtocolError

log = logging.getLogger(__name__)

SEND_QUEUE_LIMIT = 1000  # a client this far behind is not reading: disconnect it


class Session:
    def __init__(
        self,
        hub: Hub,
        websocket: WebSocket,
        rate: float = 20,
        burst: float = 40,
        rights: Rights | None = None,
    ):
        self.hub = hub
        self.websocket = websocket
        self.member: Member | None = None
        self.waiter: Waiter | None = None
        # What this connection proved (sign-in, invitation), as rights in a given room.
        self.rights = rights or (lambda room: JoinRights())
        self._gate = Gate(rate, burst)
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._closing = False

    # --- Peer protocol, used by the hub ---

    def send(self, message: ev.ServerMessage) -> None:
        if self._closing:
            return
        if self._outbox.qsize() >= SEND_QUEUE_LIMIT:
            log.info("signaling client too slow, disconnecting")
            self._closing = True
            self._outbox.put_nowait(None)
            return
        self._outbox.put_nowait(encode(message).decode())

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

    def _reply_error(self, error: ProtocolError, joining: bool = False) -> None:
        if joining:
            self.hub.counts.refused(error.code)
        else:
            self.hub.counts.error(error.code)
        self.send(ev.Error(code=error.code, message=error.message, ref=error.ref))

    def _handle(self, text: str | None) -> None:
        try:
            message = self._gate.admit(text)
            if message is not None:
                self._dispatch(message)
        except ProtocolError as exc:
            joining = self.member is None and self.waiter is None and _is_join(text)
            self._reply_error(exc, joining)

    def _dispatch(self, message: client.ClientMessage) -> None:
        ref = message.id
        if isinstance(message, client.Ping):
            self.send(ev.Pong(ref=ref))
            return
        if isinstance(message, client.Join):
            if self.member is not None or self.waiter is not None:
                raise ProtocolError("already_joined", "this connection has joined already", ref)
            request = check_join(message, self.rights)
            try:
                joined = self.hub.join(
                    _Replier(self, ref),
                    request.room,
                    request.name,
                    request.rights,
                    resume=message.resume,
                    version=request.version,
                )
            except RoomFull as exc:
                raise ProtocolError("room_full", str(exc), ref) from None
            except JoinRefused as exc:
                raise ProtocolError(exc.code, exc.message, ref) from None
            if isinstance(joined, Waiter):
                self.waiter = joined
            else:
                self.member = joined
            return
        if self.waiter is not None:
            if isinstance(message, client.Leave):
                waiter, self.waiter = self.waiter, None
                self.hub.turn_away(waiter, "left")
                return
            raise ProtocolError("waiting", "you are waiting in the lobby", ref)
        member = self.member
        if member is None:
            raise ProtocolError("not_joined", "send join first", ref)
        if self.hub.members.get(member.id) is not member:
            # This connection's seat went on without it (a resume replaced it, or the seat
            # was suspended): a late message from it, a publish offer or an ICE restart of
            # peer connections the browser has closed, must not touch the seat's new ones.
            return
        if isinstance(message, client.ModeratorMessage):
            moderation.act(self.hub, member, message)
            return
        if isinstance(message, client.CollabMessage):
            collab.act(self.hub, member, message)
            return
        if isinstance(message, client.P2pSignal):
            p2p.relay(self.hub, member, message)
            return
        if isinstance(message, client.P2pFallback):
            self.hub.p2p_fallback(member, message.session)
            return
        if isinstance(message, client.PollMessage):
            polls.act(self.hub, member, message)
            return
        if isinstance(message, client.BreakoutRequest):
            breakouts.act(self.hub, member, message)
            return
        if isinstance(message, client.Publish):
            try:
                answer = self.hub.publish(member, message.sdp, message.sources)
            except SdpError as exc:
                raise ProtocolError("bad_sdp", f"sdp: {exc}", ref) from None
            self.send(ev.PublishAnswer(sdp=answer, ref=ref))
        elif isinstance(message, client.SubscribeAnswer):
            try:
                self.hub.subscribe_answer(member, message.sdp)
            except SdpError as exc:
                raise ProtocolError("bad_sdp", f"sdp: {exc}", ref) from None
        elif isinstance(message, client.RestartIce):
            self.hub.restart_ice(member)
        elif isinstance(message, client.Mute):
            self.hub.mute(member, message.kind, message.muted)
        elif isinstance(message, client.Leave):
            self.member = None
            self.hub.leave(member, "left")


class _Replier:
    """The session as the hub's Peer, adding `ref` to the `joined` reply only."""

    def __init__(self, session: Session, ref: int | None) -> None:
        self._session = session
        self._ref = ref

    def send(self, message: ev.ServerMessage) -> None:
        if self._ref is not None and isinstance(message, ev.Joined | ev.LobbyWaiting):
            message = msgspec.structs.replace(message, ref=self._ref)
            self._ref = None
        self._session.send(message)

    def close(self, reason: str) -> None:
        self._session.close(reason)

    def admitted(self, member: Member) -> None:
        self._session.admitted(member)


def _is_join(text: str | None) -> bool:
    try:
        return text is not None and isinstance(client.decode(text), client.Join)
    except ProtocolError:
        return False


def _is_leave(text: str) -> bool:
    try:
        return isinstance(client.decode(text), client.Leave)
    except ProtocolError:
        return False
