"""/api/spaces: create, list, read and edit spaces (docs/workspace-api.md).

Where spaces meet messaging, this layer composes them (spaces knows nothing of messaging): a
new space gets its `general` channel in the same transaction, and the list of the caller's
spaces carries their unread counts.
"""

from __future__ import annotations

import msgspec
from sqlalchemy.orm import Session

from ...bus import Event
from ...messaging import channels, rules, unread
from ...spaces import store
from ...spaces.views import SpaceView
from .endpoints import Call, Endpoint


class NewSpace(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    description: str = ""


class SpaceEdit(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    description: str | None = None


def create_space_with_general(
    session: Session, user_id: int, name: str, description: str
) -> tuple[SpaceView, list[tuple[str, Event]]]:
    view, events = store.create_space(session, user_id, name, description)
    _, channel_events = channels.create_channel(session, user_id, view.id, rules.GENERAL)
    return view, [*events, *channel_events]


def spaces_with_counts(session: Session, user_id: int) -> list[SpaceView]:
    totals = unread.by_space(session, user_id)
    return [
        msgspec.structs.replace(view, unread=counts[0], mentions=counts[1])
        if (counts := totals.get(view.id))
        else view
        for view in store.my_spaces(session, user_id)
    ]


async def create_space(call: Call) -> SpaceView:
    body: NewSpace = call.body
    view = await call.ctx.apply(
        create_space_with_general, call.me.user_id, body.name, body.description
    )
    return view


async def list_spaces(call: Call) -> list[SpaceView]:
    return await call.ctx.run(spaces_with_counts, call.me.user_id)


async def get_space(call: Call) -> SpaceView:
    return await call.ctx.run(store.get_space, call.me.user_id, call.param("space_id"))


async def edit_space(call: Call) -> SpaceView:
    body: SpaceEdit = call.body
    view = await call.ctx.apply(
        store.edit_space, call.me.user_id, call.param("space_id"), body.name, body.description
    )
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
