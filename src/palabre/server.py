"""`palabre serve`: one process (web, signaling and SFU on one event loop), or the main
process of a worker cluster with `--media-workers N` (cluster/front.py)."""

from __future__ import annotations

import logging
from pathlib import Path

from .accounts.identity import Auth
from .bus import bus_for
from .cluster.front import serve_cluster
from .config import Settings
from .db import Database
from .meeting.codes import MeetingCodes
from .runtime import (
    GracefulServer,
    Node,
    installation_secret,
    public_url,
    run_on_uvloop,
    uvicorn_config,
)
from .web.app import create_app
from .web.backend import LocalBackend

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    if settings.media_workers > 1:
        await serve_cluster(settings)
        return
    data_dir = Path(settings.data_dir)
    secret = installation_secret(data_dir)
    codes = MeetingCodes(secret, data_dir / "meeting-codes.json")
    database = Database.from_settings(settings)
    node = Node(settings, codes)
    await node.start(settings.media_port, settings.media_tcp_port)
    backend = LocalBackend(node.hub, settings)
    bus = bus_for(settings)
    await bus.start()
    app = create_app(backend, settings, auth=Auth(settings, database), secret=secret, bus=bus)
    server = GracefulServer(uvicorn_config(app, settings), node.hub, public_url(settings))
    transport = node.sfu.transport
    log.info(
        "media on udp/%d tcp/%s, announced as %s",
        transport.udp_port,
        transport.tcp_port,
        ", ".join(settings.announced_addresses),
    )
    try:
        await server.serve()
    finally:
        await bus.close()
        await node.close()
        database.close()


def run(settings: Settings) -> int:
    run_on_uvloop(serve(settings))
    return 0
