"""/api/usage: meetings, participants and minutes per day, for the installation's operators
(stats/policy.py), and the job that records the meetings that ended (stats/usage.py)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import msgspec

from ...stats.policy import check_operator
from ...stats.usage import MAX_DAYS, DayUsage, day_of, days, record
from .endpoints import ApiContext, Call, Endpoint
from .jobs import JOBS, Job

log = logging.getLogger(__name__)

RECORD_INTERVAL = 5.0  # seconds between two recordings of the meetings that ended


class Now(msgspec.Struct, frozen=True):
    rooms: int
    participants: int


class UsageReport(msgspec.Struct, frozen=True):
    first: str  # ISO dates, the range shown
    last: str
    now: Now  # meetings going on now (not yet in a day's row: they count when they end)
    days: list[DayUsage]  # oldest first, every day of the range


async def usage_report(call: Call) -> UsageReport:
    check_operator(call.me, call.ctx.settings.operators)
    count = call.int_query("days", 30, 1, MAX_DAYS)
    await record_usage(call.ctx)  # what ended a moment ago counts already
    last = day_of(time.time())
    first = last - timedelta(days=count - 1)
    health = await call.ctx.backend.health()
    now = Now(int(health.get("rooms", 0)), int(health.get("participants", 0)))
    return UsageReport(
        first.isoformat(), last.isoformat(), now, await call.ctx.run(days, first, last)
    )


async def record_usage(ctx: ApiContext) -> None:
    """The meetings that ended since the last time, into their days' rows."""
    ended = await ctx.backend.ended_meetings()
    if ended:
        await ctx.run(record, ended)


RECORD = Job("usage", RECORD_INTERVAL, record_usage)
JOBS.append(RECORD)

ENDPOINTS = [
    Endpoint("GET", "/api/usage", "Meetings, participants and minutes per day, the last `days` "
             "days (default 30) (the installation's operators)", usage_report,
             response=UsageReport, tags=("statistics",)),
]  # fmt: skip
