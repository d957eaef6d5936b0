"""The one-stop adapter (issue 14, item 7): an async client with one total deadline, no redirects to
another origin, the token never sent elsewhere; against slow and redirecting servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from knowledge.onestop import HttpOneStopClient, OneStopUnavailable

TOKEN = "bi-mat-cua-mot-cua"
CODE = "000.00.20.H19-251105-0007"
DOSSIER = {
    "code": CODE,
    "procedure_name": "Đăng ký khai sinh",
    "applicant_name": "Người Mẫu",
    "applicant_phone": "0900000107",
    "received_at": "2025-11-05T08:00:00+07:00",
    "status": "Đang xử lý",
}


class Recorder(BaseHTTPRequestHandler):
    """Answers by path; every request is recorded with its Authorization header."""

    seen: ClassVar[list[tuple[int, str, str | None]]] = []
    redirect_to: ClassVar[str] = ""

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        self.seen.append((port, self.path, self.headers.get("Authorization")))
        if self.path.startswith("/dossiers/"):
            self._json(200, DOSSIER)
        elif self.path.startswith("/moved/"):
            self._redirect(self.redirect_to + self.path.removeprefix("/moved"))
        elif self.path.startswith("/loop/"):
            self._redirect(self.path)
        elif self.path.startswith("/slow/"):
            body = json.dumps(DOSSIER).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:  # one byte a second
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)
        else:
            self._json(404, {"error": "not found"})

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _json(self, status: int, body: object) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def _serve() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def servers() -> Iterator[tuple[str, str]]:
    """The one-stop system and another server on another port (another origin)."""
    Recorder.seen = []
    onestop, onestop_url = _serve()
    other, other_url = _serve()
    yield onestop_url, other_url
    for server in (onestop, other):
        server.shutdown()
        server.server_close()


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


async def test_a_slow_server_is_cut_off_at_the_total_deadline(servers: tuple[str, str]) -> None:
    onestop, _ = servers
    client = HttpOneStopClient(f"{onestop}/slow", TOKEN, timeout=2.0)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    beating = asyncio.create_task(ticker())
    started = time.monotonic()
    with pytest.raises(OneStopUnavailable, match="within 2 s"):
        await client.fetch(CODE)
    elapsed = time.monotonic() - started
    beating.cancel()
    # The old client applied its timeout per read and took 26 s on such a server; the body here
    # would take more than 150 s. The loop kept running meanwhile.
    assert elapsed < 5
    assert ticks >= 10


async def test_redirects_within_the_origin_are_followed_with_the_token(servers: tuple[str, str]) -> None:
    onestop, _ = servers
    Recorder.redirect_to = onestop + "/dossiers"
    record = await HttpOneStopClient(f"{onestop}/moved", TOKEN).fetch(CODE)
    assert record is not None and record.code == CODE and record.status == "processing"
    assert [(path.split("/")[1], auth) for _, path, auth in Recorder.seen] == [
        ("moved", f"Bearer {TOKEN}"),
        ("dossiers", f"Bearer {TOKEN}"),
    ]


@pytest.mark.parametrize("target", ["other-port", "other-host", "other-scheme"])
async def test_a_redirect_to_another_origin_is_refused_and_the_token_stays(
    servers: tuple[str, str], target: str
) -> None:
    onestop, other = servers
    Recorder.redirect_to = {
        "other-port": other + "/dossiers",
        "other-host": onestop.replace("127.0.0.1", "localhost") + "/dossiers",
        "other-scheme": onestop.replace("http://", "https://") + "/dossiers",
    }[target]
    with pytest.raises(OneStopUnavailable, match="another origin"):
        await HttpOneStopClient(f"{onestop}/moved", TOKEN).fetch(CODE)
    assert len(Recorder.seen) == 1  # only the first request, to the one-stop system
    assert all(port == _port(onestop) for port, _, _ in Recorder.seen)


async def test_redirect_loops_and_proxies_from_the_environment_are_not_followed(
    servers: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    onestop, other = servers
    with pytest.raises(OneStopUnavailable, match="more than 3 times"):
        await HttpOneStopClient(f"{onestop}/loop", TOKEN).fetch(CODE)
    Recorder.seen.clear()
    monkeypatch.setenv("HTTP_PROXY", other)
    monkeypatch.setenv("http_proxy", other)
    assert await HttpOneStopClient(onestop, TOKEN).fetch(CODE) is not None
    assert {port for port, _, _ in Recorder.seen} == {_port(onestop)}  # not through the "proxy"


def test_synchronous_callers_get_the_same_lookup(servers: tuple[str, str]) -> None:
    onestop, _ = servers
    assert HttpOneStopClient(onestop, TOKEN).fetch_dossier(CODE) is not None
    started = time.monotonic()
    with pytest.raises(OneStopUnavailable):
        HttpOneStopClient(f"{onestop}/slow", TOKEN, timeout=1.0).fetch_dossier(CODE)
    assert time.monotonic() - started < 4


async def test_a_synchronous_call_from_a_thread_running_a_loop_still_works(servers: tuple[str, str]) -> None:
    onestop, _ = servers
    assert HttpOneStopClient(onestop, TOKEN).fetch_dossier(CODE) is not None
