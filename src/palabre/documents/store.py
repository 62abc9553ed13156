"""The tree of a space's documents: create, list, rename, move, duplicate, trash, restore,
delete forever. Each operation takes the caller's session and returns its view and the bus
events it makes (published by the web layer once committed)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..bus import Event, documents_topic
from ..db import utcnow
from ..errors import Forbidden, Invalid
from ..positions import position_between
from ..spaces.store import record
from . import log, rules
from .content import copy_update
from .models import Document
from .policy import document_access, space_documents
from .search import index_document
from .views import DocumentPage, DocumentView, document_view

Events = list[tuple[str, Event]]


def new_id() -> str:
    return uuid.uuid4().hex


def document_event(document: Document, kind: str) -> Events:
    """`document.created`, `document.changed` or `document.deleted`, to the space."""
    event: Event = {"type": kind, "space": document.space_id, "document": document.id}
    return [(documents_topic(document.space_id), event)]


def _parents(session: Session, space_id: int) -> dict[str, str | None]:
    rows = session.execute(
        select(Document.id, Document.parent_id).where(Document.space_id == space_id)
    )
    return {row[0]: row[1] for row in rows}


def _last_position(session: Session, space_id: int, parent_id: str | None) -> float | None:
    return session.scalar(
        select(func.max(Document.position)).where(
            Document.space_id == space_id, Document.parent_id.is_(parent_id)
            if parent_id is None else Document.parent_id == parent_id,
        )
    )  # fmt: skip


def _parent_in_space(session: Session, space_id: int, parent_id: str | None) -> None:
    if parent_id is None:
        return
    parent = session.get(Document, parent_id) if len(parent_id) <= 32 else None
    if parent is None or parent.space_id != space_id:
        raise Invalid("no such parent page in this space")
    if parent.trashed_at is not None:
        raise Invalid("the parent page is in the trash")


def list_documents(
    session: Session, user_id: int, space_id: int, trashed: bool = False
) -> list[DocumentView]:
    """The space's pages (or those in its trash), by parent then position."""
    space_documents(session, user_id, space_id, "read")
    query = select(Document).where(Document.space_id == space_id)
    query = query.where(
        Document.trashed_at.is_not(None) if trashed else Document.trashed_at.is_(None)
    )
    rows = session.scalars(query.order_by(Document.position, Document.created_at, Document.id))
    return [document_view(d) for d in rows]


def create_document(
    session: Session,
    user_id: int,
    space_id: int,
    title: str,
    kind: str = "text",
    parent_id: str | None = None,
    content: bytes = b"",
) -> tuple[DocumentView, Events]:
    """A new page at the end of its parent's (`content`: a first Yjs update, e.g. imported)."""
    space_documents(session, user_id, space_id, "write")
    rules.check_kind(kind)
    _parent_in_space(session, space_id, parent_id)
    if parent_id is not None:
        rules.check_move(_parents(session, space_id), "", parent_id)
    last = _last_position(session, space_id, parent_id)
    document = Document(
        id=new_id(),
        space_id=space_id,
        parent_id=parent_id,
        kind=kind,
        title=rules.clean_title(title),
        position=position_between(last, None),
        created_by=user_id,
    )
    session.add(document)
    session.flush()
    if content:
        log.append(session, document.id, content, user_id)
        log.compact(session, document.id)
    else:
        index_document(session, document, "")
    record(session, space_id, user_id, "document.created", document.title)
    return document_view(document), document_event(document, "document.created")


def get_document(session: Session, user_id: int, document_id: str) -> DocumentPage:
    found = document_access(session, user_id, document_id, "read")
    admin = True
    try:
        document_access(session, user_id, document_id, "admin")
    except Forbidden:
        admin = False
    return DocumentPage(
        document=document_view(found.document), writable=found.writable, admin=admin
    )


