"""Meetings, participants and minutes per day: the figures a public meeting service
publishes, kept as counts only (no name, no address, no room name).

A meeting counts on the day it ends, in the server's time zone; its participants are the
distinct people seated in it (one who dropped and came back counts once); its meeting
minutes run from its opening to its end, its participant minutes are each person's time
summed. The hub hands over ended meetings as `MeetingUsage` (signaling/counts.py); the web
app records them here every few seconds (web/api/usage.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import msgspec
from sqlalchemy import BigInteger, Date, Integer, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base
from ..signaling.counts import MeetingUsage

MAX_DAYS = 366 * 3  # the longest range one request may ask for


class UsageDay(Base):
    __tablename__ = "usage_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    meetings: Mapped[int] = mapped_column(Integer, default=0)
    participants: Mapped[int] = mapped_column(Integer, default=0)
    meeting_seconds: Mapped[int] = mapped_column(BigInteger, default=0)
    participant_seconds: Mapped[int] = mapped_column(BigInteger, default=0)


class DayUsage(msgspec.Struct, frozen=True):
    day: str  # ISO date, e.g. 2026-12-04
    meetings: int
    participants: int
    meeting_minutes: int
    participant_minutes: int


def day_of(epoch: float) -> date:
    """The day, in the server's time zone, of a moment in epoch seconds."""
    return datetime.fromtimestamp(epoch).date()


@dataclass
class _Sums:
    meetings: int = 0
    participants: int = 0
    meeting_seconds: int = 0
    participant_seconds: int = 0


def _sums(usages: Sequence[MeetingUsage]) -> dict[date, _Sums]:
    by_day: dict[date, _Sums] = {}
    for usage in usages:
        sums = by_day.setdefault(day_of(usage.ended_at), _Sums())
        sums.meetings += 1
        sums.participants += max(0, usage.participants)
        sums.meeting_seconds += max(0, round(usage.ended_at - usage.opened_at))
        sums.participant_seconds += max(0, round(usage.person_seconds))
    return by_day


def record(session: Session, usages: Sequence[MeetingUsage]) -> None:
    """Add ended meetings to their days' counts (safe beside another process doing the same:
    each day's row is added to in one UPDATE, or made once)."""
    for day, sums in sorted(_sums(usages).items()):
        values = {
            "meetings": UsageDay.meetings + sums.meetings,
            "participants": UsageDay.participants + sums.participants,
            "meeting_seconds": UsageDay.meeting_seconds + sums.meeting_seconds,
            "participant_seconds": UsageDay.participant_seconds + sums.participant_seconds,
        }
        changed = session.execute(update(UsageDay).where(UsageDay.day == day).values(values))
        if getattr(changed, "rowcount", 0):
            continue
        try:
            with session.begin_nested():
                session.add(
                    UsageDay(
                        day=day,
                        meetings=sums.meetings,
                        participants=sums.participants,
                        meeting_seconds=sums.meeting_seconds,
                        participant_seconds=sums.participant_seconds,
                    )
                )
        except IntegrityError:  # another process made the row meanwhile: add to it
            session.execute(update(UsageDay).where(UsageDay.day == day).values(values))


def days(session: Session, first: date, last: date) -> list[DayUsage]:
    """Every day from `first` to `last`, the days without a meeting included (zeros)."""
    rows = {
        row.day: row
        for row in session.scalars(
            select(UsageDay).where(UsageDay.day >= first, UsageDay.day <= last)
        )
    }
    out: list[DayUsage] = []
    day = first
    while day <= last:
        row = rows.get(day)
        out.append(
            DayUsage(
                day=day.isoformat(),
                meetings=row.meetings if row else 0,
                participants=row.participants if row else 0,
                meeting_minutes=round(row.meeting_seconds / 60) if row else 0,
                participant_minutes=round(row.participant_seconds / 60) if row else 0,
            )
        )
        day += timedelta(days=1)
    return out
