"""A room and its participants: who is there, what they publish, what they muted.

The signaling layer calls these methods and broadcasts what they return; nothing here does I/O,
so the rules are tested without sockets.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from .names import clean_display_name, normalize_room_name

MAX_PARTICIPANTS = 500


class RoomFull(Exception):
    pass


@dataclass(frozen=True)
class TrackInfo:
    id: str
    kind: str  # "audio" or "video"
    source: str  # "microphone", "camera" or "screen"


@dataclass
class Participant:
    id: str
    name: str
    audio_muted: bool = False
    video_muted: bool = False
    tracks: tuple[TrackInfo, ...] = ()

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "audioMuted": self.audio_muted,
            "videoMuted": self.video_muted,
        }


@dataclass
class Room:
    name: str
    code: str = ""
    participants: dict[str, Participant] = field(default_factory=dict)

    def join(self, display_name: str) -> Participant:
        if len(self.participants) >= MAX_PARTICIPANTS:
            raise RoomFull(f"the room is full ({MAX_PARTICIPANTS} participants)")
        participant_id = "p" + secrets.token_hex(4)
        while participant_id in self.participants:
            participant_id = "p" + secrets.token_hex(4)
        participant = Participant(participant_id, clean_display_name(display_name))
        self.participants[participant_id] = participant
        return participant

    def leave(self, participant_id: str) -> Participant | None:
        return self.participants.pop(participant_id, None)

    def others(self, participant_id: str) -> list[Participant]:
        return [p for p in self.participants.values() if p.id != participant_id]

    def set_muted(self, participant_id: str, kind: str, muted: bool) -> bool:
        """Returns whether anything changed."""
        participant = self.participants[participant_id]
        attribute = "audio_muted" if kind == "audio" else "video_muted"
        if getattr(participant, attribute) == muted:
            return False
        setattr(participant, attribute, muted)
        return True

    def set_tracks(self, participant_id: str, tracks: tuple[TrackInfo, ...]) -> bool:
        participant = self.participants[participant_id]
        if participant.tracks == tracks:
            return False
        participant.tracks = tracks
        return True

    @property
    def empty(self) -> bool:
        return not self.participants


class Rooms:
    """The rooms that currently have participants, by normalized name."""

    def __init__(self) -> None:
        self._rooms: dict[str, Room] = {}

    def get_or_create(self, name: str, code: str = "") -> Room:
        normalized = normalize_room_name(name)
        room = self._rooms.get(normalized)
        if room is None:
            room = self._rooms[normalized] = Room(normalized, code)
        return room

    def get(self, name: str) -> Room | None:
        return self._rooms.get(name)

    def discard_if_empty(self, room: Room) -> None:
        if room.empty and self._rooms.get(room.name) is room:
            del self._rooms[room.name]

    def __len__(self) -> int:
        return len(self._rooms)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._rooms.values()))
