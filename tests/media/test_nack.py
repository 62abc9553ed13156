"""Losses from a publisher: gaps found, NACKs sent and retried, RTX repairs accepted."""

from __future__ import annotations

import time

import pytest

from palabre.media import nack, rtcp, rtp
from palabre.media.nack import NackTracker
from palabre.media.publisher import Publisher

from .chrome_offer import CHROME_OFFER, VIDEO_RTX_SSRC, VIDEO_SSRC
from .negotiation import Harness


def _feed(tracker: NackTracker, seqs: list[int], now: float = 0.0) -> list[bool]:
    out = []
    for seq in seqs:
        if seq == tracker.expected and tracker.started:
            tracker.expected = (seq + 1) & 0xFFFF
            out.append(False)
        else:
            out.append(tracker.arrived(seq, now))
    return out


def test_gap_found_and_filled_by_a_late_packet() -> None:
    tracker = NackTracker()
    assert _feed(tracker, [10, 11, 14]) == [False, False, True]
    assert sorted(tracker.missing) == [12, 13]
    assert tracker.expected == 15
    _feed(tracker, [12])  # late (reordered or repaired)
    assert sorted(tracker.missing) == [13]
    _feed(tracker, [15, 16])
    assert sorted(tracker.missing) == [13]


def test_gap_across_the_wrap_around() -> None:
    tracker = NackTracker()
    _feed(tracker, [65533, 65534, 1])
    assert sorted(tracker.missing) == [0, 65535]
    assert tracker.expected == 2


def test_a_huge_jump_asks_nothing() -> None:
    tracker = NackTracker()
    _feed(tracker, [100, 101])
    assert _feed(tracker, [101 + nack.MAX_GAP + 2]) == [False]
    assert tracker.missing == {}


def test_due_retries_at_the_interval_then_gives_up() -> None:
    tracker = NackTracker()
    _feed(tracker, [1, 4], now=0.0)
    assert tracker.due(0.0) == [2, 3]  # asked at once
    assert tracker.due(0.05) == []  # not again before RETRY
    assert tracker.due(nack.RETRY + 0.01) == [2, 3]
    assert tracker.due(2 * nack.RETRY + 0.02) == [2, 3]
    assert nack.TRIES == 3
    assert tracker.due(3 * nack.RETRY + 0.03) == []  # three times asked: given up
    assert tracker.missing == {}


def test_due_forgets_what_is_too_old() -> None:
    tracker = NackTracker()
    _feed(tracker, [1, 3], now=0.0)
    assert tracker.due(nack.MAX_AGE + 0.1) == []
    assert tracker.missing == {}


def test_tracked_losses_are_bounded() -> None:
    tracker = NackTracker()
    seq = 0
    _feed(tracker, [seq])
    for _ in range(10):
        seq += nack.MAX_GAP
        _feed(tracker, [seq])
    assert len(tracker.missing) <= nack.MAX_MISSING
    assert len(tracker.due(0.0)) == nack.MAX_PER_NACK


def _vp8(seq: int, ssrc: int = VIDEO_SSRC) -> bytes:
    return rtp.build_packet(96, seq, seq * 3000, ssrc, b"\x10\x00\x00" + bytes([seq & 0xFF]) * 20)


def _rtx(osn: int, rtx_seq: int) -> bytes:
    original = b"\x10\x00\x00" + bytes([osn & 0xFF]) * 20
    return rtp.build_packet(
        97, rtx_seq, osn * 3000, VIDEO_RTX_SSRC, osn.to_bytes(2, "big") + original
    )


@pytest.fixture
def publisher(harness: Harness) -> tuple[Publisher, list[bytes]]:
    pub = harness.publisher()
    pub.negotiate(CHROME_OFFER, {})
    pub.rtcp_ssrc = 4242
    sent: list[bytes] = []
    pub.connection.send_rtcp = sent.append  # type: ignore[method-assign]
    return pub, sent


def test_publisher_nacks_a_gap_and_takes_the_rtx_repair(
    publisher: tuple[Publisher, list[bytes]],
) -> None:
    pub, sent = publisher
    video = pub.tracks["1"]
    assert video.rtx_payload_type == 97
    for seq in (100, 101, 104, 105):
        pub.on_rtp(_vp8(seq))
    layer = video.layers[0]
    assert sorted(layer.nack.missing) == [102, 103]
    assert pub.send_nacks(now=time.monotonic()) is True  # still pending until repaired
    (packet,) = sent
    (request,) = rtcp.parse(packet)
    assert isinstance(request, rtcp.Nack)
    assert (request.sender_ssrc, request.media_ssrc) == (4242, VIDEO_SSRC)
    assert sorted(request.lost) == [102, 103]
    # The repair of 102 arrives on the RTX stream: unwrapped into the original stream.
    packets = video.packets
    pub.on_rtp(_rtx(102, 7))
    assert pub.repaired == 1 and video.packets == packets + 1
    assert layer.cache.get(102) == _vp8(102)
    assert sorted(layer.nack.missing) == [103]
    # A resent packet that was not lost (a browser's bandwidth probe) is not forwarded again.
    pub.on_rtp(_rtx(101, 8))
    assert pub.repaired == 1 and video.packets == packets + 1
    # A padding-only RTX packet (a bandwidth probe) repairs nothing and is not forwarded.
    probe = bytearray(rtp.build_packet(97, 8, 0, VIDEO_RTX_SSRC, bytes(9) + b"\x0a"))
    probe[0] |= 0x20
    pub.on_rtp(bytes(probe))
    assert video.packets == packets + 1
    pub.on_rtp(_rtx(103, 9))
    assert layer.nack.missing == {}
    assert pub.send_nacks(now=time.monotonic()) is False
    assert len(sent) == 1


def test_no_nack_for_packets_in_order_or_for_audio(
    publisher: tuple[Publisher, list[bytes]],
) -> None:
    pub, sent = publisher
    for seq in range(1, 50):
        pub.on_rtp(_vp8(seq))
    # Audio losses are not asked again (Opus has its in-band FEC).
    from .chrome_offer import AUDIO_SSRC

    for seq in (1, 2, 5):
        pub.on_rtp(rtp.build_packet(111, seq, seq * 960, AUDIO_SSRC, b"opus"))
    assert pub.send_nacks(now=0.0) is False
    assert sent == []
