"""RTCP building and parsing: reports, feedback, compound packets and hostile input."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palabre.media import rtcp

u32 = st.integers(0, 0xFFFFFFFF)

report_blocks = st.builds(
    rtcp.ReportBlock,
    ssrc=u32,
    fraction_lost=st.integers(0, 255),
    packets_lost=st.integers(-0x800000, 0x7FFFFF),
    highest_sequence=u32,
    jitter=u32,
    lsr=u32,
    dlsr=u32,
)


@settings(max_examples=100)
@given(
    ssrc=u32,
    ntp=st.integers(0, 2**64 - 1),
    rtp_ts=u32,
    packets=u32,
    octets=u32,
    blocks=st.lists(report_blocks, max_size=31),
)
def test_sender_report_round_trip(
    ssrc: int, ntp: int, rtp_ts: int, packets: int, octets: int, blocks: list[rtcp.ReportBlock]
) -> None:
    report = rtcp.SenderReport(ssrc, ntp, rtp_ts, packets, octets, blocks)
    data = rtcp.sender_report(report)
    assert len(data) == 28 + 24 * len(blocks)
    assert rtcp.parse(data) == [report]


@settings(max_examples=100)
@given(ssrc=u32, blocks=st.lists(report_blocks, max_size=31))
def test_receiver_report_round_trip(ssrc: int, blocks: list[rtcp.ReportBlock]) -> None:
    report = rtcp.ReceiverReport(ssrc, blocks)
    data = rtcp.receiver_report(report)
    assert len(data) == 8 + 24 * len(blocks)
    assert rtcp.parse(data) == [report]


def test_report_block_layout_and_lost_clamping() -> None:
    block = rtcp.ReportBlock(0x01020304, 64, -1, 0x00010005, 30, 0xAABBCCDD, 0x10000)
    data = rtcp.receiver_report(rtcp.ReceiverReport(0xFEEDFACE, [block]))
    assert data[:8] == bytes.fromhex("81c90007feedface")
    assert data[8:16] == bytes.fromhex("0102030440ffffff")
    huge = rtcp.ReportBlock(1, 0, 10**9, 0, 0, 0, 0)
    parsed = rtcp.parse(rtcp.receiver_report(rtcp.ReceiverReport(1, [huge])))
    assert isinstance(parsed[0], rtcp.ReceiverReport)
    assert parsed[0].reports[0].packets_lost == 0x7FFFFF


def test_reports_refuse_more_blocks_than_the_count_field_holds() -> None:
    blocks = [rtcp.ReportBlock(i, 0, 0, 0, 0, 0, 0) for i in range(32)]
    with pytest.raises(ValueError):
        rtcp.receiver_report(rtcp.ReceiverReport(1, blocks))
    with pytest.raises(ValueError):
        rtcp.sender_report(rtcp.SenderReport(1, 0, 0, 0, 0, blocks))


@settings(max_examples=100)
@given(u32, u32)
def test_pli_round_trip(sender: int, media: int) -> None:
    data = rtcp.pli(sender, media)
    assert len(data) == 12
    assert data[:4] == bytes([0x81, 206, 0, 2])
    assert rtcp.parse(data) == [rtcp.Pli(sender, media)]


@settings(max_examples=100)
@given(u32, u32, st.integers(0, 1000))
def test_fir_round_trip(sender: int, media: int, sequence: int) -> None:
    data = rtcp.fir(sender, media, sequence)
    assert len(data) == 20
    assert data[16] == sequence & 0xFF
    assert rtcp.parse(data) == [rtcp.Fir(sender, [media])]


@settings(max_examples=200)
@given(
    sender=u32,
    media=u32,
    base=st.integers(0, 0xFFFF),
    offsets=st.sets(st.integers(0, 300), min_size=1, max_size=60),
)
def test_nack_round_trip(sender: int, media: int, base: int, offsets: set[int]) -> None:
    lost = [(base + o) & 0xFFFF for o in sorted(offsets)]
    data = rtcp.nack(sender, media, lost)
    (packet,) = rtcp.parse(data)
    assert isinstance(packet, rtcp.Nack)
    assert (packet.sender_ssrc, packet.media_ssrc) == (sender, media)
    assert set(packet.lost) == set(lost)
    assert len(packet.lost) == len(set(lost))


@settings(max_examples=200)
@given(st.sets(st.integers(0, 0xFFFF), min_size=1, max_size=40), st.randoms())
def test_nack_round_trip_any_order(lost: set[int], rng: object) -> None:
    ordered = list(lost)
    rng.shuffle(ordered)  # type: ignore[attr-defined]
    (packet,) = rtcp.parse(rtcp.nack(1, 2, ordered))
    assert isinstance(packet, rtcp.Nack)
    assert set(packet.lost) == lost


def test_nack_packs_across_the_wraparound() -> None:
    lost = [65533, 65535, 0, 1, 12]
    data = rtcp.nack(7, 8, lost)
    # One PID + bitmask item covers all five: 65533 then 65535, 0, 1, 12 as bits 1, 2, 3, 14.
    assert len(data) == 16
    pid, blp = struct.unpack_from("!HH", data, 12)
    assert pid == 65533
    assert blp == (1 << 1) | (1 << 2) | (1 << 3) | (1 << 14)
    (packet,) = rtcp.parse(data)
    assert isinstance(packet, rtcp.Nack)
    assert packet.lost == lost


def test_nack_of_spread_losses_uses_several_items() -> None:
    lost = [100, 116, 117, 200]
    (packet,) = rtcp.parse(rtcp.nack(1, 2, lost))
    assert isinstance(packet, rtcp.Nack)
    assert packet.lost == lost  # 100 (+116), then 117, then 200
    assert len(rtcp.nack(1, 2, lost)) == 12 + 4 * 3


def test_compound_packet() -> None:
    sr = rtcp.SenderReport(1, rtcp.ntp_now(1_700_000_000.5), 1234, 10, 1000)
    rr = rtcp.ReceiverReport(2, [rtcp.ReportBlock(3, 1, 2, 3, 4, 5, 6)])
    data = (
        rtcp.sender_report(sr)
        + rtcp.sdes_cname(1, "alice")
        + rtcp.receiver_report(rr)
        + rtcp.pli(4, 5)
        + rtcp.nack(6, 7, [10, 11])
        + rtcp.fir(8, 9, 1)
        + bytes([0x81, rtcp.BYE, 0, 1])
        + struct.pack("!I", 42)
    )
    assert rtcp.parse(data) == [
        sr,
        rr,
        rtcp.Pli(4, 5),
        rtcp.Nack(6, 7, [10, 11]),
        rtcp.Fir(8, [9]),
        rtcp.Bye([42]),
    ]


def test_sdes_is_word_aligned_and_skipped() -> None:
    for name in ("", "a", "abcd", "x" * 300):
        data = rtcp.sdes_cname(5, name)
        assert len(data) % 4 == 0
        assert struct.unpack_from("!H", data, 2)[0] == len(data) // 4 - 1
        assert rtcp.parse(data) == []


def test_unknown_feedback_is_skipped() -> None:
    remb = bytes([0x80 | rtcp.FMT_AFB, rtcp.PSFB, 0, 4]) + bytes(16)
    assert rtcp.parse(remb + rtcp.pli(1, 2)) == [rtcp.Pli(1, 2)]


def test_ntp_now() -> None:
    assert rtcp.ntp_now(0.0) == 2208988800 << 32
    assert rtcp.ntp_now(1.5) == ((2208988801) << 32) | (1 << 31)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x80\xc8", "shorter than 4"),
        (b"\x40\xc9\x00\x00", "version"),
        (b"\x80\xc9\x00\x05" + bytes(4), "length exceeds"),
        (b"\x80\xc8\x00\x01" + bytes(4), "SR truncated"),
        (b"\x80\xc9\x00\x00", "RR truncated"),
        (b"\x81\xc9\x00\x01" + bytes(4), "report block truncated"),
        (b"\x81\xce\x00\x01" + bytes(4), "feedback truncated"),
        (rtcp.pli(1, 2) + b"\x80\xc9", "header truncated"),
    ],
)
def test_parse_rejects_malformed(data: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        rtcp.parse(data)


@settings(max_examples=200)
@given(st.binary(max_size=120))
def test_parse_raises_only_value_error(data: bytes) -> None:
    try:
        packets = rtcp.parse(data)
    except ValueError:
        return
    assert isinstance(packets, list)


@settings(max_examples=200)
@given(st.integers(0, 31), st.sampled_from([200, 201, 202, 203, 205, 206]), st.binary(max_size=60))
def test_parse_well_framed_garbage(count: int, packet_type: int, body: bytes) -> None:
    body = body[: len(body) // 4 * 4]
    data = bytes([0x80 | count, packet_type]) + struct.pack("!H", len(body) // 4) + body
    try:
        packets = rtcp.parse(data)
    except ValueError:
        return
    assert len(packets) <= 1


@given(st.lists(st.integers(min_value=0, max_value=31), max_size=120))
def test_compound_keeps_every_packet_in_order_under_the_limit(blocks: list[int]) -> None:
    """Sender reports of every size a subscriber may have (up to 120 streams, and reports of
    up to 31 blocks, 772 bytes: over the limit with the next): none lost, reordered or split,
    each compound under MAX_COMPOUND unless it is one packet longer than that."""
    packets = [
        rtcp.sender_report(
            rtcp.SenderReport(i + 1, 0, 0, 0, 0, [rtcp.ReportBlock(7, 0, 0, 0, 0, 0, 0)] * n)
        )
        for i, n in enumerate(blocks)
    ]
    out = rtcp.compound(packets)
    assert b"".join(out) == b"".join(packets)
    parsed = [p for c in out for p in rtcp.parse(c)]
    assert [p.ssrc for p in parsed] == [i + 1 for i in range(len(blocks))]
    for c in out:
        assert len(c) <= rtcp.MAX_COMPOUND or len(rtcp.parse(c)) == 1


def test_eighty_sender_reports_fit_in_two_packets() -> None:
    """A subscriber in a meeting of 60 (80 streams): 2,240 bytes of SRs, in two packets."""
    reports = [rtcp.sender_report(rtcp.SenderReport(i + 1, 0, 0, 0, 0, [])) for i in range(80)]
    out = rtcp.compound(reports)
    assert [len(c) for c in out] == [42 * 28, 38 * 28]
