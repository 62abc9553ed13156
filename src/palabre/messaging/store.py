"""Messages in the database: post, read (history, threads, changes since a cursor), edit,
delete, react, pin. Each operation runs in the caller's transaction, asks the policy first,
and returns views with the bus events to publish once committed.

Every change takes the channel's next sequence number with one
`UPDATE channels SET last_seq = last_seq + 1 ... RETURNING`: on PostgreSQL the row stays
locked until the transaction ends, so two posts never share a number and changes commit in
their numbers' order (a page reading `changes` never skips one still being written); SQLite
has one writer at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..bus import Event, channel_topic
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..notify.store import remove_notifications
from . import attachments, notices, rules
from .markdown import render
from .models import Channel, Mention, Message, MessageAttachment, Reaction
from .policy import channel_access, message_access
from .search import index_message
from .views import Changes, MessagePage, MessageView, message_view, message_views

Events = list[tuple[str, Event]]
MAX_PAGE = 200


def next_seq(session: Session, channel_id: int) -> int:
    """The channel's next sequence number (its row locked until the transaction ends)."""
    seq = session.execute(
        update(Channel)
        .where(Channel.id == channel_id)
        .values(last_seq=Channel.last_seq + 1)
        .returning(Channel.last_seq),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    return int(seq)


def _changed(view: MessageView) -> tuple[str, Event]:
    return (channel_topic(view.channel), {"type": "message.changed", "channel": view.channel,
                                          "message": view})  # fmt: skip


def post_message(
    session: Session,
    user_id: int,
    channel_id: int,
    body: str,
    client_id: str,
    thread_id: int | None = None,
    files: Sequence[str] = (),
) -> tuple[MessageView, bool, Events]:
    """A new message (True), or the one this author already posted with this `client_id`
    (False: a retry). A reply (`thread_id`) joins the thread of that message. `files`:
    files of the channel's space attached to it (attachments.py); with some, the text may
    be empty."""
    channel = channel_access(session, user_id, channel_id, "write").channel
    body = rules.clean_body(body, empty=bool(files))
    client_id = rules.check_client_id(client_id)
    known = session.scalar(
        select(Message).where(Message.author_id == user_id, Message.client_id == client_id)
    )
    if known is not None:
        if known.channel_id != channel_id:
            raise Conflict("this client_id is already that of another message")
        return message_view(session, known), False, []
    nodes = attachments.files_to_attach(session, user_id, channel, files)
    seq = next_seq(session, channel_id)
    root = None
    if thread_id is not None:
        root = session.get(Message, thread_id)
        if root is None or root.channel_id != channel_id:
            raise NotFound("no such message")
        if root.thread_id is not None:
            root = session.get(Message, root.thread_id)
            assert root is not None
        if root.deleted_at is not None:
            raise Conflict("this message was deleted")
    rendered = render(body)
    now = utcnow()
    message = Message(
        channel_id=channel_id, seq=seq, changed_seq=seq, author_id=user_id,
        thread_id=root.id if root else None, body=body, html=rendered.html,
        client_id=client_id, created_at=now,
    )  # fmt: skip
    session.add(message)
    session.flush()
    attachments.attach(session, message, nodes)
    index_message(session, message.id, rendered.text)
    events: Events = []
    if root is not None:
        session.execute(
            update(Message)
            .where(Message.id == root.id)
            .values(reply_count=Message.reply_count + 1, last_reply_at=now, changed_seq=seq),
            execution_options={"synchronize_session": False},
        )
        session.refresh(root)
    notified = notices.on_post(session, channel, message, rendered, root)
    view = message_view(session, message)
    events.append(
        (channel_topic(channel_id), {"type": "message.posted", "channel": channel_id,
                                     "message": view})
    )  # fmt: skip
    if root is not None:
        events.append(_changed(message_view(session, root)))
    return view, True, events + notified


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}")
    return limit


def history(
    session: Session, user_id: int, channel_id: int, before: int | None, limit: int
) -> MessagePage:
    """Top-level messages, newest first, older than `before` (a seq) if given."""
    channel_access(session, user_id, channel_id, "read")
    query = select(Message).where(Message.channel_id == channel_id, Message.thread_id.is_(None))
    if before is not None:
        query = query.where(Message.seq < before)
    rows = list(session.scalars(query.order_by(Message.seq.desc()).limit(_limit(limit) + 1)))
    return MessagePage(messages=message_views(session, rows[:limit]), more=len(rows) > limit)


def thread(
    session: Session, user_id: int, channel_id: int, root_id: int, after: int | None, limit: int
) -> MessagePage:
    """A thread's replies, oldest first, after `after` (a seq) if given."""
    channel_access(session, user_id, channel_id, "read")
    root = session.get(Message, root_id)
    if root is None or root.channel_id != channel_id or root.thread_id is not None:
        raise NotFound("no such thread")
    query = select(Message).where(Message.thread_id == root.id)
    if after is not None:
        query = query.where(Message.seq > after)
    rows = list(session.scalars(query.order_by(Message.seq).limit(_limit(limit) + 1)))
    return MessagePage(messages=message_views(session, rows[:limit]), more=len(rows) > limit)


