"""/api/spaces/{id}/members and /api/directory: a space's members, added by name from the
organisation's directory, their roles and module access, removal and leaving."""

from __future__ import annotations

import msgspec

from ...accounts.directory import DirectoryEntry, search_directory
from ...spaces import members
from ...spaces.views import MemberView
from .endpoints import Call, Endpoint


class NewMember(msgspec.Struct, forbid_unknown_fields=True):
    user: str  # the account's name
    role: str = "member"


class MemberEdit(msgspec.Struct, forbid_unknown_fields=True):
    role: str | None = None
    access: dict[str, str] | None = None  # module -> none, read or write


async def list_members(call: Call) -> list[MemberView]:
    return await call.ctx.run(members.list_members, call.me.user_id, call.param("space_id"))


async def add_member(call: Call) -> MemberView:
    body: NewMember = call.body
    view = await call.ctx.apply(
        members.add_member, call.me.user_id, call.param("space_id"), body.user, body.role
    )
    return view


async def change_member(call: Call) -> MemberView:
    body: MemberEdit = call.body
    view = await call.ctx.apply(
        members.change_member,
        call.me.user_id,
        call.param("space_id"),
        call.param("user_id"),
        body.role,
        body.access,
    )
    return view


async def remove_member(call: Call) -> None:
    events = await call.ctx.run(
        members.remove_member, call.me.user_id, call.param("space_id"), call.param("user_id")
    )
    await call.ctx.publish(events)


async def directory(call: Call) -> list[DirectoryEntry]:
    limit = call.int_query("limit", 20, 1, 50)
    return await call.ctx.run(search_directory, call.me.user_id, call.query("q") or "", limit)


MEMBERS = "/api/spaces/{space_id:int}/members"
ENDPOINTS = [
    Endpoint("GET", MEMBERS, "A space's members (members; e-mail only if shown)", list_members,
             response=list[MemberView], tags=("members",)),
    Endpoint("POST", MEMBERS, "Add an organisation account by name (admins)", add_member,
             body=NewMember, response=MemberView, status=201, tags=("members",)),
    Endpoint("PATCH", MEMBERS + "/{user_id:int}", "Change a member's role or module access "
             "(admins; owners for admins and owners)", change_member, body=MemberEdit,
             response=MemberView, tags=("members",)),
    Endpoint("DELETE", MEMBERS + "/{user_id:int}", "Remove a member (admins), or leave "
             "(oneself)", remove_member, tags=("members",)),
    Endpoint("GET", "/api/directory", "Organisation accounts by name (not for guests)",
             directory, response=list[DirectoryEntry], tags=("members",)),
]  # fmt: skip
