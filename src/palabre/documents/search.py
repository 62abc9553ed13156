"""Full-text search over the documents a person may read: titles and text, French and
English stems, as messaging/search.py does for messages.

SQLite: the FTS5 table `document_search` (document id, stems) written here when a document
is made, renamed or compacted. PostgreSQL: the generated column `documents.search` follows
the title and text by itself. The query runs only over the spaces whose documents the person
may read (policy), and finds no trashed document."""

from __future__ import annotations

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from ..errors import Invalid
from ..messaging.stemming import excerpt, index_terms, query_words, stems
from ..spaces.models import Member, Space
from ..spaces.policy import Access
from .models import Document
from .views import DocumentHit, document_view

MAX_QUERY = 200
MAX_LIMIT = 50


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_document(session: Session, document: Document, plain_text: str) -> None:
    """(Re)index the document under the words of its title and text."""
    if not _sqlite(session):
        return
    session.execute(text("DELETE FROM document_search WHERE document = :id"), {"id": document.id})
    terms = index_terms(f"{document.title}\n{plain_text}")
    if terms:
        session.execute(
            text("INSERT INTO document_search (document, terms) VALUES (:id, :terms)"),
            {"id": document.id, "terms": terms},
        )


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def readable_spaces(session: Session, user_id: int, space_id: int | None = None) -> list[int]:
    query = select(Space, Member).join(Member, Member.space_id == Space.id)
    query = query.where(Member.user_id == user_id)
    if space_id is not None:
        query = query.where(Space.id == space_id)
    return [
        space.id
        for space, member in session.execute(query).all()
        if Access(space, member).may("documents.read") and space.delete_at is None
    ]


def search_documents(
    session: Session, user_id: int, query: str, space_id: int | None = None, limit: int = 20
) -> list[DocumentHit]:
    if len(query) > MAX_QUERY:
        raise Invalid(f"a search has at most {MAX_QUERY} characters")
    words = query_words(query)
    if not words:
        raise Invalid("search for at least one word")
    limit = max(1, min(limit, MAX_LIMIT))
    spaces = readable_spaces(session, user_id, space_id)
    if not spaces:
        return []
    if _sqlite(session):
        match = " AND ".join(
            "(" + " OR ".join(_quote(stem) for stem in sorted(stems(word))) + ")" for word in words
        )
        statement = text(
            "SELECT d.id FROM document_search s JOIN documents d ON d.id = s.document "
            "WHERE document_search MATCH :match AND d.space_id IN :spaces "
            "AND d.trashed_at IS NULL ORDER BY bm25(document_search) LIMIT :limit"
        ).bindparams(bindparam("spaces", expanding=True))
        params: dict[str, object] = {"match": match, "spaces": spaces, "limit": limit}
    else:
        query_sql = " && ".join(
            f"(plainto_tsquery('french', :w{i}) || plainto_tsquery('english', :w{i}))"
            for i in range(len(words))
        )
        statement = text(
            f"SELECT d.id FROM documents d WHERE d.search @@ ({query_sql}) "  # words bound
            "AND d.space_id IN :spaces AND d.trashed_at IS NULL "
            f"ORDER BY ts_rank(d.search, ({query_sql})) DESC LIMIT :limit"
        ).bindparams(bindparam("spaces", expanding=True))
        params = {f"w{i}": word for i, word in enumerate(words)}
        params.update({"spaces": spaces, "limit": limit})
    ids = [row[0] for row in session.execute(statement, params)]
    found = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    terms = [stems(word) for word in words]
    hits = []
    for document_id in ids:
        document = found[document_id]
        hits.append(
            DocumentHit(
                document=document_view(document),
                excerpt=excerpt(document.text or document.title, terms),
            )
        )
    return hits
