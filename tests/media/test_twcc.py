"""Transport-wide feedback: our builder against our parser, hand-made chunks, hostile input."""

from __future__ import annotations

import contextlib
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palabre.media import rtcp, twcc


def _arrivals(draw_gaps: list[int | None], start: float) -> list[float | None]:
    """Arrival times from gaps in 250 µs units (None: lost)."""
    out: list[float | None] = []
    now = start
    for gap in draw_gaps:
        if gap is None:
            out.append(None)
        else:
            now += gap * twcc.DELTA_UNIT
            out.append(now)
    return out


@settings(max_examples=200)
@given(
    base=st.integers(0, 0xFFFF),
    gaps=st.lists(st.none() | st.integers(-2000, 30000), min_size=1, max_size=300),
    start=st.integers(0, 100_000).map(lambda n: n * twcc.REFERENCE_UNIT),
)
def test_round_trip(base: int, gaps: list[int | None], start: float) -> None:
    arrivals = _arrivals(gaps, start)
    if any(a is not None and a < start for a in arrivals):
        return  # the first received packet sets the reference: none may come before it
    packet = rtcp.parse(twcc.build(1, 2, base, arrivals, feedback_count=7))
    assert len(packet) == 1
    feedback = packet[0]
    assert isinstance(feedback, twcc.TransportFeedback)
    assert (feedback.sender_ssrc, feedback.media_ssrc) == (1, 2)
    assert feedback.base_sequence == base and feedback.feedback_count == 7
    assert [seq for seq, _ in feedback.packets] == [(base + i) & 0xFFFF for i in range(len(gaps))]
    for (_, got), sent in zip(feedback.packets, arrivals, strict=True):
        if sent is None:
            assert got is None
        else:
            assert got == pytest.approx(sent, abs=1e-6)


def test_run_length_and_one_bit_chunks() -> None:
    """Chunks as Chromium writes them: a run of ten received packets, then a 1-bit vector
    (lost, received, then twelve lost)."""
    chunks = struct.pack("!HH", (1 << 13) | 10, 0x8000 | (1 << 12))
    deltas = bytes([4] * 10) + bytes([8])
    body = struct.pack("!HH", 100, 24) + (2).to_bytes(3, "big") + b"\x05" + chunks + deltas
    feedback = twcc.parse(body, 1, 2)
    times = [t for _, t in feedback.packets]
    assert len(times) == 24
    assert times[:10] == pytest.approx([0.128 + 0.001 * (i + 1) for i in range(10)])
    assert times[10] is None and times[11] == pytest.approx(0.128 + 0.010 + 0.002)
    assert times[12:] == [None] * 12
    assert feedback.packets[0][0] == 100 and feedback.feedback_count == 5


def test_large_negative_delta() -> None:
    chunk = struct.pack("!H", 0xC000 | (twcc.SMALL << 12) | (twcc.LARGE << 10))
    body = struct.pack("!HH", 0, 2) + (10).to_bytes(3, "big") + b"\x00" + chunk
    body += bytes([40]) + (-20).to_bytes(2, "big", signed=True)
    times = [t for _, t in twcc.parse(body, 0, 0).packets]
    assert times == pytest.approx([0.640 + 0.010, 0.640 + 0.010 - 0.005])


@pytest.mark.parametrize(
    "body",
    [
        b"\x00\x01",  # shorter than the fixed part
        struct.pack("!HH", 0, 5) + bytes(4),  # five statuses, no chunk
        struct.pack("!HH", 0, 1) + bytes(4) + struct.pack("!H", (1 << 13) | 1),  # no delta
        struct.pack("!HH", 0, 1) + bytes(4) + struct.pack("!H", (3 << 13) | 1) + b"\0\0",
    ],
)
def test_malformed_is_an_error(body: bytes) -> None:
    with pytest.raises(ValueError):
        twcc.parse(body, 0, 0)


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_garbage_never_raises_anything_but_value_error(body: bytes) -> None:
    with contextlib.suppress(ValueError):
        twcc.parse(body, 0, 0)


def test_in_a_compound_packet_with_a_receiver_report() -> None:
    compound = rtcp.receiver_report(rtcp.ReceiverReport(9)) + twcc.build(9, 3, 10, [0.5, None])
    reports = rtcp.parse(compound)
    assert isinstance(reports[0], rtcp.ReceiverReport)
    assert isinstance(reports[1], twcc.TransportFeedback)
    assert reports[1].packets == [(10, pytest.approx(0.5)), (11, None)]


def test_receiver_reference_time_and_dlrr() -> None:
    ntp = 0x0123456789ABCDEF
    rrtr = struct.pack("!BBHI", 0x80, rtcp.XR, 4, 77) + struct.pack("!BBHQ", 4, 0, 2, ntp)
    (report,) = rtcp.parse(rrtr)
    assert report == rtcp.ReceiverReferenceTime(77, ntp)
    echo = rtcp.dlrr(5, 77, (ntp >> 16) & 0xFFFFFFFF, 0.5)
    header, sender, block, ssrc, last_rr, delay = struct.unpack("!IIIIII", echo)
    assert header == (0x80 << 24) | (rtcp.XR << 16) | 5 and sender == 5
    assert block == (rtcp.XR_DLRR << 24) | 3
    assert (ssrc, last_rr, delay) == (77, 0x456789AB, 32768)
