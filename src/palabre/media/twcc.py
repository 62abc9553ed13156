"""Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01).

A browser that negotiated transport-cc reports, every 50-250 ms, which of our packets arrived
and when (by the transport-wide sequence number we put in each one's header extension). The
SFU reads it to estimate each subscriber's bandwidth itself (bwe.py) and to repair losses it
learns of this way. Written by hand: the format is two pages, and no maintained Python
library parses it (aiortc has it inside its RTCP module, not as an API).

    0                   1                   2                   3
    |V=2|P|  FMT=15 |    PT=205     |           length              |
    |                     SSRC of packet sender                     |
    |                      SSRC of media source                     |
    |      base sequence number     |      packet status count      |
    |                 reference time                | fb pkt. count |
    |          packet chunk         |         packet chunk          |  ...
    |         recv delta            |  recv delta   | zero padding  |  ...

Chunks: run length (T=0: a 2-bit symbol repeated up to 8191 times) or status vector (T=1:
fourteen 1-bit or seven 2-bit symbols). Symbols: 0 not received, 1 received with a one-byte
delta, 2 received with a signed two-byte delta. Deltas count 250 µs; the reference time 64 ms.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

FMT = 15
DELTA_UNIT = 0.000250  # seconds
REFERENCE_UNIT = 0.064  # seconds

NOT_RECEIVED, SMALL, LARGE = 0, 1, 2


@dataclass(slots=True)
class TransportFeedback:
    sender_ssrc: int
    media_ssrc: int
    base_sequence: int
    feedback_count: int
    # (transport sequence number, arrival time in seconds on the receiver's clock or None)
    packets: list[tuple[int, float | None]]


def parse(body: bytes, sender_ssrc: int, media_ssrc: int) -> TransportFeedback:
    """The feedback in an RTPFB FMT 15 body (after the two SSRCs); ValueError if malformed."""
    if len(body) < 8:
        raise ValueError("transport feedback truncated")
    base, count = struct.unpack_from("!HH", body)
    reference = int.from_bytes(body[4:7], "big", signed=True)
    feedback_count = body[7]
    symbols: list[int] = []
    pos = 8
    while len(symbols) < count:
        if pos + 2 > len(body):
            raise ValueError("transport feedback: packet chunks truncated")
        chunk = int.from_bytes(body[pos : pos + 2], "big")
        pos += 2
        if chunk & 0x8000 == 0:  # run length
            symbol, run = (chunk >> 13) & 0x3, chunk & 0x1FFF
            symbols.extend([symbol] * min(run, count - len(symbols)))
        elif chunk & 0x4000 == 0:  # fourteen 1-bit symbols
            symbols.extend((chunk >> (13 - i)) & 1 for i in range(14))
        else:  # seven 2-bit symbols
            symbols.extend((chunk >> (12 - 2 * i)) & 0x3 for i in range(7))
    del symbols[count:]
    arrival = reference * REFERENCE_UNIT
    packets: list[tuple[int, float | None]] = []
    for i, symbol in enumerate(symbols):
        sequence = (base + i) & 0xFFFF
        if symbol == NOT_RECEIVED:
            packets.append((sequence, None))
            continue
        if symbol == SMALL:
            if pos + 1 > len(body):
                raise ValueError("transport feedback: receive deltas truncated")
            delta = body[pos]
            pos += 1
        elif symbol == LARGE:
            if pos + 2 > len(body):
                raise ValueError("transport feedback: receive deltas truncated")
            delta = int.from_bytes(body[pos : pos + 2], "big", signed=True)
            pos += 2
        else:
            raise ValueError("transport feedback: reserved status symbol")
        arrival += delta * DELTA_UNIT
        packets.append((sequence, arrival))
    return TransportFeedback(sender_ssrc, media_ssrc, base, feedback_count, packets)


def build(
    sender_ssrc: int,
    media_ssrc: int,
    base_sequence: int,
    arrivals: list[float | None],
    feedback_count: int = 0,
) -> bytes:
    """A whole RTCP packet reporting `arrivals` (seconds, or None for lost) from base_sequence
    on: what a receiver sends (for tests and bots). Two-bit status vectors throughout."""
    received = [a for a in arrivals if a is not None]
    reference = int(received[0] // REFERENCE_UNIT) if received else 0
    previous = reference * REFERENCE_UNIT
    symbols, deltas = [], b""
    for arrival in arrivals:
        if arrival is None:
            symbols.append(NOT_RECEIVED)
            continue
        delta = round((arrival - previous) / DELTA_UNIT)
        previous += delta * DELTA_UNIT
        if 0 <= delta <= 0xFF:
            symbols.append(SMALL)
            deltas += bytes([delta])
        else:
            if not -0x8000 <= delta <= 0x7FFF:
                raise ValueError("receive delta out of range")
            symbols.append(LARGE)
            deltas += delta.to_bytes(2, "big", signed=True)
    chunks = b""
    for start in range(0, len(symbols), 7):
        group = symbols[start : start + 7] + [0] * (7 - len(symbols[start : start + 7]))
        chunk = 0xC000
        for i, symbol in enumerate(group):
            chunk |= symbol << (12 - 2 * i)
        chunks += chunk.to_bytes(2, "big")
    body = struct.pack("!IIHH", sender_ssrc, media_ssrc, base_sequence, len(arrivals))
    body += (reference & 0xFFFFFF).to_bytes(3, "big") + bytes([feedback_count & 0xFF])
    body += chunks + deltas
    body += bytes(-len(body) % 4)
    return struct.pack("!BBH", 0x80 | FMT, 205, len(body) // 4) + body
