"""A Scheduler on a fake clock, for units that wait: time moves only when a test says."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Any


class FakeTimer:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeScheduler:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now
        self._order = itertools.count()
        self._due: list[tuple[float, int, FakeTimer, Callable[..., object], tuple[Any, ...]]] = []

    def time(self) -> float:
        return self.now

    def call_later(self, delay: float, callback: Callable[..., object], *args: Any) -> FakeTimer:
        timer = FakeTimer()
        heapq.heappush(self._due, (self.now + delay, next(self._order), timer, callback, args))
        return timer

    @property
    def pending(self) -> int:
        return sum(not timer.cancelled for _, _, timer, _, _ in self._due)

    def advance(self, seconds: float) -> None:
        """Move the clock on, running what falls due on the way, in order, each at its time."""
        end = self.now + seconds
        while self._due and self._due[0][0] <= end + 1e-12:
            due, _, timer, callback, args = heapq.heappop(self._due)
            self.now = max(self.now, due)
            if not timer.cancelled:
                callback(*args)
        self.now = end
