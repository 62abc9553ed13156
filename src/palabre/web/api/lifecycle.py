"""A space's life past its making (docs/workspace-api.md): archived and back, its deletion
asked (the name repeated) and taken back, and the job that purges the spaces whose grace
period has ended."""

from __future__ import annotations

import msgspec

from ...spaces import store
from ...spaces.views import SpaceView
from .endpoints import ApiContext, Call, Endpoint
from .jobs import JOBS, Job


class Deletion(msgspec.Struct, forbid_unknown_fields=True):
    confirm: str  # the space's name, repeated


async def archive_space(call: Call) -> SpaceView:
    view = await call.ctx.apply(store.archive_space, call.me.user_id, call.param("space_id"), True)
    return view


async def unarchive_space(call: Call) -> SpaceView:
    view = await call.ctx.apply(store.archive_space, call.me.user_id, call.param("space_id"), False)
    return view


async def delete_space(call: Call) -> SpaceView:
    body: Deletion = call.body
    view = await call.ctx.apply(
        store.request_deletion,
        call.me.user_id,
        call.param("space_id"),
        body.confirm,
        call.ctx.settings.space_delete_grace,
    )
    return view


async def restore_space(call: Call) -> SpaceView:
    view = await call.ctx.apply(store.restore_space, call.me.user_id, call.param("space_id"))
    return view


async def purge_spaces(ctx: ApiContext) -> None:
    """Delete the spaces whose grace period has ended; their last members' pages drop them."""
    for space_id in await ctx.run(store.due_for_deletion):
        await ctx.publish(await ctx.run(store.purge_space, space_id))


PURGE = Job("spaces.purge", 60.0, purge_spaces)
JOBS.append(PURGE)

SPACE = "/api/spaces/{space_id:int}"
ENDPOINTS = [
    Endpoint("POST", SPACE + "/archive", "Archive a space: read-only (admins)", archive_space,
             response=SpaceView, tags=("spaces",)),
    Endpoint("POST", SPACE + "/unarchive", "Take a space out of the archive (admins)",
             unarchive_space, response=SpaceView, tags=("spaces",)),
    Endpoint("DELETE", SPACE, "Delete a space after the grace period; confirm repeats its "
             "name (owners)", delete_space, body=Deletion, response=SpaceView, tags=("spaces",)),
    Endpoint("POST", SPACE + "/restore", "Take back a pending deletion (owners)", restore_space,
             response=SpaceView, tags=("spaces",)),
]  # fmt: skip
