"""Counters summed over worker processes never go down, a restarted worker included."""

from __future__ import annotations

from palabre.stats.totals import Totals


def test_sums_over_workers_and_keeps_what_a_restarted_worker_had_counted() -> None:
    totals = Totals()
    totals.update(0, 100, {"joins": 3})
    totals.update(1, 200, {"joins": 2, "meetings_ended": 1})
    assert totals.counters() == {"joins": 5, "meetings_ended": 1}
    totals.update(0, 100, {"joins": 4})
    assert totals.counters() == {"joins": 6, "meetings_ended": 1}
    totals.update(0, 101, {"joins": 1})  # worker 0 restarted (a new process)
    assert totals.counters() == {"joins": 7, "meetings_ended": 1}
    totals.update(1, 200, {"joins": 0})  # same process id, yet its counts went back
    assert totals.counters() == {"joins": 7, "meetings_ended": 1}
    totals.update(1, 200, {"joins": 1})
    assert totals.counters() == {"joins": 8, "meetings_ended": 1}
