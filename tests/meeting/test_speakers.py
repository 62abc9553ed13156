"""Talk time and the dominant speaker from audio levels, with Opus DTX's gaps."""

from __future__ import annotations

from palabre.meeting.speakers import SpeakerStats

LOUD, SILENT = 20, 127


def play(stats: SpeakerStats, who: dict[str, int], seconds: float, dtx: set[str]) -> list[str]:
    """Feed `seconds` of packets (level per participant; those in `dtx` send one silent packet
    in 400 ms), calling update_dominant as the hub does; the changes it announced."""
    changes: list[str] = []
    last: dict[str, float] = {}
    steps = round(seconds / 0.02)
    for step in range(1, steps + 1):
        now = step * 0.02
        for participant, level in who.items():
            if participant in dtx and step % 20:
                continue
            stats.packet(participant, level, False, now - last.get(participant, now - 0.02))
            last[participant] = now
        if step % 10 == 0:
            found = stats.update_dominant()
            if found is not None:
                changes.append(found)
    return changes


def test_a_speaker_who_falls_silent_under_dtx_gives_way() -> None:
    stats = SpeakerStats()
    assert play(stats, {"ann": LOUD, "bob": SILENT}, 2.0, {"bob"}) == ["ann"]
    # Ann goes quiet (DTX: a packet in 400 ms), Bob speaks: Bob takes the floor.
    assert play(stats, {"ann": SILENT, "bob": LOUD}, 3.0, {"ann"}) == ["bob"]
    assert stats.recent == ["bob", "ann"]


def test_talk_time_counts_speech_not_the_gaps() -> None:
    stats = SpeakerStats()
    play(stats, {"ann": LOUD}, 2.0, set())
    play(stats, {"ann": SILENT}, 4.0, {"ann"})
    assert 1.9 <= stats.talk_time["ann"] <= 2.1
    # Speech again after the silence: the gap before its first packet is not talk time.
    play(stats, {"ann": LOUD}, 1.0, set())
    assert 2.9 <= stats.talk_time["ann"] <= 3.1


def test_a_stream_that_stopped_or_went_backwards_tells_nothing() -> None:
    stats = SpeakerStats()
    stats.packet("ann", LOUD, True, 60.0)
    stats.packet("ann", LOUD, True, -0.02)
    stats.packet("ann", LOUD, True, 0.0)
    assert stats.talk_time == {} and stats.update_dominant() is None
