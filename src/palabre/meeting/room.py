"""A room and its participants: who is there, what they publish, what they muted.

The signaling layer calls these methods and broadcasts what they return; nothing here does I/O,
so the rules are tested without sockets.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from .breakouts import Breakouts, child_name
from .chat import ChatLog
from .guesses import GuessLimiter
from .hands import Hands
from .names import LOBBY_ROOM_PREFIX, clean_display_name, normalize_room_name
from .notes import SharedNotes
from .p2p import PeerToPeer
from .polls import Polls
from .speakers import SpeakerStats

MAX_PARTICIPANTS = 500
RESUME_GRACE = 60.0  # seconds a dropped participant's seat (and role) is kept for its return
MODERATOR = "moderator"
PARTICIPANT = "participant"


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
    role: str = PARTICIPANT
    e2ee: bool = False  # can encrypt media end to end
    p2p: bool = False  # can send media to one other browser directly (meeting/p2p.py)
    audio_muted: bool = False
    video_muted: bool = False
    tracks: tuple[TrackInfo, ...] = ()
    # A random secret given to this participant only, to come back as itself after a drop.
    resume_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    away_since: float | None = None  # when its connection dropped; None while connected
    account: str | None = None  # the signed-in account behind it, if any (never shown)
    joined_at: float = field(default_factory=time.time)

    @property
    def reconnecting(self) -> bool:
        return self.away_since is not None

    @property
    def moderator(self) -> bool:
        return self.role == MODERATOR


@dataclass
class Knocker:
    """Someone waiting in the lobby: known by name only, sees and receives nothing."""

    id: str
    name: str


@dataclass
class Room:
    name: str
    code: str = ""
    participants: dict[str, Participant] = field(default_factory=dict)
    lobby: dict[str, Knocker] = field(default_factory=dict)
    lobby_enabled: bool = False
    locked: bool = False
    password_hash: str | None = None
    start_audio_muted: bool = False
    start_video_muted: bool = False
    e2ee: bool = False  # media and chat encrypted end to end: required of every participant
    password_guesses: GuessLimiter = field(default_factory=GuessLimiter)
    chat: ChatLog = field(default_factory=ChatLog)
    hands: Hands = field(default_factory=Hands)
    polls: Polls = field(default_factory=Polls)
    notes: SharedNotes = field(default_factory=SharedNotes)
    speakers: SpeakerStats = field(default_factory=SpeakerStats)
    names: dict[str, str] = field(default_factory=dict)  # everyone who took part, for stats
    opened_at: float = field(default_factory=time.time)
    person_seconds: float = 0.0  # summed over those who have left
    # The account of the moderator who asked for the chat to be kept in the room's space
    # when the meeting ends; None: it is destroyed with the room.
    save_chat_by: str | None = None
    # Likewise for the shared notes, kept as a document of the space.
    save_notes_by: str | None = None
    # The whiteboard, once a moderator opened it (a Yjs document like the notes: shapes and
    # order, docs/documents.md), and who asked to keep it as a board of the space.
    board: SharedNotes | None = None
    save_board_by: str | None = None
    # Being recorded (docs/recording.md): the hub holds the recorder, every page shows it.
    recording: bool = False
    # The two meeting peer to peer, while they are two (meeting/p2p.py).
    p2p: PeerToPeer = field(default_factory=PeerToPeer)
    # A main room's breakout rooms, planned or open (meeting/breakouts.py); and, for a
    # breakout room, the name of its main room.
    breakouts: Breakouts | None = None
    main: str | None = None

    def __post_init__(self) -> None:
        if self.name.startswith(LOBBY_ROOM_PREFIX):
            self.lobby_enabled = True

    def _new_id(self) -> str:
        participant_id = "p" + secrets.token_hex(4)
        while participant_id in self.participants or participant_id in self.lobby:
            participant_id = "p" + secrets.token_hex(4)
        return participant_id

    def join(
        self, display_name: str, role: str = PARTICIPANT, participant_id: str | None = None
    ) -> Participant:
        if len(self.participants) >= MAX_PARTICIPANTS:
            raise RoomFull(f"the room is full ({MAX_PARTICIPANTS} participants)")
        participant = Participant(
            participant_id or self._new_id(),
            clean_display_name(display_name),
            role=role,
            audio_muted=self.start_audio_muted and role != MODERATOR,
            video_muted=self.start_video_muted and role != MODERATOR,
        )
        self.participants[participant.id] = participant
        self.names[participant.id] = participant.name
        return participant

    def knock(self, display_name: str) -> Knocker:
        knocker = Knocker(self._new_id(), clean_display_name(display_name))
        self.lobby[knocker.id] = knocker
        return knocker

    def moderators(self) -> list[Participant]:
        return [p for p in self.participants.values() if p.moderator]

    def leave(self, participant_id: str) -> Participant | None:
        self.hands.lower(participant_id)
        self.speakers.forget(participant_id)
        participant = self.participants.pop(participant_id, None)
        if participant is not None:
            self.person_seconds += max(0.0, time.time() - participant.joined_at)
        return participant

    def suspend(self, participant_id: str, now: float) -> bool:
        """The participant's connection dropped: it keeps its seat, role, hand and mute state,
        publishes nothing, until it resumes or `expired` says its grace is over. Returns
        whether anything changed."""
        participant = self.participants.get(participant_id)
        if participant is None or participant.away_since is not None:
            return False
        participant.away_since = now
        participant.tracks = ()
        return True

    def resume(self, token: str) -> Participant | None:
        """The participant whose resume token this is, back from a drop (or still seated, if
        its old connection is not known to be dead yet); None if no one holds it."""
        found = None
        for participant in self.participants.values():
            if secrets.compare_digest(participant.resume_token, token):
                found = participant
        if found is not None:
            found.away_since = None
        return found

    def expired(self, now: float, grace: float = RESUME_GRACE) -> list[str]:
        """The participants away for longer than the grace period: they have left."""
        return [
            p.id
            for p in self.participants.values()
            if p.away_since is not None and now - p.away_since >= grace
        ]

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

    @property
    def breakouts_open(self) -> bool:
        return self.breakouts is not None and self.breakouts.opened


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
        """Forgets an empty room; not a main room whose breakout rooms are open, nor one of
        those (they go when they close: `discard`)."""
        if room.empty and room.main is None and not room.breakouts_open:
            self.discard(room)

    def breakout(self, main: Room, index: int) -> Room:
        """The main room's breakout room `index`, made if need be."""
        name = child_name(main.name, index)
        room = self._rooms.get(name)
        if room is None:
            room = self._rooms[name] = Room(name, main.code, main=main.name)
            room.e2ee = main.e2ee
            room.start_audio_muted = main.start_audio_muted
            room.start_video_muted = main.start_video_muted
        return room

    def discard(self, room: Room) -> None:
        if self._rooms.get(room.name) is room:
            del self._rooms[room.name]

    def __len__(self) -> int:
        return len(self._rooms)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._rooms.values()))
