"""Spaces in the database: the operations, each in the caller's transaction.

Each operation takes the SQLAlchemy session and the acting person's user id, asks the policy
first, and returns plain values (views.py) with the bus events the change makes: the caller
publishes them once the transaction has committed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..bus import Event, space_topic, user_topic
from ..db import utcnow
from ..errors import Conflict, Invalid
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
    """The person's spaces, most recently created first. A space whose deletion is asked is
    still listed (with its `delete_at`, read-only) until that time; then it is gone."""
    rows = session.execute(
        select(Space, Member)
        .join(Member, Member.space_id == Space.id)
        .where(
            Member.user_id == user_id,
            (Space.delete_at.is_(None)) | (Space.delete_at > utcnow()),
        )
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


def _changed(space_id: int) -> Events:
    return [(space_topic(space_id), {"type": "space.changed", "space": space_id})]


def archive_space(
    session: Session, user_id: int, space_id: int, archived: bool
) -> tuple[SpaceView, Events]:
    """Archive the space (read-only for everyone) or take it out of the archive."""
    access = authorize(session, user_id, space_id, "archive")
    space = access.space
    if (space.archived_at is not None) == archived:
        raise Conflict(
            "this space is already archived" if archived else "this space is not archived"
        )
    space.archived_at = utcnow() if archived else None
    record(session, space.id, user_id, "space.archived" if archived else "space.unarchived", "")
    session.flush()
    return space_view(space, access.member), _changed(space.id)


def request_deletion(
    session: Session, user_id: int, space_id: int, confirm: str, grace: int
) -> tuple[SpaceView, Events]:
    """Ask for the space's deletion: `confirm` repeats its name; it is deleted `grace` seconds
    from now (purge_due), read-only meanwhile, and an owner may restore it until then."""
    access = authorize(session, user_id, space_id, "delete")
    space = access.space
    if " ".join(confirm.split()) != space.name:
        raise Invalid("to delete this space, repeat its name exactly in `confirm`")
    if space.delete_at is not None:
        raise Conflict("this space's deletion is already asked")
    space.delete_at = utcnow() + timedelta(seconds=grace)
    record(session, space.id, user_id, "space.deletion_asked", space.name)
    session.flush()
    return space_view(space, access.member), _changed(space.id)


def restore_space(session: Session, user_id: int, space_id: int) -> tuple[SpaceView, Events]:
    """Take back a pending deletion (before its time has come: then the space is gone)."""
    access = authorize(session, user_id, space_id, "delete")
    space = access.space
    if space.delete_at is None:
        raise Conflict("this space's deletion is not asked")
    space.delete_at = None
    record(session, space.id, user_id, "space.restored", "")
    session.flush()
    return space_view(space, access.member), _changed(space.id)


def due_for_deletion(session: Session, now: datetime | None = None) -> list[int]:
    """The spaces whose deletion time has come (purge_space deletes each)."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(Space.id)
            .where(Space.delete_at.is_not(None), Space.delete_at <= now)
            .order_by(Space.id)
        )
    )


def purge_space(session: Session, space_id: int, now: datetime | None = None) -> Events:
    """Delete the space if its deletion time has come, with everything in it (the foreign
    keys cascade), and tell its last members. Safe when several processes do it at once: one
    conditional DELETE, and a space restored or deleted by another meanwhile is left alone."""
    now = now or utcnow()
    members = session.scalars(select(Member.user_id).where(Member.space_id == space_id)).all()
    gone = session.execute(
        delete(Space)
        .where(Space.id == space_id, Space.delete_at.is_not(None), Space.delete_at <= now)
        .execution_options(synchronize_session=False)
    )
    if not gone.rowcount:  # type: ignore[attr-defined]
        return []
    return [(user_topic(uid), {"type": "access.revoked", "space": space_id}) for uid in members]
