"""Which database a process uses."""

from __future__ import annotations

import pytest

from database import DEFAULT_DATABASE_URL, database_url, normalize_url


def test_the_embedded_sqlite_file_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url() == DEFAULT_DATABASE_URL == "sqlite:///var/helpdesk.sqlite3"


def test_database_url_names_the_database_unless_one_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/helpdesk.sqlite3")
    assert database_url() == "sqlite:////srv/helpdesk.sqlite3"
    assert database_url("sqlite:///other.sqlite3") == "sqlite:///other.sqlite3"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_bare_postgresql_url_means_psycopg_3(scheme: str) -> None:
    assert normalize_url(f"{scheme}://postgres@127.0.0.1/x") == "postgresql+psycopg://postgres@127.0.0.1/x"
    assert database_url(f"{scheme}://u@h:5432/db") == "postgresql+psycopg://u@h:5432/db"
    assert normalize_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
