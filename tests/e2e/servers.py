"""The real bot for end-to-end tests: Rasa (bot runtime) + the action server (app runtime) on free ports.

:func:`start_bot` prepares a fresh SQLite database the way ``make seed`` does (ticketing directory, procedure
catalogue, sample dossiers), writes an endpoints file pointing Rasa at the action server, starts both
servers on 127.0.0.1 and waits until they answer. :meth:`BotStack.stop` stops them (process groups, SIGINT
then SIGKILL). Used by tests/e2e/conftest.py and tests/bench/bench_conversations.py.

Standard library and the harness only (the app runtime's python seeds), so it runs from either venv.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.harness import ConversationResult, shown_ticket_codes

ROOT = Path(__file__).resolve().parents[2]
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"
RASA = ROOT / ".venv-bot" / "bin" / "rasa"
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
CREDENTIALS = ROOT / "bot" / "credentials.yml"

# What `make seed` runs, in order (Makefile, target `seed`).
SEED_COMMANDS = (("-m", "ticketing.cli", "seed"), ("-m", "knowledge.cli", "seed"))
# A line of `python -m knowledge.cli seed`: "  000.00.20.H19-261201-0001  phone ending 0001  processing".
_SAMPLE_LINE = re.compile(r"^\s+(\S+)\s+phone ending (\d{4})\s+(\w+)\s*$")

RASA_START_TIMEOUT = 300.0  # loading TensorFlow and the model on a busy 2-core machine
ACTIONS_START_TIMEOUT = 120.0


class BotStartError(RuntimeError):
    """A server did not come up; the message carries the end of its log."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (bound to port 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def trained_model() -> Path:
    """``$HELPDESK_MODEL``, else the model ``bot.training`` says is current (``make model`` trains it)."""
    configured = os.environ.get("HELPDESK_MODEL")
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise BotStartError(f"HELPDESK_MODEL={configured} does not exist; run `make model`")
        return path
    result = subprocess.run(
        [str(BOT_PYTHON), "-m", "bot.training", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    path = Path(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else None
    if result.returncode != 0 or path is None or not path.is_file():
        raise BotStartError(
            "the model of the current training data is not trained: run `make model` "
            f"(bot.training --check: {result.stderr.strip() or result.stdout.strip()})"
        )
    return path


@dataclass(frozen=True)
class SampleDossier:
    """A fictitious dossier loaded by the seed: its code and the last 4 digits of the applicant's phone."""

    number: int  # 1-based, in the order the seed lists them
    code: str
    phone_last4: str
    status: str

    @property
    def compact_code(self) -> str:
        """The code as citizens often type it: no dots, no dashes ("0000020H192612010001")."""
        return re.sub(r"[.\-]", "", self.code)

    @property
    def spaced_code(self) -> str:
        """The code with spaces for its separators ("000 00 20 H19 261201 0001")."""
        return re.sub(r"[.\-]", " ", self.code)


def seed_database(database_url: str, log: Path) -> list[SampleDossier]:
    """Run what ``make seed`` runs against ``database_url``; return the sample dossiers it loaded."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url}
    output = []
    with log.open("w", encoding="utf-8") as file:
        for command in SEED_COMMANDS:
            result = subprocess.run(
                [str(APP_PYTHON), *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
            )
            file.write(f"$ python {' '.join(command)}\n{result.stdout}{result.stderr}\n")
            if result.returncode != 0:
                raise BotStartError(f"seeding failed: python {' '.join(command)}\n{result.stderr[-3000:]}")
            output.append(result.stdout)
    samples = []
    for line in "".join(output).splitlines():
        match = _SAMPLE_LINE.match(line)
        if match:
            samples.append(SampleDossier(len(samples) + 1, match.group(1), match.group(2), match.group(3)))
    if not samples:
        raise BotStartError(f"the seed listed no sample dossiers; see {log}")
    return samples


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGTERM when the process that started it dies (even by SIGKILL), so a killed
    test run leaves no server behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Server:
    """A subprocess in its own process group, its output in a log file."""

    def __init__(self, name: str, command: list[str], log: Path, env: dict[str, str]) -> None:
        self.name = name
        self.log = log
        self._file = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=self._file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGINT)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self._file.close()


def _wait_for(url: str, server: Server, timeout: float, ready: Callable[[dict], bool]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise BotStartError(f"{server.name} exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200 and ready(json.loads(response.read() or b"{}")):
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.5)
    raise BotStartError(f"{server.name} not ready after {timeout:.0f} s ({url}):\n{server.log_tail()}")


@dataclass
class BotStack:
    """The running bot: Rasa's base URL, the database the actions use, the sample dossiers, the servers."""

    base_url: str
    database_url: str
    database_path: Path
    workdir: Path
    model: Path
    samples: list[SampleDossier]
    servers: list[Server] = field(default_factory=list)

    def variables(self) -> dict[str, str]:
        """Values conversations may use as ``{{name}}`` (see tests/e2e/README.md)."""
        values: dict[str, str] = {}
        for sample in self.samples:
            n = sample.number
            values[f"dossier_{n}"] = sample.code
            values[f"dossier_{n}_compact"] = sample.compact_code
            values[f"dossier_{n}_spaced"] = sample.spaced_code
            values[f"dossier_{n}_last4"] = sample.phone_last4
            wrong = f"{(int(sample.phone_last4) + 5000) % 10000:04d}"
            values[f"dossier_{n}_wrong_last4"] = wrong
        return values

    def tickets_of(self, conversation_id: str) -> list[str]:
        """Codes of the tickets the system stored for this conversation (the REST sender id)."""
        with sqlite3.connect(f"file:{self.database_path}?mode=ro", uri=True) as connection:
            rows = connection.execute(
                "SELECT code FROM tickets WHERE conversation_id = ? ORDER BY id", (conversation_id,)
            ).fetchall()
        return [row[0] for row in rows]

    def ticket_problems(self, result: ConversationResult) -> list[str]:
        """The database against a played conversation: a ticket stored for it that the citizen was never
        shown, or a ticket code of the expected kind announced in a reply but not stored for it."""
        stored = self.tickets_of(result.sender)
        shown = shown_ticket_codes(result)
        problems = [
            f"ticket {code} was stored but never shown to the citizen" for code in stored if code not in shown
        ]
        for record in result.records:
            kind = result.conversation.turns[record.number - 1].expect.ticket
            if kind in (None, "none") or record.reply is None:
                continue
            for code in record.reply.ticket_codes:
                if code.startswith(kind + "-") and code not in stored:
                    problems.append(
                        f"turn {record.number} announced {code}, not stored for this conversation"
                    )
        return problems

    def server_logs(self, lines: int = 30) -> str:
        return "\n".join(f"--- {s.name} ({s.log}) ---\n{s.log_tail(lines)}" for s in self.servers)

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()
        self.servers.clear()


def start_bot(workdir: Path, model: Path | None = None) -> BotStack:
    """Seed a fresh database in ``workdir``, start the action server and Rasa on free ports, wait for both."""
    workdir.mkdir(parents=True, exist_ok=True)
    model = model or trained_model()
    database_path = workdir / "helpdesk.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):  # a fresh database, even in a reused work dir
        Path(f"{database_path}{suffix}").unlink(missing_ok=True)
    database_url = f"sqlite:///{database_path}"
    samples = seed_database(database_url, workdir / "seed.log")

    actions_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n', "utf-8")
    stack = BotStack(
        base_url=f"http://127.0.0.1:{rasa_port}",
        database_url=database_url,
        database_path=database_path,
        workdir=workdir,
        model=model,
        samples=samples,
    )
    try:
        actions = Server(
            "action server",
            [str(APP_PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
            workdir / "actions.log",
            {"SANIC_HOST": "127.0.0.1", "DATABASE_URL": database_url},
        )
        stack.servers.append(actions)
        rasa = Server(
            "rasa",
            [
                str(RASA),
                "run",
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                str(rasa_port),
                "--model",
                str(model),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(CREDENTIALS),
            ],
            workdir / "rasa.log",
            {"RASA_TELEMETRY_ENABLED": "false"},
        )
        stack.servers.append(rasa)
        _wait_for(
            f"http://127.0.0.1:{actions_port}/health",
            actions,
            ACTIONS_START_TIMEOUT,
            lambda body: body.get("status") == "ok",
        )
        _wait_for(
            f"{stack.base_url}/status", rasa, RASA_START_TIMEOUT, lambda body: bool(body.get("model_file"))
        )
    except BaseException:
        stack.stop()
        raise
    return stack
