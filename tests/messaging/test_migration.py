"""Migration 0005 (messaging) goes down and up again on SQLite and PostgreSQL without losing a
message (SQLite must not copy the channels table: the copy would cascade to the messages)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from palabre.db import Database
from palabre.db.database import MIGRATIONS


def migrate(db: Database, target: str, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)


def test_down_and_up_keeps_the_messages(database_url: str) -> None:
    db = Database(database_url)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, name, display_name, created_at, guest, email_visible) "
                "VALUES (1, 'a', 'A', CURRENT_TIMESTAMP, false, false)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO channels (id, kind, name, topic, private, last_seq, created_at) "
                "VALUES (1, 'channel', 'x', '', false, 1, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(text(
            "INSERT INTO messages (id, channel_id, seq, changed_seq, author_id, body, html, "
            "created_at, reply_count) VALUES (1, 1, 1, 1, 1, 'kept', '', CURRENT_TIMESTAMP, 0)"
        ))  # fmt: skip
    migrate(db, "0004", down=True)
    migrate(db, "head")
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT body FROM messages")).scalars().all() == ["kept"]
    with db.session() as session:  # and it can be found again
        found = session.execute(text("SELECT id FROM messages WHERE body = 'kept'")).scalar()
        assert found == 1
        if db.engine.dialect.name == "sqlite":
            match = "SELECT rowid FROM message_search WHERE message_search MATCH 'kept'"
        else:
            match = "SELECT id FROM messages WHERE search @@ plainto_tsquery('english', 'kept')"
        assert session.execute(text(match)).scalars().all() == [1]
    db.close()
