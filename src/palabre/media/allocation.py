"""Which simulcast layer each of a subscriber's videos gets, within its bandwidth.

Pure functions: the subscriber feeds them what it measured and applies what they return.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

AUDIO_ALLOWANCE = 64_000  # bits per second kept for each audio stream


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
    spent = sum(_rate(d, 0) for d in demands)
    for demand in sorted(demands, key=lambda d: d.priority):
        ceiling = min(demand.max_layer, demand.current + 1)
        for layer in range(1, ceiling + 1):
            extra = _rate(demand, layer) - _rate(demand, chosen[demand.key])
            if spent + extra > budget:
                break
            spent += extra
            chosen[demand.key] = layer
    return chosen


def _rate(demand: Demand, layer: int) -> float:
    if layer < len(demand.bitrates):
        return demand.bitrates[layer]
    return demand.bitrates[-1] if demand.bitrates else 0.0


def layer_for_height(heights: Sequence[int], wanted: int) -> int:
    """The lowest layer at least `wanted` pixels high (heights as seen in keyframes, 0 when
    not yet known: then the layer's rank decides, lowest 180p, then 360p, then 720p)."""
    for index, height in enumerate(heights):
        known = height or (180, 360, 720)[min(index, 2)]
        if known >= wanted:
            return index
    return max(len(heights) - 1, 0)
