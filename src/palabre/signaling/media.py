"""What signaling needs of the media plane, and nothing more: the seam between the two.

The hub holds one `MediaSession` per participant and speaks to it in verbs; it never sees a
publisher, a subscriber or an RTP track. The SFU (media/sfu.py) implements both Protocols;
a hub test may give the hub a fake media plane instead.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Protocol

from ..media.track import TrackRecorder

# (audio level in -dBov 0..127, voice activity flag, seconds the level covers)
AudioLevelCallback = Callable[[int, bool, float], None]


class SentTrack(Protocol):
    """A track a participant sends."""

    @property
    def id(self) -> str: ...
    @property
    def participant_id(self) -> str: ...
    @property
    def kind(self) -> str: ...  # "audio" or "video"
    @property
    def source(self) -> str: ...  # "microphone", "camera" or "screen"


class RefusedTrack(Protocol):
    """A track the browser offered that the answer refuses, and why."""

    @property
    def mid(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def reason(self) -> str: ...


class Published(Protocol):
    """What a publish offer changed."""

    @property
    def added(self) -> Sequence[SentTrack]: ...
    @property
    def removed(self) -> Sequence[SentTrack]: ...
    @property
    def refused(self) -> Sequence[RefusedTrack]: ...


class OfferedTrack(Protocol):
    """One m-section of a subscribe offer and the track it carries."""

    @property
    def mid(self) -> str: ...
    @property
    def track(self) -> SentTrack: ...


class MediaSession(Protocol):
    """One participant's media: what it sends, what it receives."""

    @property
    def tracks(self) -> Sequence[SentTrack]:
        """What the participant sends now."""
        ...

    def publish(self, offer: str, sources: Mapping[str, str]) -> tuple[str, Published]:
        """The answer to a publish offer (`sources`: mid -> source), and what changed.
        Raises media.sdp.SdpError, changing nothing, if the offer cannot be accepted."""
        ...

    def on_audio_level(self, callback: AudioLevelCallback) -> None:
        """Call `callback` with the microphone's audio levels as they arrive."""
        ...

    def pause(self, audio: bool, video: bool) -> None:
        """Forward nothing of the microphone (audio) or the camera (video); a screen share
        is not paused by either."""
        ...

    def subscribe(self, participants: Collection[str]) -> None:
        """Receive every track these participants send (negotiated by `next_offer`)."""
        ...

    def next_offer(self) -> tuple[str, Sequence[OfferedTrack]] | None:
        """A subscribe offer if what is received changed and no offer awaits its answer."""
        ...

    def apply_answer(self, answer: str) -> None:
        """The browser's answer to the last subscribe offer (SdpError if it is wrong)."""
        ...

    def restart_ice(self) -> None:
        """New ICE credentials for the receiving connection, in the next offer."""
        ...

    def receive(self, max_layer: int | None) -> None:
        """Video up to this simulcast layer (0 low, 1 standard, 2 high), or none at all."""
        ...

    def constrain(self, heights: Mapping[str, int]) -> None:
        """The largest height each video track is shown at (track id -> pixels)."""
        ...

    def prioritize(self, participant_id: str | None) -> None:
        """Serve this participant's media first when bandwidth is short (the speaker)."""
        ...

    def hold_from(self, participants: Collection[str]) -> None:
        """Forward nothing of these participants' media (it comes over a direct connection)."""
        ...

    def forward_video_from(self, participants: set[str] | None) -> bool:
        """Forward camera video from these participants only (None: from all); whether
        that changed anything."""
        ...

    def record(self, recorder: TrackRecorder | None) -> None:
        """Hand every track sent, now and to come, to a room's recording (None: stop)."""
        ...


class PacketCounts(Protocol):
    """RTP packets received from publishers, and forwarded to subscribers, so far."""

    @property
    def received(self) -> int: ...
    @property
    def forwarded(self) -> int: ...


class MediaPlane(Protocol):
    """The SFU, as the hub sees it."""

    def add_participant(self, participant_id: str, on_timeout: Callable[[], None]) -> MediaSession:
        """Media for a new participant; `on_timeout` when its connection is lost."""
        ...

    def remove_participant(self, participant_id: str) -> None: ...

    @property
    def connection_count(self) -> int:
        """Media connections open now (for /healthz)."""
        ...

    def packet_counts(self) -> PacketCounts:
        """RTP packets through the SFU (for /healthz: none while two meet peer to peer)."""
        ...


def media_packets(counts: PacketCounts) -> dict[str, int]:
    """/healthz's RTP packet counts (summed over workers by cluster/front.py)."""
    return {"packets_received": counts.received, "packets_forwarded": counts.forwarded}
