"""What the API and the pages see of channels and messages: plain msgspec structs.

A MessageView is the same for every reader (it goes on the bus as is); a ChannelView holds
the caller's own read marker, unread counts and notification setting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..files.models import FileNode
from ..files.thumbnails import can_thumbnail
from .models import Channel, Message, MessageAttachment, Reaction


class PersonView(msgspec.Struct, kw_only=True):
    id: int
    name: str
    display_name: str


class ReactionView(msgspec.Struct, kw_only=True):
    emoji: str
    count: int
    users: list[int]  # who reacted, first first


class AttachmentView(msgspec.Struct, kw_only=True):
    """A space file attached to a message, the same for every reader of the channel (see
    files/policy.py): its name, size and type as attached, and whether it is still there.
    The links are the files API's, which answer only those who may read the space's files."""

    file: str | None  # None once deleted forever
    name: str
    size: int
    content_type: str
    state: str  # "ok", or "removed" (in the trash or deleted forever)
    url: str | None  # its content (None once removed)
    thumbnail: str | None  # a WebP thumbnail of an image or a PDF, if it may have one


class MessageView(msgspec.Struct, kw_only=True):
    id: int
    channel: int
    seq: int  # its place in the channel's history
    changed_seq: int  # when it last changed (the catch-up cursor)
    thread_id: int | None  # the thread's first message, for a reply
    author: PersonView | None  # None once the account is gone
    body: str  # Markdown source; "" once deleted
    html: str  # rendered on the server, safe to insert
    client_id: str | None
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    pinned_at: datetime | None
    pinned_by: int | None
    reply_count: int
    last_reply_at: datetime | None
    reactions: list[ReactionView]
    attachments: list[AttachmentView] = []


class ChannelView(msgspec.Struct, kw_only=True):
    id: int
    space: int | None  # None for a direct conversation
    kind: str  # channel or direct
    name: str  # "" for a direct conversation
    topic: str
    private: bool
    created_by: int | None
    created_at: datetime
    archived_at: datetime | None
    last_seq: int
    members: list[PersonView]  # a private channel's or a direct conversation's people
    read_seq: int  # the caller's read marker
    unread: int  # messages (not replies) after it, not the caller's own
    mentions: int  # of those and of replies, the ones naming the caller or @channel
    notify: str  # the caller's setting: default, all, mentions, none


class MessagePage(msgspec.Struct, kw_only=True):
    messages: list[MessageView]
    more: bool  # older messages (history) or later replies (a thread) remain


class Changes(msgspec.Struct, kw_only=True):
    messages: list[MessageView]  # oldest change first
    cursor: int  # ask `after=` this next time
    more: bool  # cut at `limit`: ask again from `cursor` at once


class ReadMarker(msgspec.Struct, kw_only=True):
    channel: int
    seq: int
    unread: int
    mentions: int


class SearchHit(msgspec.Struct, kw_only=True):
    kind: str  # "message" (later: documents, files, tasks)
    space: int | None
    channel: int
    channel_name: str
    message: MessageView
    excerpt: str  # safe HTML, the words found in <mark>


def people(session: Session, user_ids: Sequence[int]) -> dict[int, PersonView]:
    if not user_ids:
        return {}
    rows = session.execute(
        select(User.id, User.name, User.display_name).where(User.id.in_(set(user_ids)))
    ).all()
    return {uid: PersonView(id=uid, name=name, display_name=shown) for uid, name, shown in rows}


def message_views(session: Session, messages: Sequence[Message]) -> list[MessageView]:
    """Views of these messages, authors and reactions read in two queries."""
    if not messages:
        return []
    authors = people(session, [m.author_id for m in messages if m.author_id is not None])
    reactions: dict[int, dict[str, list[int]]] = {}
    for reaction in session.scalars(
        select(Reaction)
        .where(Reaction.message_id.in_([m.id for m in messages]))
        .order_by(Reaction.created_at, Reaction.user_id)
    ):
        reactions.setdefault(reaction.message_id, {}).setdefault(reaction.emoji, []).append(
            reaction.user_id
        )
    attached = attachment_views(session, [m.id for m in messages])
    return [
        MessageView(
            id=m.id,
            channel=m.channel_id,
            seq=m.seq,
            changed_seq=m.changed_seq,
            thread_id=m.thread_id,
            author=authors.get(m.author_id) if m.author_id is not None else None,
            body=m.body,
            html=m.html,
            client_id=m.client_id,
            created_at=m.created_at,
            edited_at=m.edited_at,
            deleted=m.deleted_at is not None,
            pinned_at=m.pinned_at,
            pinned_by=m.pinned_by,
            reply_count=m.reply_count,
            last_reply_at=m.last_reply_at,
            reactions=[
                ReactionView(emoji=e, count=len(users), users=users)
                for e, users in reactions.get(m.id, {}).items()
            ],
            attachments=attached.get(m.id, []),
        )
        for m in messages
    ]


def attachment_views(
    session: Session, message_ids: Sequence[int]
) -> dict[int, list[AttachmentView]]:
    """The attachments of these messages, in their order, read in one query."""
    out: dict[int, list[AttachmentView]] = {}
    if not message_ids:
        return out
    rows = session.execute(
        select(MessageAttachment, FileNode)
        .outerjoin(FileNode, FileNode.id == MessageAttachment.file_id)
        .where(MessageAttachment.message_id.in_(list(message_ids)))
        .order_by(MessageAttachment.message_id, MessageAttachment.position, MessageAttachment.id)
    ).all()
    for row, node in rows:
        there = node is not None and node.trashed_at is None
        url = f"/api/files/{node.id}/content" if there and node is not None else None
        thumbnail = None
        if there and node is not None and can_thumbnail(node.content_type):
            thumbnail = f"/api/files/{node.id}/thumbnail?size=small&v={node.sha256}"
        out.setdefault(row.message_id, []).append(
            AttachmentView(file=row.file_id, name=row.name, size=row.size,
                           content_type=row.content_type, state="ok" if there else "removed",
                           url=url, thumbnail=thumbnail)
        )  # fmt: skip
    return out


def message_view(session: Session, message: Message) -> MessageView:
    return message_views(session, [message])[0]


def channel_view(
    channel: Channel,
    *,
    members: list[PersonView],
    read_seq: int,
    unread: int,
    mentions: int,
    notify: str,
) -> ChannelView:
    return ChannelView(
        id=channel.id,
        space=channel.space_id,
        kind=channel.kind,
        name=channel.name,
        topic=channel.topic,
        private=channel.private,
        created_by=channel.created_by,
        created_at=channel.created_at,
        archived_at=channel.archived_at,
        last_seq=channel.last_seq,
        members=members,
        read_seq=read_seq,
        unread=unread,
        mentions=mentions,
        notify=notify,
    )
