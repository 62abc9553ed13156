"""Which worker holds which room: pure state, no I/O.

A room stays on its worker while anyone is connected to it; a new room goes to the available
worker with the fewest connections (ties: the lowest index). The counts are signaling
connections routed to a room (participants, people in the lobby, joins being decided), which is
what the main process sees.
"""

from __future__ import annotations


class NoWorker(Exception):
    """Every worker is down."""


class Placement:
    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError("at least one worker")
        self._loads = [0] * workers
        self._available = [True] * workers
        self._rooms: dict[str, int] = {}  # room name -> worker index
        self._counts: dict[str, int] = {}  # room name -> connections

    @property
    def workers(self) -> int:
        return len(self._loads)

    def acquire(self, room: str) -> int:
        """One more connection for `room`: its worker, placing the room if it is new."""
        worker = self._rooms.get(room)
        if worker is None:
            worker = self._least_loaded()
            self._rooms[room] = worker
            self._counts[room] = 0
        self._counts[room] += 1
        self._loads[worker] += 1
        return worker

    def release(self, room: str) -> None:
        """One connection of `room` ended; the room is forgotten with its last connection."""
        worker = self._rooms.get(room)
        if worker is None:
            return
        self._loads[worker] -= 1
        self._counts[room] -= 1
        if self._counts[room] <= 0:
            del self._rooms[room]
            del self._counts[room]

    def worker_of(self, room: str) -> int | None:
        return self._rooms.get(room)

    def connections(self, room: str) -> int:
        return self._counts.get(room, 0)

    def load(self, worker: int) -> int:
        return self._loads[worker]

    def rooms_on(self, worker: int) -> list[str]:
        return sorted(name for name, index in self._rooms.items() if index == worker)

    def set_available(self, worker: int, available: bool) -> None:
        """A worker that is down gets no new rooms; a room it held is forgotten when its
        connections end (they end when the worker dies)."""
        self._available[worker] = available

    def available(self, worker: int) -> bool:
        return self._available[worker]

    def _least_loaded(self) -> int:
        candidates = [i for i in range(len(self._loads)) if self._available[i]]
        if not candidates:
            raise NoWorker("no media worker is running")
        return min(candidates, key=lambda i: (self._loads[i], i))
