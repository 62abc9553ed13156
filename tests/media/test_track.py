"""Forwarding: PacketCache, Track fan-out to DownTracks, retransmissions, reception stats."""

from __future__ import annotations

import itertools
import time
from typing import cast

import pytest

from palabre.media import rtp, twcc
from palabre.media.bwe import Estimator
from palabre.media.connection import MediaConnection
from palabre.media.track import CACHE_SIZE, DownTrack, PacketCache, ReceptionStats, Track

KEYFRAME = bytes([0x90, 0x80, 0x05, 0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A]) + b"key-data"
DELTA = bytes([0x90, 0x80, 0x06, 0x31, 0x02, 0x00]) + b"delta-data"
CONTINUATION = bytes([0x80, 0x80, 0x05]) + b"more-of-the-frame"  # S=0


class FakeSrtp:
    def protect(self, packet: bytes) -> bytes:
        return packet


class FakePath:
    protocol = "udp"

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.sent.append(data)


class FakeConnection:
    """What DownTrack uses of a MediaConnection (connected, send_rtp), over a fake SRTP
    context and path that a test can take away."""

    def __init__(self) -> None:
        self.srtp: FakeSrtp | None = FakeSrtp()
        self.path: FakePath | None = FakePath()

    @property
    def connected(self) -> bool:
        return self.srtp is not None and self.path is not None

    def send_rtp(self, packet: bytes) -> bool:
        if self.srtp is None or self.path is None:
            return False
        self.path.send(self.srtp.protect(packet))
        return True

    @property
    def sent(self) -> list[rtp.RtpHeader]:
        assert self.path is not None
        return [rtp.parse_header(p) for p in self.path.sent]

    def payloads(self) -> list[bytes]:
        assert self.path is not None
        headers = zip(self.path.sent, self.sent, strict=True)
        return [p[h.payload_offset : h.payload_end] for p, h in headers]


def make_track(kind: str, requests: list[Track] | None = None) -> Track:
    return Track(
        track_id="pub-1",
        participant_id="pub",
        kind=kind,
        source="camera" if kind == "video" else "microphone",
        mid="1",
        ssrc=0xAAAA,
        payload_type=96 if kind == "video" else 111,
        clock_rate=90000 if kind == "video" else 48000,
        request_keyframe=(
            (lambda t, _layer: requests.append(t)) if requests is not None else lambda _t, _l: None
        ),
    )


def subscribe(track: Track, payload_type: int = 100) -> tuple[DownTrack, FakeConnection]:
    connection = FakeConnection()
    down = DownTrack(track, cast(MediaConnection, connection), "0", payload_type)
    down.active = True
    track.downtracks.append(down)
    return down, connection


def send(
    track: Track,
    seq: int,
    ts: int,
    payload: bytes,
    *,
    marker: bool = False,
    extensions: dict[int, bytes] | None = None,
    padding: int = 0,
) -> bytes:
    packet = rtp.build_packet(
        track.payload_type, seq, ts, track.ssrc or 0, payload, marker=marker, extensions=extensions
    )
    if padding:
        packet = bytes([packet[0] | 0x20]) + packet[1:] + bytes(padding - 1) + bytes([padding])
    header = rtp.parse_header(packet)
    track.receive(packet, packet[0], packet[1], seq, ts, header.payload_offset)
    return packet


# --- PacketCache ---


def test_packet_cache() -> None:
    cache = PacketCache()
    assert cache.get(5) is None
    cache.put(5, b"five")
    cache.put(65535, b"last")
    assert cache.get(5) == b"five"
    assert cache.get(65535) == b"last"
    assert cache.get(5 + CACHE_SIZE) is None  # same slot, other sequence number
    cache.put(5 + CACHE_SIZE, b"newer")
    assert cache.get(5) is None
    assert cache.get(5 + CACHE_SIZE) == b"newer"


# --- fan-out ---


def test_audio_fan_out_rewrites_per_subscriber() -> None:
    track = make_track("audio")
    down_a, conn_a = subscribe(track, 111)
    down_b, conn_b = subscribe(track, 109)
    for i in range(5):
        send(track, 1000 + i, 48000 + 960 * i, bytes([i]) * 20, marker=i == 0)
    for down, conn, pt in ((down_a, conn_a, 111), (down_b, conn_b, 109)):
        headers = conn.sent
        assert len(headers) == 5
        assert {h.ssrc for h in headers} == {down.ssrc}
        assert {h.payload_type for h in headers} == {pt}
        assert [h.marker for h in headers] == [True, False, False, False, False]
        first = headers[0]
        assert [h.sequence for h in headers] == [(first.sequence + i) & 0xFFFF for i in range(5)]
        assert [h.timestamp for h in headers] == [
            (first.timestamp + 960 * i) & 0xFFFFFFFF for i in range(5)
        ]
        assert conn.payloads() == [bytes([i]) * 20 for i in range(5)]
        assert down.stream.packets == 5 and down.stream.octets == 100
        assert down.stream.last_ts == headers[-1].timestamp
    assert down_a.ssrc != down_b.ssrc
    assert track.packets == 5


