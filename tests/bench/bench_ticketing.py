"""Benchmark the ticketing API on PostgreSQL with 1,000,000 generated tickets.

    .venv/bin/python tests/bench/bench_ticketing.py [--tickets 1000000] [--fresh] [--no-write]

- Database: its own, `tkapi_bench` on 127.0.0.1:5432 (BENCH_POSTGRES_URL to change), migrated and seeded
  with the real directory; tickets generated over 36 months with a realistic spread over kinds, channels,
  categories, communes/wards (and so agencies, by the routing rules), statuses and response times, plus
  ratings, bulk-loaded with COPY. Reused by later runs unless `--fresh`.
- The API runs as `python -m ticketing.api` on 127.0.0.1:8150 (a real server process) and is driven over
  HTTP by an aiohttp client with bounded concurrency:
  intake req/s (POST /api/tickets, triaged and routed), GET /api/tickets/{code} latency,
  the supervisor's monthly report per agency (GET /api/reports/monthly, all agencies and one agency).
- Triage accuracy on helper directory's held-out set (tests/data/triage_test.yml, via
  `ticketing.triage.evaluate`), as written and with diacritics stripped.

Writes its section of docs/benchmarks.md between ``<!-- ticketing:start -->`` and ``<!-- ticketing:end -->``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from database import Database, migrate  # noqa: E402
from tests.bench.report import BENCHMARKS, machine, write_section  # noqa: E402
from ticketing import staff  # noqa: E402
from ticketing.models import (  # noqa: E402
    TICKET_CODE_PREFIX,
    Agency,
    AgencyKind,
    Area,
    Category,
    RoutingRule,
    Ticket,
    TicketKind,
    User,
)
from ticketing.seed import seed_all  # noqa: E402
from vietnam.workdays import LOCAL_TZ  # noqa: E402

START, END = "<!-- ticketing:start -->", "<!-- ticketing:end -->"
COMMAND = ".venv/bin/python tests/bench/bench_ticketing.py"
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DB_NAME = "tkapi_bench"
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_TICKETING_PORT", "8150"))
LOCAL = LOCAL_TZ
TARGETS = {"report_ms": 500.0, "category": 0.90, "area": 0.95}

CATEGORY_WEIGHTS = {
    "do_thi": 14, "moi_truong": 14, "giao_thong": 13, "dat_dai": 9, "dien": 8, "an_ninh_trat_tu": 8,
    "nuoc": 7, "xay_dung": 6, "lao_dong_an_sinh": 5, "thu_tuc_hanh_chinh": 5, "y_te": 4, "giao_duc": 3,
    "nong_nghiep": 3, "khac": 1,
}  # fmt: skip
KIND_WEIGHTS = {"petition": 80, "question": 12, "postal": 5, "appointment": 3}
CHANNEL_WEIGHTS = {"zalo": 45, "phone": 25, "webchat": 15, "telegram": 10, "web": 5}
SAMPLE_TEXT = {
    "do_thi": "Đèn đường hư nhiều ngày, buổi tối rất tối",
    "moi_truong": "Rác thải tồn đọng bốc mùi hôi",
    "giao_thong": "Mặt đường hư hỏng, nhiều ổ gà",
    "dat_dai": "Tranh chấp ranh giới đất với hộ bên cạnh",
    "dien": "Mất điện thường xuyên vào buổi tối",
    "an_ninh_trat_tu": "Quán karaoke hát khuya gây ồn",
    "nuoc": "Nước máy có màu đục, mùi lạ",
    "xay_dung": "Công trình xây dựng lấn chiếm hành lang",
    "lao_dong_an_sinh": "Chưa nhận được trợ cấp hộ nghèo",
    "thu_tuc_hanh_chinh": "Hồ sơ nộp đã lâu chưa có kết quả",
    "y_te": "Trạm y tế đóng cửa giờ hành chính",
    "giao_duc": "Trường thu các khoản ngoài quy định",
    "nong_nghiep": "Đê bao bị sạt lở, nước tràn vào ruộng",
    "khac": "Xin thông tin liên hệ cơ quan",
}  # fmt: skip
INTAKE_TEXTS = [
    ("Đèn đường trước chợ bị hư cả tuần nay", "phường Mỹ Tho"),
    ("mat dien tu sang toi gio chua co lai", "xã Tân Phước 2"),
    ("Rác thải đổ bừa bãi ven kênh bốc mùi hôi thối", "phường Cao Lãnh"),
    ("Đường liên ấp bị sạt lở nguy hiểm cho xe máy", "xã Hậu Mỹ"),
    ("Quán nhậu mở nhạc lớn đến 1 giờ sáng", "phường Sa Đéc"),
    ("nuoc may co mui clo nang, khong dung duoc", "phường Gò Công"),
]


# ----------------------------------------------------------------------------------- database


def _admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")


def bench_url() -> str:
    return make_url(ADMIN_URL).set(database=DB_NAME).render_as_string(hide_password=False)


def schema_drift(url: str) -> list[str]:
    """Differences between the models and an existing bench database (a schema changed since)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ticketing.models import Base

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            # Only the ticketing tables: the database holds the other packages' tables too.
            own = {
                "include_object": lambda _obj, _name, kind, reflected, other: (
                    not (kind == "table" and reflected and other is None)
                )
            }
            diff = compare_metadata(MigrationContext.configure(conn, opts=own), Base.metadata)
    finally:
        engine.dispose()
    return [str(d)[:120] for d in diff if "alembic_version" not in str(d)]


