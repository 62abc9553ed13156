"""Radicale's WSGI application with Palabre's plugins bound to the database, wrapped for
ASGI: mounted at /caldav/ by the web layer (web/caldav.py)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from a2wsgi import WSGIMiddleware
from radicale import config
from radicale.app import Application
from starlette.types import ASGIApp, Receive, Scope, Send

from ..bus import Bus
from ..db import Database
from .auth import Auth
from .context import Binding
from .rights import Rights
from .storage import Storage

MAX_CONTENT = 10 << 20  # bytes of one request


def radicale_app(binding: Binding) -> Any:
    """The CalDAV server over the binding's database (a WSGI application)."""
    configuration = config.load([])
    configuration.update(
        {
            "auth": {"type": "palabre.caldav.auth", "delay": "1"},
            "rights": {"type": "palabre.caldav.rights"},
            "storage": {"type": "palabre.caldav.storage", "predefined_collections": "{}"},
            "web": {"type": "none"},
            "server": {"max_content_length": str(MAX_CONTENT)},
            "logging": {"level": "warning", "mask_passwords": "True"},
        },
        "palabre",
        privileged=True,
    )
    application = Application(configuration)
    for plugin, kind in ((application._auth, Auth), (application._rights, Rights),
                         (application._storage, Storage)):  # fmt: skip
        assert isinstance(plugin, kind), plugin
        plugin.binding = binding
    logging.getLogger("radicale").setLevel(logging.WARNING)
    return application


def caldav_asgi(db: Database, bus: Bus | None = None) -> ASGIApp:
    """The CalDAV server as an ASGI app: its changes reach open pages through `bus`."""
    binding = Binding(db, bus)
    wsgi: Any = WSGIMiddleware(radicale_app(binding), workers=4)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        binding.loop = asyncio.get_running_loop()
        await wsgi(scope, receive, send)

    return app
