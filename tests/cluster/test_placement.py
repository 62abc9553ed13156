"""The placement table: a room stays on its worker; a new room goes to the least loaded."""

from __future__ import annotations

import pytest

from palabre.cluster.placement import NoWorker, Placement


def test_a_new_room_goes_to_the_least_loaded_worker():
    placement = Placement(3)
    assert placement.acquire("a") == 0
    assert placement.acquire("a") == 0
    assert placement.acquire("b") == 1
    assert placement.acquire("c") == 2
    assert placement.acquire("d") == 1  # loads 2, 1, 1: the lowest index of the least loaded
    assert [placement.load(i) for i in range(3)] == [2, 2, 1]
    assert placement.rooms_on(1) == ["b", "d"]


def test_a_room_stays_on_its_worker_while_it_has_connections():
    placement = Placement(2)
    assert placement.acquire("busy") == 0
    assert placement.acquire("other") == 1
    for _ in range(5):
        assert placement.acquire("other") == 1
    # Worker 0 is now the least loaded, yet "other" stays on worker 1.
    assert placement.acquire("other") == 1
    assert placement.connections("other") == 7
    assert placement.worker_of("busy") == 0


def test_a_room_is_forgotten_with_its_last_connection():
    placement = Placement(2)
    placement.acquire("r")
    placement.acquire("r")
    placement.acquire("s")
    placement.release("r")
    assert placement.worker_of("r") == 0
    placement.release("r")
    assert placement.worker_of("r") is None
    assert placement.connections("r") == 0
    assert placement.load(0) == 0
    placement.release("r")  # a stray release changes nothing
    assert placement.load(0) == 0
    # Worker 0 is empty again: the next new room goes there.
    assert placement.acquire("t") == 0


def test_a_worker_that_is_down_gets_no_new_room():
    placement = Placement(2)
    placement.set_available(0, False)
    assert placement.acquire("a") == 1
    assert placement.acquire("b") == 1
    placement.set_available(1, False)
    assert placement.acquire("a") == 1  # an existing room keeps its worker
    with pytest.raises(NoWorker):
        placement.acquire("c")
    placement.set_available(0, True)
    assert placement.acquire("c") == 0


def test_at_least_one_worker():
    with pytest.raises(ValueError):
        Placement(0)
