"""Calendars and their objects: list what a person sees, store an object (from the API or a
CalDAV client) with its range columns and the change log, expand a range, read an event,
the whole calendar as one file and a file imported. Each operation takes the caller's
session; those that change return the bus events to publish once committed (events.py makes,
replaces and deletes events with their invitations; freebusy.py tells busy times)."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from ..bus import Event, space_topic, user_topic
from ..db import utcnow
from ..errors import Invalid, NotFound
from ..spaces.models import Member, Space
from . import ical
from .feed import merged as feed_file
from .feed import split
from .models import Calendar, CalendarChange, CalendarFeed, CalendarObject
from .policy import calendar_access, personal_calendar, space_calendar
from .views import CalendarView, EventDetail, EventView, event_view, iso

Events = list[tuple[str, Event]]
MAX_RANGE_DAYS = 400


def _topic(calendar: Calendar) -> str:
    if calendar.space_id is not None:
        return space_topic(calendar.space_id)
    assert calendar.owner_id is not None
    return user_topic(calendar.owner_id)


def changed(calendar: Calendar, uid: str) -> Events:
    event: Event = {"type": "calendar.changed", "calendar": calendar.id, "uid": uid}
    return [(_topic(calendar), event)]


def list_calendars(session: Session, user_id: int) -> list[CalendarView]:
    """The person's own calendar, then those of their spaces whose calendar they read."""
    own = personal_calendar(session, user_id)
    views = [CalendarView(id=own.id, kind="personal", space=None, name="", color=own.color,
                          writable=True)]  # fmt: skip
    spaces = session.scalars(
        select(Space)
        .join(Member, Member.space_id == Space.id)
        .where(Member.user_id == user_id)
        .order_by(Space.name, Space.id)
    )
    for space in spaces:
        calendar = space_calendar(session, space.id)
        try:
            access = calendar_access(session, user_id, calendar.id, "read")
        except NotFound:
            continue
        views.append(CalendarView(id=calendar.id, kind="space", space=space.id, name=space.name,
                                  color=calendar.color, writable=access.writable))  # fmt: skip
    return views


def _record(session: Session, calendar: Calendar, href: str, deleted: bool) -> int:
    calendar.revision += 1
    session.add(CalendarChange(calendar_id=calendar.id, href=href, revision=calendar.revision,
                               deleted=deleted))  # fmt: skip
    return calendar.revision


def object_by_href(session: Session, calendar: Calendar, href: str) -> CalendarObject | None:
    return session.scalar(
        select(CalendarObject).where(
            CalendarObject.calendar_id == calendar.id, CalendarObject.href == href
        )
    )


def object_by_uid(session: Session, calendar: Calendar, uid: str) -> CalendarObject | None:
    return session.scalar(
        select(CalendarObject).where(
            CalendarObject.calendar_id == calendar.id, CalendarObject.uid == uid
        )
    )


def put_object(
    session: Session, calendar: Calendar, text: str, href: str | None, user_id: int | None
) -> CalendarObject:
    """Store an object (new, or replacing the one of its href or UID); Invalid if it is not
    one event or to-do, or its UID is another href's."""
    summary = ical.summarize(text)
    href = href or f"{summary.uid}.ics"
    if len(href) > 255 or "/" in href:
        raise Invalid("an object's name has at most 255 characters and no '/'")
    found = object_by_href(session, calendar, href)
    same_uid = object_by_uid(session, calendar, summary.uid)
    if same_uid is not None and same_uid is not found:
        raise Invalid("another object of this calendar has this UID")
    if found is None:
        found = CalendarObject(calendar_id=calendar.id, href=href, created_by=user_id)
        session.add(found)
    found.uid = summary.uid
    found.component = summary.component
    found.ics = text
    found.etag = ical.etag(text)
    found.summary = summary.summary
    found.starts_at = summary.starts_at
    found.ends_at = summary.ends_at
    found.updated_at = utcnow()
    found.revision = _record(session, calendar, href, False)
    session.flush()
    return found


def remove_object(session: Session, calendar: Calendar, found: CalendarObject) -> None:
    _record(session, calendar, found.href, True)
    session.delete(found)
    session.flush()


