"""The tables of messaging: channels (and direct conversations), messages, reactions, and
the space files attached to messages (references to file_nodes, not copies).

Every change to a channel's messages (a post, an edit, a delete, a reaction, a pin) takes the
channel's next `last_seq`: a message's `seq` orders the history, its `changed_seq` says when
it last changed, so a page catches up with "what changed after my cursor" in one query.

The search index is no model: the migration makes it by hand, an FTS5 table
(`message_search`) on SQLite and a generated tsvector column (`messages.search`) with a GIN
index on PostgreSQL (search.py reads and keeps it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Moment, utcnow


class Channel(Base):
    __tablename__ = "channels"
    # A channel's name is unique in its space (direct conversations have no space).
    __table_args__ = (
        Index("ix_channels_space_id_name", "space_id", "name", unique=True),
        Index("ix_channels_direct_key", "direct_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a direct conversation, which belongs to its members alone.
    space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), default=None, index=True
    )
    kind: Mapped[str] = mapped_column(String(8), default="channel")  # channel or direct
    name: Mapped[str] = mapped_column(String(80), default="")
    topic: Mapped[str] = mapped_column(String(500), default="")
    private: Mapped[bool] = mapped_column(Boolean, default=False)  # members listed only
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    # A direct conversation's people, as a key (rules.direct_key): one conversation per set.
    direct_key: Mapped[str | None] = mapped_column(String(64), default=None)


class ChannelMember(Base):
    """A person's place in a channel: the access list of a private channel or a direct
    conversation, and for any channel the read marker and the notification setting."""

    __tablename__ = "channel_members"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Listed: may read a private channel or a direct conversation (public channels need no row).
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    last_read_seq: Mapped[int] = mapped_column(Integer, default=0)
    notify: Mapped[str] = mapped_column(String(16), default="default")  # or all/mentions/none
    joined_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel_id", "seq"),
        # A client's retry of the same post (same author, same client_id) is the same message.
        UniqueConstraint("author_id", "client_id"),
        Index("ix_messages_channel_id_changed_seq", "channel_id", "changed_seq"),
        Index("ix_messages_thread_id_seq", "thread_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    changed_seq: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    thread_id: Mapped[int | None] = mapped_column(  # the thread's first message, for a reply
        ForeignKey("messages.id", ondelete="CASCADE"), default=None
    )
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown source; "" once deleted
    html: Mapped[str] = mapped_column(Text, default="")  # rendered, safe to insert
    client_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    pinned_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    pinned_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    last_reply_at: Mapped[datetime | None] = mapped_column(Moment, default=None)


class Reaction(Base):
    __tablename__ = "reactions"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    emoji: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class Mention(Base):
    """A message naming a person (`user_id`) or the whole channel (`user_id` None, for
    @channel): what the mention counts of the unread messages are made of."""

    __tablename__ = "message_mentions"
    __table_args__ = (
        Index("ix_message_mentions_channel_id_user_id_seq", "channel_id", "user_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    seq: Mapped[int] = mapped_column(Integer)  # the message's, to count those after a marker


class MessageAttachment(Base):
    """A file of the channel's space attached to a message: a reference (the file's content
    is the files package's), with the name, size and type it had when attached, which the
    message shows even once the file is gone (`file_id` None: deleted forever)."""

    __tablename__ = "message_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[str | None] = mapped_column(
        ForeignKey("file_nodes.id", ondelete="SET NULL"), default=None, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    content_type: Mapped[str] = mapped_column(String(128), default="")
