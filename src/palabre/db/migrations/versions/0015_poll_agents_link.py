"""Meeting polls: the organisation link (signed-in accounts answer as themselves, once).

Revision ID: 0015
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("polls") as batch:
        batch.add_column(sa.Column("agents_token", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_polls_agents_token", ["agents_token"])
    op.create_index(
        "ix_poll_answers_person",
        "poll_answers",
        ["poll_id", "user_id"],
        unique=True,
        sqlite_where=sa.text("invite_id IS NULL"),
        postgresql_where=sa.text("invite_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_poll_answers_person", table_name="poll_answers")
    with op.batch_alter_table("polls") as batch:
        batch.drop_constraint("uq_polls_agents_token", type_="unique")
        batch.drop_column("agents_token")
