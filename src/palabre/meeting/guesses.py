"""Rate limiting of room-password guesses."""

from __future__ import annotations

MAX_WRONG_PASSWORDS = 5  # per room and window, whoever guesses
WRONG_PASSWORD_WINDOW = 60.0


class GuessLimiter:
    """Wrong passwords within a sliding window: beyond the limit, nobody may guess."""

    def __init__(
        self, limit: int = MAX_WRONG_PASSWORDS, window: float = WRONG_PASSWORD_WINDOW
    ) -> None:
        self.limit = limit
        self.window = window
        self._failures: list[float] = []

    def record(self, now: float) -> None:
        self._failures.append(now)

    def blocked(self, now: float) -> bool:
        self._failures = [t for t in self._failures if now - t < self.window]
        return len(self._failures) >= self.limit
