"""A participant who leaves is freed at once, by reference counting: nothing of theirs waits
for the cyclic garbage collector, which a busy server runs rarely (the DTLS sessions, SRTP
contexts and packet caches it would hold are what tests/integration/test_leak.py measures)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from palabre.media.sfu import Sfu


@pytest.fixture
def no_cycle_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_removed_participant_is_freed_without_the_garbage_collector(no_cycle_collector):
    sfu = Sfu(["127.0.0.1"])
    sfu.add_participant("stays", lambda: None)
    leaving = sfu.add_participant("leaves", lambda: None)
    gone = [
        weakref.ref(obj)
        for obj in (
            leaving,
            leaving.publisher,
            leaving.subscriber,
            leaving.publisher.connection,
            leaving.subscriber.connection,
        )
    ]
    del leaving
    sfu.remove_participant("leaves")
    assert [ref() for ref in gone] == [None] * len(gone)
    assert list(sfu.participants) == ["stays"]
