"""Breakout rooms: a moderator splits the meeting into rooms and brings everyone back.

This is the plan of one meeting's breakout rooms, pure state: their names, who is assigned to
which, whether they are open, until when, and whether participants may go back to the main
room by themselves. Each breakout room is itself a Room (meeting/room.py) named after its
main room (`child_name`: `conseil~1`), which the hub holds beside the main room, so it has
its media, chat, hands, notes and polls as any room has; the '~' cannot be typed in a room
name (names.py), so nobody joins a breakout room but by being moved into it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .names import InvalidName, clean_display_name

SEPARATOR = "~"
MAX_ROOMS = 20
MAX_DURATION = 8 * 3600  # seconds a timer may run


class BreakoutError(ValueError):
    """A plan or a move we refuse; the message says why."""


def child_name(main: str, index: int) -> str:
    """The room name of a main room's breakout room `index` (from 0)."""
    return f"{main}{SEPARATOR}{index + 1}"


def main_name(room: str) -> str:
    """The main room of a breakout room's name (a main room's name is its own)."""
    return room.split(SEPARATOR, 1)[0]


@dataclass
class Breakouts:
    names: list[str]
    assignment: dict[str, int] = field(default_factory=dict)  # participant id -> room index
    opened: bool = False
    ends_at: float | None = None  # when the rooms close by themselves (Unix time)
    allow_return: bool = True  # participants may go back to the main room by themselves

    @classmethod
    def plan(cls, names: list[str]) -> Breakouts:
        if not 1 <= len(names) <= MAX_ROOMS:
            raise BreakoutError(f"1 to {MAX_ROOMS} breakout rooms")
        try:
            cleaned = [clean_display_name(name) for name in names]
        except InvalidName as exc:
            raise BreakoutError(f"a room's name {exc}") from None
        if len({name.casefold() for name in cleaned}) != len(cleaned):
            raise BreakoutError("two rooms have the same name")
        return cls(cleaned)

    def __len__(self) -> int:
        return len(self.names)

    def check_index(self, index: int) -> None:
        if not 0 <= index < len(self.names):
            raise BreakoutError(f"room must be 0 to {len(self.names) - 1}")

    def assign(self, participant_id: str, index: int | None) -> bool:
        """Assigns a participant to a room (None: to none); returns whether it changed."""
        if index is not None:
            self.check_index(index)
        if self.assignment.get(participant_id) == index:
            return False
        if index is None:
            del self.assignment[participant_id]
        else:
            self.assignment[participant_id] = index
        return True

    def shuffle(self, participant_ids: list[str], rng: random.Random | None = None) -> None:
        """Spreads these participants over the rooms at random, as evenly as can be (two
        rooms differ by one person at most); the others' assignments stay."""
        rng = rng or random.SystemRandom()
        ids = list(participant_ids)
        rng.shuffle(ids)
        offset = rng.randrange(len(self.names))
        for position, participant_id in enumerate(ids):
            self.assignment[participant_id] = (position + offset) % len(self.names)

    def room_of(self, participant_id: str) -> int | None:
        return self.assignment.get(participant_id)

    def assigned(self, index: int) -> list[str]:
        return [pid for pid, room in self.assignment.items() if room == index]

    def open(self, now: float, duration: float | None, allow_return: bool = True) -> None:
        if self.opened:
            raise BreakoutError("the breakout rooms are open already")
        if duration is not None and not 0 < duration <= MAX_DURATION:
            raise BreakoutError(f"a timer runs 1 to {MAX_DURATION} seconds")
        self.opened = True
        self.ends_at = None if duration is None else now + duration
        self.allow_return = allow_return

    def due(self, now: float) -> bool:
        """The timer has run out: the rooms close."""
        return self.opened and self.ends_at is not None and now >= self.ends_at
