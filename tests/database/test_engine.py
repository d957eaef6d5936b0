"""Units of work and the SQLite settings every package gets from the one engine per database."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from database import Database, forget_databases, get_database


@pytest.fixture
def sqlite_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = Database.from_url(f"sqlite:///{tmp_path}/x.sqlite3")
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        conn.execute(text("CREATE TABLE child (id INTEGER PRIMARY KEY, n INTEGER REFERENCES counter(id))"))
        conn.execute(text("INSERT INTO counter (id, n) VALUES (1, 0)"))
    yield database
    database.dispose()


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    with pytest.raises(Exception, match="FOREIGN KEY"), sqlite_db.session() as s:
        s.execute(text("INSERT INTO child (n) VALUES (42)"))


def test_a_unit_of_work_commits_everything_or_nothing(sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        s.execute(text("UPDATE counter SET n = 1"))
    with pytest.raises(RuntimeError), sqlite_db.session() as s:
        s.execute(text("UPDATE counter SET n = 2"))
        raise RuntimeError("something failed after the write")
    with sqlite_db.session(readonly=True) as s:
        assert s.scalar(text("SELECT n FROM counter")) == 1
    with sqlite_db.session(readonly=True) as s:
        s.execute(text("UPDATE counter SET n = 3"))  # a read-only unit of work is never committed
    with sqlite_db.session(readonly=True) as s:
        assert s.scalar(text("SELECT n FROM counter")) == 1


def test_sqlite_writers_queue_instead_of_failing_on_a_lock_upgrade(sqlite_db: Database) -> None:
    """Read-then-write from many threads at once: BEGIN IMMEDIATE makes each wait its turn, so no
    increment is lost and none fails with 'database is locked'."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def increment() -> None:
        barrier.wait()
        try:
            for _ in range(10):
                with sqlite_db.session() as s:
                    n = s.scalar(text("SELECT n FROM counter"))
                    s.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
        except BaseException as exc:  # recorded and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=increment) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with sqlite_db.session(readonly=True) as s:
        assert s.scalar(text("SELECT n FROM counter")) == 80


def test_a_reader_is_not_blocked_by_a_writer_on_sqlite(sqlite_db: Database) -> None:
    writing = threading.Event()
    done = threading.Event()

    def writer() -> None:
        with sqlite_db.session() as s:
            s.execute(text("UPDATE counter SET n = 5"))
            writing.set()
            done.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(10)
    try:
        with sqlite_db.session(readonly=True) as s:  # WAL: the committed value, at once
            assert s.scalar(text("SELECT n FROM counter")) == 0
    finally:
        done.set()
        thread.join(10)


def test_once_prepares_a_database_a_single_time_across_threads(sqlite_db: Database) -> None:
    calls: list[int] = []

    def prepare(session) -> None:  # type: ignore[no-untyped-def]
        calls.append(1)
        time.sleep(0.05)
        session.execute(text("UPDATE counter SET n = n + 1"))

    threads = [threading.Thread(target=sqlite_db.once, args=("seed", prepare)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    sqlite_db.once("seed", prepare)
    assert len(calls) == 1
    with sqlite_db.session(readonly=True) as s:
        assert s.scalar(text("SELECT n FROM counter")) == 1


def test_one_shared_database_per_url_until_forgotten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_AUTO_MIGRATE", "0")
    url = f"sqlite:///{tmp_path}/shared.sqlite3"
    forget_databases()
    first = get_database(url)
    assert get_database(url) is first
    monkeypatch.setenv("DATABASE_URL", url)
    assert get_database() is first
    forget_databases()
    assert get_database(url) is not first
    forget_databases()
