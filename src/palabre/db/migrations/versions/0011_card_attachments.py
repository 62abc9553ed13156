"""Card attachments: files of the card's space attached to a card.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_attachments",
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["file_id"], ["file_nodes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("card_id", "file_id"),
    )
    with op.batch_alter_table("card_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_attachments_file_id"), ["file_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("card_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_attachments_file_id"))

    op.drop_table("card_attachments")
