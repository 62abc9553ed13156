"""May this person read or write in this channel? Space channels follow the space's policy
(its chat module) and, when private, the channel's list; a direct conversation belongs to its
listed members only. Every messaging operation asks here: which channels a person may read,
who may read a channel (and so hear of it), may they make a channel, talk directly to these
people, edit or delete this message."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..db import utcnow
from ..errors import Forbidden, Invalid, NotFound
from ..spaces.models import Member, Space
from ..spaces.policy import Access, authorize, membership
from .models import Channel, ChannelMember, Message

ACTIONS = ("read", "write", "manage")  # manage: rename, archive, set the list of a channel


@dataclass(frozen=True)
class ChannelAccess:
    channel: Channel
    space: Access | None  # None for a direct conversation
    place: ChannelMember | None  # the person's row: read marker, setting (None: not yet)


def channel_access(session: Session, user_id: int, channel_id: int, action: str) -> ChannelAccess:
    """NotFound unless the person may read the channel; Forbidden if they may read but not
    do `action`."""
    if action not in ACTIONS:
        raise ValueError(action)
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise NotFound("no such channel")
    place = session.scalar(
        select(ChannelMember).where(
            ChannelMember.channel_id == channel_id, ChannelMember.user_id == user_id
        )
    )
    listed = place is not None and place.listed
    if channel.space_id is None:  # a direct conversation
        if not listed:
            raise NotFound("no such channel")
        if action == "manage":
            raise Forbidden("a direct conversation has no settings to manage")
        return ChannelAccess(channel, None, place)
    try:
        access = membership(session, user_id, channel.space_id)
    except NotFound:
        raise NotFound("no such channel") from None
    if not access.may("chat.read") or (channel.private and not listed):
        raise NotFound("no such channel")
    if action == "write" and (not access.may("chat.write") or channel.archived_at is not None):
        raise Forbidden("you may read this channel but not write in it")
    creator = channel.created_by == user_id and access.may("create_channel")
    if action == "manage" and not (access.may("manage_members") or creator):
        raise Forbidden("only the channel's creator and the space's admins manage it")
    return ChannelAccess(channel, access, place)


def readable_channels(
    session: Session, user_id: int, space_id: int | None = None, *, direct: bool = True
) -> list[Channel]:
    """Every channel the person may read (in one space if `space_id` is given, where they
    must be a member: else NotFound), direct conversations included if `direct`."""
    if space_id is not None:
        spaces = [membership(session, user_id, space_id)]
        direct = False
    else:
        now = utcnow()
        rows = session.execute(
            select(Space, Member)
            .join(Member, Member.space_id == Space.id)
            .where(
                Member.user_id == user_id,
                or_(Space.delete_at.is_(None), Space.delete_at > now),
            )
        ).all()
        spaces = [Access(space, member) for space, member in rows]
    readable = [access.space.id for access in spaces if access.may("chat.read")]
    listed = select(ChannelMember.channel_id).where(
        ChannelMember.user_id == user_id, ChannelMember.listed.is_(True)
    )
    allowed = [
        and_(
            Channel.space_id.in_(readable),
            or_(Channel.private.is_(False), Channel.id.in_(listed)),
        )
    ]
    if direct:
        allowed.append(and_(Channel.space_id.is_(None), Channel.id.in_(listed)))
    return list(session.scalars(select(Channel).where(or_(*allowed)).order_by(Channel.id)))


@dataclass(frozen=True)
class Reader:
    """A person who may read a channel, with what decides what they hear of it."""

    user_id: int
    name: str
    space_level: str | None  # their notify setting for the space (None: a direct one)
    channel_level: str  # their setting for the channel ("default" if none)


def channel_readers(session: Session, channel: Channel) -> list[Reader]:
    """Everyone who may read the channel (its listed people, for a private one or a direct
    conversation; else the space's members with chat access)."""
    places = {
        place.user_id: place
        for place in session.scalars(
            select(ChannelMember).where(ChannelMember.channel_id == channel.id)
        )
    }
    if channel.space_id is None:
        users = session.execute(
            select(User.id, User.name).where(
                User.id.in_([uid for uid, place in places.items() if place.listed])
            )
        ).all()
        return [Reader(uid, name, None, places[uid].notify) for uid, name in users]
    space = session.get(Space, channel.space_id)
    if space is None or (space.delete_at is not None and space.delete_at <= utcnow()):
        return []
    readers = []
    rows = session.execute(
        select(Member, User.name)
        .join(User, User.id == Member.user_id)
        .where(Member.space_id == channel.space_id)
    ).all()
    for member, name in rows:
        place = places.get(member.user_id)
        if not Access(space, member).may("chat.read"):
            continue
        if channel.private and (place is None or not place.listed):
            continue
        level = place.notify if place is not None else "default"
        readers.append(Reader(member.user_id, name, member.notify, level))
    return readers


def may_create_channel(session: Session, user_id: int, space_id: int) -> Access:
    """Members (not guests) who may write in the space's chat make channels."""
    access = authorize(session, user_id, space_id, "create_channel")
    if not access.may("chat.write"):
        raise Forbidden("you may not write in this space's chat")
    return access


def check_channel_members(session: Session, space_id: int, user_ids: list[int]) -> None:
    """Invalid unless every one of these people is a member of the space who may read its
    chat (a private channel's list holds no one else)."""
    for uid in user_ids:
        try:
            access = membership(session, uid, space_id)
        except NotFound:
            raise Invalid(f"user {uid} is not a member of this space") from None
        if not access.may("chat.read"):
            raise Invalid(f"user {uid} may not read this space's chat")


def may_talk_directly(session: Session, user_id: int, others: list[int]) -> None:
    """NotFound unless the person shares a space with each of the others, where they may
    message directly (guests too): nobody else is known to them."""
    mine = {
        access.space.id
        for access in (
            Access(space, member)
            for space, member in session.execute(
                select(Space, Member)
                .join(Member, Member.space_id == Space.id)
                .where(Member.user_id == user_id, Space.delete_at.is_(None))
            ).all()
        )
        if access.may("direct_message")
    }
    for other in others:
        shared = session.scalar(
            select(Member.space_id)
            .where(Member.user_id == other, Member.space_id.in_(mine))
            .limit(1)
        )
        if shared is None:
            raise NotFound(f"no such person: {other}")


MESSAGE_ACTIONS = ("read", "write", "edit", "delete")


@dataclass(frozen=True)
class MessageAccess:
    message: Message
    channel: ChannelAccess


def message_access(session: Session, user_id: int, message_id: int, action: str) -> MessageAccess:
    """NotFound unless the person may read the message's channel; Forbidden unless they may
    `action` it: write (react, pin) in the channel, edit their own, delete their own or, as
    one who manages the space's members, anyone's."""
    if action not in MESSAGE_ACTIONS:
        raise ValueError(action)
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound("no such message")
    try:
        channel = channel_access(
            session, user_id, message.channel_id, "read" if action == "read" else "write"
        )
    except NotFound:
        raise NotFound("no such message") from None
    mine = message.author_id == user_id
    if action == "edit" and not mine:
        raise Forbidden("only its author edits a message")
    admin = channel.space is not None and channel.space.may("manage_members")
    if action == "delete" and not mine and not admin:
        raise Forbidden("only its author and the space's admins delete a message")
    return MessageAccess(message, channel)