def test_sequence_continuity_across_wraparound_and_gaps() -> None:
    track = make_track("audio")
    _, conn = subscribe(track)
    incoming = [65533, 65534, 65535, 0, 1, 4, 5]  # 2 and 3 lost
    for i, seq in enumerate(incoming):
        send(track, seq, (0xFFFFFF00 + 960 * i) & 0xFFFFFFFF, b"x")
    out = [h.sequence for h in conn.sent]
    offset = (out[0] - 65533) & 0xFFFF
    assert out == [(s + offset) & 0xFFFF for s in incoming]
    assert out[0] < 0x8000  # the subscriber's stream starts at a random 15-bit number
    stamps = [h.timestamp for h in conn.sent]
    assert all((b - a) & 0xFFFFFFFF == 960 for a, b in itertools.pairwise(stamps))


def test_extensions_are_stripped_and_padding_kept() -> None:
    track = make_track("audio")
    _, conn = subscribe(track)
    send(track, 1, 1, b"opus", extensions={1: b"\x80", 4: b"0"}, padding=3)
    assert conn.path is not None
    (raw,) = conn.path.sent
    header = rtp.parse_header(raw)
    assert header.extensions == {}
    assert raw[0] & 0x10 == 0
    assert raw[0] & 0x20  # padding bit kept with the padding bytes
    assert raw[header.payload_offset : header.payload_end] == b"opus"
    assert len(raw) == 12 + 4 + 3


def test_inactive_or_unconnected_subscribers_get_nothing() -> None:
    track = make_track("audio")
    inactive, conn_inactive = subscribe(track)
    inactive.active = False
    no_path, conn_no_path = subscribe(track)
    conn_no_path.path = None
    no_srtp, conn_no_srtp = subscribe(track)
    conn_no_srtp.srtp = None
    send(track, 1, 1, b"x")
    assert conn_inactive.sent == []
    assert inactive.stream.packets == no_path.stream.packets == no_srtp.stream.packets == 0
    assert conn_no_srtp.sent == []


def test_video_starts_at_a_keyframe() -> None:
    requests: list[Track] = []
    track = make_track("video", requests)
    down, conn = subscribe(track)
    send(track, 10, 3000, DELTA)
    assert conn.sent == [] and not down.started
    assert track.waiting_for_keyframe(0)
    track.request_keyframe()
    assert requests == [track]
    send(track, 11, 6000, DELTA)
    send(track, 12, 9000, CONTINUATION)  # not the start of a frame
    assert conn.sent == []
    send(track, 13, 12000, KEYFRAME)
    send(track, 14, 12000, CONTINUATION, marker=True)
    send(track, 15, 15000, DELTA)
    assert down.started
    assert conn.payloads() == [KEYFRAME, CONTINUATION, DELTA]
    seqs = [h.sequence for h in conn.sent]
    assert seqs == [seqs[0], (seqs[0] + 1) & 0xFFFF, (seqs[0] + 2) & 0xFFFF]
    assert not track.keyframe_pending
    assert not track.waiting_for_keyframe(0)


def test_late_video_subscriber_does_not_disturb_the_first() -> None:
    track = make_track("video")
    first, conn_first = subscribe(track)
    track.request_keyframe()
    send(track, 100, 0, KEYFRAME)
    send(track, 101, 3000, DELTA)
    second, conn_second = subscribe(track)
    send(track, 102, 6000, DELTA)
    track.request_keyframe()
    send(track, 103, 9000, KEYFRAME)
    send(track, 104, 12000, DELTA)
    assert len(conn_first.sent) == 5
    base = conn_first.sent[0].sequence
    assert [h.sequence for h in conn_first.sent] == [(base + i) & 0xFFFF for i in range(5)]
    assert conn_second.payloads() == [KEYFRAME, DELTA]
    assert second.started and first.started


