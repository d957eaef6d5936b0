"""Operable under database faults (issue 14, item 6): a database port that accepts connections and never
answers, a closed port, and a database slowed by a lock. Requests get a 503 with ``Retry-After`` within the
timeouts (never a hang, never a 500); start-up fails fast and says why; nothing is lost or doubled when
the client retries with its Idempotency-Key."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from database import Database, Timeouts, create_db_engine, forget_databases
from tests.ticketing.api_support import _prepare
from ticketing.api.app import create_app
from ticketing.models import Ticket

ROOT = Path(__file__).resolve().parents[2]
TICKET = {"kind": "petition", "description": "Đèn đường hư ở ấp 3", "channel": "phone", "auto_route": False}


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A local TCP port that accepts connections and never sends a byte (a hung database host)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    for connection in accepted:
        connection.close()
    server.close()


@pytest.fixture
def closed_port() -> int:
    """A local TCP port nothing listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _url(port: int) -> str:
    return f"postgresql://helpdesk:s3cret-password@127.0.0.1:{port}/helpdesk"


@pytest.mark.parametrize("fault", ["silent", "closed"])
@pytest.mark.parametrize(
    "command", [["ticketing.api", "--port", "0"], ["database.cli", "migrate"]], ids=["api", "migrate"]
)
def test_start_up_fails_fast_and_says_why(
    fault: str, command: list[str], request: pytest.FixtureRequest
) -> None:
    port = request.getfixturevalue("silent_port" if fault == "silent" else "closed_port")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HELPDESK_DB_CONNECT_TIMEOUT": "2"}
    env["HELPDESK_LOG_FORMAT"] = "text"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", *command, "--database-url", _url(port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 3, result.stderr[-3000:]
    assert elapsed < 20  # a couple of connect timeouts, not the minutes of an unbounded wait
    line = next(line for line in result.stderr.splitlines() if "is not available" in line)
    assert f"127.0.0.1:{port}/helpdesk is not available" in line and "DATABASE_URL" in line
    assert ("timeout" if fault == "silent" else "refused") in line.lower()
    assert "s3cret-password" not in result.stderr + result.stdout


