"""The main process with `--media-workers N`: web, sign-in, meeting codes and `/ws`, with the
rooms on N worker processes (src/palabre/cluster/worker.py).

The main process identifies each client as with one process, places the room
(placement.py), and relays the client's WebSocket to the room's worker (relay.py) with a grant
that carries the client's rights (grant.py). It alone writes the meeting codes file and the
accounts database.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec
import uvicorn
from starlette.websockets import WebSocket
from websockets.asyncio.client import ClientConnection, unix_connect

from ..accounts.identity import Auth
from ..bus import bus_for
from ..config import Settings
from ..db import Database
from ..meeting.admission import JoinRights
from ..meeting.codes import MeetingCodes
from ..runtime import GracefulServer, installation_secret, public_url, uvicorn_config
from ..signaling.counts import MeetingUsage, SignalingCounts
from ..signaling.observer import RoomObserver
from ..signaling.protocol.base import MAX_FRAME_BYTES
from ..stats.sample import PEAK_GAUGES, Sample, add, signaling_counters
from ..stats.totals import Totals
from ..web.app import create_app
from . import grant
from .placement import NoWorker, Placement
from .relay import Relay, WorkerUnavailable
from .worker import drained
from .workers import Workers

log = logging.getLogger(__name__)


class Front:
    """The web app's Backend (web/backend.py) when rooms run on media workers: codes, room
    sizes, health and the relay."""

    def __init__(self, workers: Workers, codes: MeetingCodes, settings: Settings, key: bytes):
        self.workers = workers
        self.codes = codes
        self.settings = settings
        self.placement = Placement(len(workers))
        self.relays: set[Relay] = set()
        self.counts = SignalingCounts()  # what the relays refuse before a worker sees it
        self._totals = Totals()
        self._key = key

    async def connect(self, websocket: WebSocket, rights: Callable[[str], JoinRights]) -> None:
        settings = self.settings
        relay = Relay(
            websocket, self.dial, rights, settings.rate_limit, settings.rate_burst, self.counts
        )
        self.relays.add(relay)
        try:
            await relay.run()
        finally:
            self.relays.discard(relay)

    @asynccontextmanager
    async def dial(self, room: str, rights: JoinRights) -> AsyncIterator[ClientConnection]:
        for worker in self.workers.workers:  # a worker that is down gets no new room
            self.placement.set_available(worker.index, worker.running)
        try:
            index = self.placement.acquire(room)
        except NoWorker as exc:
            raise WorkerUnavailable(str(exc)) from None
        try:
            header = grant.sign(self._key, room, self.codes.code_for(room), rights)
            async with unix_connect(
                self.workers[index].socket,
                "ws://worker/ws",
                additional_headers={grant.HEADER: header},
                max_size=MAX_FRAME_BYTES,
                compression=None,
                ping_interval=None,
                open_timeout=5,
                close_timeout=2,
            ) as upstream:
                yield upstream
        finally:
            self.placement.release(room)

    async def participants(self, room: str) -> int:
        """Participants in the room, as its worker counts them."""
        index = self.placement.worker_of(room)
        if index is None:
            return 0
        reply = await self.workers[index].request("room", room=room)
        return int(reply.get("participants", 0)) if reply else 0

    def observe(self, observer: RoomObserver) -> None:
        """Not yet: the rooms live in the workers, which would have to relay what they see;
        a space's meeting shows live on request (roster) only."""

    async def roster(self, room: str) -> list[str]:
        """The names of the participants in the room, as its worker has them."""
        index = self.placement.worker_of(room)
        if index is None:
            return []
        reply = await self.workers[index].request("room", room=room)
        names = reply.get("names", []) if reply else []
        return [str(name) for name in names] if isinstance(names, list) else []

    async def health(self) -> dict[str, Any]:
        replies = await asyncio.gather(*(w.request("health") for w in self.workers.workers))
        workers: list[dict[str, Any]] = []
        for worker, reply in zip(self.workers.workers, replies, strict=True):
            entry: dict[str, Any] = {
                "worker": worker.index,
                "status": "ok" if reply else "down",
                "pid": worker.pid,
                "udp_port": worker.udp_port,
                "tcp_port": worker.tcp_port,
            }
            entry.update(reply or {})
            workers.append(entry)
        return {
            "status": "ok" if all(replies) else "degraded",
            **{
                key: sum(w.get(key, 0) for w in workers)
                for key in (
                    "rooms",
                    "participants",
                    "media_connections",
                    "packets_received",
                    "packets_forwarded",
                )
            },
            "workers": workers,
        }

    async def metrics(self) -> Sample:
        """The workers' figures summed (their counters kept across a worker's restart),
        with the refusals of the relays in this process."""
        workers = self.workers.workers
        replies = await asyncio.gather(*(w.request("metrics") for w in workers))
        gauges: dict[str, float] = {}
        peaks: dict[str, float] = {}  # the worst worker's, not a sum
        up = 0
        for worker, reply in zip(workers, replies, strict=True):
            raw = reply.get("sample") if reply else None
            if not isinstance(raw, dict):
                continue
            try:
                sample = msgspec.convert(raw, Sample)
            except msgspec.ValidationError:
                continue
            up += 1
            self._totals.update(worker.index, worker.pid, sample.counters)
            add(gauges, sample.gauges)
            for key in PEAK_GAUGES:
                if key in sample.gauges:
                    peaks[key] = max(peaks.get(key, 0.0), sample.gauges[key])
        gauges.update(peaks)
        counters = self._totals.counters()
        add(counters, signaling_counters(self.counts))
        gauges["media_workers"] = len(workers)
        gauges["media_workers_up"] = up
        return Sample(counters, gauges)

    async def ended_meetings(self) -> list[MeetingUsage]:
        found: list[MeetingUsage] = []
        for worker in self.workers.workers:
            found.extend(await worker.ended_meetings())
        return found


class FrontServer(GracefulServer):
    """On SIGTERM, every worker says goodbye to its participants (relayed) before we stop."""

    def __init__(
        self, config: uvicorn.Config, workers: Workers, front: Front, url: str | None = None
    ) -> None:
        super().__init__(config, url=url)
        self.workers = workers
        self.front = front

    def graceful_exit(self) -> None:
        log.info("shutting down: stopping %d media workers", len(self.workers))
        asyncio.get_running_loop().create_task(self._stop_workers())

    async def _stop_workers(self) -> None:
        try:
            await self.workers.stop()
            # The workers' goodbyes reach the clients, and their connections end.
            relays = self.front.relays
            await drained(lambda: sum(1 for relay in relays if relay.joined), 2.0)
        finally:
            self.should_exit = True


async def serve_cluster(settings: Settings) -> None:
    data_dir = Path(settings.data_dir)
    secret = installation_secret(data_dir)
    codes = MeetingCodes(secret, data_dir / "meeting-codes.json")
    key = secrets.token_bytes(32)  # for grants: made for this run, known to our workers only
    workers = Workers(settings, secret, key)
    await workers.start()
    front = Front(workers, codes, settings, key)
    database = Database.from_settings(settings)
    bus = bus_for(settings)  # the workspace's live bus lives here, beside the web app
    try:
        await bus.start()
        app = create_app(front, settings, auth=Auth(settings, database), secret=secret, bus=bus)
        config = uvicorn_config(app, settings)
        await FrontServer(config, workers, front, public_url(settings)).serve()
    finally:
        await bus.close()
        await workers.stop()
        await workers.close()
        database.close()
