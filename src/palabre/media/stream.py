"""The RTP streams a subscriber receives from us: our SSRC and numbering, and how they map
the publisher's.

A subscriber's slot (an m-section) owns one OutgoingStream for its whole life: whichever track
the slot carries, whichever simulcast layer of it is forwarded, and whether a packet goes out
forwarded or retransmitted, the same object turns the publisher's sequence numbers,
timestamps and VP8 picture ids into ours. Nothing is copied in or out when a track leaves the
slot or a new one arrives: the next one continues the numbering (subscriber.py's docstring
says why it must).
"""

from __future__ import annotations

import random

from .rtcp import SenderReport, ntp_now
from .rtp import vp8_rewrite_picture_ids


def random_ssrc() -> int:
    return random.getrandbits(32) or 1


class OutgoingStream:
    """Our side of one RTP stream: SSRC, offsets from the source's numbering, counters.

    The offsets are fixed by start() when forwarding starts (on a keyframe, for video) and
    again at each switch of source (another simulcast layer, another track in the slot), so
    that our numbering goes on where it stopped.
    """

    __slots__ = (
        "last_pid",
        "last_sent",
        "last_seq",
        "last_tl0",
        "last_ts",
        "octets",
        "packets",
        "pid_offset",
        "seq_offset",
        "ssrc",
        "switch_seq",
        "tl0_offset",
        "ts_offset",
    )

    def __init__(self, ssrc: int | None = None) -> None:
        self.ssrc = random_ssrc() if ssrc is None else ssrc
        self.seq_offset = 0
        self.ts_offset = 0
        self.switch_seq = 0  # our first sequence number since forwarding (re)started
        # VP8 picture ids go on across switches too (0: as the publisher numbers them).
        self.pid_offset = 0
        self.tl0_offset = 0
        self.last_pid = -1
        self.last_tl0 = -1
        # Counters, for sender reports (RFC 3550: payload octets, padding excluded).
        self.packets = 0
        self.octets = 0
        self.last_seq = 0  # the highest sequence number sent (a late packet leaves it)
        self.last_ts = 0
        self.last_sent = 0.0

    def start(
        self, seq: int, ts: int, vp8: tuple[int, int] | None, now: float, clock_rate: int
    ) -> None:
        """The source's packet (seq, ts, picture ids) comes next: fix the offsets so that our
        stream goes on where it stopped, if it ever ran (or starts at random numbers)."""
        if vp8 is not None and self.last_pid >= 0:
            pid, tl0 = vp8
            self.pid_offset = (self.last_pid + 1 - pid) & 0x7FFF
            if tl0 >= 0 and self.last_tl0 >= 0:
                self.tl0_offset = (self.last_tl0 + 1 - tl0) & 0xFF
        if self.packets == 0:
            self.seq_offset = (random.getrandbits(15) - seq) & 0xFFFF
            self.ts_offset = (random.getrandbits(31) - ts) & 0xFFFFFFFF
        else:
            elapsed = max(now - self.last_sent, 0.001)
            next_ts = self.last_ts + int(elapsed * clock_rate)
            self.seq_offset = (self.last_seq + 1 - seq) & 0xFFFF
            self.ts_offset = (next_ts - ts) & 0xFFFFFFFF
        self.switch_seq = (seq + self.seq_offset) & 0xFFFF

    def picture_ids(self, payload: bytes, vp8: tuple[int, int]) -> bytes:
        """The VP8 payload of a forwarded packet with our picture ids (remembered, for the
        next switch)."""
        pid, tl0 = vp8
        out_pid = (pid + self.pid_offset) & 0x7FFF
        out_tl0 = (tl0 + self.tl0_offset) & 0xFF if tl0 >= 0 else -1
        self.last_pid, self.last_tl0 = out_pid, out_tl0
        if self.pid_offset == 0 and self.tl0_offset == 0:
            return payload  # never switched: nothing to rewrite, no copy
        return vp8_rewrite_picture_ids(payload, out_pid, out_tl0)

    def resent_picture_ids(self, payload: bytes, vp8: tuple[int, int]) -> bytes:
        """The VP8 payload of a retransmitted packet with our picture ids (nothing noted)."""
        if not (self.pid_offset or self.tl0_offset):
            return payload
        pid, tl0 = vp8
        out_tl0 = (tl0 + self.tl0_offset) & 0xFF if tl0 >= 0 else -1
        return vp8_rewrite_picture_ids(payload, (pid + self.pid_offset) & 0x7FFF, out_tl0)

    def source_sequence(self, out_sequence: int) -> int | None:
        """The source's sequence number of one of ours, or None if we sent it before the
        source last switched (another layer or track: its cache has other packets)."""
        if (out_sequence - self.switch_seq) & 0xFFFF >= 0x8000:
            return None
        return (out_sequence - self.seq_offset) & 0xFFFF

    def sender_report(self, now: float, now_unix: float, clock_rate: int) -> SenderReport:
        """Our RTP clock now against wall time, and the counters (RFC 3550 section 6.4.1)."""
        elapsed = max(0.0, now - self.last_sent)
        rtp_ts = (self.last_ts + int(elapsed * clock_rate)) & 0xFFFFFFFF
        return SenderReport(self.ssrc, ntp_now(now_unix), rtp_ts, self.packets, self.octets)


class RtxStream:
    """An RFC 4588 retransmission stream: its own SSRC and sequence numbers, payload type 97."""

    __slots__ = ("payload_type", "sequence", "ssrc")

    def __init__(self, ssrc: int | None = None, payload_type: int = 97) -> None:
        self.ssrc = random_ssrc() if ssrc is None else ssrc
        self.payload_type = payload_type
        self.sequence = random.getrandbits(15)


__all__ = ["OutgoingStream", "RtxStream", "random_ssrc"]
