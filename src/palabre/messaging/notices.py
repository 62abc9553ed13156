"""Who hears of a message: the mentions it holds (kept for the unread mention counts) and
the notifications it makes (notify.store), each reader's level permitting (rules.py)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..bus import Event
from ..notify.store import add_notification
from . import rules
from .markdown import Rendered
from .mentions import CHANNEL
from .models import Channel, Mention, Message
from .policy import Reader, channel_readers

Events = list[tuple[str, Event]]
EXCERPT = 200


def _excerpt(rendered: Rendered) -> str:
    plain = " ".join(rendered.text.split())
    return plain if len(plain) <= EXCERPT else plain[: EXCERPT - 1] + "…"


def record_mentions(
    session: Session, message: Message, rendered: Rendered, readers: list[Reader]
) -> tuple[set[int], bool]:
    """Replace the message's mentions by those of its text: the readers it names, and
    whether it says @channel."""
    session.execute(delete(Mention).where(Mention.message_id == message.id))
    by_name = {reader.name: reader.user_id for reader in readers}
    named = {by_name[name] for name in rendered.mentions if name in by_name}
    everyone = CHANNEL in rendered.mentions
    for user_id in sorted(named):
        session.add(
            Mention(message_id=message.id, channel_id=message.channel_id, user_id=user_id,
                    seq=message.seq)
        )  # fmt: skip
    if everyone:
        session.add(Mention(message_id=message.id, channel_id=message.channel_id, seq=message.seq))
    return named, everyone


def thread_people(session: Session, root: Message) -> set[int]:
    """The thread's first author and everyone who replied in it so far."""
    authors = set(
        session.scalars(select(Message.author_id).where(Message.thread_id == root.id).distinct())
    )
    authors.add(root.author_id)
    return {a for a in authors if a is not None}


def on_post(
    session: Session,
    channel: Channel,
    message: Message,
    rendered: Rendered,
    root: Message | None,
) -> Events:
    """A new message's mentions and notifications; the events telling its readers."""
    readers = channel_readers(session, channel)
    named, everyone = record_mentions(session, message, rendered, readers)
    in_thread = thread_people(session, root) if root is not None else set()
    events: Events = []
    for reader in readers:
        if reader.user_id == message.author_id:
            continue
        kind = rules.notification_kind(
            rules.effective_level(reader.channel_level, reader.space_level),
            named=reader.user_id in named,
            everyone=everyone,
            direct=channel.kind == "direct",
            in_thread=reader.user_id in in_thread,
        )
        if kind is not None:
            events.append(_notify(session, reader, kind, channel, message, rendered))
    return events


def on_edit(
    session: Session, channel: Channel, message: Message, rendered: Rendered, before: set[int]
) -> Events:
    """An edited message's mentions; a notification for each reader it names now and did
    not before (`before`: who it named)."""
    readers = channel_readers(session, channel)
    named, _ = record_mentions(session, message, rendered, readers)
    events: Events = []
    for reader in readers:
        if reader.user_id == message.author_id or reader.user_id not in named - before:
            continue
        kind = rules.notification_kind(
            rules.effective_level(reader.channel_level, reader.space_level),
            named=True,
            everyone=False,
            direct=channel.kind == "direct",
            in_thread=False,
        )
        if kind is not None:
            events.append(_notify(session, reader, kind, channel, message, rendered))
    return events


def named_in(session: Session, message: Message) -> set[int]:
    return {
        uid
        for uid in session.scalars(select(Mention.user_id).where(Mention.message_id == message.id))
        if uid is not None
    }


def _notify(
    session: Session,
    reader: Reader,
    kind: str,
    channel: Channel,
    message: Message,
    rendered: Rendered,
) -> tuple[str, Event]:
    _, event = add_notification(
        session,
        reader.user_id,
        kind,
        text=_excerpt(rendered),
        actor_id=message.author_id,
        space_id=channel.space_id,
        channel_id=channel.id,
        message_id=message.id,
    )
    return event
