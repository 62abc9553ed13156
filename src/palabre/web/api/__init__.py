"""The workspace's JSON API (docs/workspace-api.md), described at /api/openapi.json.

- endpoints.py: the frame: the endpoint table, who calls, CSRF, scopes, bodies, errors,
  and the OpenAPI description made from the same table.
- spaces.py: spaces. Each package's endpoints live in the module named for it.
- jobs.py: the periodic jobs (purges, digests) the app runs while it serves.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ... import __version__
from . import meeting, spaces
from .endpoints import ApiContext, Endpoint, openapi, routes
from .jobs import JOBS, Job, run_jobs

ENDPOINTS: list[Endpoint] = [*spaces.ENDPOINTS, *meeting.ENDPOINTS]


def api_routes(ctx: ApiContext) -> list[Route]:
    description = openapi(ENDPOINTS, __version__)

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(description)

    return [Route("/api/openapi.json", openapi_json, methods=["GET"]), *routes(ENDPOINTS, ctx)]


__all__ = ["JOBS", "ApiContext", "Job", "api_routes", "run_jobs"]
