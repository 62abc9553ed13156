"""Simulcast: each subscriber gets the layer that fits its setting, tile and bandwidth, and a
switch keeps its stream continuous."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from palabre.bot import Bot, load_clip
from palabre.bot.harness import until

pytestmark = pytest.mark.slow

SIZES = [(160, 120), (320, 240), (640, 480)]


@pytest.fixture(scope="module")
def layers():
    return [
        load_clip(3.0, 150_000, 160, 120),
        load_clip(3.0, 450_000, 320, 240),
        load_clip(3.0, 1_200_000, 640, 480),
    ]


def _video(receiver: Bot, sender: Bot):
    (track,) = receiver.tracks_from(sender.id, "video")
    return track


async def _receives(receiver: Bot, sender: Bot, size: tuple[int, int], timeout: float = 6) -> None:
    def arrived() -> bool:
        tracks = receiver.tracks_from(sender.id, "video")
        return bool(tracks) and tracks[0].sizes[-1:] == [size]

    await until(arrived, timeout)


def _gaps(sequences: set[int]) -> list[tuple[int, int]]:
    """Holes in a set of 16-bit sequence numbers (which may wrap around)."""
    start = min(sequences, key=lambda s: sum(((s - o) & 0xFFFF) < 0x8000 for o in sequences))
    ordered = sorted((s - start) & 0xFFFF for s in sequences)
    return [(a, b) for a, b in itertools.pairwise(ordered) if b != a + 1]


async def test_layers_follow_setting_tile_and_bandwidth(palabre_server, layers):
    publisher = Bot(palabre_server.ws_url, "simulcast", "Pub", clip=layers[0], simulcast=layers)
    viewer = Bot(palabre_server.ws_url, "simulcast", "Viewer")
    other = Bot(palabre_server.ws_url, "simulcast", "Other")
    try:
        await publisher.join()
        await publisher.publish()
        await viewer.join()
        await other.join()
        # No constraint: the highest layer.
        await _receives(viewer, publisher, SIZES[2])
        await _receives(other, publisher, SIZES[2])
        # The quality setting caps the layer: low.
        await viewer.send({"type": "receive", "video": "low"})
        await _receives(viewer, publisher, SIZES[0])
        await asyncio.sleep(0.5)
        assert _video(other, publisher).sizes[-1] == SIZES[2]  # per subscriber
        # A small tile needs no more than the layer of its height.
        await viewer.send({"type": "receive", "video": "high"})
        await _receives(viewer, publisher, SIZES[2])
        track_id = _video(viewer, publisher).track_id
        await viewer.send({"type": "constraints", "tracks": {track_id: 240}})
        await _receives(viewer, publisher, SIZES[1])
        await viewer.send({"type": "constraints", "tracks": {track_id: 720}})
        await _receives(viewer, publisher, SIZES[2])
        # Bandwidth: a low REMB brings the lowest layer, a high one brings the highest back,
        # one layer at a time.
        for _ in range(3):
            viewer.send_remb(300_000)
            await asyncio.sleep(0.4)
        await _receives(viewer, publisher, SIZES[0])
        for _ in range(10):
            viewer.send_remb(5_000_000)
            await asyncio.sleep(0.5)
        await _receives(viewer, publisher, SIZES[2], timeout=8)
        seen = [
            size
            for i, size in enumerate(_video(viewer, publisher).sizes)
            if i == 0 or size != _video(viewer, publisher).sizes[i - 1]
        ]
        assert seen[-3:] == [SIZES[0], SIZES[1], SIZES[2]]
        # Through every switch, the viewer saw one stream: no gap in its sequence numbers.
        assert _gaps(_video(viewer, publisher).sequences) == []
        assert viewer.subscribe_transport.srtp_errors == 0
        # Each switch asked the publisher for a keyframe of the layer wanted.
        assert publisher.keyframe_requests_by_rid.get("q", 0) >= 1
    finally:
        for bot in (publisher, viewer, other):
            await bot.leave()


async def test_bandwidth_estimation_down_under_a_cap_and_back_up(palabre_server, layers):
    publisher = Bot(palabre_server.ws_url, "bwe", "Pub", clip=layers[0], simulcast=layers)
    viewer = Bot(palabre_server.ws_url, "bwe", "Viewer")
    try:
        await publisher.join()
        await publisher.publish()
        await viewer.join()
        await _receives(viewer, publisher, SIZES[2])
        # A 500 kbit/s path: the estimate falls and the lowest layer (150 kbit/s) is chosen.
        viewer.emulate_remb(500_000)
        await _receives(viewer, publisher, SIZES[0], timeout=6)
        # The cap is lifted: estimates grow with what arrives, and the SFU steps up, one layer
        # at a time, back to the highest within 10 s.
        viewer.emulate_remb(None)
        await _receives(viewer, publisher, SIZES[2], timeout=10)
        assert _gaps(_video(viewer, publisher).sequences) == []
    finally:
        await publisher.leave()
        await viewer.leave()
