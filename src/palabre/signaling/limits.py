"""Per-connection rate limiting of signaling messages."""

from __future__ import annotations

import time


class TokenBucket:
    """`rate` messages per second on average, bursts of up to `burst`."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._clock = time.monotonic
        self._last = self._clock()

    def allow(self, now: float | None = None) -> bool:
        now = self._clock() if now is None else now
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False
