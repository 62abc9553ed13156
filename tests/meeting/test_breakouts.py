"""Breakout rooms' plan: names, assignments, an even random spread, the timer."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palabre.meeting.breakouts import (
    MAX_ROOMS,
    BreakoutError,
    Breakouts,
    child_name,
    main_name,
)
from palabre.meeting.names import InvalidName, normalize_room_name


def test_a_breakout_room_is_named_after_its_main_room_and_cannot_be_typed() -> None:
    name = child_name("conseil", 0)
    assert (
        name == "conseil~1" and main_name(name) == "conseil" and main_name("conseil") == "conseil"
    )
    with pytest.raises(InvalidName):
        normalize_room_name(name)


@pytest.mark.parametrize(
    "names, why",
    [([], "1 to"), (["a"] * (MAX_ROOMS + 1), "1 to"), (["A", "a"], "same"), (["\x00"], "name")],
)
def test_a_plan_needs_one_to_twenty_distinct_names(names: list[str], why: str) -> None:
    with pytest.raises(BreakoutError, match=why):
        Breakouts.plan(names)


def test_assignments_name_existing_rooms() -> None:
    plan = Breakouts.plan(["Salle 1", "Salle 2"])
    assert plan.assign("ada", 1) and not plan.assign("ada", 1)
    assert plan.room_of("ada") == 1 and plan.assigned(1) == ["ada"]
    with pytest.raises(BreakoutError, match="room must be"):
        plan.assign("bob", 2)
    assert plan.assign("ada", None) and plan.room_of("ada") is None


def test_the_timer_closes_the_rooms_when_it_runs_out() -> None:
    plan = Breakouts.plan(["a", "b"])
    assert not plan.due(1e12)
    plan.open(1000.0, 300, allow_return=False)
    assert plan.ends_at == 1300.0 and not plan.allow_return
    assert not plan.due(1299.9) and plan.due(1300.0)
    with pytest.raises(BreakoutError, match="open already"):
        plan.open(1000.0, None)
    with pytest.raises(BreakoutError, match="timer"):
        Breakouts.plan(["a"]).open(0.0, 0)
    untimed = Breakouts.plan(["a"])
    untimed.open(0.0, None)
    assert not untimed.due(1e12)


@given(st.integers(1, MAX_ROOMS), st.integers(0, 80), st.randoms(use_true_random=False))
def test_a_shuffle_spreads_everyone_evenly(rooms: int, people: int, rng: random.Random) -> None:
    plan = Breakouts.plan([f"r{i}" for i in range(rooms)])
    ids = [f"p{i}" for i in range(people)]
    plan.shuffle(ids, rng)
    sizes = [len(plan.assigned(index)) for index in range(rooms)]
    assert sum(sizes) == people
    assert max(sizes) - min(sizes) <= 1