def check_range(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise Invalid("start and end carry their offset (2026-12-03T00:00:00+01:00)")
    if end <= start or (end - start).days > MAX_RANGE_DAYS:
        raise Invalid(f"end comes after start, at most {MAX_RANGE_DAYS} days later")


def in_range(calendar_id: int, start: datetime, end: datetime) -> Select[Any]:
    return select(CalendarObject).where(
        CalendarObject.calendar_id == calendar_id,
        CalendarObject.component == "VEVENT",
        or_(CalendarObject.starts_at.is_(None), CalendarObject.starts_at < end),
        or_(CalendarObject.ends_at.is_(None), CalendarObject.ends_at > start),
    )


def _sort_key(view: EventView) -> str:
    return view.start if "T" in view.start else view.start + "T00:00"


def list_events(
    session: Session, user_id: int, calendar_id: int, start: datetime, end: datetime
) -> list[EventView]:
    """The occurrences of [start, end), by start."""
    check_range(start, end)
    access = calendar_access(session, user_id, calendar_id, "read")
    views: list[EventView] = []
    for found in session.scalars(in_range(calendar_id, start, end)):
        for occurrence in ical.occurrences(found.ics, start, end):
            views.append(event_view(calendar_id, occurrence, access.writable))
    return sorted(views, key=_sort_key)


def detail(calendar_id: int, text: str, writable: bool) -> EventDetail:
    described = ical.describe(text)
    return EventDetail(
        event=event_view(calendar_id, described.master, writable),
        rrule=described.rrule,
        exdates=[iso(d) for d in described.exdates],
        sequence=described.sequence,
    )


def get_event(session: Session, user_id: int, calendar_id: int, uid: str) -> EventDetail:
    access = calendar_access(session, user_id, calendar_id, "read")
    found = object_by_uid(session, access.calendar, uid)
    if found is None or found.component != "VEVENT":
        raise NotFound("no such event")
    return detail(calendar_id, found.ics, access.writable)


def feed_key(session: Session, user_id: int, calendar_id: int) -> str | None:
    """The key of the person's current subscription address (None: never regenerated)."""
    calendar_access(session, user_id, calendar_id, "read")
    row = session.get(CalendarFeed, (calendar_id, user_id))
    return row.key if row is not None else None


def regenerate_feed(session: Session, user_id: int, calendar_id: int) -> str:
    """A new key for the person's subscription address: the earlier addresses no longer
    work."""
    calendar_access(session, user_id, calendar_id, "read")
    row = session.get(CalendarFeed, (calendar_id, user_id))
    if row is None:
        row = CalendarFeed(calendar_id=calendar_id, user_id=user_id)
        session.add(row)
    row.key = secrets.token_urlsafe(24)
    row.created_at = utcnow()
    session.flush()
    return row.key


def feed(session: Session, user_id: int, calendar_id: int, key: str | None = None) -> str:
    """The whole calendar as one iCalendar file, for a subscription whose address carried
    `key`: NotFound unless it is the person's current one."""
    access = calendar_access(session, user_id, calendar_id, "read")
    row = session.get(CalendarFeed, (calendar_id, user_id))
    if row is None:
        good = key is None
    else:
        good = key is not None and hmac.compare_digest(key.encode(), row.key.encode())
    if not good:
        raise NotFound("no such calendar")
    rows = session.scalars(
        select(CalendarObject.ics).where(CalendarObject.calendar_id == calendar_id)
    )
    space = session.get(Space, access.calendar.space_id) if access.calendar.space_id else None
    return feed_file(rows, space.name if space is not None else "Palabre")


def import_file(session: Session, user_id: int, calendar_id: int, text: str) -> tuple[int, Events]:
    """Each event and to-do of the file stored (one of the same UID replaced)."""
    access = calendar_access(session, user_id, calendar_id, "write")
    objects = split(text)
    for each in objects:
        uid = ical.summarize(each).uid
        found = object_by_uid(session, access.calendar, uid)
        put_object(session, access.calendar, each, found.href if found else None, user_id)
    return len(objects), changed(access.calendar, "")
