"""Comments on a document: a thread starts on a selection (its ends anchored as Yjs relative
positions, so it follows the text as it moves), gets replies, is resolved and reopened.
Writers comment; the author or an admin of the document deletes a comment."""

from __future__ import annotations

import base64
import binascii

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..bus import Event, documents_topic
from ..db import utcnow
from ..errors import Forbidden, Invalid, NotFound
from . import rules
from .models import Document, DocumentComment
from .policy import document_access
from .views import CommentView, comment_view

Events = list[tuple[str, Event]]
MAX_ANCHOR = 1024  # characters of base64: a relative position is a few dozen bytes
MAX_QUOTE = 2000


def _event(document: Document, comment: DocumentComment, kind: str) -> Events:
    event: Event = {
        "type": kind,
        "space": document.space_id,
        "document": document.id,
        "comment": comment_view_dict(comment),
    }
    return [(documents_topic(document.space_id), event)]


def comment_view_dict(comment: DocumentComment) -> dict[str, object]:
    built: dict[str, object] = msgspec.to_builtins(comment_view(comment))
    return built


def _anchor(value: str) -> str:
    if len(value) > MAX_ANCHOR:
        raise Invalid("an anchor is a Yjs relative position, base64")
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("an anchor is a Yjs relative position, base64") from None
    return value


def list_comments(session: Session, user_id: int, document_id: str) -> list[CommentView]:
    document_access(session, user_id, document_id, "read")
    rows = session.scalars(
        select(DocumentComment)
        .where(DocumentComment.document_id == document_id)
        .order_by(DocumentComment.id)
    )
    return [comment_view(c) for c in rows]


def add_comment(
    session: Session,
    user_id: int,
    document_id: str,
    body: str,
    anchor_start: str = "",
    anchor_end: str = "",
    quote: str = "",
    thread_id: int | None = None,
) -> tuple[CommentView, Events]:
    """A new thread on a selection (both anchors), or a reply to `thread_id`."""
    document = document_access(session, user_id, document_id, "comment").document
    if thread_id is not None:
        thread = session.get(DocumentComment, thread_id)
        if thread is None or thread.document_id != document_id or thread.thread_id is not None:
            raise Invalid("no such thread in this document")
        comment = DocumentComment(
            document_id=document_id, thread_id=thread_id, author_id=user_id,
            body=rules.clean_comment(body),
        )  # fmt: skip
    else:
        if not anchor_start or not anchor_end:
            raise Invalid("a new comment is on a selection: anchor_start and anchor_end")
        comment = DocumentComment(
            document_id=document_id,
            author_id=user_id,
            body=rules.clean_comment(body),
            anchor_start=_anchor(anchor_start),
            anchor_end=_anchor(anchor_end),
            quote=quote[:MAX_QUOTE],
        )
    session.add(comment)
    session.flush()
    return comment_view(comment), _event(document, comment, "comment.created")


def _comment(session: Session, document_id: str, comment_id: int) -> DocumentComment:
    comment = session.get(DocumentComment, comment_id)
    if comment is None or comment.document_id != document_id:
        raise NotFound("no such comment")
    return comment


def resolve_comment(
    session: Session, user_id: int, document_id: str, comment_id: int, resolved: bool
) -> tuple[CommentView, Events]:
    """Resolve (or reopen) a thread."""
    document = document_access(session, user_id, document_id, "comment").document
    comment = _comment(session, document_id, comment_id)
    if comment.thread_id is not None:
        raise Invalid("resolve the thread, not a reply")
    if resolved and comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by = utcnow(), user_id
    elif not resolved:
        comment.resolved_at, comment.resolved_by = None, None
    return comment_view(comment), _event(document, comment, "comment.changed")


def edit_comment(
    session: Session, user_id: int, document_id: str, comment_id: int, body: str
) -> tuple[CommentView, Events]:
    document = document_access(session, user_id, document_id, "comment").document
    comment = _comment(session, document_id, comment_id)
    if comment.author_id != user_id:
        raise Forbidden("only its author edits a comment")
    comment.body = rules.clean_comment(body)
    return comment_view(comment), _event(document, comment, "comment.changed")


def delete_comment(
    session: Session, user_id: int, document_id: str, comment_id: int
) -> tuple[None, Events]:
    found = document_access(session, user_id, document_id, "comment")
    comment = _comment(session, document_id, comment_id)
    if comment.author_id != user_id:
        document_access(session, user_id, document_id, "admin")
    events = _event(found.document, comment, "comment.deleted")
    session.delete(comment)
    return None, events
