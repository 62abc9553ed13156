"""iCalendar (RFC 5545) in and out, pure: an event made from its fields, an object a client
sent checked and summed up for the range columns, occurrences of a range (RRULE, EXDATE and
overridden instances by recurring-ical-events), attendees, an event's master described and
replaced. Scheduling changes (answers, updates, iMIP messages) are itip.py's."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

from ..db import utcnow
from ..errors import Invalid

PRODID = "-//Palabre//Planning//EN"
COMPONENTS = ("VEVENT", "VTODO")
PARTSTATS = ("NEEDS-ACTION", "ACCEPTED", "TENTATIVE", "DECLINED")
MAX_ICS = 1 << 20  # bytes of one object
MAX_ATTENDEES = 200


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""
    partstat: str = "NEEDS-ACTION"


@dataclass
class EventFields:
    """An event as the API gives it: `start` and `end` aware datetimes in `timezone`, or
    dates when `all_day` (the end excluded, as iCalendar has it)."""

    summary: str
    start: datetime | date
    end: datetime | date
    timezone: str = "UTC"
    all_day: bool = False
    description: str = ""
    location: str = ""
    url: str = ""
    rrule: str | None = None  # "FREQ=WEEKLY;COUNT=10"
    exdates: list[datetime | date] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)
    organizer: Attendee | None = None
    reminder_minutes: int | None = None


@dataclass(frozen=True)
class Summary:
    """What the range columns keep of an object."""

    component: str
    uid: str
    summary: str
    starts_at: datetime | None
    ends_at: datetime | None  # None: recurs without end


@dataclass(frozen=True)
class Occurrence:
    uid: str
    summary: str
    description: str
    location: str
    url: str
    start: datetime | date
    end: datetime | date
    all_day: bool
    timezone: str
    recurring: bool
    recurrence_id: datetime | date | None
    attendees: list[Attendee]
    organizer: Attendee | None
    status: str


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"unknown time zone {name!r}") from None


def etag(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def parse_moment(text: str, timezone: str, all_day: bool) -> datetime | date:
    """'2026-12-03' (all day) or '2026-12-03T10:00' (in `timezone`, unless it says its own
    offset, then converted to it)."""
    try:
        if all_day:
            return date.fromisoformat(text[:10])
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{text!r} is not an ISO 8601 date or time") from None
    tz = zone(timezone)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def address(value: Any) -> str:
    text = str(value)
    return text[7:] if text.lower().startswith("mailto:") else text


def _attendee_prop(attendee: Attendee) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{attendee.email}")
    if attendee.name:
        address.params["CN"] = attendee.name
    address.params["ROLE"] = "REQ-PARTICIPANT"
    address.params["PARTSTAT"] = attendee.partstat
    address.params["RSVP"] = "TRUE"
    return address


def make_event(uid: str, fields: EventFields, sequence: int = 0) -> icalendar.Event:
    if not fields.summary.strip():
        raise Invalid("an event has a title")
    if fields.end <= fields.start:  # type: ignore[operator,unused-ignore]
        raise Invalid("an event ends after it starts")
    if len(fields.attendees) > MAX_ATTENDEES:
        raise Invalid(f"at most {MAX_ATTENDEES} attendees")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", utcnow())
    event.add("last-modified", utcnow())
    event.add("sequence", sequence)
    event.add("summary", fields.summary.strip()[:512])
    event.add("dtstart", fields.start)
    event.add("dtend", fields.end)
    for name in ("description", "location", "url"):
        value = getattr(fields, name).strip()
        if value:
            event.add(name, value)
    if fields.rrule:
        try:
            event.add("rrule", icalendar.vRecur.from_ical(fields.rrule))
        except (ValueError, TypeError):
            raise Invalid(f"{fields.rrule!r} is not an RRULE") from None
    for exdate in fields.exdates:
        event.add("exdate", exdate)
    if fields.organizer is not None:
        organizer = icalendar.vCalAddress(f"mailto:{fields.organizer.email}")
        if fields.organizer.name:
            organizer.params["CN"] = fields.organizer.name
        event.add("organizer", organizer)
    for attendee in fields.attendees:
        event.add("attendee", _attendee_prop(attendee))
    if fields.reminder_minutes is not None:
        if not 0 <= fields.reminder_minutes <= 40_320:
            raise Invalid("a reminder comes 0 to 40320 minutes (4 weeks) before")
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", fields.summary.strip()[:512])
        alarm.add("trigger", -timedelta(minutes=fields.reminder_minutes))
        event.add_component(alarm)
    return event


def wrap(*components: icalendar.Component, method: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    for component in components:
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar


def event_ics(uid: str, fields: EventFields, sequence: int = 0) -> str:
    return str(wrap(make_event(uid, fields, sequence)).to_ical().decode())


def load(text: str) -> icalendar.Calendar:
    if len(text.encode()) > MAX_ICS:
        raise Invalid(f"an object has at most {MAX_ICS} bytes")
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError):
        raise Invalid("this is not iCalendar") from None
    if not isinstance(calendar, icalendar.Calendar):
        raise Invalid("this is not a VCALENDAR")
    return calendar


def entries(calendar: icalendar.Calendar) -> list[Any]:
    """Its events and to-dos (typed loosely: icalendar's property types are a wide union)."""
    return [c for c in calendar.subcomponents if c.name in COMPONENTS]


def utc_moment(value: datetime | date) -> datetime:
    """A time in UTC (a date: its midnight, UTC; a floating time: taken as UTC)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def summarize(text: str) -> Summary:
    """The object's kind, UID and extent; Invalid unless it holds events or to-dos of one
    UID (its master and its overridden instances)."""
    components = entries(load(text))
    if not components:
        raise Invalid("the object holds no VEVENT or VTODO")
    kinds = {c.name for c in components}
    uids = {str(c.get("uid", "")) for c in components}
    if len(kinds) != 1 or len(uids) != 1 or not next(iter(uids)):
        raise Invalid("an object holds one UID of one kind")
    master = next((c for c in components if "recurrence-id" not in c), components[0])
    starts: list[datetime] = []
    ends: list[datetime] = []
    unbounded = False
    for component in components:
        start = component.get("dtstart") or component.get("due")
        if start is None:
            continue
        begin = utc_moment(start.dt)
        starts.append(begin)
        end = component.get("dtend") or component.get("due")
        finish = utc_moment(end.dt) if end is not None else begin + timedelta(days=1)
        ends.append(finish)
        if "rrule" in component:
            rule = component["rrule"]
            if "UNTIL" not in rule and "COUNT" not in rule:
                unbounded = True
            else:
                ends.append(finish + timedelta(days=3660))  # bounded: coarse is enough
    # An all-day or floating time is someone's local day: a day either side covers it.
    margin = timedelta(days=1)
    return Summary(
        component=master.name,
        uid=str(master["uid"]),
        summary=str(master.get("summary", ""))[:512],
        starts_at=min(starts) - margin if starts else None,
        ends_at=None if unbounded or not ends else max(ends) + margin,
    )


def _attendees(component: Any) -> list[Attendee]:
    found = component.get("attendee", [])
    if not isinstance(found, list):
        found = [found]
    return [
        Attendee(
            address(a),
            str(a.params.get("CN", "")),
            str(a.params.get("PARTSTAT", "NEEDS-ACTION")).upper(),
        )
        for a in found
    ]


def _organizer(component: Any) -> Attendee | None:
    found = component.get("organizer")
    if found is None:
        return None
    return Attendee(address(found), str(found.params.get("CN", "")), "ACCEPTED")


def attendees(text: str) -> list[Attendee]:
    """The master's attendees."""
    components = entries(load(text))
    master = next((c for c in components if "recurrence-id" not in c), components[0])
    return _attendees(master)


def _tz_name(value: datetime | date) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        key = getattr(value.tzinfo, "key", None)
        return str(key) if key else str(value.tzinfo)
    return "UTC" if isinstance(value, datetime) else ""


def occurrences(text: str, start: datetime, end: datetime) -> list[Occurrence]:
    """The events' occurrences that overlap [start, end), exceptions applied."""
    calendar = load(text)
    master = next((c for c in entries(calendar) if "recurrence-id" not in c), None)
    recurring = master is not None and "rrule" in master
    found = []
    event: Any
    for event in recurring_ical_events.of(calendar).between(start, end):
        dtstart = event["dtstart"].dt
        dtend = event["dtend"].dt if "dtend" in event else dtstart
        all_day = not isinstance(dtstart, datetime)
        recurrence = event.get("recurrence-id")
        found.append(
            Occurrence(
                uid=str(event["uid"]),
                summary=str(event.get("summary", "")),
                description=str(event.get("description", "")),
                location=str(event.get("location", "")),
                url=str(event.get("url", "")),
                start=dtstart,
                end=dtend,
                all_day=all_day,
                timezone=_tz_name(dtstart),
                recurring=recurring,
                recurrence_id=recurrence.dt
                if recurrence is not None
                else (dtstart if recurring else None),
                attendees=_attendees(event),
                organizer=_organizer(event),
                status=str(event.get("status", "CONFIRMED")),
            )
        )
    return found


@dataclass(frozen=True)
class Described:
    """An object's master as its editor needs it."""

    master: Occurrence
    rrule: str | None
    exdates: list[datetime | date]
    sequence: int


def describe(text: str) -> Described:
    calendar = load(text)
    components = entries(calendar)
    master = next((c for c in components if "recurrence-id" not in c), components[0])
    start = master["dtstart"].dt if "dtstart" in master else utcnow()
    end_prop = master.get("dtend") or master.get("due")
    end = end_prop.dt if end_prop is not None else start
    exdates: list[datetime | date] = []
    listed = master.get("exdate", [])
    for prop in listed if isinstance(listed, list) else [listed]:
        exdates += [d.dt for d in prop.dts]
    rule = master.get("rrule")
    return Described(
        master=Occurrence(
            uid=str(master["uid"]),
            summary=str(master.get("summary", "")),
            description=str(master.get("description", "")),
            location=str(master.get("location", "")),
            url=str(master.get("url", "")),
            start=start,
            end=end,
            all_day=not isinstance(start, datetime),
            timezone=_tz_name(start),
            recurring=rule is not None,
            recurrence_id=None,
            attendees=_attendees(master),
            organizer=_organizer(master),
            status=str(master.get("status", "CONFIRMED")),
        ),
        rrule=rule.to_ical().decode() if rule is not None else None,
        exdates=exdates,
        sequence=int(master.get("sequence", 0)),
    )


def replaced(text: str, fields: EventFields) -> str:
    """The object with its master made anew from `fields` (SEQUENCE raised, the answers of
    the attendees still invited kept) and its overridden instances as they were."""
    calendar = load(text)
    components = entries(calendar)
    master = next((c for c in components if "recurrence-id" not in c), components[0])
    answered = {a.email.casefold(): a.partstat for a in _attendees(master)}
    fields.attendees = [
        Attendee(a.email, a.name, answered.get(a.email.casefold(), a.partstat))
        for a in fields.attendees
    ]
    event = make_event(str(master["uid"]), fields, int(master.get("sequence", 0)) + 1)
    others = [c for c in components if c is not master]
    return str(wrap(event, *others).to_ical().decode())
