"""ffmpeg really composes a recording (CPU-heavy: tests/conftest.py runs it alone)."""

from __future__ import annotations

import asyncio
import shutil

import av
import pytest

from palabre.bot import load_clip
from palabre.recording import manifest as mf
from palabre.recording.recorder import Outcome, Recordings

from .clip_feed import make_track, play


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
async def test_ffmpeg_composes_two_participants_for_the_recordings_duration(tmp_path):
    clip = load_clip()
    outcomes: list[Outcome] = []
    recordings = Recordings(tmp_path)
    recorder = recordings.start("salle", None, outcomes.append)
    clock = [0.0]
    first = {kind: make_track(kind, "p1", clock) for kind in ("audio", "video")}
    second = {kind: make_track(kind, "p2", clock) for kind in ("audio", "video")}
    for track in (*first.values(), *second.values()):
        recorder.attach(track)
    play(first, clip, start=recorder.origin)
    play(second, clip, start=recorder.origin + 1.0)
    recorder.speaker("p2")
    recorder.stop()
    recorder.manifest.duration = 4.5  # as if stopped 4.5 s after the start
    for _ in range(600):
        if outcomes:
            break
        await asyncio.sleep(0.05)
    assert outcomes and outcomes[0].state == "ready", outcomes
    manifest = mf.read(recorder.directory)
    assert manifest.state == "ready" and len(manifest.tracks) == 4
    with av.open(str(recorder.directory / mf.COMPOSED)) as container:
        assert abs(float(container.duration) / av.time_base - 4.5) < 0.5
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == (960, 540)
        frames = sum(1 for _ in container.decode(video=0))
        assert frames > 50
