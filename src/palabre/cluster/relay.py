"""A client's signaling WebSocket in the main process, relayed to the worker of its room.

Until the client joins, the main process answers it itself, as a worker's Session would:
`pong` to `ping`, `error` to a bad message or to anything but `join`. A valid `join` is
forwarded unchanged over a connection to the room's worker, whose first reply is the join's
answer: `joined` or `lobby_waiting` and the relay carries frames both ways until either side
closes; an `error` (a refusal: full, locked, password...) goes back to the client, the
internal connection is dropped and the client may try again, perhaps for another room.
The protocol on the wire is the same as with one process (docs/protocol.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace

import msgspec
from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from ..meeting.admission import JoinRights
from ..meeting.names import InvalidName, clean_display_name, normalize_room_name
from ..signaling import messages
from ..signaling.limits import ExcessNotice, TokenBucket

log = logging.getLogger(__name__)

JOIN_TIMEOUT = 15.0  # a worker answers a join at once; this is for a worker that hangs

# Opens the internal connection for a room with these rights: a context manager holding
# the room's place on its worker while the connection lasts. Raises WorkerUnavailable.
Dial = Callable[[str, JoinRights], AbstractAsyncContextManager[ClientConnection]]


class WorkerUnavailable(Exception):
    pass


class Relay:
    def __init__(
        self,
        websocket: WebSocket,
        dial: Dial,
        rights: Callable[[str], JoinRights],
        rate: float = 20,
        burst: float = 40,
    ) -> None:
        self.websocket = websocket
        self.dial = dial
        self.rights = rights
        self._bucket = TokenBucket(rate, burst)
        self._excess = ExcessNotice()
        self.joined = False  # relaying to a worker (joined, or in the lobby)

    async def run(self) -> None:
        await self.websocket.accept()
        try:
            while True:
                frame = await self.websocket.receive()
                if frame["type"] == "websocket.disconnect":
                    return
                room = await self._before_join(frame.get("text"))
                if room is not None and await self._joined(room, frame["text"]):
                    return
        except (WebSocketDisconnect, OSError, RuntimeError):
            pass  # the client went away (sending to a closed WebSocket raises these)
        finally:
            with contextlib.suppress(Exception):
                await self.websocket.close(1000)

    async def _send(self, message: dict[str, object]) -> None:
        await self.websocket.send_text(messages.encode(message).decode())

    async def _before_join(self, text: str | None) -> str | None:
        """Answer a message sent before joining; for a valid join, the room it names."""
        if text is None:
            await self._error(messages.ProtocolError("bad_message", "send JSON text frames"))
            return None
        if not self._bucket.allow():
            # The first excess message of each second is answered, the others dropped.
            if self._excess.answer():
                await self._error(
                    messages.ProtocolError(
                        "rate_limited", "too many messages; slow down", messages.peek_ref(text)
                    )
                )
            return None
        try:
            message = messages.decode(text)
            if isinstance(message, messages.Ping):
                pong: dict[str, object] = {"type": "pong"}
                if message.id is not None:
                    pong["ref"] = message.id
                await self._send(pong)
                return None
            if not isinstance(message, messages.Join):
                raise messages.ProtocolError("not_joined", "send join first", message.id)
            return self._check_join(message)
        except messages.ProtocolError as exc:
            await self._error(exc)
            return None

    def _check_join(self, message: messages.Join) -> str:
        """The checks a worker's Session makes before the hub: the same errors, here."""
        ref = message.id
        try:
            room = normalize_room_name(message.room)
        except InvalidName as exc:
            raise messages.ProtocolError("invalid", f"room: {exc}", ref) from None
        rights = replace(self.rights(room), password=message.password)
        try:
            clean_display_name(rights.name or message.name)
        except InvalidName as exc:
            raise messages.ProtocolError("invalid", f"name: {exc}", ref) from None
        return room

    async def _error(self, error: messages.ProtocolError) -> None:
        await self._send(messages.error(error.code, error.message, error.ref))

    async def _joined(self, room: str, join: str) -> bool:
        """Forward the join to the room's worker. True when the connection has ended (the
        session ran its course); False when the join was refused and the client may retry."""
        ref = msgspec.json.decode(join).get("id")
        try:
            async with self.dial(room, self.rights(room)) as upstream:
                await upstream.send(join)
                answer = await asyncio.wait_for(upstream.recv(), JOIN_TIMEOUT)
                assert isinstance(answer, str)
                await self.websocket.send_text(answer)
                if msgspec.json.decode(answer).get("type") == "error":
                    return False
                self.joined = True
                await self._pump(upstream)
                return True
        except (WorkerUnavailable, OSError, TimeoutError, ConnectionClosed) as exc:
            log.warning("media worker unreachable: %s", exc)
            await self._send(
                messages.error("unavailable", "the meeting server is busy; try again", ref)
            )
            return False

    async def _pump(self, upstream: ClientConnection) -> None:
        """Frames both ways until either side closes; then the other side is closed too."""
        to_worker = asyncio.create_task(self._client_to_worker(upstream))
        to_client = asyncio.create_task(self._worker_to_client(upstream))
        try:
            await asyncio.wait({to_worker, to_client}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            to_worker.cancel()
            to_client.cancel()
            await asyncio.gather(to_worker, to_client, return_exceptions=True)

    async def _client_to_worker(self, upstream: ClientConnection) -> None:
        try:
            while True:
                frame = await self.websocket.receive()
                if frame["type"] == "websocket.disconnect":
                    break
                data = frame.get("text")
                await upstream.send(data if data is not None else frame.get("bytes") or b"")
        except (WebSocketDisconnect, ConnectionClosed):
            pass

    async def _worker_to_client(self, upstream: ClientConnection) -> None:
        try:
            async for data in upstream:
                if isinstance(data, str):
                    await self.websocket.send_text(data)
                else:
                    await self.websocket.send_bytes(data)
        except (WebSocketDisconnect, ConnectionClosed, RuntimeError):
            pass
