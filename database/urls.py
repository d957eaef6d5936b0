"""Which database: ``DATABASE_URL``, the embedded default, and the PostgreSQL driver a bare URL means."""

from __future__ import annotations

import os

DEFAULT_DATABASE_URL = "sqlite:///var/helpdesk.sqlite3"


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``DATABASE_URL``, else the embedded SQLite file."""
    return normalize_url(url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)


def normalize_url(url: str) -> str:
    """A bare ``postgresql://`` (or ``postgres://``) URL means psycopg 3, the driver the app runtime ships."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
