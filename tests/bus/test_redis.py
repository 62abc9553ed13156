"""The bus across processes, on a real redis-server: two RedisBus objects stand for two
processes (each has its own connections and origin, as a process does)."""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import msgspec
import pytest

from palabre.bus import RESYNC, RESYNC_TOPIC, bus_for
from palabre.bus.memory import MemorySubscription
from palabre.bus.redis import RedisBus
from palabre.config import Settings
from redis_server import RedisServer

TIMEOUT = 10  # generous on a loaded machine; a healthy run takes milliseconds


class View(msgspec.Struct):
    id: int
    at: datetime


@pytest.fixture
async def pair(redis: RedisServer) -> AsyncIterator[tuple[RedisBus, RedisBus]]:
    one, two = RedisBus(redis.url), RedisBus(redis.url)
    await one.start()
    await two.start()
    yield one, two
    await one.close()
    await two.close()


async def next_event(listener: MemorySubscription) -> tuple[str, dict[str, object]]:
    return await asyncio.wait_for(listener.get(), TIMEOUT)


def pubsub_clients(redis: RedisServer) -> int:
    """How many connections are in pub/sub mode on the server (raw RESP, no library)."""
    with socket.create_connection(("127.0.0.1", redis.port), timeout=5) as conn:
        conn.sendall(b"CLIENT LIST TYPE pubsub\r\n")
        reply = conn.makefile("rb")
        header = reply.readline()  # $<length>
        assert header.startswith(b"$"), header
        text = reply.read(int(header[1:]) + 2)
    return text.count(b"id=")


async def test_an_event_reaches_the_other_process_encoded_and_decoded(
    pair: tuple[RedisBus, RedisBus],
) -> None:
    one, two = pair
    listener = two.subscribe()
    await listener.add("space:7")
    at = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    await one.publish("space:7", {"type": "space.changed", "space": 7, "view": View(3, at)})
    topic, event = await next_event(listener)
    assert topic == "space:7"
    assert event == {
        "type": "space.changed",
        "space": 7,
        "view": {"id": 3, "at": "2024-05-01T12:30:00Z"},
    }


async def test_own_events_are_delivered_once_as_published(pair: tuple[RedisBus, RedisBus]) -> None:
    one, _ = pair
    listener = one.subscribe()
    await listener.add("t")
    view = View(1, datetime.now(UTC))
    await one.publish("t", {"type": "x", "view": view})
    await one.publish("t", {"type": "end"})
    assert await next_event(listener) == ("t", {"type": "x", "view": view})
    assert await next_event(listener) == ("t", {"type": "end"})
    await asyncio.sleep(0.3)  # Redis's echo of both has come back by now, and was skipped
    assert listener.queue.empty()


async def test_order_is_kept_per_publisher_per_topic(pair: tuple[RedisBus, RedisBus]) -> None:
    one, two = pair
    listener = two.subscribe()
    await listener.add("a", "b")
    for n in range(800):
        await one.publish("a" if n % 3 else "b", {"type": "x", "n": n})
    got: dict[str, list[int]] = {"a": [], "b": []}
    while len(got["a"]) + len(got["b"]) < 800:
        topic, event = await next_event(listener)
        got[topic].append(event["n"])  # type: ignore[arg-type]
    assert got["a"] == [n for n in range(800) if n % 3]
    assert got["b"] == [n for n in range(800) if not n % 3]


async def test_listeners_hear_only_their_topics(
    redis: RedisServer, pair: tuple[RedisBus, RedisBus]
) -> None:
    one, two = pair
    alice, bob = two.subscribe(), two.subscribe()
    await alice.add("space:1", "user:1")
    await bob.add("space:2")
    await one.publish("space:2", {"type": "for-bob"})
    await one.publish("space:1", {"type": "for-alice"})
    assert await next_event(bob) == ("space:2", {"type": "for-bob"})
    assert await next_event(alice) == ("space:1", {"type": "for-alice"})
    await bob.remove("space:2")
    await one.publish("space:2", {"type": "nobody"})
    await one.publish("user:1", {"type": "alice-again"})
    assert await next_event(alice) == ("user:1", {"type": "alice-again"})
    assert bob.queue.empty()


