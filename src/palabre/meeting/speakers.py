"""Speaker statistics and the dominant speaker, from the audio levels the SFU sees (RFC 6464).

The SFU never decodes audio: publishers put each packet's level in a header extension, and
these counters turn them into talk time and a dominant speaker.
"""

from __future__ import annotations

SPEAKING_LEVEL = 50  # -dBov: a packet louder than -50 dBov counts as speech
WINDOW = 1.5  # seconds of recent levels that decide the dominant speaker
FRAME = 0.02  # seconds of audio in a packet (Opus, 20 ms)
MAX_FRAME = 0.12  # longer between two packets: a gap (Opus DTX in silence, or loss)
MAX_GAP = 5.0  # longer: the stream stopped and started again, which tells nothing


class SpeakerStats:
    """Talk time per participant and who dominates the last WINDOW seconds."""

    def __init__(self) -> None:
        self.talk_time: dict[str, float] = {}
        self._recent: dict[str, float] = {}  # exponentially decayed loudness
        self.dominant: str | None = None
        self.recent: list[str] = []  # dominant speakers, most recent first

    def packet(self, participant_id: str, level: int, voice: bool, duration: float) -> None:
        """One audio packet's level (0 loudest .. 127 silence, in -dBov) and the time since
        the previous one. Past MAX_FRAME that time is a gap, counted as silence: under DTX a
        quiet microphone sends one packet in 400 ms, and its loudness must fade as a
        stream of silent packets would make it (else a speaker who fell silent stayed
        dominant); it is not talk time."""
        if not 0 < duration <= MAX_GAP:
            return
        gap = 0.0
        if duration > MAX_FRAME:
            gap, duration = duration - FRAME, FRAME
        speaking = voice or level < SPEAKING_LEVEL
        if speaking:
            self.talk_time[participant_id] = self.talk_time.get(participant_id, 0.0) + duration
        loudness = (127 - level) / 127 if speaking else 0.0
        previous = self._recent.get(participant_id, 0.0) * max(0.0, 1 - gap / WINDOW)
        self._recent[participant_id] = previous + (loudness - previous) * duration / WINDOW

    def forget(self, participant_id: str) -> None:
        self._recent.pop(participant_id, None)
        if participant_id in self.recent:
            self.recent.remove(participant_id)
        if self.dominant == participant_id:
            self.dominant = None

    def update_dominant(self) -> str | None:
        """Returns the new dominant speaker when it changed, else None."""
        if not self._recent:
            return None
        leader, loudness = max(self._recent.items(), key=lambda item: item[1])
        if loudness < 0.05 or leader == self.dominant:
            return None
        # Hysteresis: a new leader must be clearly louder than the current one.
        current = self._recent.get(self.dominant, 0.0) if self.dominant else 0.0
        if loudness < current * 1.2:
            return None
        self.dominant = leader
        if leader in self.recent:
            self.recent.remove(leader)
        self.recent.insert(0, leader)
        return leader

    def last_n(self, present: list[str], n: int) -> set[str]:
        """The n participants whose video to forward: the most recent speakers, then the
        others in the order they joined."""
        order = [p for p in self.recent if p in present] + [
            p for p in present if p not in self.recent
        ]
        return set(order[:n])
