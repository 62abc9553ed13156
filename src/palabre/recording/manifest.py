"""A recording's manifest, `recording.json` in its directory: what was recorded, when, by
whom, where each track's file is, who spoke when, and what became of it.

Written whole to a temporary file and renamed into place, so a reader (the main process's
job, the download) never sees half of one. Blocking: in a thread, never on the event loop.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import msgspec

RECORDINGS = "recordings"  # in the data directory: one directory per recording
MANIFEST = "recording.json"
COMPOSED = "composed.webm"

# recording: tracks being written; stopped: files complete, composition waits or runs;
# ready: the composed file is there; failed: it could not be made (reason says why).
State = Literal["recording", "stopped", "ready", "failed"]


class TrackEntry(msgspec.Struct, kw_only=True):
    file: str  # in the recording's directory
    participant: str
    kind: str  # audio or video
    source: str  # microphone, camera or screen
    start: float  # seconds from the recording's start to its first frame
    end: float  # ... to its last
    frames: int = 0
    keyframes: int = 0
    lost: int = 0  # RTP packets given up on
    dropped: int = 0  # video frames not written (incomplete, or waiting for a keyframe)


class Speaker(msgspec.Struct, array_like=True):
    at: float  # seconds from the recording's start
    participant: str


class Manifest(msgspec.Struct, kw_only=True):
    id: str
    room: str
    key: str  # the secret of its download link, given to the moderators only
    by: str | None  # the account of the moderator who started it, if signed in
    started_at: float  # epoch seconds
    stopped_at: float | None = None
    duration: float = 0.0  # seconds from start to stop
    state: State = "recording"
    reason: str | None = None  # why it failed
    tracks: list[TrackEntry] = msgspec.field(default_factory=list)
    speakers: list[Speaker] = msgspec.field(default_factory=list)
    kept: str | None = None  # in the space's files: "saved", or why not


def read(directory: Path) -> Manifest:
    """FileNotFoundError, or msgspec.DecodeError / ValidationError if it is not one."""
    return msgspec.json.decode((directory / MANIFEST).read_bytes(), type=Manifest)


def write(directory: Path, manifest: Manifest) -> None:
    path = directory / MANIFEST
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(msgspec.json.encode(manifest))
    os.replace(tmp, path)
