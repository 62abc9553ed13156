"""/caldav/: the CalDAV server (palabre.caldav) mounted in the app, and the well-known
discovery address /.well-known/caldav (RFC 6764) that sends clients there."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from ..bus import Bus
from ..caldav.server import caldav_asgi
from ..db import Database

DAV_METHODS = ["GET", "HEAD", "OPTIONS", "PROPFIND", "PROPPATCH", "REPORT", "PUT", "DELETE",
               "MKCALENDAR", "MKCOL", "MOVE", "COPY", "POST", "LOCK", "UNLOCK"]  # fmt: skip


async def well_known(request: Request) -> Response:
    return RedirectResponse("/caldav/", status_code=301)


def caldav_routes(db: Database, bus: Bus) -> list[BaseRoute]:
    return [
        Route("/.well-known/caldav", well_known, methods=DAV_METHODS),
        Mount("/caldav", app=caldav_asgi(db, bus)),
    ]
