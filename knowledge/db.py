"""Database access for the knowledge package: one engine per URL, schema by its own Alembic environment.

``DATABASE_URL`` (default ``sqlite:///var/helpdesk.sqlite3``) is shared with ticketing; the knowledge
tables are prefixed ``kb_`` and versioned in ``knowledge_alembic_version``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "DEFAULT_DATABASE_URL",
    "VERSION_TABLE",
    "database_url",
    "ensure_schema",
    "get_engine",
    "session_factory",
]

DEFAULT_DATABASE_URL = "sqlite:///var/helpdesk.sqlite3"
VERSION_TABLE = "knowledge_alembic_version"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_migrated: set[str] = set()


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``DATABASE_URL``, else the embedded SQLite default."""
    return url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def get_engine(url: str | None = None) -> Engine:
    """The shared engine for ``url`` (created once per process)."""
    url = database_url(url)
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create_engine(url)
        return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def ensure_schema(engine: Engine) -> None:
    """Upgrade the knowledge tables to the latest revision (once per engine and process)."""
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        if key in _migrated:
            return
        config = alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        _migrated.add(key)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    """A session factory on the migrated database at ``url``."""
    engine = get_engine(url)
    ensure_schema(engine)
    return sessionmaker(engine, expire_on_commit=False)
