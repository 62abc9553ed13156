"""Pre-encoded media for bots: a few seconds of real VP8 and Opus, made once and cached.

Encoding uses aiortc's encoders (libvpx and libopus through PyAV) and its RTP packetizer, so
the packets are what a WebRTC stack really sends.
"""

from __future__ import annotations

import array
import math
import os
import random
import tempfile
from fractions import Fraction
from pathlib import Path

import msgspec

from ..media.rtp import vp8_is_keyframe_start

CLIP_VERSION = 1


class ClipPacket(msgspec.Struct, array_like=True):
    time: float  # seconds from the clip's start when the packet is due
    timestamp: int  # RTP timestamp offset from the clip's start
    marker: bool
    keyframe: bool  # first packet of a keyframe
    payload: bytes


class Clip(msgspec.Struct):
    duration: float
    audio: list[ClipPacket]
    video: list[ClipPacket]
    video_bitrate: int
    width: int
    height: int


def _cache_dir() -> Path:
    base = os.environ.get("PALABRE_CLIP_CACHE") or os.path.join(
        tempfile.gettempdir(), "palabre-clips"
    )
    return Path(base)


def load_clip(
    seconds: float = 3.0, bitrate: int = 600_000, width: int = 320, height: int = 240
) -> Clip:
    """The clip for these parameters, encoded on first use and cached on disk."""
    path = _cache_dir() / f"clip-v{CLIP_VERSION}-{seconds}-{bitrate}-{width}x{height}.msgpack"
    if path.exists():
        try:
            return msgspec.msgpack.decode(path.read_bytes(), type=Clip)
        except msgspec.DecodeError:
            pass
    clip = make_clip(seconds, bitrate, width, height)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(msgspec.msgpack.encode(clip))
    os.replace(tmp, path)
    return clip


def make_clip(seconds: float, bitrate: int, width: int, height: int) -> Clip:
    import av
    from aiortc.codecs.opus import OpusEncoder
    from aiortc.codecs.vpx import Vp8Encoder

    fps = 30
    video: list[ClipPacket] = []
    encoder = Vp8Encoder()
    encoder.target_bitrate = bitrate
    rng = random.Random(7)
    # A random texture that moves: the encoder must spend its bit rate, as on a real camera.
    texture = bytes(rng.getrandbits(8) for _ in range(width * (height + 4 * int(seconds * fps))))
    chroma = bytes([128]) * (width // 2 * height // 2)
    for index in range(int(seconds * fps)):
        frame = av.VideoFrame(width, height, "yuv420p")
        start = 4 * index * width
        _fill_plane(frame.planes[0], texture[start : start + width * height], width, height)
        _fill_plane(frame.planes[1], chroma, width // 2, height // 2)
        _fill_plane(frame.planes[2], chroma, width // 2, height // 2)
        frame.pts = index
        frame.time_base = Fraction(1, fps)
        payloads, timestamp = encoder.encode(frame, force_keyframe=index == 0)
        for position, payload in enumerate(payloads):
            video.append(
                ClipPacket(
                    time=index / fps,
                    timestamp=timestamp,
                    marker=position == len(payloads) - 1,
                    keyframe=position == 0 and vp8_is_keyframe_start(payload),
                    payload=payload,
                )
            )

    audio: list[ClipPacket] = []
    opus = OpusEncoder()
    samples_per_frame = 960
    for index in range(int(seconds * 50)):
        samples = array.array(
            "h",
            (
                int(8000 * math.sin(2 * math.pi * 440 * (index * samples_per_frame + i) / 48000))
                for i in range(samples_per_frame)
            ),
        )
        sound = av.AudioFrame(format="s16", layout="mono", samples=samples_per_frame)
        sound.planes[0].update(samples.tobytes())
        sound.sample_rate = 48000
        sound.pts = index * samples_per_frame
        sound.time_base = Fraction(1, 48000)
        payloads, _ = opus.encode(sound)
        for payload in payloads:
            number = len(audio)
            audio.append(ClipPacket(number * 0.02, number * 960, False, False, payload))
    return Clip(seconds, audio, video, bitrate, width, height)


def _fill_plane(plane: object, data: bytes, width: int, height: int) -> None:
    line_size = plane.line_size  # type: ignore[attr-defined]
    if line_size == width:
        plane.update(data)  # type: ignore[attr-defined]
        return
    padded = b"".join(
        data[row * width : (row + 1) * width] + bytes(line_size - width) for row in range(height)
    )
    plane.update(padded)  # type: ignore[attr-defined]
