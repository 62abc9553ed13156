"""Spaces in the database: the operations, each in the caller's transaction.

Each operation takes the SQLAlchemy session and the acting person's user id, asks the policy
first, and returns plain values (views.py) with the bus events the change makes: the caller
publishes them once the transaction has committed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..bus import Event, space_topic, user_topic
from ..errors import Invalid
from ..meeting.names import SPACE_ROOM_PREFIX, generate_room_name
from .models import Activity, Member, Space
from .policy import Access, authorize
from .views import SpaceView, space_view

MAX_NAME = 128
MAX_DESCRIPTION = 4000

Events = list[tuple[str, Event]]


def clean_name(text: str) -> str:
    name = " ".join(text.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise Invalid(f"a space's name has 1 to {MAX_NAME} characters")
    return name


def clean_description(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_DESCRIPTION:
        raise Invalid(f"a space's description has at most {MAX_DESCRIPTION} characters")
    return text


def record(session: Session, space_id: int, actor_id: int | None, verb: str, subject: str) -> None:
    """A line of the space's activity feed."""
    session.add(Activity(space_id=space_id, actor_id=actor_id, verb=verb, subject=subject[:256]))


def create_space(
    session: Session, user_id: int, name: str, description: str = ""
) -> tuple[SpaceView, Events]:
    """A new space, its creator its owner. Guests create no space."""
    user = session.get(User, user_id)
    if user is None or user.guest:
        raise Invalid("guests cannot create spaces")
    space = Space(
        name=clean_name(name),
        description=clean_description(description),
        room=_free_room(session),
        created_by=user_id,
    )
    session.add(space)
    session.flush()
    member = Member(space_id=space.id, user_id=user_id, role="owner", access={})
    session.add(member)
    record(session, space.id, user_id, "space.created", space.name)
    session.flush()
    view = space_view(space, member)
    return view, [(user_topic(user_id), {"type": "space.joined", "space": view.id})]


def _free_room(session: Session) -> str:
    while True:
        room = SPACE_ROOM_PREFIX + generate_room_name()[:50]
        if session.scalar(select(Space.id).where(Space.room == room)) is None:
            return room


def my_spaces(session: Session, user_id: int) -> list[SpaceView]:
    """The person's spaces, most recently created first (deleted ones are gone)."""
    rows = session.execute(
        select(Space, Member)
        .join(Member, Member.space_id == Space.id)
        .where(Member.user_id == user_id, Space.delete_at.is_(None))
        .order_by(Space.id.desc())
    ).all()
    return [space_view(space, member) for space, member in rows]


def get_space(session: Session, user_id: int, space_id: int) -> SpaceView:
    access = authorize(session, user_id, space_id, "view")
    return space_view(access.space, access.member)


def edit_space(
    session: Session,
    user_id: int,
    space_id: int,
    name: str | None,
    description: str | None,
) -> tuple[SpaceView, Events]:
    access = authorize(session, user_id, space_id, "edit")
    space = access.space
    if name is not None:
        space.name = clean_name(name)
        record(session, space.id, user_id, "space.renamed", space.name)
    if description is not None:
        space.description = clean_description(description)
        record(session, space.id, user_id, "space.described", "")
    session.flush()
    view = space_view(space, access.member)
    return view, [(space_topic(space.id), {"type": "space.changed", "space": space.id})]


def meeting_rooms(session: Session, user_id: int) -> set[str]:
    """The rooms of the spaces whose meeting the person may enter directly."""
    rows = session.execute(
        select(Space, Member)
        .join(Member, Member.space_id == Space.id)
        .where(Member.user_id == user_id, Space.delete_at.is_(None))
    ).all()
    return {space.room for space, member in rows if Access(space, member).may("meeting.write")}


def space_of_room(session: Session, room: str) -> int | None:
    return session.scalar(select(Space.id).where(Space.room == room))
