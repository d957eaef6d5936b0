"""The catalogue works on PostgreSQL too (the production database)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from knowledge.importer import import_shipped
from knowledge.service import Catalogue

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
DATABASE = "kbengine_test"

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url() -> str:
    try:
        admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {DATABASE}"))
        admin.dispose()
    except Exception as exc:  # the server is optional for a local run
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {exc}")
    return f"{SERVER}/{DATABASE}"


def test_shipped_catalogue_imports_and_searches_on_postgres(pg_url: str) -> None:
    report = import_shipped(database_url=pg_url)
    assert report.stored >= 1
    catalogue = Catalogue(pg_url, sync_shipped=False)
    hits = catalogue.search("lam giay khai sinh", limit=3)
    assert hits[0].code == "1.001193"
    view = catalogue.get("1.001193")
    assert view is not None and view.documents and view.channels
