"""Benchmark the Telegram and Zalo webhooks: how fast the hub answers the platform, and a turn's latency.

    .venv/bin/python tests/bench/bench_channels.py [--citizens 25] [--turns 4] [--no-write]

One ``python -m channels`` process configured only by environment variables (Telegram in webhook mode,
Zalo), the real Rasa with the trained model and the real action server, SQLite (the embedded default),
and the local Telegram Bot API and Zalo OpenAPI/OAuth stand-ins of the tests on 127.0.0.1. ``--citizens``
citizens on each platform write ``--turns`` messages each, waiting for the bot's reply before the next (one
message in ten is delivered twice, as the platforms resend). Measured: the webhook's answer (Zalo wants 200
within 2 s, Telegram resends otherwise) while the bot is busy, and a turn (webhook sent -> the bot's first
reply arriving at the platform). Checked afterwards: each message stored once.

Writes its section of docs/benchmarks.md between ``<!-- channels:start -->`` and ``<!-- channels:end -->``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from tests.bench.bench_hub import seed  # noqa: E402
from tests.bench.report import machine, write_section  # noqa: E402
from tests.channels.fake_telegram import FakeTelegram  # noqa: E402
from tests.channels.fake_zalo import APP_ID, APP_SECRET, OA_SECRET_KEY, FakeZalo  # noqa: E402
from tests.channels.servers import (  # noqa: E402
    APP_PYTHON,
    Server,
    _start,
    endpoints_file,
    free_port,
    start_actions,
    start_rasa,
    trained_model,
)

START, END = "<!-- channels:start -->", "<!-- channels:end -->"
TURNS = ("xin chào", "thủ tục đăng ký khai sinh cần giấy tờ gì", "lệ phí bao nhiêu", "cảm ơn")
RASA_TOKEN = "bench-rasa-token"
HUB_KEY = "bench-hub-key"
TELEGRAM_TOKEN = "424242:bench-telegram-token"
TELEGRAM_SECRET = "bench-telegram-secret"
TURN_TIMEOUT = 120.0
PAUSE = 0.2  # a citizen reads the reply before writing again (not counted)
RESEND_EVERY = 10  # one message in ten is delivered twice


@dataclass
class Run:
    name: str
    acks: list[float] = field(default_factory=list)
    turns: list[float] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0

    @staticmethod
    def pct(values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def post(http: aiohttp.ClientSession, url: str, run: Run, **kwargs: Any) -> bool:
    started = time.perf_counter()
    async with http.post(url, **kwargs) as response:
        await response.read()
        ok = response.status == 200
    run.acks.append(time.perf_counter() - started)
    return ok


async def citizen(
    http: aiohttp.ClientSession,
    platform: FakeZalo | FakeTelegram,
    recipient: str | int,
    webhook: str,
    request: Any,
    turns: int,
    number: int,
    run: Run,
) -> None:
    """One citizen: ``turns`` messages (``request(text)`` gives the webhook POST's keyword arguments), each
    after the bot's reply to the last one."""
    for turn in range(turns):
        before = len(platform.texts_to(recipient))
        kwargs = request(TURNS[turn % len(TURNS)])
        started = time.perf_counter()
        copies = 2 if (number * turns + turn) % RESEND_EVERY == 0 else 1
        for _ in range(copies):
            if not await post(http, webhook, run, **kwargs):
                run.failures += 1
        if await platform.wait_for_messages(recipient, before + 1, TURN_TIMEOUT):
            run.turns.append(time.perf_counter() - started)
        else:
            run.failures += 1
        await asyncio.sleep(PAUSE)


def zalo_citizen(
    http: aiohttp.ClientSession, zalo: FakeZalo, webhook: str, turns: int, number: int, run: Run
) -> Any:
    user = f"9{secrets.randbelow(10**17):017d}"

    def request(text: str) -> dict[str, Any]:
        body, headers = zalo.signed(zalo.text(user, text))
        return {"data": body, "headers": headers}

    return citizen(http, zalo, user, webhook, request, turns, number, run)


def telegram_citizen(
    http: aiohttp.ClientSession, telegram: FakeTelegram, webhook: str, turns: int, number: int, run: Run
) -> Any:
    chat_id = 10**9 + secrets.randbelow(10**9)
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}

    def request(text: str) -> dict[str, Any]:
        update = telegram.update(message=telegram._citizen_message(chat_id, text=text))
        return {"json": update, "headers": headers}

    return citizen(http, telegram, chat_id, webhook, request, turns, number, run)


def start_hub(port: int, database_url: str, rasa_url: str, telegram: str, zalo: str, log: Path) -> Server:
    """The application configured by environment variables only, as ``make run`` would start it."""
    env = {
        "DATABASE_URL": database_url,
        "HUB_RASA_URLS": rasa_url,
        "HELPDESK_HUB_KEY": HUB_KEY,
        "HUB_WEBCHAT": "0",
        "HUB_ATTACHMENTS_DIR": str(log.parent / "attachments"),
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_URL": telegram,
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/webhooks/telegram",
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "ZALO_APP_ID": APP_ID,
        "ZALO_APP_SECRET": APP_SECRET,
        "ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
        "ZALO_REFRESH_TOKEN": "bench-refresh-0",
        "ZALO_API_URL": zalo,
        "ZALO_OAUTH_URL": zalo,
    }
    return _start("hub", [str(APP_PYTHON), "-m", "channels", "--port", str(port)], env, log, port)