def edit_document(
    session: Session,
    user_id: int,
    document_id: str,
    title: str | None = None,
    parent_id: str | None = None,
    move: bool = False,
    after: str | None = None,
) -> tuple[DocumentView, Events]:
    """Rename, and/or move (`move`: under `parent_id`, None the top; after the sibling
    `after`, or first)."""
    document = document_access(session, user_id, document_id, "write").document
    if title is not None:
        document.title = rules.clean_title(title)
        index_document(session, document, document.text)
    if move:
        _parent_in_space(session, document.space_id, parent_id)
        rules.check_move(_parents(session, document.space_id), document.id, parent_id)
        siblings = [
            d
            for d in session.scalars(
                select(Document)
                .where(
                    Document.space_id == document.space_id,
                    Document.trashed_at.is_(None),
                    Document.id != document.id,
                )
                .order_by(Document.position)
            )
            if d.parent_id == parent_id
        ]
        if after is None:
            before_pos, after_pos = None, (siblings[0].position if siblings else None)
        else:
            index = next((i for i, d in enumerate(siblings) if d.id == after), None)
            if index is None:
                raise Invalid("`after` is not a page beside which this one can go")
            before_pos = siblings[index].position
            after_pos = siblings[index + 1].position if index + 1 < len(siblings) else None
        document.parent_id = parent_id
        document.position = position_between(before_pos, after_pos)
    document.updated_at = utcnow()
    record(session, document.space_id, user_id, "document.changed", document.title)
    return document_view(document), document_event(document, "document.changed")


def _subtree(session: Session, document: Document) -> list[Document]:
    ids = rules.subtree(_parents(session, document.space_id), document.id)
    found = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def trash_document(session: Session, user_id: int, document_id: str) -> tuple[DocumentView, Events]:
    """To the trash, with its sub-pages (restored together)."""
    document = document_access(session, user_id, document_id, "write").document
    now = utcnow()
    events: Events = []
    for page in _subtree(session, document):
        if page.trashed_at is None:
            page.trashed_at = now
            events += document_event(page, "document.changed")
    record(session, document.space_id, user_id, "document.trashed", document.title)
    return document_view(document), events


def restore_document(
    session: Session, user_id: int, document_id: str
) -> tuple[DocumentView, Events]:
    """Out of the trash with the sub-pages trashed with it; to the top if its parent stays
    in the trash."""
    found = document_access(session, user_id, document_id, "read")
    space_documents(session, user_id, found.document.space_id, "write")
    document = found.document
    if document.trashed_at is None:
        raise Invalid("this document is not in the trash")
    when = document.trashed_at
    events: Events = []
    for page in _subtree(session, document):
        if page.trashed_at == when:
            page.trashed_at = None
            events += document_event(page, "document.changed")
    if document.parent_id is not None:
        parent = session.get(Document, document.parent_id)
        if parent is None or parent.trashed_at is not None:
            document.parent_id = None
    record(session, document.space_id, user_id, "document.restored", document.title)
    return document_view(document), events


def delete_document(session: Session, user_id: int, document_id: str) -> tuple[None, Events]:
    """Gone for good, with its sub-pages, log, versions, comments and images; only from
    the trash."""
    document = document_access(session, user_id, document_id, "admin").document
    if document.trashed_at is None:
        raise Invalid("only a document in the trash can be deleted forever")
    events: Events = []
    for page in reversed(_subtree(session, document)):
        events += document_event(page, "document.deleted")
        session.delete(page)
    record(session, document.space_id, user_id, "document.deleted", document.title)
    return None, events


def duplicate_document(
    session: Session, user_id: int, document_id: str
) -> tuple[DocumentView, Events]:
    """A copy of the page's content (not its sub-pages, versions or comments), after it."""
    original = document_access(session, user_id, document_id, "read").document
    space_documents(session, user_id, original.space_id, "write")
    copy = Document(
        id=new_id(),
        space_id=original.space_id,
        parent_id=original.parent_id if original.trashed_at is None else None,
        kind=original.kind,
        title=rules.clean_title(f"{original.title} (2)"[: rules.MAX_TITLE]),
        position=original.position + 0.5,
        created_by=user_id,
    )
    session.add(copy)
    session.flush()
    log.append(session, copy.id, copy_update(log.current_state(session, original.id)), user_id)
    log.compact(session, copy.id)
    record(session, copy.space_id, user_id, "document.created", copy.title)
    return document_view(copy), document_event(copy, "document.created")
