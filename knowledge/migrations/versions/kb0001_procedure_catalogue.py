"""Procedure catalogue: procedures, submission channels, required documents, legal basis.

Revision ID: kb0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "kb_procedures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("field", sa.Text(), nullable=True),
        sa.Column("competent_agency", sa.Text(), nullable=True),
        sa.Column("executing_agency", sa.Text(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("applicants", sa.Text(), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("online_level", sa.String(length=16), nullable=False),
        sa.Column("online_url", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("parse_ok", sa.Boolean(), nullable=False),
        sa.Column("parse_problems", sa.JSON(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kb_procedures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_procedures_code"), ["code"], unique=True)
        batch_op.create_index(batch_op.f("ix_kb_procedures_origin"), ["origin"], unique=False)

    op.create_table(
        "kb_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("time_text", sa.Text(), nullable=True),
        sa.Column("days", sa.Float(), nullable=True),
        sa.Column("days_unit", sa.String(length=16), nullable=False),
        sa.Column("fee_text", sa.Text(), nullable=True),
        sa.Column("fee_vnd", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["procedure_id"], ["kb_procedures.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kb_channels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_channels_procedure_id"), ["procedure_id"], unique=False)

    op.create_table(
        "kb_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=True),
        sa.Column("copies", sa.Integer(), nullable=True),
        sa.Column("form", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["procedure_id"], ["kb_procedures.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kb_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_documents_procedure_id"), ["procedure_id"], unique=False)

    op.create_table(
        "kb_legal_bases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["procedure_id"], ["kb_procedures.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kb_legal_bases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_legal_bases_procedure_id"), ["procedure_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kb_legal_bases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_legal_bases_procedure_id"))

    op.drop_table("kb_legal_bases")
    with op.batch_alter_table("kb_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_documents_procedure_id"))

    op.drop_table("kb_documents")
    with op.batch_alter_table("kb_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_channels_procedure_id"))

    op.drop_table("kb_channels")
    with op.batch_alter_table("kb_procedures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_procedures_origin"))
        batch_op.drop_index(batch_op.f("ix_kb_procedures_code"))

    op.drop_table("kb_procedures")
    op.drop_table("kb_meta")
