"""What the hub tells the rest of the server about its rooms, without knowing who listens:
who is present (a space shows its meeting live), and the end of a meeting (the space keeps
its minutes and, if a moderator asked, its chat and its notes). The web layer implements it
(web/api/meeting.py); with no observer, nothing is told."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ChatLine:
    name: str  # the sender's display name at the time
    text: str
    time: float  # epoch seconds


@dataclass(frozen=True)
class MeetingEnded:
    room: str
    opened_at: float  # epoch seconds
    ended_at: float
    person_seconds: float  # the time each participant spent, summed
    save_chat_by: str | None  # the account of the moderator who asked to keep the chat
    chat: tuple[ChatLine, ...]  # the public chat, only when it is to be kept
    save_notes_by: str | None = None  # the account of the moderator who asked to keep the notes
    notes: bytes = b""  # the shared notes' Yjs state, only when they are to be kept
    save_board_by: str | None = None  # the account of the moderator who asked to keep the board
    board: bytes = b""  # the whiteboard's Yjs state, only when it is to be kept


class RoomObserver(Protocol):
    def roster_changed(self, room: str, names: list[str]) -> None:
        """The people present in `room` changed (empty list: nobody is left)."""

    def meeting_ended(self, summary: MeetingEnded) -> None:
        """The last participant left `summary.room`; its state is gone."""
