"""One database layer for every app package: ticketing, knowledge, security (next: the hub in channels).

    from database import get_database
    db = get_database()                      # DATABASE_URL; every package migrated on first use
    with db.session() as s:                  # one unit of work: committed, or rolled back on error
        ...
    with db.session(readonly=True) as s:     # never writes; on SQLite, no write lock
        ...

Engines and pragmas: :mod:`database.engine`; URLs: :mod:`database.urls`; every package's migrations in one
order, the auto-migrate switch and the migration lock: :mod:`database.migrations`; the shared instance per
URL: :mod:`database.registry`; how long to wait for the database: :mod:`database.timeouts`; which errors mean
"not available now" (503, retry later): :mod:`database.errors`. This package imports no other package of the
project.
"""

from database.engine import Database, create_db_engine
from database.errors import DatabaseUnavailable, is_unavailable
from database.migrations import MIGRATIONS, Migrations, auto_migrate_enabled, migrate, migrate_engine
from database.naming import NAMING_CONVENTION
from database.registry import forget_databases, get_database
from database.timeouts import Timeouts
from database.urls import DEFAULT_DATABASE_URL, database_url, normalize_url

__all__ = [
    "DEFAULT_DATABASE_URL",
    "MIGRATIONS",
    "NAMING_CONVENTION",
    "Database",
    "DatabaseUnavailable",
    "Migrations",
    "Timeouts",
    "auto_migrate_enabled",
    "create_db_engine",
    "database_url",
    "forget_databases",
    "get_database",
    "is_unavailable",
    "migrate",
    "migrate_engine",
    "normalize_url",
]
