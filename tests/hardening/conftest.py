"""Fixtures for the hardening tests: ``db``, a real, migrated database on SQLite and on PostgreSQL
(``tests/database/fixtures.py``), and ``session``, one unit of work on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from database import Database
from tests.database.fixtures import database_fixtures

_sqlite_template, _postgres_url, db = database_fixtures("hardening")


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """One unit of work on ``db`` (committed at the end of the test)."""
    with db.session() as s:
        yield s
