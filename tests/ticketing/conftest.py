"""Fixtures for the ticketing tests: a real, migrated database on SQLite and on PostgreSQL.

``db`` is parametrised over both backends:
- sqlite: a fresh file per test, copied from one migrated template (fast, isolated);
- postgresql: one fresh database per test session (``<prefix>_<pid>``, dropped at the end), emptied with
  TRUNCATE after each test. The server comes from ``TEST_POSTGRES_URL`` (default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); when it cannot be reached the PostgreSQL
  cases are skipped with the reason. ``TEST_POSTGRES_DB_PREFIX`` (default ``tkcore_test``) names the database.

The fixture points ``DATABASE_URL`` at the test database, so the facades use it too.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ticketing import db as dbmod
from ticketing.db import Database, normalize_url
from ticketing.models import Base

PG_ADMIN_URL = normalize_url(
    os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
)
PG_DB_PREFIX = os.environ.get("TEST_POSTGRES_DB_PREFIX", "tkcore_test")


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ticketing-template") / "template.sqlite3"
    dbmod.migrate(f"sqlite:///{path}")
    return path


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def _postgres_url() -> Iterator[str]:
    name = f"{PG_DB_PREFIX}_{os.getpid()}"
    try:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # server not running: skip the PostgreSQL cases, say why
        pytest.skip(f"PostgreSQL not reachable at {make_url(PG_ADMIN_URL).host}: {type(exc).__name__}")
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    dbmod.migrate(url)
    yield url
    dbmod.forget_databases()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(database: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated, empty database (SQLite file or PostgreSQL); ``DATABASE_URL`` points at it."""
    if request.param == "sqlite":
        path = tmp_path / "helpdesk.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("_postgres_url")
    monkeypatch.setenv("DATABASE_URL", url)
    dbmod.forget_databases()
    database = dbmod.get_database(url)
    try:
        yield database
    finally:
        dbmod.forget_databases()
        if request.param == "postgresql":
            cleaner = Database.from_url(url)
            _truncate_all(cleaner)
            cleaner.dispose()


@pytest.fixture
def session(db: Database) -> Iterator:
    """One unit of work on ``db`` (committed at the end of the test)."""
    with db.session() as s:
        yield s
