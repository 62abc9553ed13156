"""The bus inside one process: a set of queues per topic."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from .interface import Event

QUEUE_LIMIT = 1000  # events a slow listener may have waiting; past that it misses some


class MemorySubscription:
    def __init__(self, bus: MemoryBus) -> None:
        self._bus = bus
        self.topics: set[str] = set()
        self.queue: asyncio.Queue[tuple[str, Event]] = asyncio.Queue(QUEUE_LIMIT)
        self.overflowed = False  # set when an event was dropped: the listener should catch up

    async def add(self, *topics: str) -> None:
        for topic in topics:
            self.topics.add(topic)
            self._bus.listeners[topic].add(self)

    async def remove(self, *topics: str) -> None:
        for topic in topics:
            self.topics.discard(topic)
            listeners = self._bus.listeners.get(topic)
            if listeners is not None:
                listeners.discard(self)
                if not listeners:
                    del self._bus.listeners[topic]

    async def get(self) -> tuple[str, Event]:
        return await self.queue.get()

    def deliver(self, topic: str, event: Event) -> None:
        try:
            self.queue.put_nowait((topic, event))
        except asyncio.QueueFull:
            self.overflowed = True

    async def close(self) -> None:
        await self.remove(*list(self.topics))


class MemoryBus:
    def __init__(self) -> None:
        self.listeners: defaultdict[str, set[MemorySubscription]] = defaultdict(set)

    async def publish(self, topic: str, event: Event) -> None:
        self.deliver(topic, event)

    def deliver(self, topic: str, event: Event) -> None:
        for subscription in list(self.listeners.get(topic, ())):
            subscription.deliver(topic, event)

    def subscribe(self) -> MemorySubscription:
        return MemorySubscription(self)

    async def close(self) -> None:
        self.listeners.clear()
