"""The catalogue behind the facade: database, shipped data kept current, search index kept in memory.

On first use the database schema is migrated and the shipped YAML catalogue is imported when it
changed since the last import (hash kept in ``kb_meta``), so ``make run`` on an empty embedded database
answers at once. The search index is rebuilt when the catalogue changes (checked at most every
``RECHECK_SECONDS``), e.g. after ``python -m knowledge.importer`` ran in another process.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path

from sqlalchemy import Row, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from knowledge.catalogue import SHIPPED_DIR
from knowledge.db import database_url, session_factory
from knowledge.models import Meta, Procedure
from knowledge.records import ProcedureRecord
from knowledge.search import TERMS_PATH, ProcedureHit, SearchIndex, load_terms

__all__ = ["Catalogue", "get_catalogue", "reset_catalogues"]

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 30.0
SHIPPED_HASH_KEY = "shipped_catalogue_sha256"


def shipped_hash(directory: Path = SHIPPED_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.y*ml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Catalogue:
    """Procedures in one database, with their search index."""

    def __init__(
        self,
        url: str | None = None,
        *,
        shipped_dir: Path = SHIPPED_DIR,
        terms_path: Path = TERMS_PATH,
        sync_shipped: bool = True,
        recheck_seconds: float = RECHECK_SECONDS,
    ) -> None:
        self.url = database_url(url)
        self.shipped_dir = shipped_dir
        self.terms_path = terms_path
        self.sync_shipped = sync_shipped
        self.recheck_seconds = recheck_seconds
        self._sessions: sessionmaker[Session] | None = None
        self._index: SearchIndex | None = None
        self._version: tuple[int, int, str] | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._setup_lock = threading.Lock()

    @property
    def sessions(self) -> sessionmaker[Session]:
        if self._sessions is None:
            with self._setup_lock:
                if self._sessions is None:
                    sessions = session_factory(self.url)
                    if self.sync_shipped:
                        self._sync_shipped(sessions)
                    self._sessions = sessions
        return self._sessions

    def sync_shipped_now(self) -> int | None:
        """Import the shipped YAML now if its files changed since the last import (``python -m knowledge.cli
        seed``); the number of procedures stored, or None when the database was up to date."""
        return self._sync_shipped(session_factory(self.url))

    def _sync_shipped(self, sessions: sessionmaker[Session]) -> int | None:
        from knowledge.importer import import_shipped  # importer imports this package's modules

        if not self.shipped_dir.exists():
            return None
        current = shipped_hash(self.shipped_dir)

        def up_to_date() -> bool:
            with sessions() as session:
                stored = session.get(Meta, SHIPPED_HASH_KEY)
                return stored is not None and stored.value == current

        if up_to_date():
            return None
        try:
            report = import_shipped(self.shipped_dir, self.url)
            with sessions.begin() as session:
                session.merge(Meta(key=SHIPPED_HASH_KEY, value=current))
        except DBAPIError:
            # Another process (action server and API starting together) imported it at the same time.
            if not up_to_date():
                raise
            logger.info("shipped catalogue imported concurrently by another process")
            return None
        return report.stored

    def _current_version(self, session: Session) -> tuple[int, str]:
        count, latest = session.execute(
            select(func.count(Procedure.id), func.max(Procedure.updated_at))
        ).one()
        return int(count), str(latest)

    def index(self) -> SearchIndex:
        now = time.monotonic()
        if self._index is not None and now - self._checked_at < self.recheck_seconds:
            return self._index
        with self._lock:
            sessions = self.sessions
            with sessions() as session:
                version = self._current_version(session)
                if self._index is None or version != self._version:
                    self._index = SearchIndex(self._docs(session), load_terms(self.terms_path))
                    self._version = version
            self._checked_at = time.monotonic()
            return self._index

    @staticmethod
    def _docs(session: Session) -> list[Row]:
        """What the index reads of each procedure, selected by the read model's field names."""
        return list(
            session.execute(
                select(
                    Procedure.code,
                    Procedure.name,
                    Procedure.origin,
                    Procedure.levels,
                    Procedure.aliases,
                    Procedure.keywords,
                    Procedure.field,
                    Procedure.result,
                ).where(Procedure.name != "")
            ).all()
        )

    def reload(self) -> None:
        """Forget the index (next search rebuilds it)."""
        with self._lock:
            self._index = None
            self._version = None

    def search(self, query: str, limit: int = 5) -> list[ProcedureHit]:
        if not query or not query.strip():
            return []
        return self.index().search(query, limit=limit)

    def get(self, code: str) -> ProcedureRecord | None:
        """The procedure with this code, read from the database, or None."""
        if not code or not code.strip():
            return None
        with self.sessions() as session:
            row = session.scalars(
                select(Procedure)
                .where(Procedure.code == code.strip())
                .options(
                    selectinload(Procedure.channels),
                    selectinload(Procedure.documents),
                    selectinload(Procedure.legal_basis),
                )
            ).one_or_none()
            return row.to_record() if row is not None else None


_catalogues: dict[str, Catalogue] = {}
_catalogues_lock = threading.Lock()


def get_catalogue(url: str | None = None) -> Catalogue:
    """The process-wide catalogue for ``url`` (default ``DATABASE_URL``)."""
    key = database_url(url)
    with _catalogues_lock:
        catalogue = _catalogues.get(key)
        if catalogue is None:
            catalogue = _catalogues[key] = Catalogue(key)
        return catalogue


def reset_catalogues() -> None:
    """Forget every cached catalogue (tests that switch ``DATABASE_URL``)."""
    with _catalogues_lock:
        _catalogues.clear()
