"""A colleague's busy times, and nothing else of their calendars (policy.busy_of says who
may ask)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..spaces.models import Member
from . import ical
from .policy import busy_of, personal_calendar, space_calendar
from .store import check_range, in_range
from .views import BusyView


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
        for found in session.scalars(in_range(calendar_id, start, end)):
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
