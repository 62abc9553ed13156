"""The bus inside one process: a set of bounded queues per topic.

`Fanout` (who listens to what here) and `MemorySubscription` (one listener's queue) serve
both buses: `MemoryBus` delivers what is published in this process, `RedisBus` (redis.py)
also what other processes publish.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from .interface import RESYNC, RESYNC_TOPIC, Event

QUEUE_LIMIT = 1000  # events a slow listener may have waiting; past that it gets a resync

_MISSED: tuple[str, Event] = (RESYNC_TOPIC, RESYNC)  # wakes a listener waiting on an empty queue


class Watcher(Protocol):
    """What a subscription tells its bus when its topics change."""

    async def watch(self, subscription: MemorySubscription, topics: list[str]) -> None: ...

    async def unwatch(self, subscription: MemorySubscription, topics: list[str]) -> None: ...


class MemorySubscription:
    def __init__(self, bus: Watcher, limit: int = QUEUE_LIMIT) -> None:
        self._bus = bus
        self.topics: set[str] = set()
        self.queue: asyncio.Queue[tuple[str, Event]] = asyncio.Queue(limit)
        self.missed = False  # events were lost: the next get() is a resync
        self.closed = False

    async def add(self, *topics: str) -> None:
        new = [t for t in dict.fromkeys(topics) if t not in self.topics]
        self.topics.update(new)
        if new and not self.closed:
            await self._bus.watch(self, new)

    async def remove(self, *topics: str) -> None:
        gone = [t for t in dict.fromkeys(topics) if t in self.topics]
        self.topics.difference_update(gone)
        if gone:
            await self._bus.unwatch(self, gone)

    async def get(self) -> tuple[str, Event]:
        if not self.missed:
            item = await self.queue.get()
            if item is not _MISSED and not self.missed:
                return item
        # Whatever waits is older than the catch-up the listener is about to make.
        self.missed = False
        while not self.queue.empty():
            self.queue.get_nowait()
        return RESYNC_TOPIC, RESYNC

    def deliver(self, topic: str, event: Event) -> None:
        if self.missed:
            return  # superseded by the resync the listener gets next
        try:
            self.queue.put_nowait((topic, event))
        except asyncio.QueueFull:
            self.missed = True

    def miss(self) -> None:
        """Events may have been lost (the bus lost its link): tell the listener."""
        if not self.missed:
            self.missed = True
            if self.queue.empty():
                self.queue.put_nowait(_MISSED)

    async def close(self) -> None:
        self.closed = True
        await self.remove(*list(self.topics))


class Fanout:
    """The subscriptions of this process, by topic."""

    def __init__(self) -> None:
        self.listeners: defaultdict[str, set[MemorySubscription]] = defaultdict(set)

    def attach(self, subscription: MemorySubscription, topics: Iterable[str]) -> list[str]:
        """Listen; the topics nobody here listened to before."""
        first = []
        for topic in topics:
            listeners = self.listeners[topic]
            if not listeners:
                first.append(topic)
            listeners.add(subscription)
        return first

    def detach(self, subscription: MemorySubscription, topics: Iterable[str]) -> list[str]:
        """Stop listening; the topics nobody here listens to any more."""
        last = []
        for topic in topics:
            listeners = self.listeners.get(topic)
            if listeners is None:
                continue
            listeners.discard(subscription)
            if not listeners:
                del self.listeners[topic]
                last.append(topic)
        return last

    def deliver(self, topic: str, event: Event) -> None:
        for subscription in list(self.listeners.get(topic, ())):
            subscription.deliver(topic, event)

    def miss_all(self) -> None:
        for subscription in {s for group in self.listeners.values() for s in group}:
            subscription.miss()

    def topics(self) -> list[str]:
        return list(self.listeners)


class MemoryBus(Fanout):
    async def publish(self, topic: str, event: Event) -> None:
        self.deliver(topic, event)

    def subscribe(self) -> MemorySubscription:
        return MemorySubscription(self)

    async def watch(self, subscription: MemorySubscription, topics: list[str]) -> None:
        self.attach(subscription, topics)

    async def unwatch(self, subscription: MemorySubscription, topics: list[str]) -> None:
        self.detach(subscription, topics)

    async def start(self) -> None:
        pass  # nothing to link up

    async def close(self) -> None:
        self.listeners.clear()
