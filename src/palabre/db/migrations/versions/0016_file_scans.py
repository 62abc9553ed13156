"""Space files: what the virus scanner said of each version (and of a file's current one).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("file_versions", "file_nodes"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("scan", sa.String(length=16), nullable=False, server_default="")
            )


def downgrade() -> None:
    for table in ("file_nodes", "file_versions"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("scan")
