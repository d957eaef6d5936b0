"""Engines and units of work, with the project's connection settings for SQLite and PostgreSQL.

SQLite (the embedded default): WAL journal, foreign keys on, a 15 s busy timeout, and write sessions that
start with ``BEGIN IMMEDIATE`` so two writers queue instead of failing on a lock upgrade; read-only
sessions start with a plain ``BEGIN``. PostgreSQL: READ COMMITTED, pre-pinged pooled connections; rows
that a check-then-change must hold are locked with ``SELECT ... FOR UPDATE`` by the caller.

Both: bounded waits (connect, statement, pool: :mod:`database.timeouts`) and ``hide_parameters``, so that
an exception's text never carries a statement's parameters (phone numbers, names, channel ids).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from database.timeouts import Timeouts
from database.urls import normalize_url

SQLITE_BUSY_TIMEOUT_MS = 15_000
# libpq: probe an idle connection after 30 s, every 10 s, give up after 3; unacknowledged data: 30 s.
TCP_KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}
_READONLY = "sqlite_readonly"  # execution option of read-only sessions


def create_db_engine(url: str, *, timeouts: Timeouts | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the project's settings (SQLite pragmas, PostgreSQL pool, timeouts from
    ``HELPDESK_DB_*_TIMEOUT`` unless ``timeouts`` is given)."""
    url = normalize_url(url)
    parsed = make_url(url)
    timeouts = timeouts or Timeouts.from_env()
    kwargs.setdefault("hide_parameters", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_timeout", timeouts.pool)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        if path in ("", ":memory:"):
            kwargs.pop("pool_timeout", None)  # one in-memory connection per thread: no queue to wait in
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, in_memory=path in ("", ":memory:"))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    if parsed.get_driver_name() in ("psycopg", "psycopg2"):
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("connect_timeout", timeouts.connect_seconds)
        # A peer that vanished (host down, network cut) is noticed in about half a minute, not hours.
        for key, value in TCP_KEEPALIVE.items():
            connect_args.setdefault(key, value)
        # Settings in the URL's own ``options`` come after ours, so they win.
        own = parsed.query.get("options")
        own_options = " ".join(own) if isinstance(own, tuple) else (own or "")
        connect_args.setdefault("options", f"{timeouts.postgres_options()} {own_options}".strip())
        kwargs["connect_args"] = connect_args
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        readonly = connection.get_execution_options().get(_READONLY)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


@dataclass
class Database:
    """One database: its URL, engine and session factories. Get the process-wide one with
    ``database.get_database(url)``; ``Database.from_url`` makes a private one (tests, migrations)."""

    url: str
    engine: Engine
    _sessions: sessionmaker[Session] = field(init=False, repr=False)
    _readonly_sessions: sessionmaker[Session] = field(init=False, repr=False)
    _done: set[str] = field(default_factory=set, init=False, repr=False)
    _once_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readonly_sessions = sessionmaker(
            self.engine.execution_options(**{_READONLY: True}), expire_on_commit=False
        )

    @classmethod
    def from_url(cls, url: str, **engine_kwargs: Any) -> Database:
        url = normalize_url(url)
        return cls(url=url, engine=create_db_engine(url, **engine_kwargs))

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def sessionmaker(self, *, readonly: bool = False) -> sessionmaker[Session]:
        """Sessions for units of work that write (on SQLite they begin with ``BEGIN IMMEDIATE``: writers
        queue) or, ``readonly``, that read (a plain, deferred ``BEGIN``: they never wait for a writer; one
        that writes anyway takes the write lock at its first write)."""
        return self._readonly_sessions if readonly else self._sessions

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back (nothing half-written) on error.
        ``readonly``: never committed; on SQLite it does not take the write lock."""
        session = self.sessionmaker(readonly=readonly)()
        try:
            yield session
            if readonly:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def once(self, key: str, prepare: Callable[[Session], object]) -> None:
        """Run ``prepare`` in one unit of work the first time ``key`` is asked for on this database (e.g.
        seeding an empty directory); later calls return at once. Thread-safe."""
        if key in self._done:
            return
        with self._once_lock:
            if key not in self._done:
                with self.session() as session:
                    prepare(session)
                self._done.add(key)

    def ping(self) -> None:
        """One round trip (``SELECT 1``) within the timeouts; DatabaseUnavailable when it fails."""
        from database.errors import DatabaseUnavailable, is_unavailable

        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
                connection.rollback()
        except Exception as exc:
            if is_unavailable(exc):
                raise DatabaseUnavailable(self.url, exc) from exc
            raise

    def dispose(self) -> None:
        self.engine.dispose()
