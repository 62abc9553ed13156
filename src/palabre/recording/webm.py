"""One track's WebM file, written with PyAV (FFmpeg's Matroska muxer) from codec frames as
they arrived: a remux, nothing decoded or encoded (as Galène's disk writer does).

Blocking (file writes): runs on the recorder's writer thread, never on the event loop.
"""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from .depacketize import Frame

TIME_BASE = Fraction(1, 1000)  # WebM's own: milliseconds
# RFC 7845 section 5.1: the identification header Matroska keeps as Opus's CodecPrivate.
# Two channels as WebRTC negotiates (opus/48000/2), a pre-skip of 312 samples at 48 kHz.
OPUS_HEAD = b"OpusHead" + struct.pack("<BBHIhB", 1, 2, 312, 48000, 0, 0)


class TrackFile:
    """Frames of one Opus or VP8 track into one WebM file, opened at its first frame."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        self.frames = 0
        self.keyframes = 0
        self.last_pts = -1
        self._container: Any = None
        self._stream: Any = None

    def write(self, frame: Frame, pts: int) -> None:
        if self._container is None:
            self._open(frame)
        packet = av.Packet(frame.data)
        packet.stream = self._stream
        packet.time_base = TIME_BASE
        packet.pts = packet.dts = pts
        if self.kind == "video":
            packet.is_keyframe = frame.keyframe
            self.keyframes += frame.keyframe
        self._container.mux(packet)
        self.frames += 1
        self.last_pts = pts

    def _open(self, first: Frame) -> None:
        container = av.open(str(self.path), "w", format="webm")
        stream: Any
        if self.kind == "audio":
            stream = container.add_stream("libopus", rate=48000)
            stream.codec_context.layout = "stereo"
            stream.codec_context.extradata = OPUS_HEAD
        else:
            stream = container.add_stream("libvpx", rate=30)
            stream.codec_context.width = first.width or 640
            stream.codec_context.height = first.height or 480
        stream.time_base = TIME_BASE
        self._container, self._stream = container, stream

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None

    @property
    def opened(self) -> bool:
        return self.frames > 0
