"""From RTP packets back to codec frames, without decoding: what a WebM file holds.

- `Reorder` puts packets back in sequence order (NACK repairs arrive late), and gives up on
  a gap after a short wait, saying so.
- `OpusFrames`: one RTP packet is one Opus frame (RFC 7587).
- `Vp8Frames`: a VP8 frame is the payloads of the packets from a start (S=1, partition 0)
  to the marker bit, each without its payload descriptor (RFC 7741). A frame with a packet
  missing is dropped, and so is every frame after it until the next keyframe (a decoder
  would show garbage otherwise): the recorder then asks the publisher for one.
- `Timeline`: presentation times in milliseconds from the RTP timestamps, unwrapped, from
  the track's first frame; a jump the arrival times do not show (a new source) is rebased.

Pure: no I/O, tested without a server (tests/recording/test_depacketize.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..media.rtp import vp8_is_keyframe_start, vp8_keyframe_size, vp8_payload_header_offset

REORDER_WINDOW = 0.25  # seconds a gap is waited for before the packets past it go on
REORDER_MAX = 512  # packets held at most while waiting
MAX_DRIFT = 1.5  # seconds between RTP time and arrival time before the timeline is rebased


@dataclass(slots=True)
class Packet:
    """One received RTP packet's parts, as the recorder queued it."""

    sequence: int
    timestamp: int
    marker: bool
    payload: bytes  # without header, extensions or padding
    arrival: float  # monotonic seconds


@dataclass(slots=True)
class Frame:
    timestamp: int  # RTP
    data: bytes
    keyframe: bool
    arrival: float  # of its last packet
    width: int = 0  # a VP8 keyframe's size
    height: int = 0


class Reorder:
    """Packets in sequence order. `push` returns those now in order; `lost` counts the
    sequence numbers given up on (each gap tells the depacketizer through `gap`)."""

    def __init__(self, window: float = REORDER_WINDOW, limit: int = REORDER_MAX) -> None:
        self.window = window
        self.limit = limit
        self.next: int | None = None  # the sequence number due
        self.held: dict[int, Packet] = {}
        self.lost = 0
        self.gap = False  # set when packets were skipped; the reader clears it

    def push(self, packet: Packet) -> list[Packet]:
        if self.next is None:
            self.next = packet.sequence
        out: list[Packet] = []
        distance = (packet.sequence - self.next) & 0xFFFF
        if distance >= 0x8000:
            if (self.next - packet.sequence) & 0xFFFF <= 2 * self.limit:
                return []  # older than what went out: a late duplicate
            # Far away: the numbering went on while nothing came (a long pause): start again.
            out = self.flush()
            self.next = packet.sequence
            self.gap = True
        self.held.setdefault(packet.sequence, packet)
        out += self._release()
        if self.held and (
            len(self.held) > self.limit
            or packet.arrival - min(p.arrival for p in self.held.values()) > self.window
        ):
            out += self._skip()
        return out

    def flush(self) -> list[Packet]:
        out = self._release()
        while self.held:
            out += self._skip()
        return out

    def _release(self) -> list[Packet]:
        out = []
        assert self.next is not None
        while self.next in self.held:
            out.append(self.held.pop(self.next))
            self.next = (self.next + 1) & 0xFFFF
        return out

    def _skip(self) -> list[Packet]:
        """Give up on the missing packets before the oldest held one."""
        assert self.next is not None
        first = min(self.held, key=lambda seq: (seq - self.next) & 0xFFFF)  # type: ignore[operator]
        self.lost += (first - self.next) & 0xFFFF
        self.next = first
        self.gap = True
        return self._release()


class OpusFrames:
    def __init__(self) -> None:
        self.reorder = Reorder()

    def push(self, packet: Packet) -> list[Frame]:
        return [self._frame(p) for p in self.reorder.push(packet) if p.payload]

    def flush(self) -> list[Frame]:
        return [self._frame(p) for p in self.reorder.flush() if p.payload]

    @staticmethod
    def _frame(packet: Packet) -> Frame:
        return Frame(packet.timestamp, packet.payload, True, packet.arrival)


class Vp8Frames:
    """`keyframe_wanted` turns true when frames are being dropped for want of a keyframe."""

    def __init__(self) -> None:
        self.reorder = Reorder()
        self.parts: list[bytes] = []
        self.timestamp: int | None = None
        self.keyframe = False
        self.size = (0, 0)
        self.broken = False  # the frame being gathered misses a packet
        self.keyframe_wanted = True  # nothing is written before the first keyframe
        self.dropped = 0  # frames not written (incomplete, or waiting for a keyframe)

    def push(self, packet: Packet) -> list[Frame]:
        return self._gather(self.reorder.push(packet))

    def flush(self) -> list[Frame]:
        return self._gather(self.reorder.flush())

    def _gather(self, packets: list[Packet]) -> list[Frame]:
        frames = []
        for packet in packets:
            if self.reorder.gap:  # what was skipped belonged to this frame or the next
                self.reorder.gap = False
                self.broken = True
            frame = self._add(packet)
            if frame is not None:
                frames.append(frame)
        return frames

    def _add(self, packet: Packet) -> Frame | None:
        payload = packet.payload
        try:
            offset = vp8_payload_header_offset(payload)
        except ValueError:
            self.broken = True
            return None
        start = bool(payload[0] & 0x10) and not payload[0] & 0x07
        if packet.timestamp != self.timestamp:
            if self.parts:  # the previous frame never saw its marker
                self._drop()
            self.timestamp = packet.timestamp
            self.broken = self.broken and not start
        if start:
            if self.parts:
                self._drop()
            self.parts = []
            self.broken = False
            self.keyframe = vp8_is_keyframe_start(payload)
            size = vp8_keyframe_size(payload) if self.keyframe else None
            self.size = size or (0, 0)
        elif not self.parts:
            self.broken = True  # its start is lost
        if not self.broken:
            self.parts.append(payload[offset:])
        if not packet.marker:
            return None
        if self.broken or not self.parts:
            self._drop()
            return None
        data, keyframe = b"".join(self.parts), self.keyframe
        self.parts = []
        self.timestamp = None
        if self.keyframe_wanted and not keyframe:
            self.dropped += 1
            return None
        self.keyframe_wanted = False
        return Frame(packet.timestamp, data, keyframe, packet.arrival, *self.size)

    def _drop(self) -> None:
        self.parts = []
        self.broken = False
        self.dropped += 1
        self.keyframe_wanted = True


class Timeline:
    """Milliseconds from a track's first frame, from its RTP timestamps (`clock` Hz)."""

    def __init__(self, clock: int) -> None:
        self.clock = clock
        self.first_arrival: float | None = None
        self.last_ts = 0
        self.extended = 0  # unwrapped RTP time since the first frame, plus rebases
        self.last_pts = -1
        self.resync = False  # the next timestamp starts another numbering (a new layer)

    def pts(self, timestamp: int, arrival: float) -> int:
        if self.first_arrival is None:
            self.first_arrival = arrival
            self.last_ts = timestamp
        delta = ((timestamp - self.last_ts + 0x80000000) & 0xFFFFFFFF) - 0x80000000
        self.last_ts = timestamp
        self.extended += delta
        elapsed = arrival - self.first_arrival
        if self.resync or abs(self.extended / self.clock - elapsed) > MAX_DRIFT:
            self.resync = False
            self.extended = round(elapsed * self.clock)  # the source jumped: follow arrival
        pts = max(round(self.extended * 1000 / self.clock), self.last_pts + 1)
        self.last_pts = pts
        return pts
