"""Full-text search over the messages a person may read, French and English stemming.

SQLite: the FTS5 table `message_search` holds each message's stems (stemming.py), written
here in the transaction that posts, edits or deletes the message. PostgreSQL: the generated
column `messages.search` (to_tsvector 'french' || 'english', GIN index) follows the body by
itself. Either way the query runs only over the channels policy.readable_channels gives, and
a deleted message (body "") has no terms left.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from ..errors import Invalid
from .markdown import render
from .models import Channel, Message
from .policy import readable_channels
from .stemming import excerpt, index_terms, query_words, stems
from .views import MessageView, SearchHit, message_views

MAX_QUERY = 200
MAX_LIMIT = 50


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_message(session: Session, message_id: int, plain_text: str) -> None:
    """(Re)index a message under the words of its text ("" takes it out)."""
    if not _sqlite(session):
        return  # PostgreSQL's generated column follows the body
    session.execute(text("DELETE FROM message_search WHERE rowid = :id"), {"id": message_id})
    terms = index_terms(plain_text)
    if terms:
        session.execute(
            text("INSERT INTO message_search (rowid, terms) VALUES (:id, :terms)"),
            {"id": message_id, "terms": terms},
        )


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _sqlite_ids(session: Session, words: list[str], channels: list[int], limit: int) -> list[int]:
    match = " AND ".join(
        "(" + " OR ".join(_quote(stem) for stem in sorted(stems(word))) + ")" for word in words
    )
    statement = text(
        "SELECT m.id FROM message_search s JOIN messages m ON m.id = s.rowid "
        "WHERE message_search MATCH :match AND m.channel_id IN :channels "
        "AND m.deleted_at IS NULL ORDER BY bm25(message_search), m.id DESC LIMIT :limit"
    ).bindparams(bindparam("channels", expanding=True))
    rows = session.execute(statement, {"match": match, "channels": channels, "limit": limit})
    return [row[0] for row in rows]


def _postgres_ids(session: Session, words: list[str], channels: list[int], limit: int) -> list[int]:
    query = " && ".join(
        f"(plainto_tsquery('french', :w{i}) || plainto_tsquery('english', :w{i}))"
        for i in range(len(words))
    )
    statement = text(
        f"SELECT m.id FROM messages m WHERE m.search @@ ({query}) "  # the words are bound
        "AND m.channel_id IN :channels AND m.deleted_at IS NULL "
        f"ORDER BY ts_rank(m.search, ({query})) DESC, m.id DESC LIMIT :limit"
    ).bindparams(bindparam("channels", expanding=True))
    values: dict[str, object] = {f"w{i}": word for i, word in enumerate(words)}
    rows = session.execute(statement, {**values, "channels": channels, "limit": limit})
    return [row[0] for row in rows]


def search_messages(
    session: Session, user_id: int, query: str, space_id: int | None, limit: int
) -> list[SearchHit]:
    """The messages the person may read (in one space, if given) that hold every word of the
    query, best first, each with a highlighted excerpt."""
    query = query.strip()
    if len(query) > MAX_QUERY:
        raise Invalid(f"a search has at most {MAX_QUERY} characters")
    words = query_words(query)
    if not words:
        raise Invalid("give at least one word to search for")
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}")
    channels = {c.id: c for c in readable_channels(session, user_id, space_id)}
    if not channels:
        return []
    find = _sqlite_ids if _sqlite(session) else _postgres_ids
    ids = find(session, words, list(channels), limit)
    if not ids:
        return []
    found = {m.id: m for m in session.scalars(select(Message).where(Message.id.in_(ids)))}
    messages = [found[i] for i in ids if i in found]
    terms = [stems(word) for word in words]
    return [
        _hit(channels[view.channel], view, excerpt(render(message.body).text, terms))
        for message, view in zip(messages, message_views(session, messages), strict=True)
    ]


def _hit(channel: Channel, view: MessageView, shown: str) -> SearchHit:
    return SearchHit(
        kind="message",
        space=channel.space_id,
        channel=channel.id,
        channel_name=channel.name,
        message=view,
        excerpt=shown,
    )
