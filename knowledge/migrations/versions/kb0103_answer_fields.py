"""Fields answers need: kind (procedure | pointer), filing deadline, forms, fee/time audit, pointer.

Revision ID: kb0103
Revises: kb0102
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb0103"
down_revision = "kb0102"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_procedures", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="procedure")
        )
        batch_op.add_column(sa.Column("deadline", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("forms", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("audit", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("pointer", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kb_procedures", schema=None) as batch_op:
        for column in ("pointer", "audit", "forms", "deadline", "kind"):
            batch_op.drop_column(column)
