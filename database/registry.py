"""The process-wide :class:`~database.engine.Database` per URL: one engine and pool per database, shared
by every package of the process."""

from __future__ import annotations

import threading

from database.engine import Database
from database.errors import DatabaseUnavailable, is_unavailable
from database.migrations import auto_migrate_enabled, migrate_engine
from database.urls import database_url

_cache: dict[str, Database] = {}
_lock = threading.Lock()


def get_database(url: str | None = None) -> Database:
    """The shared :class:`Database` for ``url`` (default ``DATABASE_URL``). On first use every package's
    schema is migrated to head unless ``HELPDESK_AUTO_MIGRATE=0``; a database that does not answer within
    the connect timeout raises :class:`~database.errors.DatabaseUnavailable` then."""
    url = database_url(url)
    with _lock:
        db = _cache.get(url)
        if db is None:
            db = Database.from_url(url)
            if auto_migrate_enabled():
                try:
                    migrate_engine(db.engine)
                except Exception as exc:
                    db.dispose()
                    if is_unavailable(exc):  # fail fast, saying where and why (no password)
                        raise DatabaseUnavailable(url, exc) from exc
                    raise
            _cache[url] = db
        return db


def forget_databases() -> None:
    """Dispose of every shared engine (tests, after a fork); the next :func:`get_database` starts afresh."""
    with _lock:
        for db in _cache.values():
            db.dispose()
        _cache.clear()
