"""Layer allocation and the step-up probe: pure decisions, tested without media."""

from __future__ import annotations

from palabre.media.allocation import (
    HOLD_MAX,
    HOLD_MIN,
    Demand,
    Probe,
    allocate,
    layer_for_height,
)

RATES = [150_000.0, 450_000.0, 1_200_000.0]


def test_unlimited_budget_steps_up_one_layer_per_round() -> None:
    demands = [Demand("a", RATES, 2, 0), Demand("b", RATES, 1, 1)]
    assert allocate(demands, None) == {"a": 1, "b": 1}


def test_priority_gets_the_budget_first() -> None:
    demands = [
        Demand("other", RATES, 2, 2, priority=2),
        Demand("speaker", RATES, 2, 2, priority=1),
        Demand("screen", RATES, 2, 2, priority=0),
    ]
    # 3 x 150k at the floor, then 1.05M more: the screen share goes to the top first.
    chosen = allocate(demands, 1_500_000)
    assert chosen == {"screen": 2, "speaker": 0, "other": 0}
    # Layers already forwarded count at KEEP of their rate: 1.7M keeps the speaker at 1 only.
    assert allocate(demands, 1_700_000) == {"screen": 2, "speaker": 1, "other": 0}


def test_a_layer_in_use_stays_while_the_estimate_is_near_its_rate() -> None:
    # A REMB just under the rate of the layer forwarded keeps it; one well under does not.
    assert allocate([Demand("a", RATES, 2, 2)], 1_100_000) == {"a": 2}
    assert allocate([Demand("a", RATES, 2, 2)], 900_000) == {"a": 1}
    # Stepping up takes the full rate.
    assert allocate([Demand("a", RATES, 2, 1)], 1_100_000) == {"a": 1}


def test_downgrades_jump_to_what_fits_and_the_cap_holds() -> None:
    assert allocate([Demand("a", RATES, 2, 2)], 200_000) == {"a": 0}
    assert allocate([Demand("a", RATES, 1, 2)], 10_000_000) == {"a": 1}


def test_layer_for_height_uses_seen_heights_then_ranks() -> None:
    assert layer_for_height([120, 240, 480], 200) == 1
    assert layer_for_height([120, 240, 480], 1080) == 2
    assert layer_for_height([0, 0, 0], 180) == 0  # not seen yet: 180p, 360p, 720p
    assert layer_for_height([0, 0, 0], 300) == 1


def test_probe_allows_a_step_up_only_with_headroom_and_after_the_hold() -> None:
    probe = Probe()
    assert probe.budget(300_000, 290_000, now=100.0) == 300_000  # no headroom
    assert probe.budget(400_000, 300_000, now=100.0) == 1_200_000  # headroom: step up
    probe.changed(up=True, now=100.0)
    assert probe.budget(800_000, 500_000, now=101.0) == 800_000  # too soon


def test_failed_steps_wait_longer_and_a_held_step_resets() -> None:
    probe = Probe()
    now = 0.0
    for _ in range(3):
        probe.changed(up=True, now=now)
        probe.changed(up=False, now=now + 1)  # the estimate fell right after
        now += 10
    assert probe.hold == HOLD_MAX
    probe.changed(up=True, now=now)
    probe.budget(1_000_000, 500_000, now=now + HOLD_MIN)  # the step held
    assert probe.hold == HOLD_MIN
