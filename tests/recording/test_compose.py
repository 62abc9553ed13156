"""The composed file: a grid of the recorded tracks on the recording's timeline, by ffmpeg."""

from __future__ import annotations

from palabre.recording import manifest as mf
from palabre.recording.compose import filter_graph, speaking, tiles


def _manifest(**changes) -> mf.Manifest:
    tracks = [
        mf.TrackEntry(file="a.webm", participant="p1", kind="audio", source="microphone",
                      start=0.0, end=9.0, frames=400),
        mf.TrackEntry(file="b.webm", participant="p1", kind="video", source="camera",
                      start=0.2, end=9.0, frames=200),
        mf.TrackEntry(file="c.webm", participant="p2", kind="audio", source="microphone",
                      start=3.0, end=10.0, frames=300),
        mf.TrackEntry(file="d.webm", participant="p3", kind="video", source="screen",
                      start=4.0, end=6.0, frames=30),
    ]  # fmt: skip
    speakers = [mf.Speaker(1.0, "p1"), mf.Speaker(5.0, "p2")]
    values = dict(id="r", room="salle", key="k", by=None, started_at=0.0, duration=10.0,
                  tracks=tracks, speakers=speakers)  # fmt: skip
    values.update(changes)
    return mf.Manifest(**values)


def test_every_camera_screen_and_voice_gets_a_tile_in_a_square_grid():
    layout = tiles(_manifest())
    assert [(t.participant, t.video) for t in layout] == [("p1", 1), ("p2", None), ("p3", 3)]
    assert {(t.width, t.height) for t in layout} == {(480, 270)}  # 2 x 2 on 960 x 540
    assert [(t.x, t.y) for t in layout] == [(0, 0), (480, 0), (0, 270)]
    heard = layout[1]
    assert (heard.start, heard.end) == (3.0, 10.0)  # a voice's tile: while it was there


def test_the_speakers_turns_are_framed_and_every_voice_is_mixed_at_its_time():
    assert speaking(_manifest()) == {"p1": [(1.0, 5.0)], "p2": [(5.0, 10.0)]}
    graph, mixed = filter_graph(_manifest())
    assert mixed and "amix=inputs=2" in graph
    assert "[2:a]asetpts=PTS-STARTPTS,aresample=48000,adelay=delays=3000:all=1" in graph
    assert "[1:v]setpts=PTS-STARTPTS+0.200/TB" in graph
    assert "enable='between(t,5.00,10.00)'" in graph
    assert "d=10.000" in graph  # the canvas lasts the recording
    silent, mixed = filter_graph(_manifest(tracks=[]))
    assert not mixed and "anullsrc" in silent
