"""Alembic environment: runs on the connection Database hands over (config.attributes)."""

from __future__ import annotations

from alembic import context

from palabre.db import Base
from palabre.db.migrations.hand_made import include_object

config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
