"""Calendars and their objects: list what a person sees, store an object (from the API or a
CalDAV client) with its range columns and the change log, expand a range, make, replace and
delete events, answer an invitation, a colleague's busy times. Each operation takes the
caller's session; those that change return the bus events and the invitations to send once
committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..bus import Event, space_topic, user_topic
from ..db import utcnow
from ..errors import Invalid, NotFound
from ..spaces.models import Member, Space
from . import ical
from .feed import merged as feed_file
from .feed import split
from .ical import Attendee, EventFields
from .models import Calendar, CalendarChange, CalendarObject
from .policy import busy_of, calendar_access, personal_calendar, space_calendar
from .views import BusyView, CalendarView, EventDetail, EventView, event_view, iso

Events = list[tuple[str, Event]]
MAX_RANGE_DAYS = 400


@dataclass(frozen=True)
class Mailing:
    """An iMIP message to send: REQUEST (invitation, update) or CANCEL, to `to`."""

    object_id: int
    method: str
    ics: str
    to: list[Attendee]
    summary: str
    organizer: str  # a name
    start: datetime | date
    location: str


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


def _in_range(calendar_id: int, start: datetime, end: datetime) -> Select[Any]:
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
    for found in session.scalars(_in_range(calendar_id, start, end)):
        for occurrence in ical.occurrences(found.ics, start, end):
            views.append(event_view(calendar_id, occurrence, access.writable))
    return sorted(views, key=_sort_key)


def _detail(calendar_id: int, text: str, writable: bool) -> EventDetail:
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
    return _detail(calendar_id, found.ics, access.writable)


def organizer_of(session: Session, user_id: int, fallback_email: str) -> Attendee:
    user = session.get(User, user_id)
    assert user is not None
    return Attendee(user.email or fallback_email, user.display_name, "ACCEPTED")


def _mailing(found: CalendarObject, method: str, to: list[Attendee], text: str) -> Mailing:
    described = ical.describe(text)
    master = described.master
    return Mailing(
        object_id=found.id, method=method, ics=ical.imip(text, method), to=to,
        summary=master.summary, organizer=master.organizer.name if master.organizer else "",
        start=master.start, location=master.location,
    )  # fmt: skip


def _guests(attendees: list[Attendee], organizer: Attendee | None) -> list[Attendee]:
    """Those to write to: everyone invited but the organiser."""
    own = organizer.email.casefold() if organizer else ""
    return [a for a in attendees if a.email.casefold() != own]


def create_event(
    session: Session, user_id: int, calendar_id: int, fields: EventFields
) -> tuple[EventDetail, list[Mailing], Events]:
    """A new event; invitations to its attendees."""
    access = calendar_access(session, user_id, calendar_id, "write")
    uid = f"{uuid.uuid4().hex}@palabre"
    text = ical.event_ics(uid, fields)
    found = put_object(session, access.calendar, text, None, user_id)
    guests = _guests(fields.attendees, fields.organizer)
    mailings = [_mailing(found, "REQUEST", guests, text)] if guests else []
    return _detail(calendar_id, text, True), mailings, changed(access.calendar, uid)


def _writable_event(
    session: Session, user_id: int, calendar_id: int, uid: str
) -> tuple[Calendar, CalendarObject]:
    access = calendar_access(session, user_id, calendar_id, "write")
    found = object_by_uid(session, access.calendar, uid)
    if found is None or found.component != "VEVENT":
        raise NotFound("no such event")
    return access.calendar, found


def replace_event(
    session: Session, user_id: int, calendar_id: int, uid: str, fields: EventFields
) -> tuple[EventDetail, list[Mailing], Events]:
    """The event made anew from `fields`: its update to those still invited, its
    cancellation to those no longer."""
    calendar, found = _writable_event(session, user_id, calendar_id, uid)
    before = ical.describe(found.ics).master
    if before.organizer is not None:
        fields.organizer = before.organizer  # the organiser stays who invited
    text = ical.replaced(found.ics, fields)
    put_object(session, calendar, text, found.href, user_id)
    still = {a.email.casefold() for a in fields.attendees}
    kept = _guests(fields.attendees, fields.organizer)
    gone = [a for a in _guests(before.attendees, before.organizer)
            if a.email.casefold() not in still]  # fmt: skip
    mailings = []
    if kept:
        mailings.append(_mailing(found, "REQUEST", kept, text))
    if gone:
        mailings.append(_mailing(found, "CANCEL", gone, text))
    return _detail(calendar_id, text, True), mailings, changed(calendar, uid)


def delete_event(
    session: Session, user_id: int, calendar_id: int, uid: str, occurrence: str | None
) -> tuple[list[Mailing], Events]:
    """The event deleted (its cancellation to its attendees), or one occurrence of it
    excluded (`occurrence`: its start, ISO 8601; the update sent)."""
    calendar, found = _writable_event(session, user_id, calendar_id, uid)
    described = ical.describe(found.ics)
    guests = _guests(described.master.attendees, described.master.organizer)
    if occurrence is not None:
        moment = ical.parse_moment(
            occurrence, described.master.timezone or "UTC", described.master.all_day
        )
        text = ical.bumped(ical.overridden(found.ics, moment))
        put_object(session, calendar, text, found.href, user_id)
        mailings = [_mailing(found, "REQUEST", guests, text)] if guests else []
        return mailings, changed(calendar, uid)
    text = ical.bumped(found.ics)
    mailings = [_mailing(found, "CANCEL", guests, text)] if guests else []
    remove_object(session, calendar, found)
    return mailings, changed(calendar, uid)


@dataclass(frozen=True)
class Answer:
    summary: str
    start: str
    partstat: str


def rsvp_state(session: Session, object_id: int, email: str) -> Answer:
    """What the invitee's link shows: the event's title and time, their answer."""
    found = session.get(CalendarObject, object_id)
    if found is None:
        raise NotFound("no such invitation")
    described = ical.describe(found.ics)
    mine = [a for a in described.master.attendees if a.email.casefold() == email]
    if not mine:
        raise NotFound("no such invitation")
    master = described.master
    return Answer(master.summary, iso(master.start), mine[0].partstat)


def answer_rsvp(
    session: Session, object_id: int, email: str, partstat: str
) -> tuple[Answer, Events]:
    """The invitee's answer, set in the event (every instance)."""
    found = session.get(CalendarObject, object_id)
    if found is None:
        raise NotFound("no such invitation")
    text = ical.set_partstat(found.ics, email, partstat.upper())
    if text is None:
        raise NotFound("no such invitation")
    calendar = session.get(Calendar, found.calendar_id)
    assert calendar is not None
    put_object(session, calendar, text, found.href, None)
    return rsvp_state(session, object_id, email), changed(calendar, found.uid)


