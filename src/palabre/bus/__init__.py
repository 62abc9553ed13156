"""The live bus: every change a page should see, published on a topic after it is durable.

- interface.py: `Bus` and `Subscription`, the two Protocols the rest of Palabre uses, and
  the topic names.
- memory.py: `MemoryBus`, for one process (the embedded default).
- redis.py: `RedisBus`, Redis pub/sub, when several processes or nodes serve (bus_for
  imports it only then).

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


def bus_for(settings: Settings) -> Bus:
    """Redis pub/sub if `redis_url` is set, else this process's memory."""
    if not settings.redis_url:
        return MemoryBus()
    # Imported here: the redis client costs ~0.35 s of CPU to import, in every server start
    # (the tests start hundreds), and most installations have no Redis.
    from .redis import RedisBus

    return RedisBus(settings.redis_url)


__all__ = [
    "RESYNC",
    "RESYNC_TOPIC",
    "Bus",
    "Event",
    "MemoryBus",
    "Subscription",
    "bus_for",
    "channel_topic",
    "documents_topic",
    "space_topic",
    "user_topic",
]
