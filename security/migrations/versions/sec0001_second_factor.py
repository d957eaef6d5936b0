"""Second-factor counters and alerts.

Revision ID: sec0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sec0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_second_factor_counters",
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("window_started", sa.BigInteger(), nullable=False),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_security_second_factor_counters")),
    )
    op.create_table(
        "security_second_factor_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("window_started", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_second_factor_alerts")),
        sa.UniqueConstraint(
            "subject", "window_started", name=op.f("uq_security_second_factor_alerts_subject")
        ),
    )


def downgrade() -> None:
    op.drop_table("security_second_factor_alerts")
    op.drop_table("security_second_factor_counters")
