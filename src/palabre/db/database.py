"""The database: SQLAlchemy 2, a SQLite file (WAL) in the data directory unless
`database_url` names another (PostgreSQL in production). Its schema is brought up to date by
the one Alembic history in migrations/ each time it is opened.

Every package's models derive from `Base` and are listed in MODELS, so that the migrations
(and their autogeneration) see all of them; this package imports none of them itself.
Calls are synchronous: async code runs them in a thread (Starlette's run_in_threadpool), so a
query never blocks the event loop.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, Dialect, Engine, TypeDecorator, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

from ..config import Settings

MIGRATIONS = Path(__file__).parent / "migrations"

# The modules that define tables, imported before migrating (module names, not imports, so
# that db stays beneath the packages that use it).
MODELS = (
    "palabre.accounts.users",
    "palabre.accounts.api_tokens",
    "palabre.accounts.sign_in_links",
    "palabre.spaces.models",
    "palabre.messaging.models",
    "palabre.notify.models",
    "palabre.documents.models",
    "palabre.files.models",
    "palabre.calendars.models",
    "palabre.polls.models",
    "palabre.tasks.models",
    "palabre.transfers.models",
    "palabre.stats.usage",
)


def utcnow() -> datetime:
    """Now, timezone-aware (UTC): the default of every timestamp column."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Moment(TypeDecorator[datetime]):
    """A timestamp that comes back timezone-aware in UTC on every database (SQLite keeps
    none: what it returns naive was written in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware one")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{Path(settings.data_dir).resolve() / 'palabre.db'}"


class Database:
    """An engine and a session factory; the schema is migrated to the latest on open."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            path = Path(url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)  # password hashes: readable by the server's user only
        self.url = url
        if url in ("sqlite://", "sqlite:///:memory:"):  # one shared in-memory database
            self.engine: Engine = create_engine(
                url, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        else:
            self.engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.upgrade()

    def upgrade(self) -> None:
        """Apply the migrations not yet applied (Alembic, `alembic_version` table)."""
        from alembic import command
        from alembic.config import Config

        for module in MODELS:
            importlib.import_module(module)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(database_url(settings))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction, committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
