"""Live and notifications: the person's language (for e-mail digests), the digest job's
claim on a notification, and an index for the job's question.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_claim", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("digest_claimed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_notifications_emailed_at_created_at", ["emailed_at", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_emailed_at_created_at")
        batch_op.drop_column("digest_claimed_at")
        batch_op.drop_column("digest_claim")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
