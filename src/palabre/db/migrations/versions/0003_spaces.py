"""Spaces: the meetings held in a space's room (for its report), and when an invitation was
e-mailed.

Revision ID: 0003_spaces
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_spaces"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "space_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_minutes", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("space_meetings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_space_meetings_space_id_started_at", ["space_id", "started_at"], unique=False
        )
    with op.batch_alter_table("space_invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("space_invitations", schema=None) as batch_op:
        batch_op.drop_column("sent_at")
    with op.batch_alter_table("space_meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_space_meetings_space_id_started_at")
    op.drop_table("space_meetings")
