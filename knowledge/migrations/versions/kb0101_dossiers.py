"""Dossier mirror of the one-stop system and second-factor lookup attempts.

Revision ID: kb0101
Revises: kb0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb0101"
down_revision = "kb0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("procedure_code", sa.String(length=32), nullable=True),
        sa.Column("procedure_name", sa.Text(), nullable=False),
        sa.Column("applicant_name", sa.Text(), nullable=False),
        sa.Column("applicant_phone", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("current_agency", sa.Text(), nullable=True),
        sa.Column("delivery_method", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kb_dossiers_code", "kb_dossiers", ["code"], unique=True)
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


def downgrade() -> None:
    op.drop_index("ix_kb_dossier_attempts_code_at", table_name="kb_dossier_lookup_attempts")
    op.drop_index("ix_kb_dossier_attempts_requester_at", table_name="kb_dossier_lookup_attempts")
    op.drop_table("kb_dossier_lookup_attempts")
    op.drop_index("ix_kb_dossiers_code", table_name="kb_dossiers")
    op.drop_table("kb_dossiers")
