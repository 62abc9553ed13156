"""A client's signaling WebSocket in the main process, relayed to the worker of its room.

Until the client joins, the main process answers it itself, through the same gate as a
worker's Session (signaling/gate.py): `pong` to `ping`, `error` to a bad message or to
anything but `join`. A valid `join` is
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

from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from ..meeting.admission import JoinRights
from ..signaling.counts import SignalingCounts
from ..signaling.gate import Gate, JoinRequest, Rights, check_join
from ..signaling.protocol import client
from ..signaling.protocol import server as ev
from ..signaling.protocol.base import encode
from ..signaling.protocol.client import ProtocolError

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
        rights: Rights,
        rate: float = 20,
        burst: float = 40,
        counts: SignalingCounts | None = None,
    ) -> None:
        self.websocket = websocket
        self.counts = SignalingCounts() if counts is None else counts
        self.dial = dial
        self.rights = rights
        self._gate = Gate(rate, burst)
        self.joined = False  # relaying to a worker (joined, or in the lobby)

    async def run(self) -> None:
        await self.websocket.accept()
        try:
            while True:
                frame = await self.websocket.receive()
                if frame["type"] == "websocket.disconnect":
                    return
                join = await self._before_join(frame.get("text"))
                if join is not None and await self._joined(join, frame["text"]):
                    return
        except (WebSocketDisconnect, OSError, RuntimeError):
            pass  # the client went away (sending to a closed WebSocket raises these)
        finally:
            with contextlib.suppress(Exception):
                await self.websocket.close(1000)

    async def _send(self, message: ev.ServerMessage) -> None:
        await self.websocket.send_text(encode(message).decode())

    async def _before_join(self, text: str | None) -> JoinRequest | None:
        """Answer a message sent before joining; a valid join passes."""
        joining = False
        try:
            message = self._gate.admit(text)
            if message is None:
                return None
            if isinstance(message, client.Ping):
                await self._send(ev.Pong(ref=message.id))
                return None
            if not isinstance(message, client.Join):
                raise ProtocolError("not_joined", "send join first", message.id)
            joining = True
            return check_join(message, self.rights)
        except ProtocolError as exc:
            if joining:
                self.counts.refused(exc.code)
            else:
                self.counts.error(exc.code)
            await self._send(ev.Error(code=exc.code, message=exc.message, ref=exc.ref))
            return None

    async def _joined(self, join: JoinRequest, text: str) -> bool:
        """Forward the join to the room's worker. True when the connection has ended (the
        session ran its course); False when the join was refused and the client may retry."""
        try:
            async with self.dial(join.room, self.rights(join.room)) as upstream:
                await upstream.send(text)
                answer = await asyncio.wait_for(upstream.recv(), JOIN_TIMEOUT)
                assert isinstance(answer, str)
                await self.websocket.send_text(answer)
                if isinstance(ev.decode(answer), ev.Error):
                    return False
                self.joined = True
                await self._pump(upstream)
                return True
        except (WorkerUnavailable, OSError, TimeoutError, ConnectionClosed) as exc:
            log.warning("media worker unreachable: %s", exc)
            busy = "the meeting server is busy; try again"
            self.counts.refused("unavailable")
            await self._send(ev.Error(code="unavailable", message=busy, ref=join.ref))
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
