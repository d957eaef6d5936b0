"""Alembic environment of the knowledge package; run by ``database.migrate`` (version table
``knowledge_alembic_version``, see ``database/migrations.py``)."""

from __future__ import annotations

from database.alembic_env import run_migrations
from knowledge.models import Base

run_migrations(Base.metadata)
