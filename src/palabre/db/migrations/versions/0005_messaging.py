"""Messaging: one name per channel in a space, direct conversations found by their people,
mentions (for the unread mention counts), and the full-text search index: an FTS5 table on
SQLite, a tsvector column with a GIN index on PostgreSQL (French and English).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Unique indexes, not constraints: SQLite adds them without copying the table (a copy
    # would drop the old one, and its messages with it by their cascade).
    op.add_column("channels", sa.Column("direct_key", sa.String(length=64), nullable=True))
    op.create_index("ix_channels_direct_key", "channels", ["direct_key"], unique=True)
    op.create_index("ix_channels_space_id_name", "channels", ["space_id", "name"], unique=True)

    op.create_table(
        "message_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_message_mentions_channel_id_user_id_seq",
        "message_mentions",
        ["channel_id", "user_id", "seq"],
    )
    op.create_index("ix_message_mentions_message_id", "message_mentions", ["message_id"])

    if op.get_bind().dialect.name == "postgresql":
        # Kept in step by PostgreSQL itself: an edit or a delete (body "") changes it.
        op.execute(
            "ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS "
            "(to_tsvector('french'::regconfig, body) || to_tsvector('english'::regconfig, body))"
            " STORED"
        )
        op.execute("CREATE INDEX ix_messages_search ON messages USING GIN (search)")
    else:
        # The French and English stems of each message (search.py writes them; FTS5 has no
        # French stemmer), diacritics folded on both sides; rowid = the message's id.
        op.execute(
            "CREATE VIRTUAL TABLE message_search USING fts5("
            "terms, tokenize = 'unicode61 remove_diacritics 2')"
        )
        # A message gone by a cascade (its channel or space deleted) leaves no terms behind.
        op.execute(
            "CREATE TRIGGER message_search_gone AFTER DELETE ON messages BEGIN "
            "DELETE FROM message_search WHERE rowid = old.id; END"
        )
        _index_existing_messages()


def _index_existing_messages() -> None:
    """Messages written before this revision (or before a downgrade) get their terms."""
    from palabre.messaging.markdown import render
    from palabre.messaging.stemming import index_terms

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, body FROM messages WHERE deleted_at IS NULL"))
    for message_id, body in rows.all():
        terms = index_terms(render(body).text)
        if terms:
            bind.execute(
                sa.text("INSERT INTO message_search (rowid, terms) VALUES (:id, :terms)"),
                {"id": message_id, "terms": terms},
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_messages_search")
        op.execute("ALTER TABLE messages DROP COLUMN search")
    else:
        op.execute("DROP TRIGGER message_search_gone")
        op.execute("DROP TABLE message_search")
    op.drop_index("ix_message_mentions_message_id", "message_mentions")
    op.drop_index("ix_message_mentions_channel_id_user_id_seq", "message_mentions")
    op.drop_table("message_mentions")
    op.drop_index("ix_channels_space_id_name", "channels")
    op.drop_index("ix_channels_direct_key", "channels")
    # SQLite (3.35+) drops a column in place: a copy of the table would cascade.
    op.drop_column("channels", "direct_key")
