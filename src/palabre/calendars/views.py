"""What the API sees of calendars and events: msgspec structs."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from .ical import Attendee, Occurrence


class CalendarView(msgspec.Struct, kw_only=True):
    id: int
    kind: str  # "personal" or "space"
    space: int | None
    name: str  # the space's name; "" for one's own
    color: str
    writable: bool


class AttendeeView(msgspec.Struct, kw_only=True):
    name: str
    email: str | None  # only to those who may change the event
    partstat: str


class EventView(msgspec.Struct, kw_only=True):
    """One occurrence of an event (or the event, when it does not recur)."""

    calendar: int
    uid: str
    summary: str
    description: str
    location: str
    url: str
    start: str  # ISO 8601: a date when all_day, else a time with its offset
    end: str
    all_day: bool
    timezone: str
    recurring: bool
    recurrence_id: str | None
    status: str
    organizer: str  # a name
    attendees: list[AttendeeView]
    writable: bool


class EventDetail(msgspec.Struct, kw_only=True):
    """An event as its editor opens it: the master, its rule and exceptions."""

    event: EventView
    rrule: str | None
    exdates: list[str]
    sequence: int


class BusyView(msgspec.Struct, kw_only=True):
    start: datetime
    end: datetime


def iso(value: datetime | date) -> str:
    return value.isoformat()


def attendee_view(attendee: Attendee, with_email: bool) -> AttendeeView:
    return AttendeeView(
        name=attendee.name or (attendee.email.split("@")[0] if not with_email else ""),
        email=attendee.email if with_email else None,
        partstat=attendee.partstat,
    )


def event_view(calendar_id: int, occurrence: Occurrence, writable: bool) -> EventView:
    organizer = occurrence.organizer
    return EventView(
        calendar=calendar_id,
        uid=occurrence.uid,
        summary=occurrence.summary,
        description=occurrence.description,
        location=occurrence.location,
        url=occurrence.url,
        start=iso(occurrence.start),
        end=iso(occurrence.end),
        all_day=occurrence.all_day,
        timezone=occurrence.timezone,
        recurring=occurrence.recurring,
        recurrence_id=iso(occurrence.recurrence_id) if occurrence.recurrence_id else None,
        status=occurrence.status,
        organizer=(organizer.name or "") if organizer else "",
        attendees=[attendee_view(a, writable) for a in occurrence.attendees],
        writable=writable,
    )
