"""A recording's tracks, fed as the SFU forwards them, come out as WebM files PyAV decodes."""

from __future__ import annotations

import asyncio

import av
import pytest

from palabre.bot import load_clip
from palabre.recording import manifest as mf
from palabre.recording.recorder import Outcome, Recordings

from .clip_feed import make_track, play


@pytest.fixture(scope="module")
def clip():
    return load_clip()


def decoded(path) -> tuple[int, float]:
    """Frames decoded without error, and the file's duration in seconds."""
    with av.open(str(path)) as container:
        stream = container.streams[0]
        frames = sum(1 for _ in container.decode(stream))
        duration = float(container.duration or 0) / av.time_base
    return frames, duration


async def _record(tmp_path, clip, *, skip=None, loops=2):
    outcomes: list[Outcome] = []
    recordings = Recordings(tmp_path)

    async def no_composition(directory, manifest):
        return None

    recordings._compose = lambda d, m: asyncio.ensure_future(no_composition(d, m))  # type: ignore[method-assign]
    recorder = recordings.start("salle", "ada", outcomes.append)
    clock = [0.0]
    tracks = {kind: make_track(kind, clock=clock) for kind in ("audio", "video")}
    for track in tracks.values():
        recorder.attach(track)
    play(tracks, clip, start=recorder.origin, loops=loops, skip=skip)
    recorder.stop()
    for _ in range(200):
        if outcomes:
            break
        await asyncio.sleep(0.02)
    assert outcomes and outcomes[0].state == "ready", outcomes
    assert all(track.tap is None for track in tracks.values())
    return recorder.directory, mf.read(recorder.directory)


async def test_each_track_is_a_webm_file_that_decodes(tmp_path, clip):
    directory, manifest = await _record(tmp_path, clip)
    assert manifest.state == "stopped" and manifest.room == "salle" and manifest.by == "ada"
    by_kind = {t.kind: t for t in manifest.tracks}
    video_frames = 2 * sum(p.marker for p in clip.video)
    assert by_kind["video"].frames == video_frames and by_kind["video"].dropped == 0
    assert by_kind["audio"].frames == 2 * len(clip.audio)
    frames, duration = decoded(directory / by_kind["video"].file)
    assert frames == video_frames
    assert abs(duration - 2 * clip.duration) < 0.2
    frames, duration = decoded(directory / by_kind["audio"].file)
    assert frames == 2 * len(clip.audio)
    assert abs(duration - 2 * clip.duration) < 0.2
    assert by_kind["video"].end - by_kind["video"].start > 2 * clip.duration - 0.2


async def test_a_loss_costs_frames_until_a_keyframe_and_the_file_still_decodes(tmp_path, clip):
    ends = [i for i, p in enumerate(clip.video) if p.marker]
    # The first packet of a delta frame of several, past the 30th frame.
    broken = next(n for n in range(30, len(ends)) if ends[n] - ends[n - 1] > 1)
    lost = ends[broken - 1] + 1
    directory, manifest = await _record(tmp_path, clip, skip={("video", lost)}, loops=3)
    video = next(t for t in manifest.tracks if t.kind == "video")
    per_loop = len(ends)
    assert video.lost == 1
    assert video.dropped == per_loop - broken  # from the broken frame to the next keyframe
    assert video.keyframes == 3 and video.frames == 3 * per_loop - video.dropped
    frames, _ = decoded(directory / video.file)
    assert frames == video.frames


async def test_closing_finishes_the_files_and_leaves_the_composition_to_the_job(
    tmp_path, clip, monkeypatch
):
    from palabre.recording import recorder as module
    from palabre.recording import store

    async def forever(directory, manifest, ffmpeg):
        await asyncio.sleep(3600)

    monkeypatch.setattr(module, "compose", forever)
    recordings = Recordings(tmp_path)
    recorder = recordings.start("salle", None, lambda outcome: None)
    tracks = {kind: make_track(kind) for kind in ("audio", "video")}
    for track in tracks.values():
        recorder.attach(track)
    play(tracks, clip, start=recorder.origin)
    recorder.stop()  # the meeting ends as the process stops
    await asyncio.sleep(0.2)
    await recordings.close()
    manifest = mf.read(recorder.directory)
    assert manifest.state == "stopped" and not recorder.writing
    assert {t.kind for t in manifest.tracks if t.frames} == {"audio", "video"}
    assert not (recorder.directory / store.LOCK).exists()  # the job may take it up
    assert store.orphaned(recorder.directory, manifest, manifest.stopped_at + 60)


async def test_a_simulcast_track_is_recorded_from_its_highest_layer_and_follows_a_stop(
    tmp_path, clip
):
    from palabre.media.rtp import payload_offset
    from palabre.media.track import Track

    from .clip_feed import rtp

    now = [0.0]
    track = Track("p1-1", "p1", "video", "camera", "1", None, 96, 90000,
                  lambda t, layer: None, rids=["q", "h", "f"], clock=lambda: now[0])  # fmt: skip
    outcomes: list[Outcome] = []
    recordings = Recordings(tmp_path)

    async def no_composition(directory, manifest):
        return None

    recordings._compose = lambda d, m: asyncio.ensure_future(no_composition(d, m))  # type: ignore[method-assign]
    recorder = recordings.start("salle", None, outcomes.append)
    start = recorder.origin
    for layer in track.layers:
        layer.last_packet = start  # all three were sent lately: the highest is chosen
    now[0] = start
    recorder.attach(track)

    def send(layer_index: int, loop: int) -> None:
        for i, packet in enumerate(clip.video):
            at = start + loop * clip.duration + packet.time
            now[0] = at
            data = rtp(track, packet, loop * len(clip.video) + i + 1000 * layer_index,
                       1000 + loop * int(clip.duration * 90000) + 7777 * layer_index)  # fmt: skip
            track.receive(data, data[0], data[1], int.from_bytes(data[2:4], "big"),
                          int.from_bytes(data[4:8], "big"), payload_offset(data, data[0]),
                          track.layers[layer_index], now=at)  # fmt: skip

    send(2, 0)
    send(0, 0)  # the low layer too: not written
    now[0] = start + clip.duration + 2.5  # the high layer stopped: the tick switches
    track.layers[0].last_packet = now[0]
    recorder.tick()
    send(0, 1)
    recorder.stop()
    for _ in range(200):
        if outcomes:
            break
        await asyncio.sleep(0.02)
    (entry,) = mf.read(recorder.directory).tracks
    per_loop = sum(p.marker for p in clip.video)
    assert entry.frames == 2 * per_loop and entry.keyframes == 2 and entry.lost == 0
    frames, duration = decoded(recorder.directory / entry.file)
    assert frames == 2 * per_loop and duration > 2 * clip.duration - 0.5
