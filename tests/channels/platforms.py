"""Helpers for the Telegram and Zalo tests: the real application on a port known before it starts (a
platform must be told the webhook URL), what the store holds for a channel identity, what Rasa's tracker
holds for a conversation, and the agents' live events."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from channels.app import create_app
from channels.contract import ChannelAdapter
from channels.db import HubDatabase
from channels.models import HubMessage, OutboxAttempt
from tests.channels.conftest import RASA_TOKEN, hub_settings
from tests.channels.servers import Server, free_port
from ticketing.models import OutboundMessage

PlatformHub = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def platform_hub(database_url: str, workdir: Path) -> AsyncIterator[PlatformHub]:
    """``await platform_hub(rasa_url, adapters, port=None, **settings)``: the application on 127.0.0.1
    (on ``port`` when given, so a webhook URL can name it before it starts)."""
    clients: list[TestClient] = []

    async def make(
        rasa_url: str, adapters: list[ChannelAdapter], port: int | None = None, **overrides: Any
    ) -> TestClient:
        overrides.setdefault("attachments_dir", str(workdir / "attachments"))
        app = create_app(database_url, hub_settings(rasa_url, **overrides), adapters)
        client = TestClient(TestServer(app, host="127.0.0.1", port=port or free_port()))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


def messages_of(database_url: str, channel: str, user_id: str) -> list[SimpleNamespace]:
    """Every message to and from one channel identity, in order (plain copies of the rows)."""
    db = HubDatabase.open(database_url)
    columns = ("id", "conversation_id", "direction", "author", "text", "data", "state", "channel_message_id")
    return db.read_sync(
        lambda s: [
            SimpleNamespace(**{c: getattr(row, c) for c in columns})
            for row in s.scalars(
                select(HubMessage)
                .where(HubMessage.channel == channel, HubMessage.channel_user_id == user_id)
                .order_by(HubMessage.id)
            )
        ]
    )


def inbound(database_url: str, channel: str, user_id: str) -> list[SimpleNamespace]:
    return [m for m in messages_of(database_url, channel, user_id) if m.direction == "in"]


def attempts_of(database_url: str, channel: str, user_id: str) -> list[tuple[str, list[bool]]]:
    """(delivery status, [ok of each attempt]) of every message sent to one identity, in order."""
    db = HubDatabase.open(database_url)

    def read(session: Any) -> list[tuple[str, list[bool]]]:
        rows = session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.channel == channel, OutboundMessage.channel_user_id == user_id)
            .order_by(OutboundMessage.id)
        ).all()
        return [
            (
                row.status.value,
                list(
                    session.scalars(
                        select(OutboxAttempt.ok)
                        .where(OutboxAttempt.outbound_message_id == row.id)
                        .order_by(OutboxAttempt.id)
                    )
                ),
            )
            for row in rows
        ]

    return db.read_sync(read)


def settled(database_url: str, channel: str, user_id: str) -> bool:
    """Whether everything this identity wrote was handled and everything to it left the outbox (a test
    waits for it so that no work of its own spills into the next test's hub on the shared database)."""
    handled = all(m.state != "received" for m in inbound(database_url, channel, user_id))
    return handled and all(status != "pending" for status, _ in attempts_of(database_url, channel, user_id))


def rasa_user_texts(rasa: Server, sender_id: str) -> list[str]:
    """What Rasa received from the citizen in this conversation (its tracker, read with the token)."""
    url = f"{rasa.url}/conversations/{sender_id}/tracker?token={RASA_TOKEN}"
    with urllib.request.urlopen(url, timeout=10) as response:
        tracker = json.load(response)
    return [e.get("text") or "" for e in tracker["events"] if e.get("event") == "user"]


async def until(check: Callable[[], Any], timeout: float = 60.0, every: float = 0.1) -> Any:
    """Poll a plain function until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not reached within {timeout}s; last: {result!r}")
        await asyncio.sleep(every)
