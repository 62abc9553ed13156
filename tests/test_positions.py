"""Positions between neighbours (palabre.positions), as moves in a hand-ordered list use them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from palabre.positions import position_between

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def test_the_ends_and_an_empty_list() -> None:
    assert position_between(None, None) == 1.0
    assert position_between(None, 3.0) == 2.0
    assert position_between(3.0, None) == 4.0


@given(finite, finite)
def test_between_two_neighbours_is_between_them(a: float, b: float) -> None:
    low, high = min(a, b), max(a, b)
    if high - low < 1e-6:
        return
    assert low < position_between(low, high) < high