async def test_one_reading_connection_per_process_whatever_its_listeners(
    redis: RedisServer, pair: tuple[RedisBus, RedisBus]
) -> None:
    one, two = pair
    listeners = [two.subscribe() for _ in range(30)]
    for n, listener in enumerate(listeners):
        await listener.add(f"space:{n}", "space:shared", f"user:{n}")
    await one.publish("space:shared", {"type": "all"})
    for listener in listeners:
        assert await next_event(listener) == ("space:shared", {"type": "all"})
    assert pubsub_clients(redis) == 2  # one per bus


async def test_a_redis_restart_is_survived_and_listeners_are_told(
    redis: RedisServer, pair: tuple[RedisBus, RedisBus]
) -> None:
    one, two = pair
    listener = two.subscribe()
    await listener.add("space:1")
    await one.publish("space:1", {"type": "before"})
    assert await next_event(listener) == ("space:1", {"type": "before"})
    linked = two.connections
    await asyncio.to_thread(redis.restart, 0.5)
    # Published while Redis was away or coming back: may be lost, and the listener knows.
    await one.publish("space:1", {"type": "during"})
    topic, event = await next_event(listener)
    while event != RESYNC:
        topic, event = await next_event(listener)
    assert topic == RESYNC_TOPIC and two.connections > linked
    # Both processes are linked again: what is published now arrives.
    await listener.add("space:2")
    for n in range(50):
        await one.publish("space:2", {"type": "after", "n": n})
        try:
            topic, event = await asyncio.wait_for(listener.get(), 0.2)
        except TimeoutError:
            continue
        if topic == "space:2":
            break
    else:
        raise AssertionError("no event after the restart")
    assert event["type"] == "after"


async def test_publishing_while_redis_is_down_neither_fails_nor_blocks(
    redis: RedisServer, pair: tuple[RedisBus, RedisBus]
) -> None:
    one, _ = pair
    local = one.subscribe()
    await local.add("t")
    redis.kill()
    for n in range(100):
        await asyncio.wait_for(one.publish("t", {"type": "x", "n": n}), 1)
    # This process's own listeners still hear it.
    assert (await next_event(local))[1]["n"] == 0


async def test_a_listener_added_while_redis_is_down_is_resynced_when_it_is_back(
    redis: RedisServer,
) -> None:
    redis.kill()
    bus = RedisBus(redis.url)
    try:
        listener = bus.subscribe()
        await listener.add("space:1")  # waits a little, then gives up for now
        await asyncio.to_thread(redis.launch)
        assert await next_event(listener) == (RESYNC_TOPIC, RESYNC)
    finally:
        await bus.close()


async def test_a_redis_that_stops_answering_is_left_and_found_again(
    redis: RedisServer, pair: tuple[RedisBus, RedisBus]
) -> None:
    """SIGSTOP: the link stays open but nothing answers; the pings find it out."""
    one, _ = pair
    watchful = RedisBus(redis.url, ping_interval=0.2)
    try:
        listener = watchful.subscribe()
        await listener.add("space:1")
        linked = watchful.connections
        assert redis.process is not None
        redis.process.send_signal(signal.SIGSTOP)
        try:
            await asyncio.sleep(2.0)  # ten ping intervals of silence
        finally:
            redis.process.send_signal(signal.SIGCONT)
        assert await next_event(listener) == (RESYNC_TOPIC, RESYNC)
        assert watchful.connections > linked
        await one.publish("space:1", {"type": "back"})
        assert await next_event(listener) == ("space:1", {"type": "back"})
    finally:
        await watchful.close()


def test_the_settings_choose_the_bus() -> None:
    assert type(bus_for(Settings())).__name__ == "MemoryBus"
    bus = bus_for(Settings(redis_url="redis://127.0.0.1:1/3"))
    assert isinstance(bus, RedisBus) and bus.prefix == "palabre:3:"
