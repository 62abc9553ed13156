"""What the API and the pages see of a space: plain msgspec structs, no ORM object."""

from __future__ import annotations

from datetime import datetime

import msgspec

from ..accounts.users import User
from . import rules
from .models import Member, Space


class SpaceView(msgspec.Struct, kw_only=True):
    id: int
    name: str
    description: str
    room: str  # the space's permanent meeting room
    role: str  # the caller's role
    access: dict[str, str]  # the caller's level per module
    notify: str  # the caller's notifications from the space: all, mentions or none
    created_at: datetime
    archived_at: datetime | None
    delete_at: datetime | None
    # Filled in by the web layer from messaging, on the list of the caller's spaces.
    unread: int = 0  # messages after the caller's read markers in the channels they read
    mentions: int = 0  # of those, the ones that mention them


def space_view(space: Space, member: Member) -> SpaceView:
    return SpaceView(
        id=space.id,
        name=space.name,
        description=space.description,
        room=space.room,
        role=member.role,
        access={m: rules.access_level(member.role, m, member.access) for m in rules.MODULES},
        notify=member.notify,
        created_at=space.created_at,
        archived_at=space.archived_at,
        delete_at=space.delete_at,
    )


class MemberView(msgspec.Struct, kw_only=True):
    user_id: int
    name: str  # the account's name (what @mentions use)
    display_name: str
    guest: bool  # an account from outside the organisation (made by an invitation)
    role: str
    access: dict[str, str]  # their level per module
    email: str | None  # only if they chose to show it
    joined_at: datetime


def member_view(member: Member, user: User) -> MemberView:
    return MemberView(
        user_id=user.id,
        name=user.name,
        display_name=user.display_name,
        guest=user.guest,
        role=member.role,
        access={m: rules.access_level(member.role, m, member.access) for m in rules.MODULES},
        email=user.email if user.email_visible else None,
        joined_at=member.joined_at,
    )