@pytest.mark.parametrize("fault", ["silent", "closed"])
async def test_requests_get_503_with_retry_after_while_the_database_does_not_answer(
    fault: str, request: pytest.FixtureRequest, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = request.getfixturevalue("silent_port" if fault == "silent" else "closed_port")
    monkeypatch.setenv("HELPDESK_AUTO_MIGRATE", "0")  # started while the database was still there
    monkeypatch.setenv("HELPDESK_DB_CONNECT_TIMEOUT", "2")
    forget_databases()
    try:
        client = await aiohttp_client(create_app(_url(port)))
        headers = {"Authorization": "Bearer " + "A" * 43}
        for method, path, kwargs in (
            ("GET", "/api/tickets", {"headers": headers}),
            ("POST", "/api/tickets", {"headers": headers, "json": TICKET}),
            ("GET", "/status/PA-250701-0001.json", {}),
            ("POST", "/api/auth/login", {"json": {"username": "agent", "password": "mật-khẩu-dài-123"}}),
        ):
            started = time.monotonic()
            response = await client.request(method, path, **kwargs)
            assert response.status == 503, (path, response.status, await response.text())
            assert response.headers["Retry-After"] == "5"
            assert (await response.json())["error"]["code"] == "service_unavailable"
            assert time.monotonic() - started < 15
        feed = await client.get("/open311/v2/requests.xml")
        assert feed.status == 503 and feed.headers["Retry-After"] == "5"
        assert "<errors>" in await feed.text()  # Open311's own error format
        assert (await client.get("/healthz")).status == 200  # alive, not ready
        assert (await client.get("/readyz")).status == 503
    finally:
        forget_databases()


async def test_a_write_stuck_behind_a_lock_gets_503_and_its_retry_makes_one_ticket(
    db: Database, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database is slow (a long transaction holds the lock the intake needs): the request ends with a
    503 at the statement timeout (PostgreSQL) or the request deadline (SQLite's writer waits for the lock),
    and the retry with the same Idempotency-Key, once the lock is gone, stores exactly one ticket."""
    tokens = _prepare(db)
    monkeypatch.setenv("HELPDESK_DB_STATEMENT_TIMEOUT", "2")
    monkeypatch.setenv("HELPDESK_DB_REQUEST_TIMEOUT", "4")
    forget_databases()
    client = await aiohttp_client(create_app(db.url))
    headers = {"Authorization": f"Bearer {tokens['agent']}", "Idempotency-Key": "den-duong-ap-3"}
    holder = Database.from_url(db.url)
    blocker = holder.engine.connect()
    if holder.backend == "postgresql":
        blocker.execute(text("SET statement_timeout = 0"))
        blocker.execute(text("LOCK TABLE tickets IN ACCESS EXCLUSIVE MODE"))
    else:
        blocker.exec_driver_sql("SELECT 1")  # in BEGIN IMMEDIATE: SQLite's one write lock is taken
    try:
        started = time.monotonic()
        stuck = await client.post("/api/tickets", json=TICKET, headers=headers)
        assert stuck.status == 503, await stuck.text()
        assert stuck.headers["Retry-After"] == "5"
        assert time.monotonic() - started < 10
    finally:
        blocker.rollback()
        blocker.close()
        holder.dispose()
    retry = await client.post("/api/tickets", json=TICKET, headers=headers)
    assert retry.status == 201, await retry.text()
    await asyncio.sleep(3)  # an abandoned first attempt (SQLite) may still run: it must not add a ticket
    with db.session(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 1


class StallingProxy:
    """A TCP proxy on 127.0.0.1 in front of the real PostgreSQL server that can stop passing bytes on,
    keeping every connection open: a database host that froze while the app was running."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.flowing = threading.Event()
        self.flowing.set()
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client = self.server.accept()[0]
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self.flowing.wait()  # stalled: hold what arrived, answer nothing
                target.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.flowing.set()
        self.server.close()
        for sock in self.sockets:
            sock.close()


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
async def test_a_database_that_freezes_mid_run_gets_503_and_the_app_recovers(
    db: Database, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pooled connections to a server that stops answering (no error, no close): the pool's ping and any
    statement would wait for ever; the request deadline answers 503 instead, and once the server answers
    again, so does the API."""
    tokens = _prepare(db)
    url = make_url(db.url)
    proxy = StallingProxy((url.host or "127.0.0.1", url.port or 5432))
    monkeypatch.setenv("HELPDESK_DB_REQUEST_TIMEOUT", "3")
    forget_databases()
    try:
        client = await aiohttp_client(
            create_app(url.set(port=proxy.port).render_as_string(hide_password=False))
        )
        headers = {"Authorization": f"Bearer {tokens['agent']}"}
        assert (await client.get("/api/tickets", headers=headers)).status == 200
        proxy.flowing.clear()
        started = time.monotonic()
        frozen = await client.get("/api/tickets", headers=headers)
        assert frozen.status == 503 and frozen.headers["Retry-After"] == "5"
        assert 2.5 < time.monotonic() - started < 10
        proxy.flowing.set()
        for _ in range(20):  # the held bytes flow on; the stuck worker finishes
            recovered = await client.get("/api/tickets", headers=headers)
            if recovered.status == 200:
                break
            await asyncio.sleep(0.5)
        assert recovered.status == 200
    finally:
        forget_databases()
        proxy.close()


def test_statements_and_connections_are_bounded_and_parameters_hidden(tmp_path: Path) -> None:
    timeouts = Timeouts(connect=3, statement=7, pool=4)
    options = "-c statement_timeout=7000 -c idle_in_transaction_session_timeout=28000"
    assert timeouts.postgres_options() == options
    engine = create_db_engine(_url(5432), timeouts=timeouts)
    assert engine.pool.timeout() == 4 and engine.hide_parameters
    engine.dispose()
    sqlite = create_db_engine(f"sqlite:///{tmp_path}/x.sqlite3", timeouts=timeouts)
    assert sqlite.pool.timeout() == 4 and sqlite.hide_parameters
    with pytest.raises(Exception) as caught, sqlite.connect() as conn:
        conn.execute(text("SELECT * FROM no_such_table WHERE phone = :phone"), {"phone": "0912345678"})
    assert "0912345678" not in str(caught.value)
    sqlite.dispose()
