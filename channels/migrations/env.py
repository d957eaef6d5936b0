"""Alembic environment of the hub (``channels``); run by ``database.migrate`` after the ticketing schema,
whose ``conversations``, ``outbound_messages`` and ``users`` the hub's tables refer to (version table
``channels_alembic_version``, see ``database/migrations.py``)."""

from __future__ import annotations

from channels.models import HubBase
from database.alembic_env import run_migrations

run_migrations(HubBase.metadata)
