"""Real servers for the hub's tests: Rasa (bot runtime, the trained model), the action server (app
runtime), and small local HTTP servers standing in for outside platforms. Free ports on 127.0.0.1 only;
every process is stopped by the fixture that started it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"
RASA = ROOT / ".venv-bot" / "bin" / "rasa"
APP_PYTHON = Path(sys.executable)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def trained_model() -> Path:
    """The current model, trained first when its inputs changed (``python -m bot.training``)."""
    result = subprocess.run(
        [str(BOT_PYTHON), "-m", "bot.training"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    )
    return Path(result.stdout.strip().splitlines()[-1])


def http_status(url: str, headers: dict[str, str] | None = None) -> int | None:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until(
        self, path: str, want: int = 200, timeout: float = 240.0, headers: dict | None = None
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited ({self.process.returncode}); see {self.log}:\n"
                    + self.log.read_text(errors="replace")[-3000:]
                )
            if http_status(self.url + path, headers) == want:
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready after {timeout}s; see {self.log}")

    def stop(self, *, kill: bool = False) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _start(name: str, command: list[str], env: dict[str, str], log: Path, port: int) -> Server:
    handle = log.open("ab")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    return Server(name, process, log, port)


def endpoints_file(
    directory: Path, actions_port: int, tracker_db: Path, *, redis_lock: str | None = None
) -> Path:
    """Rasa endpoints like bot/endpoints.yml, with this test's action server and tracker database."""
    text = (
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker_db}"\n'
    )
    if redis_lock:
        text += redis_lock
    path = directory / f"endpoints-{actions_port}-{tracker_db.stem}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def start_actions(port: int, database_url: str, hub_key: str, log: Path) -> Server:
    server = _start(
        "action server",
        [str(APP_PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        {"SANIC_HOST": "127.0.0.1", "DATABASE_URL": database_url, "HELPDESK_HUB_KEY": hub_key},
        log,
        port,
    )
    server.wait_until("/health")
    return server


def start_rasa(
    port: int, model: Path, endpoints: Path, token: str, log: Path, *, wait: bool = True
) -> Server:
    server = _start(
        "rasa",
        [
            str(RASA),
            "run",
            "--enable-api",
            "--auth-token",
            token,
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--model",
            str(model),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(ROOT / "bot" / "credentials.yml"),
        ],
        {"RASA_TELEMETRY_ENABLED": "false"},
        log,
        port,
    )
    if wait:
        server.wait_until(f"/status?token={token}")
    return server
