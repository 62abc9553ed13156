"""The workspace's JSON API (docs/workspace-api.md), described at /api/openapi.json.

- endpoints.py: the frame: the endpoint table, who calls, CSRF, scopes, bodies, errors,
  and the OpenAPI description made from the same table.
- spaces.py: spaces; lifecycle.py: archived, deleted, restored, purged; activity.py: a
  space's feed and report; meeting.py: a space's meeting;
  members.py: members and the directory; invitations.py: e-mail invitations; tokens.py:
  personal access tokens; sign_in_links.py: guests' sign-in links by e-mail. Each
  package's endpoints live in the module named for it.
- messaging.py: channels, direct conversations, messages, search.
- documents.py: documents, their tree, versions, comments, images, search, and the
  WebSocket /api/yjs/{document_id} of live co-editing (y-websocket protocol).
- files.py: space files, folders, uploads, downloads (Range), ZIP, versions, trash, quota;
  file_transfer.py: request bodies streamed into the blob store, downloads out of it;
  tus.py: resumable uploads (the tus protocol) into a space's files; shares.py: share
  links, and what their visitors reach (public).
- transfers.py: large transfers, their recipients' links and guest vouchers;
  transfer_tus.py: their files' resumable uploads (tus.py's protocol).
- calendars.py: calendars, events, free/busy, RSVP links (iMIP invitations by e-mail).
- polls.py: meeting polls (the organiser's, and an invitee's by link).
- tasks.py: task boards, lists, cards, and one's tasks across spaces.
- recordings.py: meeting recordings: the moderators' download, saved into a space's files.
- jobs.py: the periodic jobs (purges, digests) the app runs while it serves.
- notify.py: notifications, per-space levels, the e-mail digest job; me.py: own settings.
- usage.py: /api/usage, meetings and minutes per day for the operators, and its job.
- live.py: /api/live, the WebSocket that carries the bus's events to open pages.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ... import __version__
from . import (
    activity,
    calendars,
    documents,
    files,
    invitations,
    lifecycle,
    live,
    me,
    meeting,
    members,
    messaging,
    notify,
    polls,
    recordings,
    shares,
    sign_in_links,
    spaces,
    tasks,
    tokens,
    transfer_tus,
    transfers,
    tus,
    usage,
)
from .endpoints import ApiContext, Endpoint, openapi, routes
from .jobs import JOBS, Job, run_jobs

ENDPOINTS: list[Endpoint] = [
    *spaces.ENDPOINTS,
    *lifecycle.ENDPOINTS,
    *activity.ENDPOINTS,
    *meeting.ENDPOINTS,
    *members.ENDPOINTS,
    *invitations.ENDPOINTS,
    *tokens.ENDPOINTS,
    *sign_in_links.ENDPOINTS,
    *notify.ENDPOINTS,
    *me.ENDPOINTS,
    *messaging.ENDPOINTS,
    *documents.ENDPOINTS,
    *files.ENDPOINTS,
    *calendars.ENDPOINTS,
    *polls.ENDPOINTS,
    *tasks.ENDPOINTS,
    *shares.ENDPOINTS,
    *transfers.ENDPOINTS,
    *usage.ENDPOINTS,
]


def api_routes(ctx: ApiContext) -> list[BaseRoute]:
    description = openapi(ENDPOINTS, __version__)

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(description)

    return [
        Route("/api/openapi.json", openapi_json, methods=["GET"]),
        *routes(ENDPOINTS, ctx),
        *live.routes(ctx),
        *documents.routes(ctx),
        *tus.routes(ctx),
        *transfer_tus.routes(ctx),
        *calendars.routes(ctx),
        *recordings.routes(ctx),
    ]


__all__ = ["JOBS", "ApiContext", "Job", "api_routes", "run_jobs"]
