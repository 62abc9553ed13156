"""Transfers: resumable (tus) uploads, the end-to-end encrypted flag, and what the virus
scanner said of each file.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("transfers") as batch:
        batch.add_column(
            sa.Column("encrypted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("transfer_files") as batch:
        batch.add_column(sa.Column("scan", sa.String(length=16), nullable=False, server_default=""))
    op.create_table(
        "transfer_uploads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("transfer_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_id", sa.String(length=32), nullable=True),
        sa.Column("scan", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["transfer_id"], ["transfers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_transfer_uploads_transfer_id", "transfer_uploads", ["transfer_id"])


def downgrade() -> None:
    op.drop_index("ix_transfer_uploads_transfer_id", table_name="transfer_uploads")
    op.drop_table("transfer_uploads")
    with op.batch_alter_table("transfer_files") as batch:
        batch.drop_column("scan")
    with op.batch_alter_table("transfers") as batch:
        batch.drop_column("encrypted")
