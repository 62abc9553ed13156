"""May this person read or change this calendar, or see when a colleague is busy?

A person's own calendar is theirs alone: anyone else is told it does not exist. A space's
calendar follows the space's `calendar` module (spaces/rules.py): "read" (a guest's default)
sees its events, "write" makes and changes them. Free/busy shows when an organisation
account is busy, never what it does, and only to organisation accounts: a guest sees
nothing of anyone's calendar, and no one sees a guest's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..errors import Forbidden, NotFound
from ..spaces.policy import Access, membership
from .models import Calendar

ACTIONS = ("read", "write")


@dataclass(frozen=True)
class CalendarAccess:
    calendar: Calendar
    writable: bool
    space: Access | None  # a space's calendar: the caller's standing in it


def personal_calendar(session: Session, user_id: int) -> Calendar:
    """The person's own calendar, made when first asked for."""
    found = session.scalar(select(Calendar).where(Calendar.owner_id == user_id))
    if found is None:
        found = Calendar(owner_id=user_id, revision=0)
        session.add(found)
        session.flush()
    return found


def space_calendar(session: Session, space_id: int) -> Calendar:
    """The space's calendar, made when first asked for."""
    found = session.scalar(select(Calendar).where(Calendar.space_id == space_id))
    if found is None:
        found = Calendar(space_id=space_id, revision=0)
        session.add(found)
        session.flush()
    return found


def calendar_access(
    session: Session, user_id: int, calendar_id: int, action: str
) -> CalendarAccess:
    """NotFound unless the person may read the calendar; Forbidden if they may read it but
    not `action` ("write")."""
    if action not in ACTIONS:
        raise ValueError(action)
    calendar = session.get(Calendar, calendar_id)
    if calendar is None:
        raise NotFound("no such calendar")
    if calendar.owner_id is not None:
        if calendar.owner_id != user_id:
            raise NotFound("no such calendar")
        return CalendarAccess(calendar, True, None)
    assert calendar.space_id is not None
    try:
        access = membership(session, user_id, calendar.space_id)
    except NotFound:
        raise NotFound("no such calendar") from None
    if not access.may("calendar.read"):
        raise NotFound("no such calendar")
    writable = access.may("calendar.write")
    if action == "write" and not writable:
        raise Forbidden("you may read this calendar but not change it")
    return CalendarAccess(calendar, writable, access)


def busy_of(session: Session, user_id: int, name: str) -> User:
    """The colleague whose free/busy the person may see: NotFound for a guest caller, a
    guest's account, or no such account."""
    me = session.get(User, user_id)
    other = session.scalar(select(User).where(User.name == name))
    if me is None or me.guest or other is None or other.guest:
        raise NotFound("no such person")
    return other
