"""Channels and direct conversations in the database: the operations, each in the caller's
transaction, asking the policy first, returning views and the bus events to publish once
committed.

A public channel's events go to its space's topic; a private channel's and a direct
conversation's to each of its people's own topic, so nobody else hears that it exists.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..bus import Event, channel_topic, space_topic, user_topic
from ..db import utcnow
from ..errors import Conflict, Forbidden, Invalid
from . import rules
from .models import Channel, ChannelMember, Message
from .policy import (
    channel_access,
    check_channel_members,
    may_create_channel,
    may_talk_directly,
    readable_channels,
)
from .unread import counts
from .views import ChannelView, PersonView, ReadMarker, channel_view, people

Events = list[tuple[str, Event]]


def listed_people(session: Session, channel_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ChannelMember.user_id)
            .where(ChannelMember.channel_id == channel_id, ChannelMember.listed.is_(True))
            .order_by(ChannelMember.joined_at, ChannelMember.user_id)
        )
    )


def channel_event(session: Session, channel: Channel, kind: str) -> Events:
    """`channel.created` or `channel.changed`, where those who may read it hear it."""
    event: Event = {"type": kind, "space": channel.space_id, "channel": channel.id}
    if channel.space_id is not None and not channel.private:
        return [(space_topic(channel.space_id), event)]
    return [(user_topic(uid), event) for uid in listed_people(session, channel.id)]


def views(session: Session, user_id: int, channels: Sequence[Channel]) -> list[ChannelView]:
    """The caller's views of these channels (which they may read), in a few queries."""
    ids = [c.id for c in channels]
    places = {
        p.channel_id: p
        for p in session.scalars(
            select(ChannelMember).where(
                ChannelMember.user_id == user_id, ChannelMember.channel_id.in_(ids)
            )
        )
    }
    listed: dict[int, list[int]] = {}
    closed = [c.id for c in channels if c.private or c.space_id is None]
    if closed:
        for channel_id, uid in session.execute(
            select(ChannelMember.channel_id, ChannelMember.user_id)
            .where(ChannelMember.channel_id.in_(closed), ChannelMember.listed.is_(True))
            .order_by(ChannelMember.joined_at, ChannelMember.user_id)
        ):
            listed.setdefault(channel_id, []).append(uid)
    persons = people(session, [uid for uids in listed.values() for uid in uids])
    numbers = counts(session, user_id, ids)
    result = []
    for channel in channels:
        place = places.get(channel.id)
        unread, mentions = numbers[channel.id]
        result.append(
            channel_view(
                channel,
                members=[persons[uid] for uid in listed.get(channel.id, []) if uid in persons],
                read_seq=place.last_read_seq if place else 0,
                unread=unread,
                mentions=mentions,
                notify=place.notify if place else "default",
            )
        )
    return result


def view(session: Session, user_id: int, channel: Channel) -> ChannelView:
    return views(session, user_id, [channel])[0]


def place_of(session: Session, channel: Channel, user_id: int) -> ChannelMember:
    """The person's row in the channel, made (not listed) if they had none."""
    place = session.get(ChannelMember, (channel.id, user_id))
    if place is None:
        place = ChannelMember(channel_id=channel.id, user_id=user_id, listed=False)
        session.add(place)
        session.flush()
    return place


def _check_name_free(session: Session, space_id: int, name: str, channel_id: int = 0) -> None:
    taken = session.scalar(
        select(Channel.id).where(
            Channel.space_id == space_id, Channel.name == name, Channel.id != channel_id
        )
    )
    if taken is not None:
        raise Conflict(f"this space already has a channel named {name}")


