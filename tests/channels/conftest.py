"""Fixtures for the hub's tests: the real application (hub + ticketing API) in this process on a free
port, a real Rasa with the trained model and the real action server in their own processes, one SQLite
database file shared by all of them, and helpers that act as a web-chat visitor and as an agent."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from channels.app import create_app
from channels.callback import SIGNATURE_HEADER, sign
from channels.contract import ChannelAdapter
from channels.db import HubDatabase
from channels.settings import HubSettings
from channels.webchat.adapter import WebChatAdapter
from tests.channels.servers import (
    Server,
    endpoints_file,
    free_port,
    start_actions,
    start_rasa,
    trained_model,
)
from ticketing.models import Agency, AgencyKind, ApiToken, User, UserRole
from ticketing.passwords import new_token, token_digest

HUB_KEY = "channels-test-hub-key"
RASA_TOKEN = "channels-test-rasa-token"


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hub")


@pytest.fixture(scope="session")
def database_url(workdir: Path) -> str:
    url = f"sqlite:///{workdir / 'helpdesk.sqlite3'}"
    HubDatabase.open(url)  # ticketing schema + the hub's tables
    return url


@pytest.fixture(scope="session")
def model() -> Path:
    return trained_model()


@pytest.fixture(scope="session")
def actions(workdir: Path, database_url: str) -> Server:
    server = start_actions(free_port(), database_url, HUB_KEY, workdir / "actions.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rasa(workdir: Path, model: Path, actions: Server) -> Server:
    port = free_port()
    endpoints = endpoints_file(workdir, actions.port, workdir / "trackers.sqlite3")
    server = start_rasa(port, model, endpoints, RASA_TOKEN, workdir / "rasa.log")
    yield server
    server.stop()


def hub_settings(rasa_url: str, **overrides: Any) -> HubSettings:
    values: dict[str, Any] = {
        "rasa_urls": (rasa_url,),
        "sweep_every": 0.2,
        "notify_every": 0.3,
        "outbox_base_delay": 0.3,
        "bot_retry_max_delay": 1.0,
        "raw": {"HELPDESK_HUB_KEY": HUB_KEY},
    }
    values.update(overrides)
    return HubSettings(**values)


HubFactory = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def hub_factory(database_url: str) -> AsyncIterator[HubFactory]:
    """``await hub_factory(rasa_url, adapters=[...], **settings)``: the application on a free port."""
    clients: list[TestClient] = []

    async def make(
        rasa_url: str, adapters: list[ChannelAdapter] | None = None, **overrides: Any
    ) -> TestClient:
        app = create_app(
            database_url,
            hub_settings(rasa_url, **overrides),
            adapters if adapters is not None else [WebChatAdapter()],
        )
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 30.0, every: float = 0.2) -> Any:
    """Poll ``check`` until it returns something truthy (the hub works in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout}s; last: {result!r}")
        await asyncio.sleep(every)


@dataclass
class Visitor:
    """A web-chat visitor talking to the hub over its HTTP API."""

    client: TestClient
    token: str = ""
    visitor_id: str = ""
    sent: int = 0
    seen: list[dict[str, Any]] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def start(self) -> Visitor:
        response = await self.client.post("/webchat/api/session")
        assert response.status == 201
        data = await response.json()
        self.token, self.visitor_id = data["token"], data["visitor_id"]
        return self

    async def say(
        self, text: str, payload: str | None = None, client_id: str | None = None
    ) -> dict[str, Any]:
        self.sent += 1
        body = {"text": text, "client_id": client_id or secrets.token_hex(8)}
        if payload:
            body["payload"] = payload
        response = await self.client.post("/webchat/api/messages", json=body, headers=self.headers)
        assert response.status == 202, await response.text()
        return await response.json()

    async def feed(self, after: int = 0) -> dict[str, Any]:
        response = await self.client.get(f"/webchat/api/messages?after={after}", headers=self.headers)
        assert response.status == 200
        return await response.json()

    async def messages(self) -> list[dict[str, Any]]:
        return (await self.feed())["messages"]

    async def wait_for_reply(
        self, after_id: int, author: str | None = None, timeout: float = 60.0
    ) -> list[dict]:
        """The messages to the visitor after ``after_id`` once at least one (from ``author``) came."""

        async def check() -> list[dict] | None:
            out = [m for m in (await self.feed(after_id))["messages"] if m["direction"] == "out"]
            if author is not None:
                return out if any(m["author"] == author for m in out) else None
            return out or None

        return await eventually(check, timeout)


@dataclass
class Agent:
    client: TestClient
    token: str
    user_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def get(self, path: str) -> Any:
        response = await self.client.get(path, headers=self.headers)
        assert response.status == 200, await response.text()
        return await response.json()

    async def post(self, path: str, body: dict | None = None, status: int = 200) -> Any:
        response = await self.client.post(path, json=body, headers=self.headers)
        assert response.status == status, await response.text()
        return await response.json()


def create_staff(
    database_url: str, role: UserRole = UserRole.AGENT, name: str = "Nguyễn Thị Lan"
) -> tuple[int, str]:
    """A staff account with an API token (id, token)."""
    db = HubDatabase.open(database_url)
    token = new_token()

    def write(session: Any) -> int:
        agency_id = None
        if role == UserRole.AGENCY_OFFICER:
            agency = Agency(
                code=f"test_{secrets.token_hex(4)}",
                name="Ủy ban nhân dân phường Mỹ Tho",
                kind=AgencyKind.COMMUNE_COMMITTEE,
            )
            session.add(agency)
            session.flush()
            agency_id = agency.id
        user = User(
            username=f"{role.value}-{secrets.token_hex(4)}",
            display_name=name,
            role=role,
            agency_id=agency_id,
            active=True,
        )
        session.add(user)
        session.flush()
        session.add(ApiToken(user_id=user.id, name="tests", token_hash=token_digest(token)))
        return user.id

    return db.write_sync(write), token


@pytest.fixture
def agent_account(database_url: str) -> tuple[int, str]:
    return create_staff(database_url)


def signed_callback(body: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """A request body for the callback channel's webhook (``POST /webhooks/api``) and its signed headers."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    return raw, {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, raw)}
