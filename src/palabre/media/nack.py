"""Losses on the way from a publisher: which sequence numbers to ask again (RFC 4585 NACK).

Per incoming video stream, the publisher's packets are expected in sequence; a jump leaves
a gap whose numbers are asked for at once, then again every RETRY seconds, at most TRIES
times and for no longer than MAX_AGE, after which the keyframe requests take over. The hot
path pays one comparison per packet: the tracker does work only when a packet is not the
next one expected.
"""

from __future__ import annotations

DELAY = 0.01  # seconds from a gap to its first request: a burst's gaps in one request
RETRY = 0.1  # seconds between two requests for the same packet
TRIES = 3  # requests per lost packet, at most
MAX_AGE = 1.0  # seconds after which a packet is given up (a keyframe repairs it)
MAX_GAP = 256  # a bigger jump is a restart or a long outage: nothing asked, a keyframe repairs
MAX_MISSING = 512  # packets tracked per stream, at most (the oldest dropped first)
MAX_PER_NACK = 64  # sequence numbers per request sent


class NackTracker:
    """The gaps of one stream and when each lost packet was last asked for."""

    __slots__ = ("expected", "missing", "started")

    def __init__(self) -> None:
        self.expected = 0  # the next sequence number in order
        self.started = False
        # sequence number -> [first noticed, last asked (0: not yet), times asked]
        self.missing: dict[int, list[float]] = {}

    def arrived(self, seq: int, now: float) -> bool:
        """A packet that is not the one expected (the caller checks `expected` first, and
        sets it to seq + 1 when it is). True when it opened a new gap to ask for."""
        if not self.started:
            self.started = True
            self.expected = (seq + 1) & 0xFFFF
            return False
        ahead = (seq - self.expected) & 0xFFFF
        if ahead == 0:
            self.expected = (seq + 1) & 0xFFFF
            return False
        if ahead >= 0x8000:  # late: reordered, or a retransmission that repairs a gap
            self.missing.pop(seq, None)
            return False
        self.expected = (seq + 1) & 0xFFFF
        if ahead > MAX_GAP:
            self.missing.clear()
            return False
        missing = self.missing
        for lost in range(seq - ahead, seq):
            missing[lost & 0xFFFF] = [now, 0.0, 0]
        while len(missing) > MAX_MISSING:
            del missing[next(iter(missing))]
        return True

    def due(self, now: float) -> list[int]:
        """The sequence numbers to ask for now (marked as asked); forgets those given up."""
        out: list[int] = []
        missing = self.missing
        for seq in list(missing):
            entry = missing[seq]
            first, last, tries = entry
            if tries >= TRIES or now - first > MAX_AGE:
                del missing[seq]
                continue
            if len(out) < MAX_PER_NACK and (tries == 0 or now - last >= RETRY):
                entry[1] = now
                entry[2] = tries + 1
                out.append(seq)
        return out

    def reset(self) -> None:
        self.started = False
        self.missing.clear()
