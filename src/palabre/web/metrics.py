"""`/metrics`: the operator's statistics in Prometheus's text format (stats/exposition.py).

Who may read it: with `metrics_token` set, whoever sends it as `Authorization: Bearer ...`;
without, clients on the loopback interface only, and never through a reverse proxy (a
request that carries a forwarding header is refused, so a proxy in front of Palabre does
not publish the figures). docs/operations.md says how to scrape it.
"""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ..config import Settings
from ..stats.exposition import CONTENT_TYPE_LATEST, render
from .backend import Backend

FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed(request: Request, settings: Settings) -> bool:
    token = settings.metrics_token
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
    if any(name in request.headers for name in FORWARDING_HEADERS):
        return False
    return _loopback(request.client.host if request.client else None)


def metrics_routes(backend: Backend, settings: Settings) -> list[Route]:
    async def metrics(request: Request) -> Response:
        if not allowed(request, settings):
            why = (
                "send the metrics token as 'Authorization: Bearer ...'"
                if settings.metrics_token
                else "/metrics answers loopback clients only (or set metrics_token)"
            )
            return PlainTextResponse(why, status_code=403)
        body = render(await backend.metrics())
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"cache-control": "no-store"})

    return [Route("/metrics", metrics, methods=["GET"])]
