"""The ASGI application: the single-page client, the room API, the signaling WebSocket and
the workspace API (web/api/)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
import secrets
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from ..accounts.identity import Auth, Identity, identify
from ..accounts.tokens import InvitationError
from ..bus import Bus, MemoryBus
from ..config import Settings
from ..db import Database
from ..meeting.admission import JoinRights
from ..meeting.names import (
    SPACE_ROOM_PREFIX,
    InvalidName,
    generate_room_name,
    normalize_room_name,
)
from ..notify.mail import Mailer, mailer_for
from ..signaling.protocol.base import encode
from ..signaling.protocol.server import Error
from . import dav
from .api import ApiContext, api_routes, run_jobs
from .api.meeting import SpaceMeetings, meeting_rooms_of
from .api.usage import record_usage
from .auth import auth_routes
from .backend import Backend
from .caldav import caldav_routes
from .metrics import metrics_routes
from .poll_page import routes as poll_page_routes
from .security import SecurityHeaders
from .sessions import SessionMiddleware

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"

# Static files whose type the system's table may lack: the background segmentation's wasm
# (WebAssembly.instantiateStreaming requires application/wasm) and its model files
# (client/vite.config.ts copies them from the npm package).
STATIC_TYPES = {
    ".wasm": "application/wasm",
    ".tflite": "application/octet-stream",
    ".binarypb": "application/octet-stream",
    ".data": "application/octet-stream",
}
for _ext, _type in STATIC_TYPES.items():
    mimetypes.add_type(_type, _ext)

_NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Palabre</title></head><body><h1>Palabre</h1>
<p>The web client is not built: run <code>make run</code>.</p></body></html>"""


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def join_rights(
    identity: Identity, room: str, space_rooms: frozenset[str] = frozenset()
) -> JoinRights:
    """What an identity proves in a room: sign-in makes a host; an invitation counts only in
    the room it names, and vouches for the guest's name; in a space's meeting, belonging to
    the space (`space_rooms`: the rooms of the person's spaces) lets one in, by one's name."""
    invitation = (
        identity.invitation if identity.invitation and identity.invitation.allows(room) else None
    )
    space_member = room in space_rooms
    name = invitation.name if invitation else None
    if space_member and identity.display_name:
        name = identity.display_name
    return JoinRights(
        host=identity.host,
        invited_role=invitation.role if invitation else None,
        name=name,
        account=identity.user,
        space_room=room.startswith(SPACE_ROOM_PREFIX),
        space_member=space_member,
    )


def create_app(
    backend: Backend,
    settings: Settings,
    static_dir: Path = STATIC_DIR,
    auth: Auth | None = None,
    secret: bytes | None = None,
    bus: Bus | None = None,
    mailer: Mailer | None = None,
) -> Starlette:
    """`backend` holds the rooms (web/backend.py: this process's hub, or the media workers);
    `auth` holds the accounts database (default: an empty one in memory, for tests);
    `secret` signs the session cookies (default: a random one, sessions die with the app);
    `bus` carries the workspace's live changes (default: in this process's memory);
    `mailer` sends its e-mail (default: SMTP if smtp_host is set, else nothing)."""
    codes = backend.codes
    if auth is None:
        auth = Auth(settings, Database("sqlite://"))
    if secret is None:
        secret = secrets.token_bytes(32)
    if bus is None:
        bus = MemoryBus()
    api = ApiContext(
        db=auth.db,
        bus=bus,
        mail=mailer if mailer is not None else mailer_for(settings),
        settings=settings,
        auth=auth,
        backend=backend,
        secret=secret,
    )
    meetings = SpaceMeetings(api)
    webdav = dav.Dav(api)
    backend.observe(meetings)

    async def websocket_endpoint(websocket: WebSocket) -> None:
        try:
            # identify() may query the database: in a thread, never on the event loop.
            identity = await run_in_threadpool(identify, websocket, auth)
        except InvitationError as exc:
            # A bad invitation is refused outright rather than treated as a guest.
            await websocket.accept()
            refusal = Error(code=exc.code, message=f"token: {exc}")
            await websocket.send_text(encode(refusal).decode())
            await websocket.close(1008)
            return
        rooms = (
            frozenset(await api.run(meeting_rooms_of, identity.user))
            if identity.user
            else frozenset()
        )
        await backend.connect(websocket, partial(join_rights, identity, space_rooms=rooms))

    async def create_room(request: Request) -> Response:
        name = generate_room_name()
        return JSONResponse({"room": name, "code": codes.code_for(name)}, status_code=201)

    async def room_info(request: Request) -> Response:
        try:
            name = normalize_room_name(request.path_params["name"])
        except InvalidName as exc:
            return _error(400, "invalid", f"name: {exc}")
        participants = await backend.participants(name)
        return JSONResponse(
            {"room": name, "code": codes.code_for(name), "participants": participants}
        )

    async def code_lookup(request: Request) -> Response:
        name = codes.room_for(request.path_params["code"])
        if name is None:
            return _error(404, "not_found", "no meeting has this code")
        return JSONResponse({"room": name})

    async def health(request: Request) -> Response:
        report = await backend.health()
        return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)

    async def page(request: Request) -> Response:
        """Files at the root of the build (icons, manifest, service worker), else the client."""
        path = request.path_params.get("path", "")
        if path and "/" not in path and not path.startswith("."):
            candidate = static_dir / path
            if candidate.is_file():
                # The service worker and the manifest are checked again at each visit (the
                # browser compares the worker byte for byte to update the installed app).
                fresh = path in ("sw.js", "manifest.webmanifest")
                return FileResponse(
                    candidate, headers={"cache-control": "no-cache"} if fresh else None
                )
        index = static_dir / "index.html"
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT)
        return FileResponse(index, headers={"cache-control": "no-cache"})

    routes = [
        *auth_routes(auth),
        *api_routes(api),
        *caldav_routes(auth.db, bus),
        *poll_page_routes(api),
        WebSocketRoute("/ws", websocket_endpoint),
        Route("/api/rooms", create_room, methods=["POST"]),
        Route("/api/rooms/{name}", room_info),
        Route("/api/codes/{code}", code_lookup),
        Route("/healthz", health),
        *metrics_routes(backend, settings),
        Mount("/assets", StaticFiles(directory=static_dir / "assets", check_dir=False)),
        Mount(dav.MOUNT, app=webdav),
        Route("/{path:path}", page),
    ]
    middleware = [
        # Scheme and client address from X-Forwarded-* only when a trusted proxy sent them.
        Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies),
        Middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors),
        Middleware(SessionMiddleware, secret=secret, max_age=settings.session_max_age),
        Middleware(dav.NoGzipUnder, minimum_size=500),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        jobs = asyncio.create_task(run_jobs(api))
        try:
            yield
        finally:
            jobs.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await jobs
            try:  # the meetings the shutdown ended count too
                await record_usage(api)
            except Exception:
                log.exception("recording the last meetings' usage failed")
            await meetings.close()
            await api.rooms.close()
            webdav.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.auth = auth
    app.state.api = api
    app.state.dav = webdav
    return app
