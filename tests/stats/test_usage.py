"""Meetings, participants and minutes per day in the database, SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from sqlalchemy import select

from palabre.db import Database
from palabre.signaling.counts import MeetingUsage
from palabre.stats.usage import UsageDay, day_of, days, record


def _at(day: date, hour: int) -> float:
    return datetime(day.year, day.month, day.day, hour).timestamp()


def test_ended_meetings_add_up_in_their_days(database_url: str) -> None:
    db = Database(database_url)
    try:
        today = day_of(time.time())
        yesterday = today - timedelta(days=1)
        with db.session() as session:
            record(
                session,
                [
                    MeetingUsage(_at(today, 9), _at(today, 10), 3, 2.5 * 3600),
                    MeetingUsage(_at(yesterday, 14), _at(yesterday, 14) + 90, 2, 150),
                ],
            )
        with db.session() as session:  # a second batch adds to today's row
            record(session, [MeetingUsage(_at(today, 11), _at(today, 11) + 1800, 4, 3600)])
        with db.session() as session:
            rows = {row.day: row for row in session.scalars(select(UsageDay))}
            assert set(rows) == {today, yesterday}
            row = rows[today]
            assert (row.meetings, row.participants) == (2, 7)
            assert (row.meeting_seconds, row.participant_seconds) == (3600 + 1800, 9000 + 3600)
            shown = days(session, today - timedelta(days=2), today)
        assert [d.day for d in shown] == [
            (today - timedelta(days=n)).isoformat() for n in (2, 1, 0)
        ]
        assert (shown[0].meetings, shown[0].participants, shown[0].meeting_minutes) == (0, 0, 0)
        assert (shown[1].meetings, shown[1].meeting_minutes, shown[1].participant_minutes) == (
            1,
            2,  # 90 s, rounded to minutes
            2,
        )
        assert (shown[2].meeting_minutes, shown[2].participant_minutes) == (90, 210)
    finally:
        db.close()


def test_a_meeting_counts_on_the_day_it_ends(database_url: str) -> None:
    db = Database(database_url)
    try:
        today = day_of(time.time())
        yesterday = today - timedelta(days=1)
        with db.session() as session:
            record(session, [MeetingUsage(_at(yesterday, 23), _at(today, 1), 2, 7200)])
            (row,) = session.scalars(select(UsageDay))
            assert (row.day, row.meetings) == (today, 1)
    finally:
        db.close()
