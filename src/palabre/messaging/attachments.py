"""Space files attached to messages: references to the channel's space's files, not copies
(files/policy.py says who sees what of them). Attaching takes the right to write in the
channel and to read each file, which must be a file (not a folder) of the channel's own
space, not in the trash; a direct conversation has no space, so no attachments. Taking an
attachment off a message is for those who may delete the message (its author, the space's
admins); it changes the message like an edit, on the bus as `message.changed`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..files.models import FileNode
from ..files.policy import node_access
from .models import Channel, Message, MessageAttachment
from .policy import message_access

MAX_ATTACHMENTS = 10


def files_to_attach(
    session: Session, user_id: int, channel: Channel, file_ids: Sequence[str]
) -> list[FileNode]:
    """The files, checked, in the order given (a file named twice counts once)."""
    if not file_ids:
        return []
    if channel.space_id is None:
        raise Invalid("a direct conversation cannot hold files of a space")
    unique = list(dict.fromkeys(file_ids))
    if len(unique) > MAX_ATTACHMENTS:
        raise Invalid(f"a message holds at most {MAX_ATTACHMENTS} files")
    nodes = []
    for file_id in unique:
        try:
            node = node_access(session, user_id, file_id, "read").node
        except (NotFound, Forbidden):
            raise Invalid("no such file in this space") from None
        if node.space_id != channel.space_id or node.kind != "file":
            raise Invalid("no such file in this space")
        if node.trashed_at is not None:
            raise Invalid("this file is in the trash")
        nodes.append(node)
    return nodes


def attach(session: Session, message: Message, nodes: Sequence[FileNode]) -> None:
    for position, node in enumerate(nodes):
        session.add(MessageAttachment(message_id=message.id, file_id=node.id, position=position,
                                      name=node.name, size=node.size,
                                      content_type=node.content_type))  # fmt: skip


def drop_all(session: Session, message_id: int) -> None:
    session.execute(delete(MessageAttachment).where(MessageAttachment.message_id == message_id))


def detach(session: Session, user_id: int, message_id: int, file_id: str) -> Message:
    """Take the file off the message (NotFound if it is not on it); the caller bumps the
    message's changed_seq."""
    message = message_access(session, user_id, message_id, "delete").message
    if message.deleted_at is not None:
        raise Conflict("this message was deleted")
    row = session.scalar(
        select(MessageAttachment).where(
            MessageAttachment.message_id == message.id, MessageAttachment.file_id == file_id
        )
    )
    if row is None:
        raise NotFound("no such attachment")
    if (
        not message.body.strip()
        and len(
            session.scalars(
                select(MessageAttachment.id).where(MessageAttachment.message_id == message.id)
            ).all()
        )
        == 1
    ):
        raise Invalid("a message cannot be left empty: delete it instead")
    session.delete(row)
    return message
