"""Scheduling changes to an object (RFC 5546, iTIP), pure: an attendee's answer set, the
SEQUENCE raised for an update, one occurrence taken out of a recurrence, and the iMIP message
(RFC 6047) of a request or a cancellation."""

from __future__ import annotations

from datetime import date, datetime

from ..db import utcnow
from ..errors import Invalid
from .ical import PARTSTATS, address, entries, load, utc_moment, wrap


def set_partstat(text: str, email: str, partstat: str) -> str | None:
    """The object with `email`'s PARTSTAT set in every instance; None if not invited."""
    if partstat not in PARTSTATS:
        raise Invalid(f"PARTSTAT is one of {', '.join(PARTSTATS)}")
    calendar = load(text)
    found = False
    for component in entries(calendar):
        listed = component.get("attendee", [])
        for attendee in listed if isinstance(listed, list) else [listed]:
            if address(attendee).casefold() == email.casefold():
                attendee.params["PARTSTAT"] = partstat
                attendee.params.pop("RSVP", None)
                found = True
    return str(calendar.to_ical().decode()) if found else None


def bumped(text: str) -> str:
    """The object with its SEQUENCE raised and DTSTAMP renewed (an update to send)."""
    calendar = load(text)
    for component in entries(calendar):
        sequence = int(component.get("sequence", 0))
        component.pop("sequence", None)
        component.add("sequence", sequence + 1)
        component.pop("dtstamp", None)
        component.add("dtstamp", utcnow())
    return str(calendar.to_ical().decode())


def sequence(text: str) -> int:
    components = entries(load(text))
    return max(int(c.get("sequence", 0)) for c in components)


def imip(text: str, method: str) -> str:
    """The iMIP message of the object: REQUEST (an invitation or its update) or CANCEL."""
    calendar = load(text)
    components = entries(calendar)
    if method == "CANCEL":
        for component in components:
            component.pop("status", None)
            component.add("status", "CANCELLED")
    timezones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    message = wrap(*timezones, *components, method=method)
    return str(message.to_ical().decode())


def overridden(text: str, occurrence: datetime | date) -> str:
    """The object with one occurrence of its recurrence excluded (EXDATE)."""
    calendar = load(text)
    master = next(c for c in entries(calendar) if "recurrence-id" not in c)
    if "rrule" not in master:
        raise Invalid("this event does not recur")
    start = master["dtstart"].dt
    if isinstance(start, datetime) and isinstance(occurrence, datetime) and start.tzinfo:
        occurrence = occurrence.astimezone(start.tzinfo)
    master.add("exdate", occurrence)
    for component in list(calendar.subcomponents):
        recurrence = component.get("recurrence-id")
        if recurrence is not None and utc_moment(recurrence.dt) == utc_moment(occurrence):
            calendar.subcomponents.remove(component)
    return str(calendar.to_ical().decode())
