"""A document's content in the database: its snapshot plus the log of updates after it.

Every update a client sends is appended here, in its own committed transaction, before the
room applies it or shows it to anyone (sync.py): what was acknowledged is on disk.
Compaction folds the log into the snapshot: it takes the document's row for writing first
(PostgreSQL's row lock; on SQLite the write lock), so two compactions never overwrite each
other's snapshot, and it deletes only the rows it folded, so an update appended meanwhile
stays in the log."""

from __future__ import annotations

from sqlalchemy import delete, literal, select, union_all, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import NotFound
from . import content
from .models import Document, DocumentUpdate
from .search import index_document


def append(session: Session, document_id: str, data: bytes, author_id: int | None) -> int:
    """The update's row id (its place in the log)."""
    row = DocumentUpdate(document_id=document_id, data=data, author_id=author_id)
    session.add(row)
    session.flush()
    return row.id


def read(session: Session, document_id: str) -> tuple[bytes, list[bytes]]:
    """The snapshot and the updates after it, oldest first.

    Both come from one statement, which sees one state of the database on every engine: read
    in two, a compaction committing between them gave the old snapshot and an emptied log (a
    document read as empty: seen under PostgreSQL's READ COMMITTED in tests/documents/
    test_sync.py, and on SQLite, whose driver runs each SELECT outside a transaction, in
    tests/documents/test_board.py). Updates appended meanwhile are harmless either way: they
    come after the snapshot, and an update applies once."""
    head = select(
        Document.snapshot.label("data"), literal(0).label("part"), literal(0).label("seq")
    ).where(Document.id == document_id)
    log = select(DocumentUpdate.data, literal(1), DocumentUpdate.id).where(
        DocumentUpdate.document_id == document_id
    )
    rows = session.execute(union_all(head, log).order_by("part", "seq")).all()
    if not rows or rows[0].part != 0:
        raise NotFound("no such document")
    return rows[0].data, [row.data for row in rows[1:]]


def current_state(session: Session, document_id: str) -> bytes:
    """The whole content as one update."""
    snapshot, updates = read(session, document_id)
    return content.state(content.load(snapshot, updates))


def pending(session: Session, document_id: str) -> int:
    """How many updates wait in the log."""
    return len(
        session.scalars(
            select(DocumentUpdate.id).where(DocumentUpdate.document_id == document_id)
        ).all()
    )


def compact(session: Session, document_id: str) -> int:
    """Fold the log into the snapshot (and refresh the search text); the number folded."""
    taken = session.execute(
        update(Document).where(Document.id == document_id).values(kind=Document.kind)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        raise NotFound("no such document")
    document = session.get(Document, document_id, populate_existing=True)
    assert document is not None
    rows = session.execute(
        select(DocumentUpdate.id, DocumentUpdate.data)
        .where(DocumentUpdate.document_id == document_id)
        .order_by(DocumentUpdate.id)
    ).all()
    doc = content.load(document.snapshot, [data for _, data in rows])
    document.snapshot = content.state(doc)
    text = content.plain_text(doc, document.kind)
    if rows or text != document.text:
        document.text = text
        document.updated_at = utcnow()
        index_document(session, document, text)
    if rows:
        session.execute(
            delete(DocumentUpdate).where(DocumentUpdate.id.in_([row_id for row_id, _ in rows]))
        )
    return len(rows)


def kind_of(session: Session, document_id: str) -> str:
    kind = session.scalar(select(Document.kind).where(Document.id == document_id))
    if kind is None:
        raise NotFound("no such document")
    return kind
