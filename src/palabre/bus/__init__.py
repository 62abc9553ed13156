"""The live bus: every change a page should see, published on a topic after it is durable.

- interface.py: `Bus` and `Subscription`, the two Protocols the rest of Palabre uses, and
  the topic names.
- memory.py: `MemoryBus`, for one process (the embedded default).
- redis.py: `RedisBus`, Redis pub/sub, when several processes or nodes serve.

The bus carries notices, not truth: a page that missed one catches up from the database by
its cursor, so a lost notice (a Redis restart, a slow page) delays a change, never loses it;
a subscription that may have missed some returns a resync (RESYNC) to say so.
"""

from ..config import Settings
from .interface import (
    RESYNC,
    RESYNC_TOPIC,
    Bus,
    Event,
    Subscription,
    channel_topic,
    documents_topic,
    space_topic,
    user_topic,
)
from .memory import MemoryBus
from .redis import RedisBus


def bus_for(settings: Settings) -> Bus:
    """Redis pub/sub if `redis_url` is set, else this process's memory."""
    return RedisBus(settings.redis_url) if settings.redis_url else MemoryBus()


__all__ = [
    "RESYNC",
    "RESYNC_TOPIC",
    "Bus",
    "Event",
    "MemoryBus",
    "RedisBus",
    "Subscription",
    "bus_for",
    "channel_topic",
    "documents_topic",
    "space_topic",
    "user_topic",
]
