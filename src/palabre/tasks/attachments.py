"""Card attachments: a file of the card's space attached to a card, listed in the card's
view (name, size, a link to the file's content in the files API) and detached. Attaching
takes the right to change the board and to read the file; one who may not read the space's
files sees no attachments. The card's activity records both."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..files.models import FileNode
from ..files.policy import node_access, space_files
from .models import Board, CardActivity, CardAttachment
from .policy import card_access
from .store import Events, changed
from .views import AttachmentView

MAX_ATTACHMENTS = 50


def _view(row: CardAttachment, node: FileNode) -> AttachmentView:
    return AttachmentView(file=node.id, name=node.name, size=node.size,
                          content_type=node.content_type, url=f"/api/files/{node.id}/content",
                          added_by=row.added_by, added_at=row.added_at)  # fmt: skip


def _log(session: Session, card_id: int, user_id: int, verb: str, name: str) -> None:
    session.add(CardActivity(card_id=card_id, actor_id=user_id, verb=verb, detail=name[:256]))


def attach(
    session: Session, user_id: int, card_id: int, file_id: str
) -> tuple[AttachmentView, Events]:
    board, card = card_access(session, user_id, card_id, "write")
    try:
        node = node_access(session, user_id, file_id, "read").node
    except (NotFound, Forbidden):
        raise Invalid("no such file in this space") from None
    if node.space_id != board.space_id or node.kind != "file" or node.trashed_at is not None:
        raise Invalid("no such file in this space")
    if session.get(CardAttachment, (card.id, node.id)) is not None:
        raise Conflict("this file is already attached to the card")
    count = len(session.scalars(select(CardAttachment.file_id)
                                .where(CardAttachment.card_id == card.id)).all())  # fmt: skip
    if count >= MAX_ATTACHMENTS:
        raise Invalid(f"a card has at most {MAX_ATTACHMENTS} attachments")
    row = CardAttachment(card_id=card.id, file_id=node.id, added_by=user_id)
    session.add(row)
    _log(session, card.id, user_id, "attached", node.name)
    session.flush()
    return _view(row, node), changed(board, card.id)


def detach(session: Session, user_id: int, card_id: int, file_id: str) -> tuple[None, Events]:
    board, card = card_access(session, user_id, card_id, "write")
    row = session.get(CardAttachment, (card.id, file_id)) if len(file_id) <= 32 else None
    if row is None:
        raise NotFound("no such attachment")
    node = session.get(FileNode, file_id)
    session.delete(row)
    _log(session, card.id, user_id, "detached", node.name if node is not None else "")
    return None, changed(board, card.id)


def attachments_of(
    session: Session, user_id: int, board: Board, card_id: int
) -> list[AttachmentView]:
    """The card's attachments the person may see: none unless they read the space's files."""
    try:
        space_files(session, user_id, board.space_id, "read")
    except NotFound:
        return []
    rows = session.execute(
        select(CardAttachment, FileNode)
        .join(FileNode, FileNode.id == CardAttachment.file_id)
        .where(CardAttachment.card_id == card_id, FileNode.trashed_at.is_(None))
        .order_by(CardAttachment.added_at, FileNode.name)
    ).all()
    return [_view(row, node) for row, node in rows]
