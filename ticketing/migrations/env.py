"""Alembic environment of the ticketing schema; run by ``database.migrate`` (version table
``ticketing_alembic_version``, see ``database/migrations.py``)."""

from __future__ import annotations

from database.alembic_env import run_migrations
from ticketing.models import Base, UTCDateTime


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Migrations must not depend on application types: render UTCDateTime as its implementation.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


run_migrations(Base.metadata, render_item=_render_item)
