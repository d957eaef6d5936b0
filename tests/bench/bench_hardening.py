"""Benchmark what issue 14 hardens: intake through a `kill -9`, and the login throttle.

    .venv/bin/python tests/bench/bench_hardening.py [--seconds 30] [--clients 16] [--no-write]

Intake, on SQLite and on PostgreSQL (each a fresh database, migrated and seeded with the real directory):
- `python -m ticketing.api` serves on a free port of 127.0.0.1; 16 clients POST petitions to
  /api/tickets as fast as it answers, each request with its own `Idempotency-Key`;
- a third of the way in, the server is killed with SIGKILL and started again at once; a client whose
  request got no answer (connection reset) sends the same request, same key, again once the server is
  back, until it gets a 201;
- then: tickets acknowledged (201 received) vs stored, lost (acknowledged but not stored) and duplicates
  (more than one stored ticket for one request). Run twice: with keys, and without (the baseline a
  client without keys gets).
Login, on SQLite: 200 concurrent wrong passwords for one (account, client), how many were checked; and
the median answer time of a wrong password for an active, an inactive and an unknown account.

Writes its section of docs/benchmarks.md between ``<!-- hardening:start -->`` and ``<!-- hardening:end -->``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from database import Database, migrate, normalize_url  # noqa: E402
from tests.bench.report import machine, write_section  # noqa: E402
from ticketing import staff  # noqa: E402
from ticketing.models import Ticket  # noqa: E402
from ticketing.seed import seed_all  # noqa: E402

START, END = "<!-- hardening:start -->", "<!-- hardening:end -->"
COMMAND = ".venv/bin/python tests/bench/bench_hardening.py"
PG_ADMIN_URL = normalize_url(
    os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
)
PASSWORD = "mật-khẩu-đo-hiệu-năng-1022"
LOAD_AT_START = os.getloadavg()[0]


# -- databases -------------------------------------------------------------------------------


def _prepare(url: str) -> str:
    """Migrate and seed `url`; an agent with an API token (returned) and accounts for the login bench."""
    migrate(url)
    database = Database.from_url(url)
    try:
        with database.session() as s:
            seed_all(s)
            for username, active in (("agent", True), ("retired", False)):
                user = staff.do_create_user(
                    s, username=username, display_name=username.title(), role="agent", password=PASSWORD
                )
                if not active:
                    staff.do_update_user(s, user.id, {"active": False})
            return staff.do_create_token(s, username="agent", name="bench")[1]
    finally:
        database.dispose()


class Backend:
    def __init__(self, name: str) -> None:
        self.name = name
        self.url = ""
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._pg_name = f"h14_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    def __enter__(self) -> Backend:
        if self.name == "sqlite":
            self._tmp = tempfile.TemporaryDirectory(prefix="h14-bench-")
            self.url = f"sqlite:///{self._tmp.name}/helpdesk.sqlite3"
        else:
            engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._pg_name}"'))
            engine.dispose()
            self.url = (
                make_url(PG_ADMIN_URL).set(database=self._pg_name).render_as_string(hide_password=False)
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
        else:
            engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)'))
            engine.dispose()

    def stored(self, run: str) -> Counter[str]:
        """Stored tickets of a run, by request id (the marker in the description)."""
        engine = create_engine(normalize_url(self.url))
        try:
            with engine.connect() as conn:
                rows = conn.execute(select(Ticket.description).where(Ticket.description.like(f"%[{run}:%")))
                return Counter(d.split(f"[{run}:", 1)[1].split("]", 1)[0] for (d,) in rows)
        finally:
            engine.dispose()


# -- the server process ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, url: str, port: int) -> None:
        self.url, self.port = url, port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        started = time.monotonic()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HELPDESK_COOKIE_SECURE": "0"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ticketing.api", "--port", str(self.port), "--database-url", self.url],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = started + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return time.monotonic() - started
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the API exited at start-up") from None
                time.sleep(0.1)
        raise RuntimeError("the API did not start within 60 s")

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


# -- intake through a kill -9 ----------------------------------------------------------------


@dataclass
class IntakeResult:
    sent: int = 0
    acknowledged: set[str] = field(default_factory=set)
    retried: int = 0
    server_errors: int = 0
    restart_s: float = 0.0


async def intake(
    backend: Backend, token: str, seconds: float, clients: int, with_keys: bool
) -> dict[str, Any]:
    run = f"r{uuid.uuid4().hex[:8]}"
    server = Server(backend.url, free_port())
    server.start()
    result = IntakeResult()
    base = f"http://127.0.0.1:{server.port}"
    stop_at = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}"}

    async def client(number: int, session: aiohttp.ClientSession) -> None:
        seq = 0
        while time.monotonic() < stop_at:
            seq += 1
            request_id = f"{number}-{seq}"
            body = {
                "kind": "petition",
                "description": f"Đèn đường hư trước chợ, đề nghị sửa [{run}:{request_id}]",
                "channel": "phone",
                "auto_route": False,
            }
            extra = {"Idempotency-Key": f"{run}-{request_id}"} if with_keys else {}
            result.sent += 1
            while True:  # until acknowledged: an unanswered request is sent again
                try:
                    async with session.post(
                        f"{base}/api/tickets", json=body, headers={**headers, **extra}
                    ) as response:
                        await response.read()
                        if response.status == 201:
                            result.acknowledged.add(request_id)
                            break
                        if response.status >= 500:
                            result.server_errors += 1
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                result.retried += 1
                await asyncio.sleep(0.2)
                if time.monotonic() > stop_at + 90:
                    return

    async def killer() -> None:
        await asyncio.sleep(seconds / 3)
        server.kill9()
        result.restart_s = await asyncio.to_thread(server.start)

    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=clients)
    try:
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            await asyncio.gather(killer(), *(client(n, session) for n in range(clients)))
    finally:
        server.stop()
    stored = backend.stored(run)
    lost = [r for r in result.acknowledged if stored[r] == 0]
    duplicates = sum(count - 1 for count in stored.values() if count > 1)
    return {
        "backend": backend.name,
        "keys": with_keys,
        "seconds": seconds,
        "clients": clients,
        "requests": result.sent,
        "acknowledged": len(result.acknowledged),
        "stored": sum(stored.values()),
        "lost": len(lost),
        "duplicates": duplicates,
        "resent": result.retried,
        "server_errors": result.server_errors,
        "restart_s": round(result.restart_s, 2),
        "per_second": round(len(result.acknowledged) / seconds, 1),
    }


# -- login -----------------------------------------------------------------------------------


async def login_bench(backend: Backend) -> dict[str, Any]:
    server = Server(backend.url, free_port())
    server.start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        async with aiohttp.ClientSession() as session:

            async def attempt(username: str, password: str) -> tuple[int, float]:
                started = time.perf_counter()
                async with session.post(
                    f"{base}/api/auth/login", json={"username": username, "password": password}
                ) as response:
                    await response.read()
                    return response.status, time.perf_counter() - started

            timings: dict[str, list[float]] = {"active": [], "inactive": [], "unknown": []}
            for round_ in range(4):  # 4 rounds x 3 kinds: below every backoff window but the first
                for kind, username in (("active", "agent"), ("inactive", "retired"), ("unknown", "khong-co")):
                    status, elapsed = await attempt(username, f"sai-{round_}")
                    assert status == 401, status
                    timings[kind].append(elapsed)
            # A fresh (account, client) pair: 5 checks allowed by the backoff.
            burst = await asyncio.gather(*(attempt("chua-thu", "sai-mat-khau") for _ in range(200)))
    finally:
        server.stop()
    statuses = Counter(status for status, _ in burst)
    return {
        "median_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in timings.items()},
        "burst": dict(statuses),
    }


# -- report ----------------------------------------------------------------------------------


def section(runs: list[dict[str, Any]], login: dict[str, Any]) -> str:
    lines = [
        START,
        "## Hardening (issue 14)",
        "",
        f"`{COMMAND}` — {machine()}; load average {LOAD_AT_START:.1f} at the start (other work on the "
        "machine slows every number here; the counts of lost and duplicated tickets do not depend on it).",
        "",
        f"Intake through `kill -9`: {runs[0]['clients']} clients POST /api/tickets "
        f"for {runs[0]['seconds']:g} s; the API is killed with SIGKILL a third of the way in and "
        "started again; unanswered requests are sent again until acknowledged.",
        "",
        "| database | Idempotency-Key | requests | acknowledged (201) | stored | lost | duplicates "
        "| resent | 5xx | restart s | acked/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['backend']} | {'yes' if r['keys'] else 'no'} | {r['requests']} | {r['acknowledged']} | "
            f"{r['stored']} | {r['lost']} | {r['duplicates']} | {r['resent']} | {r['server_errors']} | "
            f"{r['restart_s']} | {r['per_second']} |"
        )
    medians = login["median_ms"]
    lines += [
        "",
        "Login (SQLite): median answer to a wrong password — active account "
        f"{medians['active']} ms, inactive {medians['inactive']} ms, unknown {medians['unknown']} ms; "
        "200 concurrent wrong passwords for one (account, client): "
        f"{login['burst'].get(401, 0)} checked (401), "
        f"{login['burst'].get(429, 0)} refused (429).",
        END,
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    runs = []
    login: dict[str, Any] = {}
    for name in ("sqlite", "postgresql"):
        for with_keys in (True, False):
            try:
                with Backend(name) as backend:
                    token = _prepare(backend.url)
                    runs.append(asyncio.run(intake(backend, token, args.seconds, args.clients, with_keys)))
                    print(json.dumps(runs[-1]), flush=True)
                    if name == "sqlite" and with_keys:
                        login = asyncio.run(login_bench(backend))
                        print(json.dumps(login), flush=True)
            except Exception as exc:  # PostgreSQL not running: say so, keep the SQLite numbers
                if name != "postgresql":
                    raise
                print(f"PostgreSQL skipped: {type(exc).__name__}: {exc}", file=sys.stderr)
                break
    if not args.no_write:
        write_section(section(runs, login), START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
