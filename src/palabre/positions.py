"""Positions in a list that people order by hand (a documents tree's siblings, a board's lists
and cards): a float per item, and a new one between two neighbours, so a move rewrites one row
rather than renumbering the list."""

from __future__ import annotations


def position_between(before: float | None, after: float | None) -> float:
    """A position after `before` and before `after` (None: no neighbour on that side)."""
    if before is None and after is None:
        return 1.0
    if before is None:
        assert after is not None
        return after - 1.0
    if after is None:
        return before + 1.0
    return (before + after) / 2
