"""One SFU worker process: a full hub and SFU behind an internal signaling endpoint.

Started by the main process (src/palabre/cluster/workers.py) as
`python -m palabre.cluster.worker`. Its standard input carries one JSON line of WorkerConfig
and then control requests (one JSON object a line: `health`, `room`, `metrics`, `usage`,
`shutdown`, with a `ref`);
standard output carries a `ready` line and then one reply a line, with the request's `ref`.
The end of standard input means the main process is gone: the worker says goodbye to its
participants and exits.

The signaling endpoint listens on a Unix socket in a directory only this user can enter, and
accepts a WebSocket only with a grant signed by the main process (src/palabre/cluster/grant.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

import msgspec
import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from ..config import Settings
from ..media.sfu import Sfu
from ..meeting.admission import JoinRights
from ..meeting.codes import MeetingCodes
from ..runtime import GracefulServer, Node, run_on_uvloop, uvicorn_config
from ..signaling.counts import MeetingUsage
from ..signaling.hub import Hub
from ..signaling.media import media_packets
from ..signaling.session import Session
from ..stats.sample import node_sample
from . import grant

log = logging.getLogger("palabre.cluster.worker")  # also when run as __main__


class WorkerConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    index: int
    settings: Settings
    server_secret: str  # hex: the installation's secret (meeting codes derive from it)
    grant_key: str  # hex: this run's key for grants
    socket: str  # path of the Unix socket to listen on
    media_port: int
    media_tcp_port: int | None


class AssignedCodes(MeetingCodes):
    """Meeting codes as the main process assigned them; it alone writes the codes file."""

    def __init__(self, secret: bytes) -> None:
        super().__init__(secret, None)
        self.assigned: dict[str, str] = {}

    def code_for(self, room_name: str) -> str:
        return self.assigned.get(room_name) or super().code_for(room_name)


STOP_DRAIN = 3.0  # seconds a stopping worker waits for its goodbyes to go out


async def drained(count: Callable[[], int], timeout: float) -> None:
    """Until no connection is left (each ends after its goodbye), or `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while count() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


class WorkerServer(GracefulServer):
    """Stops once every participant's goodbye has gone out (not after a fixed delay: with
    media flowing on a busy machine, it can take longer), or after STOP_DRAIN seconds."""

    def __init__(self, config: uvicorn.Config, hub: Hub, sessions: set[Session]) -> None:
        super().__init__(config, hub)
        self.sessions = sessions

    def graceful_exit(self) -> None:
        if self.hub is not None:
            log.info("shutting down: telling %d participants", len(self.hub.members))
            self.hub.shutdown()
        asyncio.get_running_loop().create_task(self._exit_when_drained())

    async def _exit_when_drained(self) -> None:
        await drained(lambda: len(self.sessions), STOP_DRAIN)
        self.should_exit = True


def worker_app(
    hub: Hub,
    codes: AssignedCodes,
    settings: Settings,
    key: bytes,
    sessions: set[Session] | None = None,
) -> Starlette:
    """`sessions` holds the open connections' sessions."""
    sessions = set() if sessions is None else sessions

    async def websocket_endpoint(websocket: WebSocket) -> None:
        try:
            granted = grant.verify(key, websocket.headers.get(grant.HEADER, ""))
        except grant.GrantError as exc:
            log.warning("internal connection refused: %s", exc)
            await websocket.close(1008)
            return
        codes.assigned[granted.room] = granted.code

        def rights(room: str) -> JoinRights:
            return granted.rights if room == granted.room else JoinRights()

        session = Session(hub, websocket, settings.rate_limit, settings.rate_burst, rights)
        sessions.add(session)
        try:
            await session.run()
        finally:
            sessions.discard(session)

    return Starlette(routes=[WebSocketRoute("/ws", websocket_endpoint)])


def _listen(path: str) -> socket.socket:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # left by a worker that died
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    os.chmod(path, 0o600)
    sock.listen(1024)
    return sock


_replies = sys.stdout  # main() keeps the real standard output for replies only


class EndedMeetings:
    """The meetings that ended here, numbered, until the main process says it has them:
    a `usage` request with `after` N drops those up to N and answers with the rest."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.pending: list[tuple[int, MeetingUsage]] = []
        self._seq = 0

    def after(self, seen: object) -> list[list[float]]:
        for usage in self.hub.counts.take_ended():
            self._seq += 1
            self.pending.append((self._seq, usage))
        if isinstance(seen, int):
            self.pending = [(seq, usage) for seq, usage in self.pending if seq > seen]
        return [
            [seq, u.opened_at, u.ended_at, u.participants, u.person_seconds]
            for seq, u in self.pending
        ]


def _reply(message: dict[str, Any]) -> None:
    _replies.write(json.dumps(message) + "\n")
    _replies.flush()


async def _control(server: WorkerServer, hub: Hub, sfu: Sfu) -> None:
    """Requests from the main process, until it asks us to stop or goes away."""
    loop = asyncio.get_running_loop()
    ended = EndedMeetings(hub)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            log.info("main process gone: stopping")
            break
        try:
            request = json.loads(line)
            op, ref = request.get("op"), request.get("ref")
        except (ValueError, AttributeError):
            request, op, ref = {}, None, None
        if op == "health":
            _reply(
                {
                    "ref": ref,
                    "rooms": len(hub.rooms),
                    "participants": len(hub.members),
                    "media_connections": sfu.transport.connection_count,
                    **media_packets(sfu.packet_counts()),
                }
            )
        elif op == "room":
            present = hub.present(str(request.get("room")))
            _reply({"ref": ref, "participants": len(present), "names": [p.name for p in present]})
        elif op == "metrics":
            _reply({"ref": ref, "sample": msgspec.to_builtins(node_sample(hub))})
        elif op == "usage":
            _reply({"ref": ref, "meetings": ended.after(request.get("after"))})
        elif op == "shutdown":
            log.info("shutting down: telling %d participants", len(hub.members))
            hub.shutdown()  # the meetings end now, so that the main process has their counts
            meetings = ended.after(request.get("after"))
            _reply({"ref": ref, "stopping": True, "meetings": meetings})
            break
        else:
            _reply({"ref": ref, "error": "unknown request"})
    server.handle_exit(0, None)  # the goodbyes, then uvicorn stops


async def run_worker(config: WorkerConfig) -> None:
    settings = config.settings
    codes = AssignedCodes(bytes.fromhex(config.server_secret))
    node = Node(settings, codes)
    await node.start(config.media_port, config.media_tcp_port)
    hub, sfu = node.hub, node.sfu
    sessions: set[Session] = set()
    app = worker_app(hub, codes, settings, bytes.fromhex(config.grant_key), sessions)
    server = WorkerServer(uvicorn_config(app, settings), hub, sessions)
    sock = _listen(config.socket)
    _reply(
        {
            "ready": True,
            "pid": os.getpid(),
            "udp_port": sfu.transport.udp_port,
            "tcp_port": sfu.transport.tcp_port,
        }
    )
    log.info("worker %d: media on udp/%d tcp/%s", config.index, sfu.transport.udp_port,
             sfu.transport.tcp_port)  # fmt: skip
    control = asyncio.create_task(_control(server, hub, sfu))
    try:
        await server.serve(sockets=[sock])
    finally:
        control.cancel()
        await node.close()
        with contextlib.suppress(OSError):
            os.unlink(config.socket)


def _read_line(fd: int) -> bytes:
    """One line, unbuffered: what follows it is read by _control."""
    data = bytearray()
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 1)
        if not chunk:
            break
        data += chunk
    return bytes(data)


def main() -> None:
    global _replies
    config = msgspec.json.decode(_read_line(0), type=WorkerConfig)
    # Replies go to the real standard output; anything else printed goes to standard error.
    _replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    logging.basicConfig(
        level=config.settings.log_level.upper(),
        format=f"%(asctime)s %(levelname)s worker-{config.index} %(name)s: %(message)s",
    )
    run_on_uvloop(run_worker(config))


if __name__ == "__main__":
    main()
