"""Database access for the ticketing core: engines, sessions, migrations.

``DATABASE_URL`` selects the database (default ``sqlite:///var/helpdesk.sqlite3``, the embedded default;
PostgreSQL as ``postgresql+psycopg://user@host:5432/db``; a bare ``postgresql://`` URL is read as psycopg 3).

    from ticketing.db import get_database
    db = get_database()              # migrated to head on first use (unless TICKETING_AUTO_MIGRATE=0)
    with db.session() as s:          # commits on success, rolls back on any exception
        ...
    with db.session(readonly=True) as s:
        ...

SQLite: WAL, foreign keys on, busy timeout; write sessions start with ``BEGIN IMMEDIATE`` so two writers
queue instead of failing on a lock upgrade. PostgreSQL: READ COMMITTED; the lifecycle locks ticket rows
with SELECT ... FOR UPDATE.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite:///var/helpdesk.sqlite3"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ALEMBIC_VERSION_TABLE = "ticketing_alembic_version"
_PG_MIGRATION_LOCK_KEY = 10221022  # advisory lock: one migrator at a time per database


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``DATABASE_URL``, else the embedded default."""
    return normalize_url(url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)


def normalize_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def backend_name(url: str) -> str:
    return make_url(url).get_backend_name()


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the project's connection settings for SQLite or PostgreSQL."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, in_memory=database in ("", ":memory:"))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the sqlite3 module) decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("sqlite_readonly"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class Database:
    """One database: its URL, engine and session factory."""

    url: str
    engine: Engine
    _sessions: sessionmaker[Session] = field(init=False, repr=False)
    _readonly_sessions: sessionmaker[Session] = field(init=False, repr=False)
    # Set by ticketing.facade once the directory has been seeded on first use.
    seeded: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readonly_sessions = sessionmaker(
            self.engine.execution_options(sqlite_readonly=True), expire_on_commit=False
        )

    @classmethod
    def from_url(cls, url: str | None = None, **engine_kwargs: Any) -> Database:
        url = database_url(url)
        return cls(url=url, engine=create_db_engine(url, **engine_kwargs))

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def sessionmaker(self, *, readonly: bool = False) -> sessionmaker[Session]:
        return self._readonly_sessions if readonly else self._sessions

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back (nothing half-written) on error."""
        session = self.sessionmaker(readonly=readonly)()
        try:
            yield session
            if readonly:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def migrate(self) -> None:
        migrate_engine(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("version_table", ALEMBIC_VERSION_TABLE)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migrate_engine(engine: Engine, revision: str = "head") -> None:
    """Upgrade the ticketing schema on ``engine`` to ``revision`` (default head). Safe to call repeatedly."""
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK_KEY})
        command.upgrade(_alembic_config(connection), revision)


def migrate(url: str | None = None, revision: str = "head") -> None:
    """Upgrade the database at ``url`` (default ``DATABASE_URL``) to ``revision``."""
    engine = create_db_engine(database_url(url), poolclass=_null_pool())
    try:
        migrate_engine(engine, revision)
    finally:
        engine.dispose()


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


_cache: dict[str, Database] = {}
_cache_lock = threading.Lock()


def auto_migrate_enabled() -> bool:
    return os.environ.get("TICKETING_AUTO_MIGRATE", "1").strip().lower() not in ("0", "false", "no")


def get_database(url: str | None = None) -> Database:
    """The process-wide :class:`Database` for ``url`` (default ``DATABASE_URL``).

    On first use the schema is migrated to head (set ``TICKETING_AUTO_MIGRATE=0`` to manage migrations
    yourself, e.g. in production deploys).
    """
    url = database_url(url)
    with _cache_lock:
        db = _cache.get(url)
        if db is None:
            db = Database.from_url(url)
            if auto_migrate_enabled():
                db.migrate()
            _cache[url] = db
        return db


def forget_databases() -> None:
    """Dispose cached engines (tests, forks)."""
    with _cache_lock:
        for db in _cache.values():
            db.dispose()
        _cache.clear()


@contextmanager
def session_scope(url: str | None = None, *, readonly: bool = False) -> Iterator[Session]:
    with get_database(url).session(readonly=readonly) as session:
        yield session
