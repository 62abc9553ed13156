"""The test participant ("bot"): Palabre's signaling and WebRTC (ICE, DTLS, SRTP) in Python.

It publishes pre-encoded Opus and VP8 RTP without encoding at run time and counts what it
receives without decoding, so dozens run on a laptop for tests and benchmarks.
"""

from .client import Bot, ReceivedTrack
from .clip import Clip, load_clip

__all__ = ["Bot", "Clip", "ReceivedTrack", "load_clip"]
