"""Drop ``kb_dossier_lookup_attempts``: second-factor checks are counted by ``security.second_factor``
(one table for dossiers and tickets alike), so kb0101's own counter table is unused.

Revision ID: kb0105
Revises: kb0104
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb0105"
down_revision = "kb0104"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_kb_dossier_attempts_code_at", table_name="kb_dossier_lookup_attempts")
    op.drop_index("ix_kb_dossier_attempts_requester_at", table_name="kb_dossier_lookup_attempts")
    op.drop_table("kb_dossier_lookup_attempts")


def downgrade() -> None:
    op.create_table(
        "kb_dossier_lookup_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_key", sa.String(length=128), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_kb_dossier_attempts_requester_at", "kb_dossier_lookup_attempts", ["requester_key", "attempted_at"]
    )
    op.create_index("ix_kb_dossier_attempts_code_at", "kb_dossier_lookup_attempts", ["code", "attempted_at"])
