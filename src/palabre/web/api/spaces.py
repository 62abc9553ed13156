"""/api/spaces: create, list, read and edit spaces (docs/workspace-api.md)."""

from __future__ import annotations

import msgspec

from ...spaces import store
from ...spaces.views import SpaceView
from .endpoints import Call, Endpoint


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


SPACE = "/api/spaces/{space_id:int}"
ENDPOINTS = [
    Endpoint("POST", "/api/spaces", "Create a space (its creator is its owner)", create_space,
             body=NewSpace, response=SpaceView, status=201, tags=("spaces",)),
    Endpoint("GET", "/api/spaces", "The caller's spaces", list_spaces,
             response=list[SpaceView], tags=("spaces",)),
    Endpoint("GET", SPACE, "One space", get_space, response=SpaceView, tags=("spaces",)),
    Endpoint("PATCH", SPACE, "Rename or describe a space (admins)", edit_space,
             body=SpaceEdit, response=SpaceView, tags=("spaces",)),
]  # fmt: skip