def busy(
    session: Session, user_id: int, name: str, start: datetime, end: datetime
) -> list[BusyView]:
    """When the colleague is busy in [start, end): their own calendar's and their spaces'
    events they did not decline, merged; nothing else of them."""
    check_range(start, end)
    other = busy_of(session, user_id, name)
    own = other.email.casefold() if other.email else None
    calendar_ids = [personal_calendar(session, other.id).id]
    spaces = session.scalars(select(Member.space_id).where(Member.user_id == other.id))
    calendar_ids += [space_calendar(session, space_id).id for space_id in spaces]
    periods: list[tuple[datetime, datetime]] = []
    for calendar_id in calendar_ids:
        for found in session.scalars(_in_range(calendar_id, start, end)):
            for occurrence in ical.occurrences(found.ics, start, end):
                declined = any(a.email.casefold() == own and a.partstat == "DECLINED"
                               for a in occurrence.attendees)  # fmt: skip
                if declined or occurrence.status == "CANCELLED":
                    continue
                periods.append((_aware(occurrence.start), _aware(occurrence.end)))
    merged: list[list[datetime]] = []
    for begin, finish in sorted(periods):
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], finish)
        else:
            merged.append([begin, finish])
    return [BusyView(start=max(b, start), end=min(f, end)) for b, f in merged]


def _aware(value: datetime | date) -> datetime:
    return ical.utc_moment(value)


def feed(session: Session, user_id: int, calendar_id: int) -> str:
    """The whole calendar as one iCalendar file, for a subscription."""
    access = calendar_access(session, user_id, calendar_id, "read")
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
