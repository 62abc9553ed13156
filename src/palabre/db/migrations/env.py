"""Alembic environment: runs on the connection Database hands over (config.attributes)."""

from __future__ import annotations

from typing import Any

from alembic import context

from palabre.db import Base

config = context.config
connection = config.attributes["connection"]

# Made by hand in the migrations, outside the models, so autogeneration must not drop them:
# the messages' search index (an FTS5 table and its shadow tables on SQLite, a tsvector
# column and its index on PostgreSQL).
HAND_MADE_TABLES = ("message_search",)
HAND_MADE_COLUMNS = {("messages", "search")}
HAND_MADE_INDEXES = {"ix_messages_search"}


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


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
