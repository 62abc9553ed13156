"""The counters of several worker processes, summed so that the sum never goes down: a
worker that restarts starts its counters again from zero, and what it had counted before
is kept. (What a worker counted after the last reading and before it died is lost.)"""

from __future__ import annotations

from .sample import add


class Totals:
    def __init__(self) -> None:
        self._base: dict[int, dict[str, float]] = {}  # by worker: its earlier lives' counts
        self._last: dict[int, tuple[object, dict[str, float]]] = {}  # its life, last reading

    def update(self, source: int, life: object, counters: dict[str, float]) -> None:
        """Worker `source`'s counters now; `life` names its process (a new one: restarted)."""
        last = self._last.get(source)
        if last is not None:
            old_life, old = last
            restarted = old_life != life or any(counters.get(k, 0.0) < v for k, v in old.items())
            if restarted:
                add(self._base.setdefault(source, {}), old)
        self._last[source] = (life, dict(counters))

    def counters(self) -> dict[str, float]:
        total: dict[str, float] = {}
        for base in self._base.values():
            add(total, base)
        for _, last in self._last.values():
            add(total, last)
        return total
