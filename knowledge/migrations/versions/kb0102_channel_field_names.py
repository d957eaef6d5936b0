"""Channel columns named as the read model and the YAML: ``time_text`` -> ``time``, ``fee_text`` -> ``fee``.

Revision ID: kb0102
Revises: kb0101
"""

from __future__ import annotations

from alembic import op

revision = "kb0102"
down_revision = "kb0101"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_channels", schema=None) as batch_op:
        batch_op.alter_column("time_text", new_column_name="time")
        batch_op.alter_column("fee_text", new_column_name="fee")


def downgrade() -> None:
    with op.batch_alter_table("kb_channels", schema=None) as batch_op:
        batch_op.alter_column("time", new_column_name="time_text")
        batch_op.alter_column("fee", new_column_name="fee_text")