def create_channel(
    session: Session,
    user_id: int,
    space_id: int,
    name: str,
    topic: str = "",
    private: bool = False,
    members: Sequence[int] = (),
) -> tuple[ChannelView, Events]:
    """A channel of the space; a private one lists its creator and `members` (who must be
    members of the space), a public one is open to every member."""
    may_create_channel(session, user_id, space_id)
    clean = rules.clean_channel_name(name)
    topic = rules.clean_topic(topic)
    if members and not private:
        raise Invalid("only a private channel lists its members")
    listed = list(dict.fromkeys([user_id, *members]))
    if len(listed) > rules.MAX_PRIVATE_MEMBERS:
        raise Invalid(f"a private channel starts with at most {rules.MAX_PRIVATE_MEMBERS}")
    if private:
        check_channel_members(session, space_id, listed)
    _check_name_free(session, space_id, clean)
    channel = Channel(
        space_id=space_id, kind="channel", name=clean, topic=topic, private=private,
        created_by=user_id,
    )  # fmt: skip
    session.add(channel)
    session.flush()
    if private:
        session.add_all(ChannelMember(channel_id=channel.id, user_id=uid) for uid in listed)
        session.flush()
    return view(session, user_id, channel), channel_event(session, channel, "channel.created")


def list_channels(session: Session, user_id: int, space_id: int) -> list[ChannelView]:
    """The space's channels the person may read (archived ones too), by name."""
    channels = sorted(readable_channels(session, user_id, space_id), key=lambda c: c.name)
    return views(session, user_id, channels)


def get_channel(session: Session, user_id: int, channel_id: int) -> ChannelView:
    return view(session, user_id, channel_access(session, user_id, channel_id, "read").channel)


def edit_channel(
    session: Session, user_id: int, channel_id: int, name: str | None, topic: str | None
) -> tuple[ChannelView, Events]:
    channel = channel_access(session, user_id, channel_id, "manage").channel
    if channel.archived_at is not None:
        raise Forbidden("this channel is archived")
    if name is not None:
        clean = rules.clean_channel_name(name)
        assert channel.space_id is not None  # managing a direct conversation is refused
        _check_name_free(session, channel.space_id, clean, channel.id)
        channel.name = clean
    if topic is not None:
        channel.topic = rules.clean_topic(topic)
    session.flush()
    return view(session, user_id, channel), channel_event(session, channel, "channel.changed")


def archive_channel(
    session: Session, user_id: int, channel_id: int, archived: bool = True
) -> tuple[ChannelView, Events]:
    """Archived: read-only (and back)."""
    channel = channel_access(session, user_id, channel_id, "manage").channel
    if (channel.archived_at is not None) != archived:
        channel.archived_at = utcnow() if archived else None
        session.flush()
    return view(session, user_id, channel), channel_event(session, channel, "channel.changed")


def channel_members(session: Session, user_id: int, channel_id: int) -> list[PersonView]:
    """A private channel's list (its readers see it)."""
    channel = channel_access(session, user_id, channel_id, "read").channel
    if not channel.private and channel.space_id is not None:
        raise Invalid("a public channel is open to all of its space's members")
    ids = listed_people(session, channel.id)
    persons = people(session, ids)
    return [persons[uid] for uid in ids if uid in persons]


def add_channel_member(
    session: Session, user_id: int, channel_id: int, member_id: int
) -> tuple[list[PersonView], Events]:
    channel = channel_access(session, user_id, channel_id, "manage").channel
    if not channel.private:
        raise Invalid("a public channel is open to all of its space's members")
    assert channel.space_id is not None
    check_channel_members(session, channel.space_id, [member_id])
    place = session.get(ChannelMember, (channel.id, member_id))
    if place is None:
        session.add(ChannelMember(channel_id=channel.id, user_id=member_id))
    elif not place.listed:
        place.listed = True
    session.flush()
    return channel_members(session, user_id, channel_id), channel_event(
        session, channel, "channel.changed"
    )


