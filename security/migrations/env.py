"""Alembic environment of the security package; run by ``database.migrate`` (version table
``security_alembic_version``, see ``database/migrations.py``)."""

from __future__ import annotations

from database.alembic_env import run_migrations
from security.models import Base

run_migrations(Base.metadata)
