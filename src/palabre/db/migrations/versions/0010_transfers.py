"""Large transfers: transfers, their files, recipients, receipts and guest vouchers.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "transfer_vouchers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transfer_id", sa.String(length=32), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("transfer_vouchers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transfer_vouchers_agent_id"), ["agent_id"], unique=False
        )

    op.create_table(
        "transfers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("voucher_id", sa.String(length=32), nullable=True),
        sa.Column("sender_name", sa.String(length=128), nullable=False),
        sa.Column("sender_email", sa.String(length=320), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["sender_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfers_sender_id"), ["sender_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_transfers_voucher_id"), ["voucher_id"], unique=False)

    op.create_table(
        "transfer_files",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("transfer_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("blob_key", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["transfer_id"], ["transfers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transfer_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transfer_files_transfer_id"), ["transfer_id"], unique=False
        )

    op.create_table(
        "transfer_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("first_download_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["transfer_id"], ["transfers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("transfer_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transfer_recipients_transfer_id"), ["transfer_id"], unique=False
        )

    op.create_table(
        "transfer_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["recipient_id"], ["transfer_recipients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transfer_receipts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transfer_receipts_recipient_id_id", ["recipient_id", "id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("transfer_receipts", schema=None) as batch_op:
        batch_op.drop_index("ix_transfer_receipts_recipient_id_id")

    op.drop_table("transfer_receipts")
    with op.batch_alter_table("transfer_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfer_recipients_transfer_id"))

    op.drop_table("transfer_recipients")
    with op.batch_alter_table("transfer_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfer_files_transfer_id"))

    op.drop_table("transfer_files")
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfers_voucher_id"))
        batch_op.drop_index(batch_op.f("ix_transfers_sender_id"))

    op.drop_table("transfers")
    with op.batch_alter_table("transfer_vouchers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfer_vouchers_agent_id"))

    op.drop_table("transfer_vouchers")
