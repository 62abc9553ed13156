"""/caldav/: the CalDAV server (palabre.caldav) mounted in the app, and the well-known
discovery address /.well-known/caldav (RFC 6764) that sends clients there."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..bus import Bus
from ..db import Database

DAV_METHODS = ["GET", "HEAD", "OPTIONS", "PROPFIND", "PROPPATCH", "REPORT", "PUT", "DELETE",
               "MKCALENDAR", "MKCOL", "MOVE", "COPY", "POST", "LOCK", "UNLOCK"]  # fmt: skip


async def well_known(request: Request) -> Response:
    return RedirectResponse("/caldav/", status_code=301)


def _on_first_request(db: Database, bus: Bus) -> ASGIApp:
    """The CalDAV app, made at its first request: Radicale costs ~0.25 s of CPU to import, in
    every server start (the tests start hundreds), and most servers never see a CalDAV client."""
    made: list[ASGIApp] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if not made:
            from ..caldav.server import caldav_asgi

            made.append(caldav_asgi(db, bus))
        await made[0](scope, receive, send)

    return app


def caldav_routes(db: Database, bus: Bus) -> list[BaseRoute]:
    return [
        Route("/.well-known/caldav", well_known, methods=DAV_METHODS),
        Mount("/caldav", app=_on_first_request(db, bus)),
    ]
