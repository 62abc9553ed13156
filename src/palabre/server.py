"""One Palabre process: web, signaling and SFU on one event loop (uvloop)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Coroutine
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from . import logs
from .accounts.db import Database
from .accounts.identity import Auth
from .config import Settings
from .media.sfu import Sfu
from .meeting.codes import MeetingCodes
from .signaling.hub import Hub
from .signaling.messages import MAX_MESSAGE_BYTES
from .web.app import create_app

log = logging.getLogger(__name__)


def _server_secret(data_dir: Path) -> bytes:
    """A per-installation secret (meeting codes derive from it), created once."""
    path = data_dir / "secret"
    if path.exists():
        return path.read_bytes()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    path.write_bytes(secret)
    path.chmod(0o600)
    return secret


class _Server(uvicorn.Server):
    """Tells every participant goodbye before uvicorn closes their connections."""

    hub: Hub

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if not self.should_exit:
            loop = asyncio.get_event_loop()
            loop.call_soon_threadsafe(self._graceful_exit)
        else:
            super().handle_exit(sig, frame)

    def _graceful_exit(self) -> None:
        log.info("shutting down: telling %d participants", len(self.hub.members))
        self.hub.shutdown()
        # Let the goodbyes reach the sockets before uvicorn closes them.
        asyncio.get_running_loop().call_later(0.3, setattr, self, "should_exit", True)


def uvicorn_config(app: ASGIApp, settings: Settings) -> uvicorn.Config:
    """Our uvicorn settings, with logging that keeps no IP address."""
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        ws_max_size=16 * MAX_MESSAGE_BYTES,  # beyond our limit: we answer too_large
        access_log=False,  # access logs would hold participants' IP addresses
        lifespan="off",
        server_header=False,
        proxy_headers=False,  # create_app trusts X-Forwarded-* from trusted_proxies only
    )
    if settings.log_level != "debug":
        # uvicorn logs each WebSocket with the client's address; we keep no IP address.
        logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    # Every handler, uvicorn's included (configured by uvicorn.Config above): no IP address.
    own = {settings.host, settings.media_bind, *settings.announced_addresses}
    logs.install(settings.log_ip, keep=own)
    return config


async def serve(settings: Settings) -> None:
    if settings.media_workers > 1:
        from .cluster.front import serve_cluster

        await serve_cluster(settings)
        return
    data_dir = Path(settings.data_dir)
    secret = _server_secret(data_dir)
    codes = MeetingCodes(secret, data_dir / "meeting-codes.json")
    database = Database.from_settings(settings)
    sfu = Sfu(settings.announced_addresses, consent_timeout=settings.consent_timeout)
    await sfu.start(settings.media_bind, settings.media_port, settings.media_tcp_port)
    hub = Hub(
        sfu,
        codes,
        secure_domain=settings.secure_domain,
        last_n=settings.last_n,
        resume_grace=settings.resume_grace,
    )
    app = create_app(hub, settings, auth=Auth(settings, database), secret=secret)
    server = _Server(uvicorn_config(app, settings))
    server.hub = hub
    log.info(
        "media on udp/%d tcp/%s, announced as %s",
        sfu.transport.udp_port,
        sfu.transport.tcp_port,
        ", ".join(settings.announced_addresses),
    )
    ticker = asyncio.create_task(_tick(hub))
    try:
        await server.serve()
    finally:
        ticker.cancel()
        hub.shutdown()
        await sfu.close()
        database.close()


async def _tick(hub: Hub) -> None:
    while True:
        await asyncio.sleep(0.5)
        try:
            hub.tick()
        except Exception:  # a bug in periodic work must not stop it for good
            log.exception("hub tick failed")


def run(settings: Settings) -> int:
    run_on_uvloop(serve(settings))
    return 0


def run_on_uvloop(main: Coroutine[Any, Any, None]) -> None:
    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvloop is installed everywhere but Windows
        loop_factory = None
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(main)
