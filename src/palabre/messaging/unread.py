"""Unread counts: per channel, the messages after the person's read marker that are not
their own (top-level ones: a reply does not make the channel unread), and among those and
the replies, the ones that mention them or @channel; per space, the sums."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from .models import ChannelMember, Mention, Message
from .policy import readable_channels


def counts(
    session: Session, user_id: int, channel_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """channel id -> (unread, mentions), for the channels given (which the caller may read:
    this asks no policy)."""
    if not channel_ids:
        return {}
    marker = func.coalesce(ChannelMember.last_read_seq, 0)
    place = and_(ChannelMember.channel_id == Message.channel_id, ChannelMember.user_id == user_id)
    not_mine = or_(Message.author_id.is_(None), Message.author_id != user_id)
    unread = session.execute(
        select(Message.channel_id, func.count())
        .outerjoin(ChannelMember, place)
        .where(
            Message.channel_id.in_(channel_ids),
            Message.thread_id.is_(None),
            Message.deleted_at.is_(None),
            not_mine,
            Message.seq > marker,
        )
        .group_by(Message.channel_id)
    ).all()
    mentions = session.execute(
        select(Mention.channel_id, func.count(func.distinct(Mention.message_id)))
        .join(Message, Message.id == Mention.message_id)
        .outerjoin(ChannelMember, place)
        .where(
            Mention.channel_id.in_(channel_ids),
            or_(Mention.user_id == user_id, Mention.user_id.is_(None)),
            not_mine,
            Mention.seq > marker,
        )
        .group_by(Mention.channel_id)
    ).all()
    result = dict.fromkeys(channel_ids, (0, 0))
    for channel_id, count in unread:
        result[channel_id] = (count, 0)
    for channel_id, count in mentions:
        result[channel_id] = (result[channel_id][0], count)
    return result


def by_space(session: Session, user_id: int) -> dict[int, tuple[int, int]]:
    """space id -> (unread, mentions) over the channels of the space the person may read."""
    channels = readable_channels(session, user_id, direct=False)
    per_channel = counts(session, user_id, [c.id for c in channels])
    totals: dict[int, tuple[int, int]] = {}
    for channel in channels:
        assert channel.space_id is not None
        unread, mentions = per_channel[channel.id]
        old = totals.get(channel.space_id, (0, 0))
        totals[channel.space_id] = (old[0] + unread, old[1] + mentions)
    return totals
