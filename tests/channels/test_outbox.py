"""The hub's own steps on the real database, SQLite and PostgreSQL, with a platform on 127.0.0.1 (no Rasa):
a citizen's message is stored once and acknowledged while the bot does not answer; a recipient's messages
leave in order, several in one pass, and one the platform refuses holds back the ones after it until it
goes through."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from channels import store, texts
from channels.app import create_app
from channels.callback import SIGNATURE_HEADER, CallbackAdapter, sign
from channels.contract import OutgoingMessage
from channels.db import HubDatabase
from channels.models import Author, HubMessage, InboundState
from database import forget_databases, normalize_url
from tests.channels.conftest import eventually, hub_settings, signed_callback
from tests.channels.servers import free_port
from ticketing.models import OutboundMessage, OutboundStatus, utcnow

SECRET = "outbox-secret"


class Platform:
    """Takes every message, except that it answers 503 the first time it is sent ``refuse_once``."""

    def __init__(self, refuse_once: str) -> None:
        self.refuse_once = refuse_once
        self.refused = 0
        self.received: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if request.headers.get(SIGNATURE_HEADER) != sign(SECRET, body):
            return web.Response(status=401)
        message = json.loads(body)
        if message["text"] == self.refuse_once and not self.refused:
            self.refused += 1
            return web.Response(status=503, headers={"Retry-After": "0.3"})
        self.received.append(message)
        return web.Response(text="ok")

    def texts_for(self, recipient: str) -> list[str]:
        return [m["text"] for m in self.received if m["recipient"] == recipient]


@pytest.fixture(params=["sqlite", "postgresql"])
def own_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: an SQLite file, or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'outbox.sqlite3'}"
        return
    admin_url = normalize_url(
        os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    )
    name = f"hub_outbox_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {make_url(admin_url).host}: {type(exc).__name__}")
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    forget_databases()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
async def platform(aiohttp_server: Any) -> AsyncIterator[tuple[Platform, str]]:
    platform = Platform(refuse_once="hai")
    app = web.Application()
    app.router.add_post("/deliver", platform.handle)
    server = await aiohttp_server(app, host="127.0.0.1")
    yield platform, str(server.make_url("/deliver"))


@pytest.fixture
async def hub(own_database: str, platform: tuple[Platform, str]) -> AsyncIterator[TestClient]:
    """The application with the platform's adapter; Rasa's URL answers nothing (a closed port)."""
    settings = hub_settings(f"http://127.0.0.1:{free_port()}", bot_timeout=2.0)
    app = create_app(own_database, settings, [CallbackAdapter(platform[1], SECRET)])
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


async def test_a_message_is_stored_once_and_acknowledged_while_the_bot_does_not_answer(
    hub: TestClient, own_database: str, platform: tuple[Platform, str]
) -> None:
    received, _ = platform
    raw, headers = signed_callback({"user_id": "portal-ack", "message_id": "m-1", "text": "xin chào"}, SECRET)
    for _ in range(2):  # the platform resends
        assert (await hub.post("/webhooks/api", data=raw, headers=headers)).status == 200

    async def acknowledged() -> bool:
        return received.texts_for("portal-ack") == [texts.BOT_DOWN_ACK]

    await eventually(acknowledged, timeout=60)
    inbound = HubDatabase.open(own_database).read_sync(
        lambda s: s.execute(
            select(HubMessage.state).where(
                HubMessage.channel_user_id == "portal-ack", HubMessage.direction == "in"
            )
        ).all()
    )
    assert [state for (state,) in inbound] == [InboundState.RECEIVED.value]  # kept for the bot's return


async def test_a_recipients_messages_leave_in_order_and_a_refused_one_holds_back_the_next(
    hub: TestClient, own_database: str, platform: tuple[Platform, str]
) -> None:
    received, _ = platform
    db = HubDatabase.open(own_database)

    def queue(session: Any) -> None:
        now = utcnow()
        conversation = store.open_conversation(session, "api", "portal-order", now)
        replies = [OutgoingMessage(text) for text in ("một", "hai", "ba", "bốn")]
        store.enqueue_many(session, conversation.id, Author.BOT, replies, now)
        other = store.open_conversation(session, "api", "portal-other", now)
        store.enqueue(session, other, Author.SYSTEM, OutgoingMessage("khác"), now)

    db.write_sync(queue)

    async def all_sent() -> bool:
        statuses = db.read_sync(
            lambda s: s.scalars(
                select(OutboundMessage.status).where(
                    OutboundMessage.channel_user_id.in_(["portal-order", "portal-other"])
                )
            ).all()
        )
        return len(statuses) == 5 and all(status == OutboundStatus.SENT for status in statuses)

    await eventually(all_sent, timeout=60)
    # Each message once (a message is marked sent in the pass that sent it), each recipient's in order.
    assert received.texts_for("portal-order") == ["một", "hai", "ba", "bốn"]
    assert received.texts_for("portal-other") == ["khác"]
    assert received.refused == 1
