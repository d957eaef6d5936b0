"""How long the paper a procedure delivers stays valid (text, legal basis, uncertain), for validity answers.

Revision ID: kb0106
Revises: kb0105
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb0106"
down_revision = "kb0105"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_procedures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("validity", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kb_procedures", schema=None) as batch_op:
        batch_op.drop_column("validity")
