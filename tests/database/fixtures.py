"""Real, migrated databases for the app suites, on SQLite and on PostgreSQL.

A suite's ``conftest.py`` takes the fixtures with ``database_fixtures("<suite>")``; its tests then ask for
``db`` (parametrised over both backends; ``DATABASE_URL`` points at it, so code that calls
``database.get_database()`` uses it too):
- sqlite: a fresh file per test, copied from one migrated template (fast, isolated);
- postgresql: one database per suite and test session (``<prefix>_<suite>_<pid>``, dropped at the end),
  emptied with TRUNCATE after each test. The server comes from ``TEST_POSTGRES_URL`` (default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); when it cannot be reached the PostgreSQL
  cases are skipped with the reason. ``TEST_POSTGRES_DB_PREFIX`` (default ``helpdesk_test``) names databases.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from database import Database, forget_databases, get_database, migrate, normalize_url

PG_ADMIN_URL = normalize_url(
    os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
)
PG_DB_PREFIX = os.environ.get("TEST_POSTGRES_DB_PREFIX", "helpdesk_test")


def _admin_engine() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@contextmanager
def postgres_database(name: str | None = None) -> Iterator[str]:
    """A new, empty PostgreSQL database (URL), dropped afterwards; skips the test when there is no server."""
    name = name or f"{PG_DB_PREFIX}_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server here: the PostgreSQL cases are skipped, saying why
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {make_url(PG_ADMIN_URL).host}: {type(exc).__name__}")
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        forget_databases()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_postgres(database: Database) -> None:
    """Every row of every package's tables gone (the schema and its revisions stay)."""
    with database.engine.begin() as conn:
        tables = conn.scalars(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename NOT LIKE '%alembic_version'"
            )
        ).all()
        if not tables:
            return
        # TRUNCATE costs per table, whether it holds rows or not: only the tables the test wrote to.
        probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
        written = conn.scalars(text(probe)).all()
        if written:
            names = ", ".join(f'"{table}"' for table in written)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def database_fixtures(suite: str) -> tuple[Any, ...]:
    """The ``db`` fixture (and the session-scoped ones it needs) for the tests of ``suite``."""

    @pytest.fixture(scope="session", name="_sqlite_template")
    def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
        path = tmp_path_factory.mktemp(f"{suite}-template") / "template.sqlite3"
        migrate(f"sqlite:///{path}")
        return path

    @pytest.fixture(scope="session", name="_postgres_url")
    def postgres_url() -> Iterator[str]:
        with postgres_database(f"{PG_DB_PREFIX}_{suite}_{os.getpid()}") as url:
            migrate(url)
            yield url

    @pytest.fixture(name="db", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
    def db(
        request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[Database]:
        """A migrated, empty database (SQLite file or PostgreSQL); ``DATABASE_URL`` points at it."""
        if request.param == "sqlite":
            path = tmp_path / "helpdesk.sqlite3"
            shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
            url = f"sqlite:///{path}"
        else:
            url = request.getfixturevalue("_postgres_url")
        monkeypatch.setenv("DATABASE_URL", url)
        forget_databases()
        try:
            yield get_database(url)
        finally:
            forget_databases()
            if request.param == "postgresql":
                cleaner = Database.from_url(url)
                empty_postgres(cleaner)
                cleaner.dispose()

    return sqlite_template, postgres_url, db