def changes(session: Session, user_id: int, channel_id: int, after: int, limit: int) -> Changes:
    """Every message (replies too) changed after the cursor `after`, oldest change first."""
    if after < 0:
        raise Invalid("after is a cursor (0 or more)")
    channel = channel_access(session, user_id, channel_id, "read").channel
    # Read before the messages: a change committed in between comes again next time, never
    # goes missing (changes commit in their numbers' order).
    last_seq = channel.last_seq
    rows = list(
        session.scalars(
            select(Message)
            .where(Message.channel_id == channel_id, Message.changed_seq > after)
            .order_by(Message.changed_seq, Message.id)
            .limit(_limit(limit) + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    if more:
        cursor = rows[-1].changed_seq
    else:
        cursor = max([after, last_seq, *(m.changed_seq for m in rows)])
    return Changes(messages=message_views(session, rows), cursor=cursor, more=more)


def edit_message(
    session: Session, user_id: int, message_id: int, body: str
) -> tuple[MessageView, Events]:
    access = message_access(session, user_id, message_id, "edit")
    message, channel = access.message, access.channel.channel
    if message.deleted_at is not None:
        raise Conflict("this message was deleted")
    body = rules.clean_body(body)
    if body == message.body:
        return message_view(session, message), []
    before = notices.named_in(session, message)
    rendered = render(body)
    message.changed_seq = next_seq(session, channel.id)
    message.body, message.html, message.edited_at = body, rendered.html, utcnow()
    session.flush()
    index_message(session, message.id, rendered.text)
    notified = notices.on_edit(session, channel, message, rendered, before)
    view = message_view(session, message)
    return view, [_changed(view), *notified]


def delete_message(session: Session, user_id: int, message_id: int) -> tuple[MessageView, Events]:
    """The message keeps its place, shown as deleted: no text, reactions, pin or mentions
    left, out of the search index, its notifications taken back."""
    message = message_access(session, user_id, message_id, "delete").message
    if message.deleted_at is not None:
        return message_view(session, message), []
    message.changed_seq = next_seq(session, message.channel_id)
    message.body = message.html = ""
    message.deleted_at = utcnow()
    message.pinned_at = message.pinned_by = None
    session.execute(delete(Reaction).where(Reaction.message_id == message.id))
    session.execute(delete(Mention).where(Mention.message_id == message.id))
    attachments.drop_all(session, message.id)
    remove_notifications(session, message.id)
    session.flush()
    index_message(session, message.id, "")
    view = message_view(session, message)
    return view, [_changed(view)]


def detach_file(
    session: Session, user_id: int, message_id: int, file_id: str
) -> tuple[MessageView, Events]:
    """Take a file off a message (its author, or the space's admins)."""
    message = attachments.detach(session, user_id, message_id, file_id)
    message.changed_seq = next_seq(session, message.channel_id)
    session.flush()
    view = message_view(session, message)
    return view, [_changed(view)]


def files_changed(session: Session, file_ids: Sequence[str]) -> Events:
    """The messages these files are attached to, changed (a file trashed or restored: its
    attachments say "removed" or show it again): each takes its channel's next number."""
    if not file_ids:
        return []
    messages = session.scalars(
        select(Message)
        .join(MessageAttachment, MessageAttachment.message_id == Message.id)
        .where(MessageAttachment.file_id.in_(list(file_ids)), Message.deleted_at.is_(None))
        .distinct()
        .order_by(Message.id)
    ).all()
    events: Events = []
    for message in messages:
        message.changed_seq = next_seq(session, message.channel_id)
    session.flush()
    for message in messages:
        events.append(_changed(message_view(session, message)))
    return events


def react(
    session: Session, user_id: int, message_id: int, emoji: str, on: bool
) -> tuple[MessageView, Events]:
    """Add (`on`) or take back the person's reaction; doing it twice changes nothing."""
    message = message_access(session, user_id, message_id, "write").message
    emoji = rules.check_emoji(emoji)
    if message.deleted_at is not None:
        raise Conflict("this message was deleted")
    seq = next_seq(session, message.channel_id)
    mine = session.get(Reaction, (message.id, user_id, emoji))
    if on == (mine is not None):
        return message_view(session, message), []
    if on:
        kinds = session.scalar(
            select(func.count(func.distinct(Reaction.emoji))).where(
                Reaction.message_id == message.id
            )
        )
        present = session.scalar(
            select(Reaction.emoji).where(Reaction.message_id == message.id,
                                         Reaction.emoji == emoji).limit(1)
        )  # fmt: skip
        if present is None and (kinds or 0) >= rules.MAX_REACTIONS:
            raise Invalid(f"a message holds at most {rules.MAX_REACTIONS} different reactions")
        session.add(Reaction(message_id=message.id, user_id=user_id, emoji=emoji))
    else:
        assert mine is not None
        session.delete(mine)
    message.changed_seq = seq
    session.flush()
    view = message_view(session, message)
    return view, [_changed(view)]


def pin(session: Session, user_id: int, message_id: int, on: bool) -> tuple[MessageView, Events]:
    """Pin (`on`) or unpin a message; doing it twice changes nothing."""
    message = message_access(session, user_id, message_id, "write").message
    if message.deleted_at is not None:
        raise Conflict("this message was deleted")
    if on == (message.pinned_at is not None):
        return message_view(session, message), []
    message.changed_seq = next_seq(session, message.channel_id)
    message.pinned_at = utcnow() if on else None
    message.pinned_by = user_id if on else None
    session.flush()
    view = message_view(session, message)
    return view, [_changed(view)]


def pins(session: Session, user_id: int, channel_id: int) -> list[MessageView]:
    """The channel's pinned messages, the latest pinned first."""
    channel_access(session, user_id, channel_id, "read")
    rows = session.scalars(
        select(Message)
        .where(Message.channel_id == channel_id, Message.pinned_at.is_not(None))
        .order_by(Message.pinned_at.desc(), Message.id.desc())
    )
    return message_views(session, list(rows))
