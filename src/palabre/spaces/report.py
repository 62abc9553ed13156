"""A space's report for its admins (Wimi's "reporting"): its members by role, and per week
the members it had, the messages posted in its channels and the meetings held in its room;
as JSON or as CSV. `record_meeting` is how the meeting side tells of a meeting that ended."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, time, timedelta

import msgspec
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Invalid
from ..messaging.models import Channel, Message
from . import rules
from .models import Member, Space, SpaceMeeting
from .policy import authorize

WEEK = timedelta(days=7)
MAX_WEEKS = 104
COLUMNS = ("week_start", "members", "messages", "meetings", "meeting_minutes", "person_minutes")


class Week(msgspec.Struct, kw_only=True):
    week_start: date  # a Monday (UTC); the week runs to the next
    members: int  # members at the week's end (of those the space has now)
    messages: int  # posted in the space's channels (deleted ones too: they were posted)
    meetings: int  # meetings started that week in the space's room
    meeting_minutes: float  # their length, added up
    person_minutes: float  # each participant's minutes in them, added up


class Report(msgspec.Struct, kw_only=True):
    space_id: int
    space_name: str
    generated_at: datetime
    members: dict[str, int]  # role -> how many, every role listed
    weeks: list[Week]  # oldest first, the current week last


def week_starts(now: datetime, weeks: int) -> list[datetime]:
    """The Mondays (00:00 UTC) of the last `weeks` weeks, the current one last."""
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), time(), now.tzinfo)
    return [monday - WEEK * (weeks - 1 - i) for i in range(weeks)]


def report(
    session: Session, user_id: int, space_id: int, weeks: int, now: datetime | None = None
) -> Report:
    access = authorize(session, user_id, space_id, "report")
    if not 1 <= weeks <= MAX_WEEKS:
        raise Invalid(f"weeks must be between 1 and {MAX_WEEKS}")
    starts = week_starts(now or utcnow(), weeks)
    bounds = [(start, start + WEEK) for start in starts]

    roles = Counter(session.scalars(select(Member.role).where(Member.space_id == space_id)).all())
    joined = session.scalars(select(Member.joined_at).where(Member.space_id == space_id)).all()

    counts = [
        func.sum(case((and_(Message.created_at >= low, Message.created_at < high), 1), else_=0))
        for low, high in bounds
    ]
    row = session.execute(
        select(*counts)
        .join(Channel, Channel.id == Message.channel_id)
        .where(Channel.space_id == space_id, Message.created_at >= starts[0])
    ).one()
    messages = [int(value or 0) for value in row]

    meetings = session.execute(
        select(SpaceMeeting.started_at, SpaceMeeting.ended_at, SpaceMeeting.person_minutes).where(
            SpaceMeeting.space_id == space_id,
            SpaceMeeting.started_at >= starts[0],
        )
    ).all()

    result: list[Week] = []
    for (low, high), posted in zip(bounds, messages, strict=True):
        held = [m for m in meetings if low <= m.started_at < high]
        result.append(
            Week(
                week_start=low.date(),
                members=sum(1 for at in joined if at < high),
                messages=posted,
                meetings=len(held),
                meeting_minutes=round(
                    sum((m.ended_at - m.started_at).total_seconds() for m in held) / 60, 1
                ),
                person_minutes=round(sum(m.person_minutes for m in held), 1),
            )
        )
    return Report(
        space_id=space_id,
        space_name=access.space.name,
        generated_at=now or utcnow(),
        members={role: roles.get(role, 0) for role in rules.ROLES},
        weeks=result,
    )


def report_csv(made: Report) -> str:
    """The weekly table as CSV (RFC 4180: comma, CRLF, a header line)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for week in made.weeks:
        writer.writerow(
            [
                week.week_start.isoformat(),
                week.members,
                week.messages,
                week.meetings,
                f"{week.meeting_minutes:.1f}",
                f"{week.person_minutes:.1f}",
            ]
        )
    return out.getvalue()


def record_meeting(
    session: Session,
    room: str,
    started_at: datetime,
    ended_at: datetime,
    person_minutes: float,
) -> bool:
    """Keep a meeting held in `room` for its space's report; False (nothing kept) if the room
    is no space's. Called by the meeting side when a space's meeting ends."""
    if ended_at < started_at:
        raise ValueError("a meeting ends after it starts")
    if person_minutes < 0:
        raise ValueError("person_minutes cannot be negative")
    space_id = session.scalar(select(Space.id).where(Space.room == room))
    if space_id is None:
        return False
    session.add(
        SpaceMeeting(
            space_id=space_id,
            started_at=started_at,
            ended_at=ended_at,
            person_minutes=float(person_minutes),
        )
    )
    session.flush()
    return True
