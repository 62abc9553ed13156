"""The bus inside one process: topics, order, and a resync for a listener that fell behind."""

from __future__ import annotations

import asyncio

from palabre.bus import RESYNC, RESYNC_TOPIC, MemoryBus
from palabre.bus.memory import QUEUE_LIMIT


async def test_listeners_get_their_topics_in_order() -> None:
    bus = MemoryBus()
    one, two = bus.subscribe(), bus.subscribe()
    await one.add("space:1", "user:1")
    await two.add("space:2")
    for n in range(3):
        await bus.publish("space:1", {"type": "space.changed", "n": n})
    await bus.publish("space:2", {"type": "space.changed", "n": 9})
    assert [(await one.get())[1]["n"] for _ in range(3)] == [0, 1, 2]
    assert await two.get() == ("space:2", {"type": "space.changed", "n": 9})
    assert one.queue.empty() and two.queue.empty()


async def test_removed_topics_and_closed_subscriptions_hear_nothing() -> None:
    bus = MemoryBus()
    listener = bus.subscribe()
    await listener.add("a", "b")
    await listener.remove("a")
    await bus.publish("a", {"type": "x"})
    await bus.publish("b", {"type": "y"})
    assert await listener.get() == ("b", {"type": "y"})
    await listener.close()
    await bus.publish("b", {"type": "z"})
    assert listener.queue.empty() and not bus.listeners


async def test_a_listener_that_fell_behind_gets_one_resync_then_new_events() -> None:
    bus = MemoryBus()
    slow = bus.subscribe()
    await slow.add("t")
    for n in range(QUEUE_LIMIT + 5):
        await bus.publish("t", {"type": "x", "n": n})
    assert await slow.get() == (RESYNC_TOPIC, RESYNC)
    assert slow.queue.empty()  # what waited is older than the catch-up
    await bus.publish("t", {"type": "x", "n": "after"})
    assert await slow.get() == ("t", {"type": "x", "n": "after"})


async def test_a_waiting_listener_is_woken_by_a_miss() -> None:
    bus = MemoryBus()
    listener = bus.subscribe()
    await listener.add("t")
    waiting = asyncio.create_task(listener.get())
    await asyncio.sleep(0)
    bus.miss_all()
    assert await asyncio.wait_for(waiting, 5) == (RESYNC_TOPIC, RESYNC)
    await bus.publish("t", {"type": "x"})
    assert await listener.get() == ("t", {"type": "x"})
