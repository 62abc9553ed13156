"""The slot's outgoing stream: one mapping from the publisher's numbering to ours, which a
layer switch, a new track in the slot and a retransmission all share."""

from __future__ import annotations

from typing import cast

from palabre.media import rtp
from palabre.media.stream import OutgoingStream
from palabre.media.track import DownTrack, RtpSender, Track

KEYFRAME = bytes([0x90, 0x80, 0x05, 0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A]) + b"key-data"
DELTA = bytes([0x90, 0x80, 0x06, 0x31, 0x02, 0x00]) + b"delta-data"


class Sent:
    """A connected connection that keeps what it sends."""

    connected = True

    def __init__(self) -> None:
        self.packets: list[bytes] = []

    def send_rtp(self, packet: bytes) -> bool:
        self.packets.append(packet)
        return True

    @property
    def headers(self) -> list[rtp.RtpHeader]:
        return [rtp.parse_header(p) for p in self.packets]


def video_track(name: str, clock: list[float]) -> Track:
    return Track(
        name, name, "video", "camera", "0", 0xAAAA, 96, 90000, lambda _t, _l: None,
        clock=lambda: clock[0],
    )  # fmt: skip


def receive(track: Track, seq: int, ts: int, payload: bytes, pid: int | None = None) -> None:
    if pid is not None:  # a VP8 descriptor with a 15-bit picture id
        payload = bytes([0x90, 0x80, 0x80 | pid >> 8, pid & 0xFF]) + payload[3:]
    packet = rtp.build_packet(96, seq, ts, 0xAAAA, payload)
    track.receive(packet, packet[0], packet[1], seq, ts, 12)


def test_a_fresh_stream_starts_at_random_numbers_and_maps_both_ways() -> None:
    stream = OutgoingStream(ssrc=1234)
    stream.start(seq=500, ts=90_000, vp8=None, now=10.0, clock_rate=90000)
    out = stream.switch_seq
    assert out == (500 + stream.seq_offset) & 0xFFFF and out < 0x8000
    assert stream.source_sequence(out) == 500
    assert stream.source_sequence((out + 7) & 0xFFFF) == 507
    assert stream.source_sequence((out - 1) & 0xFFFF) is None  # before this source


def test_a_restart_goes_on_from_the_last_packet_sent() -> None:
    stream = OutgoingStream()
    stream.packets, stream.last_seq, stream.last_ts, stream.last_sent = 10, 65535, 1000, 5.0
    stream.last_pid, stream.last_tl0 = 0x7FFF, 9
    stream.start(seq=40, ts=7, vp8=(100, 3), now=5.5, clock_rate=90000)
    assert (40 + stream.seq_offset) & 0xFFFF == 0  # 65535 + 1, wrapped
    assert (7 + stream.ts_offset) & 0xFFFFFFFF == 1000 + 45_000  # the time that passed
    payload = bytes([0x90, 0xE0, 0x80 | 100 >> 8, 100 & 0xFF, 3, 0]) + b"x"
    rewritten = stream.picture_ids(payload, (100, 3))
    assert rtp.vp8_picture_ids(rewritten) == (0, 10)
    assert (stream.last_pid, stream.last_tl0) == (0, 10)
    # A retransmission is rewritten the same way, and notes nothing.
    assert rtp.vp8_picture_ids(stream.resent_picture_ids(payload, (100, 3))) == (0, 10)


def test_never_switched_picture_ids_are_not_copied() -> None:
    stream = OutgoingStream()
    payload = bytes([0x90, 0x80, 0x80, 5]) + b"x"
    assert stream.picture_ids(payload, (5, -1)) is payload
    assert stream.resent_picture_ids(payload, (5, -1)) is payload


def test_sender_report_extrapolates_the_rtp_clock() -> None:
    stream = OutgoingStream(ssrc=77)
    stream.packets, stream.octets, stream.last_ts, stream.last_sent = 3, 300, 5000, 10.0
    report = stream.sender_report(now=10.5, now_unix=1_700_000_000.0, clock_rate=48000)
    assert (report.ssrc, report.packet_count, report.octet_count) == (77, 3, 300)
    assert report.rtp_timestamp == 5000 + 24_000


def test_the_next_track_in_a_slot_continues_the_stream_and_its_retransmissions() -> None:
    clock = [100.0]
    first, second = video_track("a", clock), video_track("b", clock)
    stream, sent = OutgoingStream(), Sent()
    down = DownTrack(first, cast(RtpSender, sent), "0", 100, stream)
    down.active = True
    first.downtracks.append(down)
    first.request_keyframe()
    receive(first, 10, 0, KEYFRAME, pid=20)
    receive(first, 11, 3000, DELTA, pid=21)
    assert stream.packets == 2
    a_last = sent.headers[-1]
    first.downtracks.remove(down)  # the track leaves the slot; another comes
    clock[0] += 0.5
    after = DownTrack(second, cast(RtpSender, sent), "0", 100, stream)
    after.active = True
    second.downtracks.append(after)
    second.request_keyframe()
    receive(second, 9000, 123_456, KEYFRAME, pid=7000)
    b_first = sent.headers[-1]
    assert b_first.ssrc == a_last.ssrc == after.ssrc == stream.ssrc
    assert b_first.sequence == (a_last.sequence + 1) & 0xFFFF
    assert b_first.timestamp == (a_last.timestamp + 45_000) & 0xFFFFFFFF
    assert rtp.vp8_picture_ids(sent.packets[-1][12:]) == (22, -1)
    assert stream.packets == 3
    # A NACK for the first track's packet finds nothing (another cache); for the second's,
    # the retransmission carries the same numbering as the original.
    assert after.retransmit(a_last.sequence) == 0
    assert after.retransmit(b_first.sequence) > 0
    again = sent.headers[-1]
    assert (again.ssrc, again.sequence, again.timestamp) == (
        b_first.ssrc,
        b_first.sequence,
        b_first.timestamp,
    )
    assert rtp.vp8_picture_ids(sent.packets[-1][12:]) == (22, -1)
