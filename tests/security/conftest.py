"""Fixtures for the security tests: ``db`` on SQLite and PostgreSQL (``tests/database/fixtures.py``)."""

from __future__ import annotations

from tests.database.fixtures import database_fixtures

_sqlite_template, _postgres_url, db = database_fixtures("security")
