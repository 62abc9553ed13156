"""A media plane that sends nothing: it records the verbs the hub speaks (signaling/media.py),
so the hub's logic is tested without sockets, SRTP or SDP; and a peer that keeps what the hub
sends it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec

from palabre.signaling.protocol.server import ServerMessage


@dataclass(frozen=True)
class FakeTrack:
    id: str
    participant_id: str
    kind: str
    source: str


@dataclass(frozen=True)
class FakeOffered:
    mid: str
    track: FakeTrack


@dataclass
class FakePublished:
    added: list[FakeTrack]
    removed: list[FakeTrack]
    refused: list[object] = field(default_factory=list)


class FakeSession:
    def __init__(self, plane: FakeMediaPlane, participant_id: str) -> None:
        self.plane = plane
        self.id = participant_id
        self.tracks: list[FakeTrack] = []
        self.receiving: list[FakeTrack] = []
        self.offered: list[FakeTrack] = []
        self.awaiting_answer = False
        self.paused = (False, False)
        self.priority: str | None = None
        self.max_layer: int | None = 2
        self.heights: dict[str, int] = {}
        self.video_from: set[str] | None = None
        self.held: set[str] = set()
        self.ice_restarts = 0
        self.level: Callable[[int, bool, float], None] | None = None
        self.recorder: object | None = None

    def publish(self, offer: str, sources: Mapping[str, str]) -> tuple[str, FakePublished]:
        """The fake "offer" is the list of sources; each becomes a track."""
        new = [
            FakeTrack(f"{self.id}-{mid}", self.id, "audio" if src == "microphone" else "video", src)
            for mid, src in sources.items()
        ]
        added = [t for t in new if t not in self.tracks]
        removed = [t for t in self.tracks if t not in new]
        self.tracks = new
        return f"answer to {offer}", FakePublished(added, removed)

    def on_audio_level(self, callback: Callable[[int, bool, float], None]) -> None:
        self.level = callback

    def pause(self, audio: bool, video: bool) -> None:
        self.paused = (audio, video)

    def subscribe(self, participants: Collection[str]) -> None:
        self.receiving = [
            t for pid in participants for t in self.plane.sessions[pid].tracks if pid != self.id
        ]

    def next_offer(self) -> tuple[str, Sequence[FakeOffered]] | None:
        if self.awaiting_answer or self.receiving == self.offered or not self.receiving:
            return None
        self.offered = list(self.receiving)
        self.awaiting_answer = True
        return "offer", [FakeOffered(str(i), t) for i, t in enumerate(self.offered)]

    def apply_answer(self, answer: str) -> None:
        self.awaiting_answer = False

    def restart_ice(self) -> None:
        self.ice_restarts += 1
        self.offered = []

    def receive(self, max_layer: int | None) -> None:
        self.max_layer = max_layer

    def constrain(self, heights: Mapping[str, int]) -> None:
        self.heights = dict(heights)

    def prioritize(self, participant_id: str | None) -> None:
        self.priority = participant_id

    def hold_from(self, participants: Collection[str]) -> None:
        self.held = set(participants)

    def forward_video_from(self, participants: set[str] | None) -> bool:
        changed = participants != self.video_from
        self.video_from = participants
        return changed

    def record(self, recorder: object | None) -> None:
        self.recorder = recorder


class FakeMediaPlane:
    def __init__(self) -> None:
        self.sessions: dict[str, FakeSession] = {}
        self.timeouts: dict[str, Callable[[], None]] = {}

    def add_participant(self, participant_id: str, on_timeout: Callable[[], None]) -> FakeSession:
        session = FakeSession(self, participant_id)
        self.sessions[participant_id] = session
        self.timeouts[participant_id] = on_timeout
        return session

    def remove_participant(self, participant_id: str) -> None:
        self.sessions.pop(participant_id, None)

    @property
    def connection_count(self) -> int:
        return 2 * len(self.sessions)

    def packet_counts(self) -> FakeCounts:
        return FakeCounts()


@dataclass(frozen=True)
class FakeCounts:
    received: int = 0
    forwarded: int = 0


class FakePeer:
    """A participant's signaling connection that keeps what it is sent, as it goes on the
    wire (a JSON object), and which events, as the hub made them."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.events: list[ServerMessage] = []

    def send(self, message: ServerMessage) -> None:
        self.events.append(message)
        self.sent.append(msgspec.json.decode(msgspec.json.encode(message)))

    def close(self, reason: str) -> None:
        pass

    def admitted(self, member: object) -> None:
        pass

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [message for message in self.sent if message["type"] == kind]
