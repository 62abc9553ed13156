"""What the migrations make by hand, outside the models, which comparing the database with
the models (autogeneration, the schema test) must leave alone."""

from __future__ import annotations

from typing import Any

# The messages' and documents' search indexes (an FTS5 table and its shadow tables on
# SQLite, a tsvector column and its index on PostgreSQL).
HAND_MADE_TABLES = ("message_search", "document_search")
HAND_MADE_COLUMNS = {("messages", "search"), ("documents", "search")}
HAND_MADE_INDEXES = {"ix_messages_search", "ix_documents_search"}


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    if not reflected or compare_to is not None or name is None:
        return True
    if type_ == "table":
        return not name.startswith(HAND_MADE_TABLES)
    if type_ == "column":
        return (obj.table.name, name) not in HAND_MADE_COLUMNS
    if type_ == "index":
        return name not in HAND_MADE_INDEXES
    return True
