"""The hub's handle on the database: the ticketing database plus the hub's own migrations.

Until the shared ``database/`` module lands, this is the one place the hub touches engines and sessions:
``HubDatabase.read(fn, ...)`` / ``write(fn, ...)`` run ``fn(session, ...)`` in a worker thread inside one
unit of work (all or nothing), like ``ticketing.api.context.ApiDatabase``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from ticketing.db import Database, get_database

P = ParamSpec("P")
T = TypeVar("T")

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


@dataclass
class HubDatabase:
    db: Database

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

    def read_sync(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        with self.db.session(readonly=True) as session:
            return fn(session, *args, **kwargs)

    def write_sync(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        with self.db.session() as session:
            return fn(session, *args, **kwargs)

    async def read(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await asyncio.to_thread(self.read_sync, fn, *args, **kwargs)

    async def write(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await asyncio.to_thread(self.write_sync, fn, *args, **kwargs)
