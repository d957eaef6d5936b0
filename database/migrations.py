"""Every package's schema, migrated in one fixed order by one :func:`migrate`.

Each package keeps its own Alembic environment (``<package>/migrations``) and its own version table, so
packages evolve their tables independently in one database. This module names them by path and imports
none of them; a package that gets tables adds its line to :data:`MIGRATIONS` (the hub: ``channels``).

On PostgreSQL, migrators take a transaction-level advisory lock first: several processes starting at once
migrate one after the other. On SQLite the migration transaction starts with ``BEGIN IMMEDIATE``, which
serialises them the same way.

``HELPDESK_AUTO_MIGRATE`` (default on) lets :func:`database.get_database` migrate on first use, the
embedded default; set it to ``0`` where deploys run ``python -m database.cli migrate`` themselves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.pool import NullPool

from database.engine import create_db_engine
from database.urls import database_url

ROOT = Path(__file__).resolve().parents[1]
AUTO_MIGRATE_VARIABLE = "HELPDESK_AUTO_MIGRATE"
MIGRATION_LOCK_KEY = 10221022  # pg_advisory_xact_lock key: one migrator at a time per database


@dataclass(frozen=True)
class Migrations:
    """One package's Alembic environment and the table that records its revision."""

    package: str
    directory: Path
    version_table: str


# In the order migrate() runs them. Tables of one package never reference another package's tables.
MIGRATIONS: tuple[Migrations, ...] = (
    Migrations("ticketing", ROOT / "ticketing" / "migrations", "ticketing_alembic_version"),
    Migrations("knowledge", ROOT / "knowledge" / "migrations", "knowledge_alembic_version"),
    Migrations("security", ROOT / "security" / "migrations", "security_alembic_version"),
    # The hub's tables refer to ticketing's conversations, outbound_messages and users: after ticketing.
    Migrations("channels", ROOT / "channels" / "migrations", "channels_alembic_version"),
)


def migrations_of(package: str) -> Migrations:
    for migrations in MIGRATIONS:
        if migrations.package == package:
            return migrations
    raise KeyError(f"no migrations registered for package {package!r}")


def auto_migrate_enabled() -> bool:
    """Whether :func:`database.get_database` migrates on first use (``HELPDESK_AUTO_MIGRATE``, default on)."""
    value = os.environ.get(AUTO_MIGRATE_VARIABLE, "1").strip().lower()
    return value not in ("0", "false", "no", "off")


def alembic_config(migrations: Migrations, connection: Any = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations.directory))
    config.set_main_option("version_table", migrations.version_table)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate_engine(engine: Engine, *, package: str | None = None, revision: str = "head") -> None:
    """Upgrade every registered package (or only ``package``, to ``revision``) on ``engine``, in one
    transaction under the migration lock. Safe to call repeatedly and from several processes at once."""
    from alembic import command

    if package is None and revision != "head":
        raise ValueError("a revision other than head needs a package")
    selected = (migrations_of(package),) if package else MIGRATIONS
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Index builds and the wait for another migrator may outlast the statement timeout.
            connection.execute(text("SET LOCAL statement_timeout = 0"))
            connection.execute(text("SET LOCAL idle_in_transaction_session_timeout = 0"))
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        for migrations in selected:
            command.upgrade(alembic_config(migrations, connection), revision)


def migrate(url: str | None = None, *, package: str | None = None, revision: str = "head") -> None:
    """Upgrade the database at ``url`` (default ``DATABASE_URL``): see :func:`migrate_engine`."""
    engine = create_db_engine(database_url(url), poolclass=NullPool)
    try:
        migrate_engine(engine, package=package, revision=revision)
    finally:
        engine.dispose()
