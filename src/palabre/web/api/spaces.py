"""/api/spaces: create, list, read, edit, archive, delete and restore spaces; a space's
activity feed and report (docs/workspace-api.md). The job purging spaces whose deletion
time has come is here too."""

from __future__ import annotations

import msgspec
from starlette.responses import Response

from ...spaces import activity, report, store
from ...spaces.activity import ActivityPage
from ...spaces.report import Report
from ...spaces.views import SpaceView
from .endpoints import ApiContext, Call, Endpoint
from .jobs import JOBS, Job


class NewSpace(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    description: str = ""


class SpaceEdit(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    description: str | None = None


async def create_space(call: Call) -> SpaceView:
    body: NewSpace = call.body
    view, events = await call.ctx.run(
        store.create_space, call.me.user_id, body.name, body.description
    )
    await call.ctx.publish(events)
    return view


async def list_spaces(call: Call) -> list[SpaceView]:
    return await call.ctx.run(store.my_spaces, call.me.user_id)


async def get_space(call: Call) -> SpaceView:
    return await call.ctx.run(store.get_space, call.me.user_id, call.param("space_id"))


async def edit_space(call: Call) -> SpaceView:
    body: SpaceEdit = call.body
    view, events = await call.ctx.run(
        store.edit_space, call.me.user_id, call.param("space_id"), body.name, body.description
    )
    await call.ctx.publish(events)
    return view


class Deletion(msgspec.Struct, forbid_unknown_fields=True):
    confirm: str  # the space's name, repeated


async def archive_space(call: Call) -> SpaceView:
    view, events = await call.ctx.run(
        store.archive_space, call.me.user_id, call.param("space_id"), True
    )
    await call.ctx.publish(events)
    return view


async def unarchive_space(call: Call) -> SpaceView:
    view, events = await call.ctx.run(
        store.archive_space, call.me.user_id, call.param("space_id"), False
    )
    await call.ctx.publish(events)
    return view


async def delete_space(call: Call) -> SpaceView:
    body: Deletion = call.body
    view, events = await call.ctx.run(
        store.request_deletion,
        call.me.user_id,
        call.param("space_id"),
        body.confirm,
        call.ctx.settings.space_delete_grace,
    )
    await call.ctx.publish(events)
    return view


async def restore_space(call: Call) -> SpaceView:
    view, events = await call.ctx.run(store.restore_space, call.me.user_id, call.param("space_id"))
    await call.ctx.publish(events)
    return view


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


async def purge_spaces(ctx: ApiContext) -> None:
    """Delete the spaces whose grace period has ended; their last members' pages drop them."""
    for space_id in await ctx.run(store.due_for_deletion):
        await ctx.publish(await ctx.run(store.purge_space, space_id))


PURGE = Job("spaces.purge", 60.0, purge_spaces)
JOBS.append(PURGE)

SPACE = "/api/spaces/{space_id:int}"
ENDPOINTS = [
    Endpoint("POST", "/api/spaces", "Create a space (its creator is its owner)", create_space,
             body=NewSpace, response=SpaceView, status=201, tags=("spaces",)),
    Endpoint("GET", "/api/spaces", "The caller's spaces", list_spaces,
             response=list[SpaceView], tags=("spaces",)),
    Endpoint("GET", SPACE, "One space", get_space, response=SpaceView, tags=("spaces",)),
    Endpoint("PATCH", SPACE, "Rename or describe a space (admins)", edit_space,
             body=SpaceEdit, response=SpaceView, tags=("spaces",)),
    Endpoint("POST", SPACE + "/archive", "Archive a space: read-only (admins)", archive_space,
             response=SpaceView, tags=("spaces",)),
    Endpoint("POST", SPACE + "/unarchive", "Take a space out of the archive (admins)",
             unarchive_space, response=SpaceView, tags=("spaces",)),
    Endpoint("DELETE", SPACE, "Delete a space after the grace period; confirm repeats its "
             "name (owners)", delete_space, body=Deletion, response=SpaceView, tags=("spaces",)),
    Endpoint("POST", SPACE + "/restore", "Take back a pending deletion (owners)", restore_space,
             response=SpaceView, tags=("spaces",)),
    Endpoint("GET", SPACE + "/activity", "Who did what, newest first (members)", space_activity,
             response=ActivityPage, tags=("spaces",)),
    Endpoint("GET", SPACE + "/report", "Members, messages and meeting minutes per week "
             "(admins)", space_report, response=Report, tags=("spaces",)),
    Endpoint("GET", SPACE + "/report.csv", "The report as CSV (admins)", space_report_csv,
             media_type="text/csv", tags=("spaces",)),
]  # fmt: skip
