"""A recorded 3-bot meeting, through a real server (the single process, and media workers):
per-track WebM files that PyAV decodes, and a composed file lasting as long as the meeting.
CPU-heavy (three publishers, then ffmpeg): tests/conftest.py runs it alone."""

from __future__ import annotations

import asyncio
import time

import av
import httpx
import pytest

from palabre.bot import load_clip
from palabre.bot.harness import start_bots, until
from palabre.recording import manifest as mf

pytestmark = pytest.mark.slow

RECORDED = 8.0  # seconds of meeting recorded


@pytest.fixture(scope="module")
def clip():
    return load_clip()


def _decode(path) -> tuple[int, float]:
    """Frames decoded (an error fails the test) and the duration, in seconds."""
    with av.open(str(path)) as container:
        frames = sum(1 for _ in container.decode(container.streams[0]))
        return frames, float(container.duration or 0) / av.time_base


def _recording_on(bot) -> bool:
    return any(m["type"] == "room_updated" and m["settings"].get("recording") for m in bot.messages)


@pytest.mark.parametrize("args", [(), ("--media-workers", "2")], ids=["single", "workers"])
async def test_a_recorded_three_bot_meeting(server_factory, clip, tmp_path, args):
    server = server_factory(*args)
    bots = await start_bots(server.ws_url, "enregistree", 3, clip)
    moderator, guests = bots[0], bots[1:]
    try:
        await until(lambda: all(len(b.received) >= 4 for b in bots), timeout=20)
        await moderator.send({"type": "recording", "enabled": True})
        await until(lambda: all(_recording_on(b) for b in bots), timeout=10)
        started = time.monotonic()
        await asyncio.sleep(RECORDED)
        await moderator.send({"type": "recording", "enabled": False})
        stopped = time.monotonic()
        ready = await moderator.wait_for(
            lambda m: m["type"] == "recording_status" and m["state"] != "composing", 180
        )
        assert ready["state"] == "ready", ready
        for guest in guests:  # the link went to the moderator alone
            assert not [m for m in guest.messages if m["type"] == "recording_status"]
    finally:
        for bot in bots:
            await bot.leave()

    directory = server.data_dir / mf.RECORDINGS / ready["recording"]
    manifest = mf.read(directory)
    meeting = stopped - started
    assert abs(manifest.duration - meeting) < 1.0
    ids = {b.id for b in bots}
    tracks = {(t.participant, t.kind) for t in manifest.tracks}
    assert tracks == {(pid, kind) for pid in ids for kind in ("audio", "video")}
    for track in manifest.tracks:
        frames, duration = _decode(directory / track.file)
        rate = 50 if track.kind == "audio" else 30  # Opus frames of 20 ms; the clip's 30 fps
        assert frames == track.frames, track
        assert 0.6 * rate * meeting < frames <= 1.1 * rate * meeting, track
        assert duration > meeting - 2.0, track

    composed = tmp_path / "composed.webm"
    async with httpx.AsyncClient(base_url=server.http_url, timeout=30) as http:
        response = await http.get(ready["url"])
        assert response.status_code == 200 and response.headers["content-type"] == "video/webm"
        composed.write_bytes(response.content)
        wrong = ready["url"].replace(ready["url"].split("/")[-2], "x" * 32)
        assert (await http.get(wrong)).status_code == 404
    with av.open(str(composed)) as container:
        duration = float(container.duration) / av.time_base
        assert {s.type for s in container.streams} == {"audio", "video"}
        frames = sum(1 for _ in container.decode(video=0))
    assert abs(duration - meeting) < 2.0
    assert frames > 10 * (meeting - 2)  # 15 frames a second, every one decoded