def remove_channel_member(
    session: Session, user_id: int, channel_id: int, member_id: int
) -> tuple[list[PersonView], Events]:
    """A manager takes someone off a private channel's list, or one leaves it."""
    action = "read" if member_id == user_id else "manage"
    channel = channel_access(session, user_id, channel_id, action).channel
    if channel.space_id is None:
        raise Forbidden("a direct conversation keeps its people")
    if not channel.private:
        raise Invalid("a public channel is open to all of its space's members")
    events = channel_event(session, channel, "channel.changed")  # heard by the leaver too
    place = session.get(ChannelMember, (channel.id, member_id))
    if place is not None and place.listed:
        place.listed = False
        session.flush()
    if member_id == user_id:
        return [], events
    return channel_members(session, user_id, channel_id), events


def open_direct(
    session: Session, user_id: int, user_ids: Sequence[int]
) -> tuple[ChannelView, bool, Events]:
    """The direct conversation of exactly the caller and these people: found, or made
    (then True). The caller must share a space with each of them."""
    others = sorted(set(user_ids) - {user_id})
    if not others:
        raise Invalid("name at least one other person")
    if len(others) + 1 > rules.MAX_DIRECT:
        raise Invalid(f"a direct conversation holds at most {rules.MAX_DIRECT} people")
    may_talk_directly(session, user_id, others)
    key = rules.direct_key([user_id, *others])
    found = session.scalar(select(Channel).where(Channel.direct_key == key))
    if found is not None:
        return view(session, user_id, found), False, []
    channel = Channel(kind="direct", direct_key=key, created_by=user_id)
    session.add(channel)
    session.flush()
    session.add_all(ChannelMember(channel_id=channel.id, user_id=uid) for uid in [user_id, *others])
    session.flush()
    return view(session, user_id, channel), True, channel_event(session, channel, "channel.created")


def list_direct(session: Session, user_id: int) -> list[ChannelView]:
    """The person's direct conversations, the latest active first."""
    listed = select(ChannelMember.channel_id).where(
        ChannelMember.user_id == user_id, ChannelMember.listed.is_(True)
    )
    channels = list(
        session.scalars(select(Channel).where(Channel.kind == "direct", Channel.id.in_(listed)))
    )
    latest = dict(
        session.execute(
            select(Message.channel_id, func.max(Message.created_at))
            .where(Message.channel_id.in_([c.id for c in channels]))
            .group_by(Message.channel_id)
        ).all()
    )
    channels.sort(key=lambda c: (latest.get(c.id) or c.created_at, c.id), reverse=True)
    return views(session, user_id, channels)


def mark_read(
    session: Session, user_id: int, channel_id: int, seq: int
) -> tuple[ReadMarker, Events]:
    """Move the person's read marker up to `seq` (never back, never past the channel's
    last change)."""
    if seq < 0:
        raise Invalid("seq is a channel's sequence number (0 or more)")
    channel = channel_access(session, user_id, channel_id, "read").channel
    place = place_of(session, channel, user_id)
    target = min(seq, channel.last_seq)
    events: Events = []
    if target > place.last_read_seq:
        place.last_read_seq = target
        session.flush()
        events.append(
            (user_topic(user_id), {"type": "channel.read", "channel": channel.id, "seq": target})
        )
    unread, mentions = counts(session, user_id, [channel.id])[channel.id]
    marker = ReadMarker(channel=channel.id, seq=place.last_read_seq, unread=unread,
                        mentions=mentions)  # fmt: skip
    return marker, events


def set_notify(session: Session, user_id: int, channel_id: int, level: str) -> ChannelView:
    level = rules.check_channel_level(level)
    channel = channel_access(session, user_id, channel_id, "read").channel
    place_of(session, channel, user_id).notify = level
    session.flush()
    return view(session, user_id, channel)


def typing(session: Session, user_id: int, channel_id: int) -> Events:
    """A typing notice for the channel's readers (not stored)."""
    channel = channel_access(session, user_id, channel_id, "write").channel
    return [(channel_topic(channel.id), {"type": "typing", "channel": channel.id, "user": user_id})]