def test_keyframe_requests_are_rate_limited() -> None:
    requests: list[Track] = []
    track = make_track("video", requests)
    track.request_keyframe()
    track.request_keyframe()
    track.request_keyframe()
    assert requests == [track]
    assert track.keyframe_pending


def test_retransmit_uses_the_subscriber_numbering() -> None:
    track = make_track("video")
    down, conn = subscribe(track, 98)
    assert down.retransmit(0) == 0  # not started
    track.request_keyframe()
    send(track, 500, 90000, KEYFRAME, extensions={4: b"1"})
    send(track, 501, 93000, DELTA, marker=True, extensions={4: b"1"})
    original = conn.sent[1]
    assert conn.path is not None
    conn.path.sent.clear()
    assert down.retransmit(original.sequence) > 0
    (again,) = conn.sent
    assert (again.sequence, again.timestamp, again.ssrc) == (
        original.sequence,
        original.timestamp,
        down.ssrc,
    )
    assert again.payload_type == 98
    assert again.marker is True
    assert conn.payloads() == [DELTA]
    assert down.retransmit((original.sequence + 1) & 0xFFFF) == 0  # never sent
    assert down.retransmit((original.sequence - 600) & 0xFFFF) == 0


def test_transport_wide_numbers_and_repairs() -> None:
    """With transport-cc, every packet (retransmissions too) carries the next transport-wide
    number; feedback that a packet was lost resends it, unless a NACK's copy went since."""
    track = make_track("video")
    down, conn = subscribe(track, 98)
    down.twcc = Estimator()
    down.twcc_element = 5 << 4 | 1
    track.request_keyframe()
    send(track, 500, 90000, KEYFRAME)
    send(track, 501, 93000, DELTA, marker=True)
    first, second = conn.sent
    assert [h.extensions for h in conn.sent] == [{5: b"\0\0"}, {5: b"\0\1"}]
    assert conn.payloads() == [KEYFRAME, DELTA]
    feedback = twcc.TransportFeedback(1, 2, 0, 0, [(0, None), (1, 0.1)])
    (lost,) = down.twcc.on_feedback(feedback, time.monotonic())
    assert (lost.down, lost.out_sequence) == (down, first.sequence)
    assert down.repair(lost.out_sequence, lost.sent_at) > 0
    again = conn.sent[-1]
    assert (again.sequence, again.extensions) == (first.sequence, {5: b"\0\2"})
    # Reported lost again, but sent before that copy: the copy may still be on its way.
    assert down.repair(first.sequence, lost.sent_at) == 0
    assert down.retransmit(second.sequence, probe=True) > 0  # a probe's copy: numbered too
    assert conn.sent[-1].extensions == {5: b"\0\3"}


def test_audio_is_not_cached_for_retransmission() -> None:
    track = make_track("audio")
    down, conn = subscribe(track)
    send(track, 7, 0, b"x")
    assert down.retransmit(conn.sent[0].sequence) == 0


# --- reception statistics ---


def test_reception_stats_loss() -> None:
    stats = ReceptionStats(90000)
    for seq in [10, 11, 12, 14, 16, 17, 18, 19]:  # 13 and 15 lost
        stats.update(seq, 0, 0.0)
    fraction, lost, highest, jitter, lsr, dlsr = stats.report_fields(now=5.0)
    assert lost == 2
    assert fraction == (2 << 8) // 10
    assert highest == 19
    assert jitter == 0
    assert (lsr, dlsr) == (0, 0)
    # The next interval had no loss: the fraction is per interval, the count cumulative.
    for seq in range(20, 30):
        stats.update(seq, 0, 0.0)
    fraction, lost, highest, *_ = stats.report_fields(now=6.0)
    assert (fraction, lost, highest) == (0, 2, 29)


def test_reception_stats_wraparound_and_reordering() -> None:
    stats = ReceptionStats(48000)
    for seq in [65534, 65535, 1, 0, 2]:  # 0 arrives late
        stats.update(seq, 0, 0.0)
    fraction, lost, highest, *_ = stats.report_fields(now=0.0)
    assert highest == 65536 + 2
    assert lost == 0
    assert fraction == 0


def test_reception_stats_jitter() -> None:
    stats = ReceptionStats(90000)
    # Perfectly paced: 3000 ticks every 1/30 s gives no jitter.
    for i in range(10):
        stats.update(i, 3000 * i, i / 30)
    assert stats.jitter == pytest.approx(0.0, abs=1e-6)
    # One packet 10 ms late: D = 900 ticks, J += (|D| - J) / 16, twice (late, then back).
    stats.update(10, 30000, 10 / 30 + 0.010)
    assert stats.jitter == pytest.approx(900 / 16)
    stats.update(11, 33000, 11 / 30)
    assert stats.jitter == pytest.approx(900 / 16 + (900 - 900 / 16) / 16)
    assert stats.report_fields(now=1.0)[3] == int(stats.jitter)


