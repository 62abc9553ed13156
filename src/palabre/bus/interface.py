"""What publishers and subscribers of the bus see, whatever carries it."""

from __future__ import annotations

from typing import Any, Protocol

# An event is a JSON object with at least a "type" (docs/workspace-api.md lists them); its
# values are anything msgspec encodes (views are msgspec Structs). A bus that crosses
# processes hands them over decoded: plain dicts and lists.
Event = dict[str, Any]


# What a subscription's `get` returns when it may have missed events (its queue overflowed
# while its listener was slow, or the bus lost its link to Redis): no topic, a "resync"
# event. The listener catches up from the database by its cursors.
RESYNC_TOPIC = "*"
RESYNC: Event = {"type": "resync"}


def space_topic(space_id: int) -> str:
    """Changes to a space: its name, members, channels, activity."""
    return f"space:{space_id}"


def documents_topic(space_id: int) -> str:
    """Changes to a space's documents (titles, tree, versions, comments): heard only by those
    who may read them, which not every member may."""
    return f"space:{space_id}:documents"


def channel_topic(channel_id: int) -> str:
    """Changes to a channel: messages, edits, reactions, pins, typing."""
    return f"channel:{channel_id}"


def user_topic(user_id: int) -> str:
    """What concerns one person: notifications, unread counts, access gained or lost."""
    return f"user:{user_id}"


class Subscription(Protocol):
    """One listener's topics and the events published on them since it subscribed."""

    async def add(self, *topics: str) -> None: ...

    async def remove(self, *topics: str) -> None: ...

    async def get(self) -> tuple[str, Event]:
        """The next (topic, event); waits for one. (RESYNC_TOPIC, RESYNC) when events may
        have been missed since the last one."""
        ...

    async def close(self) -> None: ...


class Bus(Protocol):
    async def publish(self, topic: str, event: Event) -> None:
        """Deliver `event` to every subscription holding `topic`, in this process or any
        other that shares the bus; the order of one publisher's events on one topic is kept."""
        ...

    def subscribe(self) -> Subscription: ...

    async def start(self) -> None:
        """Link up now (a Redis that cannot be reached is logged now, and retried)."""
        ...

    async def close(self) -> None: ...