def prepare_database(n_tickets: int, fresh: bool, seed: int) -> tuple[Database, float | None]:
    engine = _admin_engine()
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": DB_NAME})
    if exists and not fresh:
        drift = schema_drift(bench_url())
        if drift:
            print(
                f"schema changed since the bench database was built ({drift[0]} ...): rebuilding", flush=True
            )
            fresh = True
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": DB_NAME})
        if exists and fresh:
            conn.execute(text(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)'))
            exists = None
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    engine.dispose()
    migrate(bench_url())
    database = Database.from_url(bench_url())
    with database.session() as s:
        seed_all(s)
        have = s.scalar(select(func.count()).select_from(Ticket))
    load_s = None
    if have < n_tickets:
        if have:
            print(f"database has {have} tickets, regenerating {n_tickets}", flush=True)
            with database.engine.begin() as conn:
                conn.execute(
                    text(
                        "TRUNCATE tickets, ticket_events, replies, ratings, outbound_messages, "
                        "sla_alerts, ticket_code_counters RESTART IDENTITY CASCADE"
                    )
                )
        start = time.perf_counter()
        generate(database, n_tickets, seed)
        load_s = time.perf_counter() - start
    with database.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return database, load_s


def _weighted(rng: random.Random, weights: dict[Any, float], k: int) -> list[Any]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def generate(database: Database, n: int, seed: int) -> None:
    """COPY `n` tickets (and their ratings) spread over the last 36 months, oldest first."""
    rng = random.Random(seed)
    with database.session(readonly=True) as s:
        categories = dict(s.execute(select(Category.code, Category.id)).all())
        areas = [(a.id, a.code) for a in s.scalars(select(Area).where(Area.kind != "province"))]
        rules = {(r.category_id, r.area_id): r.agency_id for r in s.scalars(select(RoutingRule))}
        committees = dict(
            s.execute(
                select(Agency.area_id, Agency.id).where(Agency.kind == AgencyKind.COMMUNE_COMMITTEE)
            ).all()
        )
        post = s.scalar(select(Agency.id).where(Agency.kind == AgencyKind.POST).limit(1))
        centres = dict(
            s.execute(select(Agency.area_id, Agency.id).where(Agency.kind == AgencyKind.SERVICE_CENTRE)).all()
        )
    # Wards and big communes file more petitions: a Zipf-like weight over the 102 units.
    area_weights = {a: 1.0 / (1 + i) ** 0.6 for i, a in enumerate(rng.sample(areas, len(areas)))}
    now = datetime.now(UTC)
    end = datetime.combine(now.astimezone(LOCAL).date(), datetime.min.time(), LOCAL).astimezone(
        UTC
    )  # today 00:00
    start = end - timedelta(days=3 * 365)
    span = (end - start).total_seconds()

    def created_at() -> datetime:
        # Usage grows over the three years (+60%) and the rainy season (Jun-Nov) brings more petitions.
        while True:
            x = rng.random()
            moment = start + timedelta(seconds=span * x)
            local = moment.astimezone(LOCAL)
            weight = (1.0 + 0.6 * x) * (1.3 if 6 <= local.month <= 11 else 1.0)
            weight *= 1.0 if 7 <= local.hour < 21 else 0.15
            if rng.random() < weight / 2.08:
                return moment

    times = sorted(created_at() for _ in range(n))
    kinds = _weighted(rng, KIND_WEIGHTS, n)
    cats = _weighted(rng, CATEGORY_WEIGHTS, n)
    channels = _weighted(rng, CHANNEL_WEIGHTS, n)
    area_picks = _weighted(rng, area_weights, n)
    counters: dict[tuple[str, str], int] = {}
    columns = [
        "id", "code", "kind", "status", "priority", "category_id", "area_id", "agency_id", "channel",
        "channel_user_id", "description", "location_text", "details", "triage_confidence", "created_at",
        "updated_at", "triaged_at", "assigned_at", "accepted_at", "first_response_at", "answered_at",
        "closed_at", "first_response_started_at", "first_response_due_at", "resolution_started_at",
        "resolution_due_at", "version", "reopen_count", "return_count",
    ]  # fmt: skip
    rating_rows: list[tuple[Any, ...]] = []
    raw = database.engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy(f"COPY tickets ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(n):
                ticket_id = i + 1
                t0 = times[i]
                kind = kinds[i]
                area_id, area_code = area_picks[i]
                category_code = cats[i] if kind in ("petition", "question") else None
                category_id = categories[category_code] if category_code else None
                if kind == "postal":
                    agency_id = post
                elif kind == "appointment":
                    agency_id = centres.get(area_id) or committees.get(area_id)
                else:
                    agency_id = (
                        rules.get((category_id, area_id))
                        or rules.get((category_id, None))
                        or committees.get(area_id)
                    )
                day = t0.astimezone(LOCAL).strftime("%y%m%d")
                prefix = TICKET_CODE_PREFIX[TicketKind(kind)]
                number = counters[(prefix, day)] = counters.get((prefix, day), 0) + 1
                code = f"{prefix}-{day}-{number:04d}"
                age_days = (end - t0).total_seconds() / 86400
                # Response times: log-normal, a few very late ones.
                first = t0 + timedelta(hours=rng.lognormvariate(math.log(6), 1.0))
                answer = t0 + timedelta(hours=rng.lognormvariate(math.log(60), 0.9))
                fr_due = t0 + timedelta(days=2)
                res_due = t0 + timedelta(days=10 if kind == "petition" else 5)
                roll = rng.random()
                if age_days > 30:
                    status = "closed" if roll < 0.96 else ("in_progress" if roll < 0.985 else "assigned")
                else:
                    status = rng.choice(["new", "triaged", "assigned", "in_progress", "answered", "closed"])
                if first > end or status in ("new", "triaged", "assigned"):
                    first = None
                if answer > end or status not in ("answered", "closed"):
                    answer = None
                if status in ("answered", "closed") and answer is None:
                    status = "in_progress" if first else "assigned"
                closed = (
                    answer + timedelta(days=min(7, rng.expovariate(1 / 3))) if status == "closed" else None
                )
                if closed is not None and closed > end:
                    closed, status = None, "answered"
                routed = status not in ("new", "triaged") and agency_id is not None
                if not routed and status not in ("new", "triaged"):
                    status = "triaged"
                updated = closed or answer or first or t0
                copy.write_row(
                    (
                        ticket_id, code, kind, status, "normal", category_id if status != "new" else None,
                        area_id if status != "new" else None, agency_id if routed else None,
                        channels[i], f"{channels[i]}-{rng.randrange(10**9)}",
                        f"{SAMPLE_TEXT[category_code or 'khac']} ({area_code})", None, "{}",
                        round(rng.uniform(0.4, 0.99), 3) if category_id else None,
                        t0, updated, t0 + timedelta(minutes=3) if status != "new" else None,
                        t0 + timedelta(minutes=5) if routed else None, first, first, answer, closed,
                        t0, fr_due, t0, res_due, 1, 0, 0,
                    )
                )  # fmt: skip
                if answer is not None and routed and rng.random() < 0.35:
                    score = rng.choices([5, 4, 3, 2, 1], weights=[40, 30, 15, 8, 7])[0]
                    rating_rows.append(
                        (
                            ticket_id,
                            agency_id,
                            channels[i],
                            score,
                            answer + timedelta(hours=rng.uniform(1, 48)),
                        )
                    )
        with cur.copy("COPY ratings (ticket_id, agency_id, channel, score, created_at) FROM STDIN") as copy:
            for row in rating_rows:
                copy.write_row(row)
        with cur.copy("COPY ticket_code_counters (prefix, day, last_value) FROM STDIN") as copy:
            for (prefix, day), last in counters.items():
                copy.write_row((prefix, day, last))
        cur.execute("SELECT setval(pg_get_serial_sequence('tickets', 'id'), %s)", (n,))
        raw.commit()
    finally:
        raw.close()
    print(f"generated {n} tickets and {len(rating_rows)} ratings", flush=True)


def bench_tokens(database: Database) -> dict[str, str]:
    tokens = {}
    with database.session() as s:
        for username, role in (("bench_agent", "agent"), ("bench_supervisor", "supervisor")):
            if s.scalar(select(User.id).where(User.username == username)) is None:
                staff.do_create_user(s, username=username, display_name=username, role=role,
                                     password="bench-password-1022")  # fmt: skip
            tokens[role] = staff.do_create_token(s, username=username, name="bench", expires_in_days=1)[1]
    return tokens


def officer_token(database: Database, agency: str) -> str:
    username = f"bench_officer_{agency}"[:100]
    with database.session() as s:
        if s.scalar(select(User.id).where(User.username == username)) is None:
            staff.do_create_user(s, username=username, display_name=username, role="agency_officer",
                                 agency=agency, password="bench-password-1022")  # fmt: skip
        return staff.do_create_token(s, username=username, name="bench", expires_in_days=1)[1]


# ----------------------------------------------------------------------------------- HTTP load


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


async def run_load(
    session: aiohttp.ClientSession, requests: list[tuple[str, str, Any]], concurrency: int, token: str
) -> tuple[list[float], float, dict[int, int]]:
    """Send every request once with `concurrency` workers; latencies (ms), wall time (s), status counts."""
    queue: asyncio.Queue[tuple[str, str, Any]] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    headers = {"Authorization": f"Bearer {token}"}

    async def worker() -> None:
        while not queue.empty():
            method, path, body = queue.get_nowait()
            t = time.perf_counter()
            async with session.request(
                method, f"http://{HOST}:{PORT}{path}", json=body, headers=headers
            ) as r:
                await r.read()
                statuses[r.status] = statuses.get(r.status, 0) + 1
            latencies.append((time.perf_counter() - t) * 1000)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - start, statuses


async def http_benchmarks(
    database: Database, tokens: dict[str, str], args: argparse.Namespace
) -> dict[str, Any]:
    rng = random.Random(args.seed + 1)
    with database.session(readonly=True) as s:
        max_id = s.scalar(select(func.max(Ticket.id)))
        ids = [rng.randrange(1, max_id + 1) for _ in range(args.gets)]
        codes = list(s.scalars(select(Ticket.code).where(Ticket.id.in_(ids))))
        busiest = s.execute(
            select(Agency.code, func.count()).join(Ticket, Ticket.agency_id == Agency.id)
            .group_by(Agency.code).order_by(func.count().desc()).limit(1)
        ).first()  # fmt: skip
    today = datetime.now(LOCAL).date().replace(day=1)
    months = []
    for _ in range(3):
        today = (today - timedelta(days=1)).replace(day=1)
        months.append(today.strftime("%Y-%m"))
    results: dict[str, Any] = {"busiest_agency": busiest[0], "busiest_agency_tickets": busiest[1]}
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        # warm-up (bounded): classifier model, connection pools
        await run_load(
            session, [("GET", f"/api/tickets/{c}", None) for c in codes[:50]], 4, tokens["supervisor"]
        )
        intake = []
        for i in range(args.intake):
            text_, loc = INTAKE_TEXTS[i % len(INTAKE_TEXTS)]
            body = {"kind": "petition", "description": f"{text_} (lần {i})", "location_text": loc,
                    "channel": "zalo", "channel_user_id": f"bench-{i}", "phone": "0912345678"}  # fmt: skip
            intake.append(("POST", "/api/tickets", body))
        lat, wall, statuses = await run_load(session, intake, args.concurrency, tokens["agent"])
        results["intake"] = {"n": len(intake), "rps": len(intake) / wall, "p50": percentile(lat, 0.5),
                             "p95": percentile(lat, 0.95), "statuses": statuses}  # fmt: skip
        gets = [("GET", f"/api/tickets/{c}", None) for c in codes]
        lat, wall, statuses = await run_load(session, gets, args.concurrency, tokens["supervisor"])
        results["get"] = {"n": len(gets), "rps": len(gets) / wall, "p50": percentile(lat, 0.5),
                          "p95": percentile(lat, 0.95), "p99": percentile(lat, 0.99),
                          "statuses": statuses}  # fmt: skip
        reports = []
        for month in months:
            for agency in (None, busiest[0]):
                path = f"/api/reports/monthly?month={month}" + (f"&agency={agency}" if agency else "")
                lat, _, statuses = await run_load(session, [("GET", path, None)] * args.report_rounds, 1,
                                                  tokens["supervisor"])  # fmt: skip
                async with session.get(
                    f"http://{HOST}:{PORT}{path}", headers={"Authorization": f"Bearer {tokens['supervisor']}"}
                ) as r:
                    body = await r.json()
                received = sum(a["received"] for a in body["agencies"])
                reports.append({"month": month, "agency": agency or "all", "median": statistics.median(lat),
                                "max": max(lat), "agencies": len(body["agencies"]), "received": received,
                                "statuses": statuses})  # fmt: skip
        results["reports"] = reports
        # An agency officer's console: the first page of their agency's tickets, open ones first page.
        officer = officer_token(database, busiest[0])
        pages = [
            ("GET", "/api/tickets?limit=20", None),
            ("GET", "/api/tickets?status=assigned,in_progress", None),
        ]
        lat, wall, statuses = await run_load(session, pages * (args.lists // 2), args.concurrency, officer)
        results["list"] = {"n": len(lat), "p50": percentile(lat, 0.5), "p95": percentile(lat, 0.95),
                           "statuses": statuses}  # fmt: skip
    return results


def start_server(url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ticketing.api", "--host", HOST, "--port", str(PORT), "--database-url", url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    import urllib.request

    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"API server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/api/openapi.json", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("API server did not start within 60 s")


# ----------------------------------------------------------------------------------- triage


def triage_accuracy() -> dict[str, Any] | None:
    path = ROOT / "tests" / "data" / "triage_test.yml"
    try:
        from ticketing import triage
    except ImportError:
        return None
    if not path.exists() or not hasattr(triage, "evaluate"):
        return None
    return triage.evaluate(path)


# ----------------------------------------------------------------------------------- report


def render(results: dict[str, Any]) -> str:
    lines = [
        START,
        "## Ticketing (API on PostgreSQL, 1,000,000 tickets)",
        "",
        f"Command: `{results['command']}` (part of `make bench`). Date: {results['date']}.",
        f"Machine: {results['machine']}; PostgreSQL {results['pg_version']} on 127.0.0.1, shared with other "
        f"work (load average {results['load']} at the start of the run).",
        "",
        f"Data: {results['tickets']:,} tickets: {results['generated']:,} generated over 36 months (the rest "
        "came from the intake requests of runs; 80% petitions, 12% questions, "
        "5% postal, 3% appointments; 14 categories and 102 communes/wards weighted, agencies by the seeded "
        f"routing rules; older tickets mostly closed), {results['ratings']:,} ratings; bulk-loaded with COPY"
        + (f" in {results['load_s']:.0f} s" if results.get("load_s") else " (reused from an earlier run)")
        + ". The API server is one `python -m ticketing.api` process (aiohttp, SQLAlchemy in worker "
        f"threads); the client sends with {results['concurrency']} concurrent connections.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
    ]
    intake, get = results["http"]["intake"], results["http"]["get"]
    lines.append(
        f"| intake, POST /api/tickets (classified, triaged, routed; {intake['n']} requests) | "
        f"**{intake['rps']:.0f} req/s** (p50 {intake['p50']:.0f} ms, p95 {intake['p95']:.0f} ms) | - |"
    )
    lines.append(
        f"| GET /api/tickets/{{code}} ({get['n']} random tickets, with history) | "
        f"p50 {get['p50']:.1f} ms, **p95 {get['p95']:.1f} ms**, p99 {get['p99']:.1f} ms "
        f"({get['rps']:.0f} req/s) | - |"
    )
    lst = results["http"]["list"]
    lines.append(
        f"| GET /api/tickets as an officer of the busiest agency (first page, all / open; "
        f"{lst['n']} requests) | "
        f"p50 {lst['p50']:.1f} ms, **p95 {lst['p95']:.1f} ms** | - |"
    )
    for rep in results["http"]["reports"]:
        ok = "met" if rep["max"] < TARGETS["report_ms"] else "**missed**"
        lines.append(
            f"| monthly report {rep['month']}, {rep['agency']} ({rep['received']:,} tickets, "
            f"{rep['agencies']} agenc{'y' if rep['agencies'] == 1 else 'ies'}) | "
            f"median **{rep['median']:.0f} ms**, max {rep['max']:.0f} ms | "
            f"< 500 ms: {ok} |"
        )
    tri = results.get("triage")
    if tri:
        for suffix, label in (("", "as written"), ("_stripped", "without diacritics")):
            cat, area = tri[f"category_accuracy{suffix}"], tri[f"area_accuracy{suffix}"]
            lines.append(
                f"| triage {label} ({tri['examples']} held-out petitions, {tri['area_examples']} with a "
                f"place) | category **{cat:.3f}**, area **{area:.3f}**; "
                f"{tri[f'needs_human_rate{suffix}']:.0%} sent to "
                f"agents, accuracy of the rest {tri[f'routed_accuracy{suffix}']:.3f} | category 0.90: "
                f"{'met' if cat >= TARGETS['category'] else '**missed**'}, area 0.95: "
                f"{'met' if area >= TARGETS['area'] else '**missed**'} |"
            )
    else:
        lines.append("| triage accuracy | ticketing.triage.evaluate not available | - |")
    statuses = {**intake["statuses"]}
    lines += [
        "",
        f"HTTP statuses: intake {statuses}, GET {get['statuses']}. Report latency is measured warm over "
        f"{results['report_rounds']} sequential requests each (busiest agency: "
        f"`{results['http']['busiest_agency']}`, "
        f"{results['http']['busiest_agency_tickets']:,} tickets in total).",
        "Simplifications of the generated data: SLA due times are wall-clock approximations (2 days first "
        "response, 10/5 days resolution) instead of the working-time clocks intake computes; generated "
        "tickets carry no citizens, event history or replies (the intake requests of the run do).",
        END,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--intake", type=int, default=1000, help="intake requests to send")
    parser.add_argument("--gets", type=int, default=3000, help="GET requests to send")
    parser.add_argument("--report-rounds", type=int, default=5)
    parser.add_argument("--lists", type=int, default=400, help="ticket-list requests (agency officer)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1022)
    parser.add_argument("--fresh", action="store_true", help="drop and regenerate the bench database")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args(argv)

    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    database, load_s = prepare_database(args.tickets, args.fresh, args.seed)
    tokens = bench_tokens(database)
    with database.session(readonly=True) as s:
        n_tickets = s.scalar(select(func.count()).select_from(Ticket))
        n_ratings = s.scalar(text("SELECT count(*) FROM ratings"))
        pg_version = s.scalar(text("SHOW server_version"))
    server = start_server(database.url)
    try:
        http = asyncio.run(http_benchmarks(database, tokens, args))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    database.dispose()
    results = {
        "command": COMMAND + ("" if args.tickets == 1_000_000 else f" --tickets {args.tickets}"),
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "pg_version": pg_version,
        "tickets": n_tickets,
        "generated": args.tickets,
        "ratings": n_ratings,
        "load_s": load_s,
        "load": load_before,
        "concurrency": args.concurrency,
        "report_rounds": args.report_rounds,
        "http": http,
        "triage": triage_accuracy(),
    }
    print(json.dumps(results, indent=1, default=str))
    if not args.no_write:
        write_section(render(results), START, END)
        print(f"wrote {BENCHMARKS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
