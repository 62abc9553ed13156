"""The one database of every package: engine, declarative base, sessions, migrations.

- database.py: `Database` (engine, sessions, migration on open), `Base`, `database_url`,
  `Moment` (a timestamp column, aware in UTC) and `utcnow` (its usual default).
- migrations/: the single Alembic history (`python -m palabre.db.migrations MSG` makes the
  next revision from the models).
"""

from .database import MODELS, Base, Database, Moment, database_url, utcnow

__all__ = ["MODELS", "Base", "Database", "Moment", "database_url", "utcnow"]
