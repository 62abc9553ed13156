"""Which simulcast layer each of a subscriber's videos gets, within its bandwidth.

Pure functions: the subscriber feeds them what it measured and applies what they return.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

AUDIO_ALLOWANCE = 64_000  # bits per second kept for each audio stream
# A layer already forwarded stays while the estimate covers this share of its rate. A browser's
# REMB follows what arrives (it climbs a few percent a second above it on a clear path, and
# drops to 85% of it on congestion), so it often sits just around the rate of the layer in use:
# without this margin, each keyframe burst or measurement swing switched the layer down and
# the next probe back up, a freeze each time (seen with Chromium on a clear path).
KEEP = 0.85


@dataclass(frozen=True)
class Demand:
    key: Hashable
    bitrates: Sequence[float]  # measured bits per second of each layer, lowest first
    max_layer: int  # the highest layer the receiver wants (tile size, quality setting)
    current: int  # the layer it gets now
    priority: int = 2  # 0 screen share, 1 dominant speaker, 2 others: served first


def allocate(demands: Sequence[Demand], budget: float | None) -> dict[Hashable, int]:
    """Lowest layers first for everyone, then upgrades by priority while the budget allows.

    An upgrade is one layer at a time per round, so that a receiver whose estimate was too
    optimistic sees a small step; a downgrade goes straight to what fits.
    """
    chosen = {d.key: 0 for d in demands}
    if budget is None:
        return {d.key: min(d.max_layer, d.current + 1) for d in demands}
    spent = sum(_cost(d, 0) for d in demands)
    for demand in sorted(demands, key=lambda d: d.priority):
        ceiling = min(demand.max_layer, demand.current + 1)
        for layer in range(1, ceiling + 1):
            extra = _cost(demand, layer) - _cost(demand, chosen[demand.key])
            if spent + extra > budget:
                break
            spent += extra
            chosen[demand.key] = layer
    return chosen


def _rate(demand: Demand, layer: int) -> float:
    if layer < len(demand.bitrates):
        return demand.bitrates[layer]
    return demand.bitrates[-1] if demand.bitrates else 0.0


def _cost(demand: Demand, layer: int) -> float:
    """What a layer takes from the budget: less for one already forwarded (KEEP)."""
    return _rate(demand, layer) * (KEEP if layer <= demand.current else 1.0)


def layer_for_height(heights: Sequence[int], wanted: int) -> int:
    """The lowest layer at least `wanted` pixels high (heights as seen in keyframes, 0 when
    not yet known: then the layer's rank decides, lowest 180p, then 360p, then 720p)."""
    for index, height in enumerate(heights):
        known = height or (180, 360, 720)[min(index, 2)]
        if known >= wanted:
            return index
    return max(len(heights) - 1, 0)


HEADROOM = 1.25  # an estimate this far above what is used means the path has room
HOLD_MIN, HOLD_MAX = 2.5, 5.0  # seconds between changes; doubled after a failed step up
FAILED_PROBE = 4.0  # a step down this soon after a step up means the step up failed


class Probe:
    """When to step a layer up beyond the estimate.

    A receiver's REMB grows only with what it receives (about 1.5 times that when the path is
    clear), so an estimate never invites a higher layer by itself: the SFU steps up one layer
    when the estimate shows headroom, and lets the next estimates say whether it fit. A step
    that failed makes the next one wait longer, up to HOLD_MAX; one that held resets the wait.
    """

    def __init__(self) -> None:
        self.hold = HOLD_MIN
        self.last_change = float("-inf")
        self.last_up = float("-inf")

    def budget(self, estimate: float, in_use: float, now: float) -> float:
        if self.last_change == self.last_up and now - self.last_up >= HOLD_MIN:
            self.hold = HOLD_MIN  # the last step up held
        if estimate >= HEADROOM * in_use and now - self.last_change >= self.hold:
            return max(estimate, 4 * in_use)  # allocate() steps up one layer at most
        return estimate

    def changed(self, up: bool, now: float) -> None:
        if up:
            self.last_up = now
        elif now - self.last_up < FAILED_PROBE:
            self.hold = min(self.hold * 2, HOLD_MAX)
        self.last_change = now
