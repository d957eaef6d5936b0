"""The hub's handle on the database: the ticketing database plus the hub's own migrations.

Until the shared ``database/`` module lands, this is the one place the hub touches engines and sessions:
``HubDatabase.read(fn, ...)`` / ``write(fn, ...)`` run ``fn(session, ...)`` in a worker thread inside one
unit of work (all or nothing): ``ticketing.api.context.ApiDatabase`` with the hub's migrations.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine, text

from ticketing.api.context import ApiDatabase
from ticketing.db import get_database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ALEMBIC_VERSION_TABLE = "channels_alembic_version"
_PG_MIGRATION_LOCK_KEY = 10221023
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def migrate_engine(engine: Engine, revision: str = "head") -> None:
    """Upgrade the hub's tables (the ticketing schema must be there first). Safe to call repeatedly."""
    from alembic import command
    from alembic.config import Config

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK_KEY})
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.set_main_option("version_table", ALEMBIC_VERSION_TABLE)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


class HubDatabase(ApiDatabase):
    """``ApiDatabase`` (reads and writes off the event loop, one unit of work each) whose schema includes
    the hub's tables."""

    @classmethod
    def open(cls, url: str | None = None) -> HubDatabase:
        """The database at ``url`` (default ``DATABASE_URL``): ticketing schema, then the hub's."""
        db = get_database(url)
        with _migrate_lock:
            if db.url not in _migrated:
                migrate_engine(db.engine)
                _migrated.add(db.url)
        return cls(db)

    @property
    def backend(self) -> str:
        return self.db.backend