def test_reception_stats_lsr_dlsr() -> None:
    stats = ReceptionStats(90000)
    stats.update(1, 0, 0.0)
    stats.last_sr_ntp = 0x1122334455667788
    stats.last_sr_arrival = 10.0
    *_, lsr, dlsr = stats.report_fields(now=10.5)
    assert lsr == 0x33445566
    assert dlsr == 32768  # half a second in 1/65536 s


def test_reception_stats_jitter_across_timestamp_wraparound() -> None:
    stats = ReceptionStats(90000)
    start = 0xFFFFFFFF - 3 * 3000
    for i in range(8):
        stats.update(i, (start + 3000 * i) & 0xFFFFFFFF, i / 30)
    assert stats.jitter < 1.0


# --- simulcast switches ---


def vp8(pid: int, tl0: int, keyframe: bool) -> bytes:
    """A VP8 payload with a 15-bit picture id and a TL0PICIDX (RFC 7741)."""
    descriptor = bytes([0x90, 0xC0, 0x80 | pid >> 8, pid & 0xFF, tl0])
    return descriptor + (
        b"\x10\x02\x00\x9d\x01\x2a\xa0\x00\x78\x00" if keyframe else b"\x11\x02\x00"
    )


def test_a_layer_switch_continues_numbering_and_picture_ids() -> None:
    track = Track("pub-1", "pub", "video", "camera", "1", None, 96, 90000,
                  lambda _t, _l: None, rids=["q", "h"])  # fmt: skip
    low, high = track.layers
    low.ssrc, high.ssrc = 1, 2
    down, conn = subscribe(track)
    assert down.target == 1  # no layer seen yet: the highest
    down.set_target(0)

    def packet(layer, seq: int, ts: int, payload: bytes) -> None:
        data = rtp.build_packet(96, seq, ts, layer.ssrc, payload)
        track.receive(data, data[0], data[1], seq, ts, 12, layer)

    packet(low, 100, 1000, vp8(7000, 50, keyframe=True))
    packet(high, 900, 5000, vp8(300, 9, keyframe=True))  # not the layer wanted
    packet(low, 101, 4000, vp8(7001, 51, keyframe=False))
    down.set_target(1)
    packet(low, 102, 7000, vp8(7002, 52, keyframe=False))
    packet(high, 901, 8000, vp8(301, 10, keyframe=False))  # waits for the keyframe
    packet(high, 902, 11000, vp8(302, 11, keyframe=True))  # switch here
    packet(low, 103, 10000, vp8(7003, 53, keyframe=False))  # the old layer is left
    packet(high, 903, 14000, vp8(303, 12, keyframe=False))
    sent = conn.sent
    assert [h.sequence - sent[0].sequence for h in sent] == [0, 1, 2, 3, 4]
    ids = [rtp.vp8_picture_ids(p) for p in conn.payloads()]
    assert ids == [(7000, 50), (7001, 51), (7002, 52), (7003, 53), (7004, 54)]
    assert conn.payloads()[3][5:] == vp8(302, 11, keyframe=True)[5:]  # the keyframe itself
    assert down.layer == 1


def test_the_clock_is_read_once_per_packet_whatever_the_subscribers() -> None:
    readings: list[float] = []

    def clock() -> float:
        readings.append(50.0)
        return 50.0

    track = Track("pub-1", "pub", "audio", "microphone", "1", 0xAAAA, 111, 48000,
                  lambda _t, _l: None, clock=clock)  # fmt: skip
    subscribers = [subscribe(track) for _ in range(5)]
    readings.clear()
    send(track, 1, 960, b"x")
    assert len(readings) == 1
    assert all(len(conn.sent) == 1 for _, conn in subscribers)
    assert {down.stream.last_sent for down, _ in subscribers} == {50.0}
    # A publisher passes the arrival time it read: the track reads no clock of its own.
    packet = rtp.build_packet(111, 2, 1920, 0xAAAA, b"y")
    track.receive(packet, packet[0], packet[1], 2, 1920, 12, None, 60.0)
    assert len(readings) == 1
    assert {down.stream.last_sent for down, _ in subscribers} == {60.0}
