"""What the hub needs of a recorder (recording/recorder.py), on the signaling side: start a
room's recording, hand it every participant's media, tell it who speaks, stop it; and hear,
later, what became of it. With no `Recordings` given to the hub, meetings are not recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..media.track import TrackRecorder


class RecordingOutcome(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def key(self) -> str: ...  # the secret of its download link
    @property
    def state(self) -> str: ...  # "ready" or "failed"
    @property
    def duration(self) -> float: ...
    @property
    def reason(self) -> str | None: ...


class RoomRecording(TrackRecorder, Protocol):
    """One room's recording under way: participants' media hand it their tracks."""

    @property
    def id(self) -> str: ...

    def speaker(self, participant_id: str) -> None:
        """The dominant speaker is now this participant."""

    def tick(self) -> None:
        """Periodic work (a simulcast layer that stopped is replaced)."""

    def stop(self) -> None:
        """The files are finished, then the composed file made, in the background."""


class Recordings(Protocol):
    def start(
        self, room: str, by: str | None, done: Callable[[RecordingOutcome], None]
    ) -> RoomRecording:
        """Record `room` (`by`: the account of the moderator who asked, if any); `done` once
        the composed file is ready or has failed. OSError if it cannot be stored."""
        ...


def download_path(outcome: RecordingOutcome) -> str:
    """Where the moderators download the composed file (web/api/recordings.py)."""
    return f"/api/recordings/{outcome.id}/{outcome.key}/recording.webm"
