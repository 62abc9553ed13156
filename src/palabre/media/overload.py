"""Overload: what the SFU sheds when the machine cannot carry the load, and in which order.

Pure rules, no I/O: pressure.py measures the signals and sfu.py applies the level. The order
(docs/overload.md):

0. NORMAL: nothing shed.
1. LAYERS_CAPPED: no simulcast video above the middle layer, and every subscriber's layer
   budget halved (the allocator picks lower layers for everyone).
2. LOWEST_LAYER: the lowest simulcast layer only.
3. SPEAKER_VIDEO: camera video only of the dominant speaker (last-N shrinks to 1); screen
   shares go on.
4. NO_VIDEO: no video forwarded at all, and the publishers' video packets dropped as they are
   read, before SRTP (the cheapest thing the SFU can do with a packet).

Audio is never shed by the SFU: only what the kernel drops when the socket's receive buffer is
full, and that buffer is sized for about 100 ms (receive_buffer_size). STUN, DTLS and RTCP
are never shed, and from level 1 on they are handled ahead of the media read with them.

The level goes up one step when the load stayed over the bar for RISE seconds and the last step
had STEP_UP seconds to show its effect; it goes down one step after CALM seconds of calm, and
a step down that brought the overload back within FALL_BACK seconds doubles that wait (up to
MAX_CALM), so the level does not swing between two steps.
"""

from __future__ import annotations

from dataclasses import dataclass

NORMAL, LAYERS_CAPPED, LOWEST_LAYER, SPEAKER_VIDEO, NO_VIDEO = range(5)
NAMES = ("normal", "layers_capped", "lowest_layer", "speaker_video", "no_video")
MAX_LEVEL = NO_VIDEO

LAG_HIGH = 0.050  # seconds a timer of the event loop fires late: the loop falls behind
LAG_LOW = 0.015  # below this (and the rest calm), calm
QUEUE_HIGH = 0.5  # share of the receive buffer in use
QUEUE_LOW = 0.1
RISE = 0.3  # seconds of overload before a step up (a keyframe burst or a GC pause is shorter)
STEP_UP = 1.0  # seconds between two steps up: the allocator acts within one tick (1 s)
CALM = 4.0  # seconds of calm before a step down
MAX_CALM = 32.0
FALL_BACK = 5.0  # overload this soon after a step down: the step down failed

QUEUE_SECONDS = 0.1  # what the receive buffer holds, at the packet rate measured
# What the kernel charges a queued datagram against SO_RCVBUF (skb->truesize), measured on
# Linux 6 with loopback: 832 bytes for a 150-byte datagram (Opus), 2304 for a 1200-byte one
# (VP8). The kernel doubles the value set (socket(7)), so we set half of what we mean.
AUDIO_TRUESIZE = 832
VIDEO_TRUESIZE = 2304
FLOOR_RATE = 5000.0  # packets per second assumed at least (joins, keyframe bursts)
MIN_BUFFER = 256 * 1024


@dataclass(frozen=True)
class Signals:
    """One sample of the load: how late the loop ran, how full the receive buffer is, and the
    datagrams the kernel dropped since the last sample for want of room."""

    lag: float
    queue: float = 0.0
    drops: int = 0

    @property
    def over(self) -> bool:
        return self.lag > LAG_HIGH or self.queue > QUEUE_HIGH or self.drops > 0

    @property
    def calm(self) -> bool:
        return self.lag < LAG_LOW and self.queue < QUEUE_LOW and self.drops == 0


class OverloadPolicy:
    """The shedding level, from samples of Signals taken at times `now` (any clock)."""

    def __init__(self, now: float = 0.0) -> None:
        self.level = NORMAL
        self.last_change = float("-inf")
        self.over_since: float | None = None
        self.calm_since: float | None = now
        self.calm_wait = CALM
        self.last_down = float("-inf")
        self.steps_up = 0  # since start, for /metrics

    def sample(self, now: float, signals: Signals) -> int:
        if signals.over:
            self.calm_since = None
            if self.over_since is None:
                self.over_since = now
                if now - self.last_down < FALL_BACK:
                    self.calm_wait = min(self.calm_wait * 2, MAX_CALM)
            if (
                self.level < MAX_LEVEL
                and now - self.over_since >= RISE
                and now - self.last_change >= STEP_UP
            ):
                self.level += 1
                self.steps_up += 1
                self.last_change = now
        else:
            self.over_since = None
            if not signals.calm:
                self.calm_since = None
            elif self.calm_since is None:
                self.calm_since = now
            if (
                self.level > NORMAL
                and self.calm_since is not None
                and now - self.calm_since >= self.calm_wait
            ):
                self.level -= 1
                self.last_change = self.last_down = now
                self.calm_since = now
        if self.level == NORMAL and now - self.last_down >= MAX_CALM:
            self.calm_wait = CALM
        return self.level


def layer_cap(level: int) -> int | None:
    """The highest simulcast layer forwarded at this level (None: no cap)."""
    if level >= LOWEST_LAYER:
        return 0
    if level == LAYERS_CAPPED:
        return 1
    return None


def budget_share(level: int) -> float:
    """The share of each subscriber's estimate the allocator may spend on video."""
    return 1.0 if level == NORMAL else 0.5


def forwards_video(level: int, source: str, speaker: bool) -> bool:
    """Whether video of this source ("camera", "screen") is forwarded at this level, for the
    dominant speaker (`speaker`) or another participant."""
    if level >= NO_VIDEO:
        return False
    if level >= SPEAKER_VIDEO:
        return source == "screen" or speaker
    return True


def receive_buffer_size(
    audio_rate: float, video_rate: float, seconds: float = QUEUE_SECONDS, ceiling: int = 1 << 30
) -> int:
    """The SO_RCVBUF value to set for `seconds` of datagrams at these rates (packets per
    second received, by kind): rate x seconds x what the kernel charges each, halved because
    the kernel doubles what is set; at least FLOOR_RATE packets per second and MIN_BUFFER
    bytes, at most `ceiling` (net.core.rmem_max caps it anyway)."""
    rate = audio_rate + video_rate
    if rate < FLOOR_RATE:
        audio_rate += FLOOR_RATE - rate  # the floor as small packets: the larger count
    charged = (audio_rate * AUDIO_TRUESIZE + video_rate * VIDEO_TRUESIZE) * seconds
    return int(min(max(charged, MIN_BUFFER) / 2, ceiling))


__all__ = [
    "LAYERS_CAPPED",
    "LOWEST_LAYER",
    "MAX_LEVEL",
    "NAMES",
    "NORMAL",
    "NO_VIDEO",
    "SPEAKER_VIDEO",
    "OverloadPolicy",
    "Signals",
    "budget_share",
    "forwards_video",
    "layer_cap",
    "receive_buffer_size",
]
