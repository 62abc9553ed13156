"""The JSON API's frame: one table of endpoints gives both the routes and /api/openapi.json.

Each `Endpoint` names its method, path, summary, request and response types (msgspec
Structs, so the OpenAPI schemas come from the same classes that decode and encode) and an
async handler taking a `Call`. The frame does the rest the same way everywhere:
- who calls (accounts.principal): the session cookie, or `Authorization: Bearer plb_...`;
- CSRF: a cookie-authenticated write must carry `X-CSRF-Token` (the `csrf` of /api/me);
- token scopes: GET needs "read", anything else "write";
- the body decoded into its Struct, at most MAX_BODY bytes; errors as
  `{"error": {"code": ..., "message": ...}}` with the status of the refusal (errors.py).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...accounts.identity import Auth, same_origin
from ...accounts.principal import Principal, principal_for_token, principal_for_user
from ...bus import Bus, Event
from ...config import Settings
from ...db import Database
from ...documents.sync import Rooms
from ...errors import Forbidden, Invalid, NotFound, Refusal, Unauthenticated
from ...files.blobs import BlobStore
from ...files.quota import with_default_quota
from ...files.stores import store_for
from ...notify.mail import Mailer
from ..auth import csrf_ok
from ..backend import Backend

MAX_BODY = 1 << 20
MAX_ID = (1 << 63) - 1  # the largest integer SQLite stores: a larger id names nothing
# An object's id in a body: past MAX_ID it is refused as invalid (not a database error).
Id = Annotated[int, msgspec.Meta(ge=0, le=MAX_ID)]
T = TypeVar("T")


@dataclass
class ApiContext:
    """What every handler may use: the database, the bus, the mailer, the settings, the
    meeting rooms (the backend), the documents' sync rooms, the files' blob store, the
    installation's secret."""

    db: Database
    bus: Bus
    mail: Mailer
    settings: Settings
    auth: Auth
    backend: Backend
    secret: bytes = b""  # the installation's: signs links that need no account (RSVP)
    rooms: Rooms = field(init=False)  # the open documents' sync rooms of this process
    _blobs: BlobStore | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.rooms = Rooms(self.run, self.bus, self.settings.document_quiet)

    @property
    def blobs(self) -> BlobStore:
        """Where file content lives (made on first use: an S3 store reaches its bucket)."""
        if self._blobs is None:
            self._blobs = store_for(self.settings)
        return self._blobs

    async def run(self, operation: Callable[..., T], *args: Any) -> T:
        """`operation(session, *args)` in one transaction, in a thread (never on the loop)."""

        def transaction() -> T:
            with self.db.session() as session:
                return operation(with_default_quota(session, self.settings.files_quota), *args)

        return await run_in_threadpool(transaction)

    async def run_blocking(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a thread, no transaction (a blob store's call)."""
        return await run_in_threadpool(function, *args)

    async def apply(
        self, operation: Callable[..., tuple[T, Sequence[tuple[str, Event]]]], *args: Any
    ) -> T:
        """`run` a change that returns (its result, its bus events), then publish them."""
        result, events = await self.run(operation, *args)
        await self.publish(events)
        return result

    async def publish(self, events: Sequence[tuple[str, Event]]) -> None:
        """Tell the open pages, once the change is committed."""
        for topic, event in events:
            await self.bus.publish(topic, event)


@dataclass
class Call:
    request: Request
    principal: Principal | None  # None only on a public endpoint
    body: Any
    ctx: ApiContext

    @property
    def me(self) -> Principal:
        if self.principal is None:
            raise Unauthenticated("sign in first")
        return self.principal

    def param(self, name: str) -> Any:
        value = self.request.path_params[name]
        if isinstance(value, int) and value > MAX_ID:
            raise NotFound()  # no object has such an id
        return value

    def query(self, name: str, default: str | None = None) -> str | None:
        return self.request.query_params.get(name, default)

    def int_query(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.request.query_params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise Invalid(f"{name} must be an integer") from None
        if not low <= value <= high:
            raise Invalid(f"{name} must be between {low} and {high}")
        return value


Handler = Callable[[Call], Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # Starlette syntax: /api/spaces/{space_id:int}
    summary: str
    handler: Handler
    body: type | None = None
    response: Any = None  # a Struct type, list[Struct], or None for no content
    status: int = 200
    public: bool = False  # callable without signing in
    tags: tuple[str, ...] = field(default_factory=tuple)
    media_type: str | None = None  # a handler answering other than JSON (its own Response)


def error_response(refusal: Refusal) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": refusal.code, "message": str(refusal)}}, status_code=refusal.status
    )


def bearer_token(connection: HTTPConnection) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if any."""
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def identify_caller(request: HTTPConnection, ctx: ApiContext) -> Principal | None:
    """Who calls, from a request or a WebSocket's handshake: a Bearer token (Unauthenticated if
    it is not valid), else the session cookie unless another site's page sent it."""
    token = bearer_token(request)
    if token is not None:
        principal = await ctx.run(principal_for_token, token)
        if principal is None:
            raise Unauthenticated("this access token is not valid (revoked or expired?)")
        return principal
    origin = request.headers.get("origin")
    if origin is not None and not same_origin(origin, request, ctx.settings):
        return None  # another site's page: its cookies count for nothing
    user = await run_in_threadpool(ctx.auth.session_user, request.session)
    if user is None:
        return None
    return await ctx.run(principal_for_user, user.name)


def route(endpoint: Endpoint, ctx: ApiContext) -> Route:
    async def serve(request: Request) -> Response:
        try:
            principal = await identify_caller(request, ctx)
            if principal is None and not endpoint.public:
                raise Unauthenticated("sign in first")
            write = endpoint.method != "GET"
            if principal is not None and write:
                if principal.via_token and not principal.can("write"):
                    raise Forbidden("this access token may only read")
                if not principal.via_token and not csrf_ok(
                    request.session, request.headers.get("x-csrf-token")
                ):
                    raise Forbidden("missing or wrong X-CSRF-Token (see /api/me)")
            body: Any = None
            if endpoint.body is not None:
                raw = await request.body()
                if len(raw) > MAX_BODY:
                    raise Invalid(f"the body is over {MAX_BODY} bytes")
                try:
                    body = msgspec.json.decode(raw or b"{}", type=endpoint.body)
                except (msgspec.ValidationError, msgspec.DecodeError) as exc:
                    raise Invalid(f"body: {exc}") from None
            result = await endpoint.handler(Call(request, principal, body, ctx))
        except Refusal as refusal:
            return error_response(refusal)
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(status_code=204 if endpoint.status == 200 else endpoint.status)
        return Response(
            msgspec.json.encode(result),
            status_code=endpoint.status,
            media_type="application/json",
            headers={"cache-control": "no-store"},
        )

    return Route(endpoint.path, serve, methods=[endpoint.method])


def routes(endpoints: Sequence[Endpoint], ctx: ApiContext) -> list[Route]:
    return [route(endpoint, ctx) for endpoint in endpoints]


_PARAMETER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_PARAMETER_TYPES = {"int": "integer", "float": "number"}  # else a string


def openapi(endpoints: Sequence[Endpoint], version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of `endpoints`, schemas generated by msgspec."""
    types: list[Any] = []
    for endpoint in endpoints:
        for kind in (endpoint.body, endpoint.response):
            if kind is not None and kind not in types:
                types.append(kind)
    schemas, components = msgspec.json.schema_components(
        types, ref_template="#/components/schemas/{name}"
    )
    by_type = dict(zip(types, schemas, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        path = _PARAMETER.sub(r"{\1}", endpoint.path)
        operation: dict[str, Any] = {
            "summary": endpoint.summary,
            "operationId": endpoint.handler.__name__,
            "tags": list(endpoint.tags),
            "parameters": [
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": _PARAMETER_TYPES.get(converter, "string")},
                }
                for name, converter in _PARAMETER.findall(endpoint.path)
            ],
            "responses": {},
        }
        if endpoint.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": by_type[endpoint.body]}},
            }
        ok: dict[str, Any] = {"description": "done"}
        if endpoint.response is not None:
            ok["content"] = {"application/json": {"schema": by_type[endpoint.response]}}
        if endpoint.media_type is not None:
            ok["content"] = {endpoint.media_type: {"schema": {"type": "string"}}}
        answers = endpoint.response is not None or endpoint.media_type is not None
        status = endpoint.status if answers or endpoint.status != 200 else 204
        operation["responses"][str(status)] = ok
        operation["responses"]["default"] = {
            "description": "refused",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        if endpoint.public:
            operation["security"] = []
        paths.setdefault(path, {})[endpoint.method.lower()] = operation
    components["Error"] = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                "required": ["code", "message"],
            }
        },
        "required": ["error"],
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Palabre workspace API", "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "palabre_session"},
                "token": {"type": "http", "scheme": "bearer"},
            },
        },
        "security": [{"session": []}, {"token": []}],
    }
