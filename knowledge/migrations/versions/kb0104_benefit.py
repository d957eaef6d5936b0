"""What a procedure that grants money pays: the benefit (text and legal basis), for eligibility answers.

Revision ID: kb0104
Revises: kb0103
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb0104"
down_revision = "kb0103"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_procedures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("benefit", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kb_procedures", schema=None) as batch_op:
        batch_op.drop_column("benefit")
