"""The live bus: every change a page should see, published on a topic after it is durable.

- interface.py: `Bus` and `Subscription`, the two Protocols the rest of Palabre uses, and
  the topic names.
- memory.py: `MemoryBus`, for one process (the embedded default).
- redis.py: `RedisBus`, Redis pub/sub, when several processes or nodes serve.

The bus carries notices, not truth: a page that missed one catches up from the database by
its cursor, so a lost notice (a Redis restart, a slow page) delays a change, never loses it.
"""

from .interface import Bus, Event, Subscription, channel_topic, space_topic, user_topic
from .memory import MemoryBus

__all__ = [
    "Bus",
    "Event",
    "MemoryBus",
    "Subscription",
    "channel_topic",
    "space_topic",
    "user_topic",
]
