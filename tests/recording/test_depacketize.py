"""RTP back to frames: order restored, VP8 frames gathered, losses dropped to a keyframe."""

from __future__ import annotations

import pytest

from palabre.bot import load_clip
from palabre.recording.depacketize import OpusFrames, Packet, Reorder, Timeline, Vp8Frames


@pytest.fixture(scope="module")
def clip():
    return load_clip()


def _packets(clip, kind="video"):
    source = clip.video if kind == "video" else clip.audio
    return [Packet(i, p.timestamp, p.marker, p.payload, p.time) for i, p in enumerate(source)]


def test_reorder_puts_packets_back_in_order_and_gives_up_on_a_gap():
    reorder = Reorder(window=0.1)
    out = []
    for seq, at in ((65534, 0.0), (0, 0.01), (65535, 0.02), (1, 0.03)):
        out += reorder.push(Packet(seq, 0, False, b"x", at))
    assert [p.sequence for p in out] == [65534, 65535, 0, 1]
    assert reorder.push(Packet(65535, 0, False, b"x", 0.04)) == []  # a late duplicate
    assert reorder.push(Packet(4, 0, False, b"x", 0.05)) == []  # 2 and 3 may still come
    released = reorder.push(Packet(5, 0, False, b"x", 0.2))  # they did not
    assert [p.sequence for p in released] == [4, 5] and reorder.lost == 2 and reorder.gap
    # After a long pause the numbering is half a cycle on: taken up again, not as old.
    reorder.gap = False
    (resumed,) = reorder.push(Packet(5 + 40000, 0, False, b"x", 60.0))
    assert resumed.sequence == 40005 and reorder.gap


def test_vp8_frames_are_the_clips_frames(clip):
    frames = Vp8Frames()
    out = [f for p in _packets(clip) for f in frames.push(p)] + frames.flush()
    markers = sum(p.marker for p in clip.video)
    assert len(out) == markers and frames.dropped == 0
    assert out[0].keyframe and (out[0].width, out[0].height) == (clip.width, clip.height)
    # A VP8 frame tag's P bit (RFC 6386 9.1) is clear on keyframes only.
    assert all((not f.data[0] & 0x01) == f.keyframe for f in out)
    assert sum(f.keyframe for f in out) == sum(p.keyframe for p in clip.video)


def test_a_lost_vp8_packet_drops_frames_until_the_next_keyframe(clip):
    frames = Vp8Frames()
    packets = _packets(clip)
    lost = next(i for i, p in enumerate(packets) if i > 20 and not p.marker)
    out = []
    for i, packet in enumerate(packets * 2):  # the clip twice: it has one keyframe
        if i == lost:
            continue
        later = 3 if i >= len(packets) else 0  # the second time, 3 s later
        shifted = Packet(i, packet.timestamp + 90000 * later, packet.marker, packet.payload,
                         packet.arrival + later)  # fmt: skip
        out += frames.push(shifted)
    out += frames.flush()
    assert frames.dropped > 0 and frames.reorder.lost == 1
    after = [f for f in out if f.arrival >= 3]
    assert after and after[0].keyframe  # writing went on from the second keyframe
    assert all(f.arrival < packets[lost].arrival or f.arrival >= 3 for f in out)


def test_opus_frames_are_the_packets(clip):
    frames = OpusFrames()
    out = [f for p in _packets(clip, "audio") for f in frames.push(p)] + frames.flush()
    assert [f.data for f in out] == [p.payload for p in clip.audio]


def test_timeline_follows_rtp_time_and_rebases_a_jump():
    timeline = Timeline(90000)
    assert timeline.pts(4294967000, 10.0) == 0
    assert timeline.pts((4294967000 + 9000) & 0xFFFFFFFF, 10.1) == 100  # across the wrap
    jump = 2_000_000_000  # a new source's numbering: follows arrival
    assert timeline.pts(jump, 10.2) == 200
    assert timeline.pts(jump + 9000, 10.3) == 300
    assert timeline.pts(jump + 9000, 10.31) == 301  # never twice the same time
