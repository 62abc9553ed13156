"""The Python cost of DownTrack.forward, with and without transport-wide sequence numbers.

A micro-benchmark of the hot path alone: one published VP8 track forwarded to 10 subscribers
whose SRTP and socket are stand-ins that do nothing, so what is timed is the Python work per
forwarded packet (header rewrite, and with transport-cc the sequence number and the record
the estimator keeps until feedback comes). The whole server's cost per packet, SRTP and
sendto included, is bench/forward.py's.

    .venv/bin/python bench/forward_path.py [--packets 200000]
"""

from __future__ import annotations

import argparse
import time
from typing import cast

from palabre.media import rtp
from palabre.media.bwe import Estimator
from palabre.media.connection import MediaConnection
from palabre.media.track import DownTrack, Track

KEYFRAME = bytes([0x90, 0x80, 0x05, 0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A]) + bytes(1000)
DELTA = bytes([0x90, 0x80, 0x06, 0x31, 0x02, 0x00]) + bytes(1000)


class _Nothing:
    """SRTP and path stand-ins: protect returns the packet, send drops it."""

    def protect(self, packet: bytes) -> bytes:
        return packet

    def send(self, data: bytes) -> None:
        pass


class _Connection:
    """A connected MediaConnection as far as DownTrack sees it: its own send_rtp (so that
    what is timed is the real code), over the stand-ins."""

    send_rtp = MediaConnection.send_rtp

    def __init__(self) -> None:
        self.srtp = self.path = _Nothing()
        self.connected = True
        self.errors = 0


def measure(twcc: bool, packets: int, subscribers: int = 10) -> float:
    """Microseconds of Python per forwarded packet."""
    track = Track("t", "p", "video", "camera", "0", 0xAAAA, 96, 90000, lambda _t, _l: None)
    for _ in range(subscribers):
        down = DownTrack(track, cast(MediaConnection, _Connection()), "0", 96)
        down.active = True
        if twcc:
            down.twcc = Estimator()
            down.twcc_element = 5 << 4 | 1
        track.downtracks.append(down)
    track.request_keyframe()
    for seq, payload in enumerate((KEYFRAME, DELTA)):
        packet = rtp.build_packet(96, seq, 3000 * seq, 0xAAAA, payload)
        track.receive(packet, packet[0], packet[1], seq, 3000 * seq, 12)
    start = time.perf_counter()
    for i in range(2, packets // subscribers):
        track.receive(packet, packet[0], packet[1], i & 0xFFFF, 3000 * i, 12)
    return (time.perf_counter() - start) / packets * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=200_000)
    args = parser.parse_args()
    for run in (1, 2, 3):
        plain = measure(False, args.packets)
        with_twcc = measure(True, args.packets)
        print(
            f"run {run}: {plain:.2f} µs per forwarded packet, {with_twcc:.2f} with transport-cc "
            f"(+{with_twcc - plain:.2f})"
        )


if __name__ == "__main__":
    main()
