"""May this person read or write in this channel? Space channels follow the space's policy
(its chat module) and, when private, the channel's list; a direct conversation belongs to its
listed members only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Forbidden, NotFound
from ..spaces.policy import Access, membership
from .models import Channel, ChannelMember

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
