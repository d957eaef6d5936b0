"""``python -m channels``, the one application server ``make run`` starts: it serves the web chat, answers
a visitor through the real Rasa and says it is ready only with Rasa behind it."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.channels.conftest import HUB_KEY
from tests.channels.servers import APP_PYTHON, Server, _start, free_port

pytestmark = pytest.mark.slow


def _call(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if "json" in response.headers["Content-Type"] else raw
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_python_m_channels_serves_the_web_chat_and_answers_through_rasa(
    rasa: Server, database_url: str, workdir: Path
) -> None:
    port = free_port()
    server = _start(
        "app server",
        [
            str(APP_PYTHON),
            "-m",
            "channels",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database-url",
            database_url,
        ],
        {"HUB_RASA_URLS": rasa.url, "HELPDESK_HUB_KEY": HUB_KEY, "HELPDESK_COOKIE_SECURE": "0"},
        workdir / f"app-{port}.log",
        port,
    )
    try:
        server.wait_until("/healthz", timeout=60)
        status, page = _call(f"{server.url}/webchat/")
        assert status == 200 and b"<html" in page.lower()
        status, ready = _call(f"{server.url}/readyz")
        assert status == 200 and ready["checks"]["rasa"]["ok"] and ready["checks"]["outbox"]["ok"]

        status, session = _call(f"{server.url}/webchat/api/session", {})
        assert status == 201
        token = session["token"]
        status, _ = _call(
            f"{server.url}/webchat/api/messages", {"text": "xin chào", "client_id": "first-message"}, token
        )
        assert status == 202
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            _, feed = _call(f"{server.url}/webchat/api/messages?after=0", token=token)
            answers = [m for m in feed["messages"] if m["author"] == "bot"]
            if answers:
                break
            time.sleep(0.3)
        assert answers and "1022" in answers[0]["text"]  # the greeting
    finally:
        server.stop()
