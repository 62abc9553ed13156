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


class ExcessNotice:
    """When to answer a refused (excess) message: the first of each `window` seconds.

    An error per flooded message would let a client make us flood it back; silence
    would leave an honest client guessing why its messages vanish. So the first excess
    message of a window gets `rate_limited` (with its `ref`), the rest of that window
    are dropped without a reply.
    """

    def __init__(self, window: float = 1.0) -> None:
        self.window = window
        self._clock = time.monotonic
        self._last: float | None = None

    def answer(self, now: float | None = None) -> bool:
        now = self._clock() if now is None else now
        if self._last is not None and now - self._last < self.window:
            return False
        self._last = now
        return True
