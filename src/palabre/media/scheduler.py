"""Time and timers for the media plane, given to each unit at construction.

The units that wait (a connection's DTLS retransmission timer, a publisher's NACK timer, a
subscriber's probes and duplicate retransmissions) and those that read the clock take a
Scheduler instead of reaching for the running event loop, so a test can drive them with a
fake clock. The SFU gives every unit the same LoopScheduler.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol


class Timer(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    def time(self) -> float:
        """Seconds on a monotonic clock."""
        ...

    def call_later(self, delay: float, callback: Callable[..., object], *args: Any) -> Timer | None:
        """Run callback(*args) after `delay` seconds; None when nothing can be scheduled."""
        ...


class LoopScheduler:
    """The running event loop's timers, and the monotonic clock.

    The clock is time.monotonic, not the loop's: uvloop's counts milliseconds and stands still
    during a loop iteration, too coarse for the send times of transport-wide feedback (packets
    sent within 5 ms form one group). Outside a running loop (a unit test feeding packets by
    hand) call_later schedules nothing and says so with None: the caller flushes itself.
    """

    time = staticmethod(time.monotonic)

    def call_later(
        self, delay: float, callback: Callable[..., object], *args: Any
    ) -> asyncio.TimerHandle | None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return loop.call_later(delay, callback, *args)


__all__ = ["LoopScheduler", "Scheduler", "Timer"]