def stored_once(database: Path) -> tuple[int, int]:
    """(inbound messages stored, platform message ids stored more than once)."""
    with sqlite3.connect(database) as connection:
        total = connection.execute("SELECT count(*) FROM hub_messages WHERE direction = 'in'").fetchone()[0]
        twice = connection.execute(
            "SELECT count(*) FROM (SELECT channel, channel_message_id FROM hub_messages "
            "WHERE direction = 'in' GROUP BY channel, channel_message_id HAVING count(*) > 1)"
        ).fetchone()[0]
    return total, twice


async def measure(citizens: int, turns: int, work: Path, rasa_url: str) -> tuple[list[Run], tuple[int, int]]:
    telegram = await FakeTelegram(TELEGRAM_TOKEN).start()
    zalo = await FakeZalo().start()
    zalo.refresh_tokens.add("bench-refresh-0")  # the hub starts with no access token: it refreshes first
    database = work / "helpdesk.sqlite3"
    port = free_port()
    hub = start_hub(port, f"sqlite:///{database}", rasa_url, telegram.url, zalo.url, work / "hub.log")
    try:
        await asyncio.to_thread(hub.wait_until, "/api/openapi.json", 200, 300)
        deadline = time.monotonic() + 60
        while telegram.webhook is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        if telegram.webhook is None:
            raise RuntimeError("the hub did not register the Telegram webhook")
        runs = [Run("Zalo"), Run("Telegram")]
        timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT)
        async with aiohttp.ClientSession(
            timeout=timeout, connector=aiohttp.TCPConnector(limit=citizens * 4)
        ) as http:
            started = time.perf_counter()
            await asyncio.gather(
                *(
                    zalo_citizen(http, zalo, f"{hub.url}/webhooks/zalo", turns, i, runs[0])
                    for i in range(citizens)
                ),
                *(
                    telegram_citizen(http, telegram, f"{hub.url}/webhooks/telegram", turns, i, runs[1])
                    for i in range(citizens)
                ),
            )
            for run in runs:
                run.seconds = time.perf_counter() - started
        return runs, stored_once(database)
    finally:
        hub.stop()
        await telegram.stop()
        await zalo.stop()


def section(
    runs: list[Run],
    stored: tuple[int, int],
    citizens: int,
    turns: int,
    seconds: float,
    load: tuple[float, float],
) -> str:
    total, twice = stored
    lines = [
        START,
        "## Channels: Telegram and Zalo webhooks (`tests/bench/bench_channels.py`)",
        "",
        f"Machine: {machine()}. Command: `.venv/bin/python tests/bench/bench_channels.py --citizens "
        f"{citizens} --turns {turns}` ({seconds:.0f} s in all). Load average (1 min) before the run "
        f"{load[0]:.1f}, after {load[1]:.1f} (other work on these 2 cores included).",
        "",
        f"{citizens} citizens on Zalo and {citizens} on Telegram at once, {turns} messages each, each "
        "waiting for the bot's reply (one message in ten delivered twice, as the platforms resend); one "
        "`python -m channels` process configured by environment variables only, SQLite, the real Rasa and "
        "action server, local stand-ins for the Telegram Bot API and Zalo's OpenAPI/OAuth. A webhook's "
        "answer is the time to the platform's 200 (the message stored, the bot not yet asked); a turn is "
        "from the webhook sent to the bot's first reply arriving at the platform.",
        "",
        "| channel | webhooks | failed | answer p50 ms | p95 ms | p99 ms | max ms | turn p50 ms "
        "| turn p95 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run.name} | {len(run.acks)} | {run.failures} | {run.pct(run.acks, 0.5):.0f} | "
            f"{run.pct(run.acks, 0.95):.0f} | {run.pct(run.acks, 0.99):.0f} | "
            f"{max(run.acks) * 1000 if run.acks else float('nan'):.0f} | {run.pct(run.turns, 0.5):.0f} | "
            f"{run.pct(run.turns, 0.95):.0f} |"
        )
    lines += [
        "",
        f"Stored: {total} citizen messages, {twice} stored twice (resends are kept once).",
        "",
        "Zalo counts a webhook as failed when it is not answered 200 within 2 s; the hub answers once the "
        "message is in the database, before the bot is asked, so the answer stays far below that while Rasa "
        "(about 30 ms of a core per turn) keeps both cores busy; the turn's latency is Rasa's queue.",
        END,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=25, help="citizens per platform")
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/ alone")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="bench-channels-"))
    print(f"bench_channels: logs in {work}", flush=True)
    model = trained_model()
    servers: list[Server] = []
    try:
        database_url = f"sqlite:///{work / 'helpdesk.sqlite3'}"
        seed(database_url, work / "seed.log")  # the ticketing directory and the procedure catalogue
        actions = start_actions(free_port(), database_url, HUB_KEY, work / "actions.log")
        servers.append(actions)
        rasa = start_rasa(
            free_port(),
            model,
            endpoints_file(work, actions.port, work / "trackers.sqlite3"),
            RASA_TOKEN,
            work / "rasa.log",
        )
        servers.append(rasa)
        runs, stored = asyncio.run(measure(args.citizens, args.turns, work, rasa.url))
    finally:
        for server in reversed(servers):
            server.stop()
    load = (load_before, os.getloadavg()[0])
    text = section(runs, stored, args.citizens, args.turns, time.perf_counter() - began, load)
    print(text)
    if not args.no_write:
        write_section(text, START, END)
    return 0 if all(run.failures == 0 for run in runs) and stored[1] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
