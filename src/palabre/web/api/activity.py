"""A space's activity feed (members) and its report for admins, as JSON and as CSV
(docs/workspace-api.md)."""

from __future__ import annotations

from starlette.responses import Response

from ...spaces import activity, report
from ...spaces.activity import ActivityPage
from ...spaces.report import Report
from .endpoints import Call, Endpoint


async def space_activity(call: Call) -> ActivityPage:
    before = call.int_query("before", 0, 1, 2**62) or None
    limit = call.int_query("limit", 50, 1, 200)
    return await call.ctx.run(
        activity.activity, call.me.user_id, call.param("space_id"), before, limit
    )


async def space_report(call: Call) -> Report:
    weeks = call.int_query("weeks", 12, 1, report.MAX_WEEKS)
    return await call.ctx.run(report.report, call.me.user_id, call.param("space_id"), weeks)


async def space_report_csv(call: Call) -> Response:
    space_id = call.param("space_id")
    weeks = call.int_query("weeks", 12, 1, report.MAX_WEEKS)
    made = await call.ctx.run(report.report, call.me.user_id, space_id, weeks)
    return Response(
        report.report_csv(made).encode(),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="palabre-space-{space_id}-report.csv"',
            "cache-control": "no-store",
        },
    )


SPACE = "/api/spaces/{space_id:int}"
ENDPOINTS = [
    Endpoint("GET", SPACE + "/activity", "Who did what, newest first (members)", space_activity,
             response=ActivityPage, tags=("spaces",)),
    Endpoint("GET", SPACE + "/report", "Members, messages and meeting minutes per week "
             "(admins)", space_report, response=Report, tags=("spaces",)),
    Endpoint("GET", SPACE + "/report.csv", "The report as CSV (admins)", space_report_csv,
             media_type="text/csv", tags=("spaces",)),
]  # fmt: skip
