"""The knowledge package's handle on the one database layer (:mod:`database`): no engine of its own.

``session_factory(url)`` and ``get_engine(url)`` give the shared, migrated :class:`database.Database` for
``url`` (default ``DATABASE_URL``); the knowledge tables (``kb_*``) are versioned in
``knowledge_alembic_version`` like every package's, by ``database.migrate``.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from database import database_url, get_database

__all__ = ["database_url", "get_engine", "session_factory"]


def get_engine(url: str | None = None) -> Engine:
    """The shared engine for ``url``."""
    return get_database(url).engine


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    """Sessions on the shared, migrated database at ``url`` whose transactions begin deferred (on SQLite a
    plain ``BEGIN``): the catalogue and dossier reads behind every question never wait for a writer, and the
    imports and mirror upserts take the write lock at their first write. A unit that reads and then must
    write without interference takes ``database.get_database(url).session()`` (``BEGIN IMMEDIATE``)."""
    return get_database(url).sessionmaker(readonly=True)
