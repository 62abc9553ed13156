"""What every serving process needs, the single process and each media worker alike.

- `installation_secret`: the per-installation secret in the data directory.
- `uvicorn_config` and `GracefulServer`: uvicorn, with no IP address in its logs and a
  graceful exit that subclasses shape (tell participants goodbye, then stop).
- `Node`: an SFU, the hub of its rooms and their periodic work, started and closed together.
- `run_on_uvloop`: the event loop every process runs on.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
from collections.abc import Coroutine
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from . import logs
from .config import Settings
from .media.burden import burden_sends
from .media.sfu import Sfu
from .meeting.codes import MeetingCodes
from .recording.manifest import RECORDINGS
from .recording.recorder import Recordings
from .signaling.hub import Hub
from .signaling.observer import RoomObserver
from .signaling.protocol.base import MAX_FRAME_BYTES

log = logging.getLogger(__name__)

TICK_INTERVAL = 0.5  # seconds between the hub's periodic checks (timeouts, lobby, last-N)


def installation_secret(data_dir: Path) -> bytes:
    """A per-installation secret (meeting codes and cookies derive from it), created once."""
    path = data_dir / "secret"
    if path.exists():
        return path.read_bytes()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    path.write_bytes(secret)
    path.chmod(0o600)
    return secret


def public_url(settings: Settings) -> str:
    """Where people open Palabre: `public_url`, else this machine's address and port."""
    if settings.public_url:
        return settings.public_url
    host = settings.host
    if host in ("127.0.0.1", "::1", "localhost"):
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def uvicorn_config(app: ASGIApp, settings: Settings) -> uvicorn.Config:
    """Our uvicorn settings, with logging that keeps no IP address."""
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        ws_max_size=MAX_FRAME_BYTES,  # beyond our limit: we answer too_large
        access_log=False,  # access logs would hold participants' IP addresses
        lifespan="on",  # the app's periodic jobs (web/api/jobs.py) run in its lifespan
        server_header=False,
        proxy_headers=False,  # create_app trusts X-Forwarded-* from trusted_proxies only
    )
    if settings.log_level != "debug":
        # uvicorn logs each WebSocket with the client's address; we keep no IP address.
        logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
        # Alembic names each of its plugins as it loads them: noise, not news.
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # Every handler, uvicorn's included (configured by uvicorn.Config above): no IP address.
    own = {settings.host, settings.media_bind, *settings.announced_addresses}
    logs.install(settings.log_ip, keep=own)
    return config


class GracefulServer(uvicorn.Server):
    """uvicorn, whose first SIGINT/SIGTERM calls `graceful_exit` on the event loop (a second
    one stops at once). By default: tell the hub's participants goodbye, then stop."""

    def __init__(
        self, config: uvicorn.Config, hub: Hub | None = None, url: str | None = None
    ) -> None:
        super().__init__(config)
        self.hub = hub
        self.url = url  # said once listening: the last line `make run` shows

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.url:
            log.info("Palabre is serving at %s", self.url)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if not self.should_exit:
            loop = asyncio.get_event_loop()
            loop.call_soon_threadsafe(self.graceful_exit)
        else:
            super().handle_exit(sig, frame)

    def graceful_exit(self) -> None:
        if self.hub is not None:
            log.info("shutting down: telling %d participants", len(self.hub.members))
            self.hub.shutdown()
        # Let the goodbyes reach the sockets before uvicorn closes them.
        asyncio.get_running_loop().call_later(0.3, setattr, self, "should_exit", True)


class Node:
    """One SFU with the hub of its rooms, and the ticker that drives the hub's periodic work.

    The single process runs one; with `--media-workers N` each worker process runs one.
    """

    def __init__(
        self, settings: Settings, codes: MeetingCodes, observer: RoomObserver | None = None
    ) -> None:
        self.settings = settings
        if settings.media_test_burden > 0:
            burden_sends(settings.media_test_burden)
        self.sfu = Sfu(
            settings.announced_addresses,
            consent_timeout=settings.consent_timeout,
            shedding=settings.media_shedding,
        )
        # The room's worker (or the single process) writes its recordings into the data
        # directory, where the web app serves them to moderators (web/api/recordings.py).
        self.recordings = (
            Recordings(Path(settings.data_dir) / RECORDINGS) if settings.recording else None
        )
        self.hub = Hub(
            self.sfu,
            codes,
            secure_domain=settings.secure_domain,
            last_n=settings.last_n,
            p2p=settings.p2p,
            resume_grace=settings.resume_grace,
            observer=observer,
            recordings=self.recordings,
        )
        self._ticker: asyncio.Task[None] | None = None

    async def start(self, udp_port: int, tcp_port: int | None) -> None:
        """Media on these ports of `media_bind` (0: any free port)."""
        await self.sfu.start(self.settings.media_bind, udp_port, tcp_port)
        self._ticker = asyncio.create_task(self._tick_forever())

    async def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        self.hub.shutdown()
        await self.sfu.close()
        if self.recordings is not None:
            await self.recordings.close()

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(TICK_INTERVAL)
            try:
                self.hub.tick()
            except Exception:  # a bug in periodic work must not stop it for good
                log.exception("hub tick failed")


def run_on_uvloop(main: Coroutine[Any, Any, None]) -> None:
    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvloop is installed everywhere but Windows
        loop_factory = None
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(main)
