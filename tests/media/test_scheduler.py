"""The event loop's scheduler: timers on the running loop, none outside one."""

from __future__ import annotations

import asyncio
import time

from palabre.media.scheduler import LoopScheduler


def test_outside_a_loop_nothing_is_scheduled() -> None:
    scheduler = LoopScheduler()
    assert scheduler.call_later(0.0, lambda: None) is None
    before = time.monotonic()
    assert before <= scheduler.time() <= time.monotonic()


async def test_timers_run_on_the_running_loop_and_can_be_cancelled() -> None:
    scheduler = LoopScheduler()
    ran: list[str] = []
    done = asyncio.Event()
    cancelled = scheduler.call_later(0.0, ran.append, "cancelled")
    assert cancelled is not None
    cancelled.cancel()
    scheduler.call_later(0.01, ran.append, "ran")
    scheduler.call_later(0.02, done.set)
    await asyncio.wait_for(done.wait(), 5)
    assert ran == ["ran"]
