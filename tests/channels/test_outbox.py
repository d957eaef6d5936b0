"""The outbox on the real database with a platform on 127.0.0.1: a recipient's messages leave in order,
several in one pass, and one the platform refuses holds back the ones after it until it goes through."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from sqlalchemy import select

from channels import store
from channels.callback import SIGNATURE_HEADER, CallbackAdapter, sign
from channels.contract import OutgoingMessage
from channels.db import HubDatabase
from channels.models import Author
from tests.channels.conftest import HubFactory, eventually
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


async def test_a_recipients_messages_leave_in_order_and_a_refused_one_holds_back_the_next(
    hub_factory: HubFactory, database_url: str, aiohttp_server: Any
) -> None:
    platform = Platform(refuse_once="hai")
    app = web.Application()
    app.router.add_post("/deliver", platform.handle)
    server = await aiohttp_server(app, host="127.0.0.1")
    await hub_factory(
        "http://127.0.0.1:9", adapters=[CallbackAdapter(str(server.make_url("/deliver")), SECRET)]
    )

    def queue(session: Any) -> None:
        now = utcnow()
        conversation = store.open_conversation(session, "api", "portal-order", now)
        replies = [OutgoingMessage(text) for text in ("một", "hai", "ba", "bốn")]
        store.enqueue_many(session, conversation.id, Author.BOT, replies, now)
        other = store.open_conversation(session, "api", "portal-other", now)
        store.enqueue(session, other, Author.SYSTEM, OutgoingMessage("khác"), now)

    db = HubDatabase.open(database_url)
    db.write_sync(queue)

    async def all_sent() -> bool:
        statuses = db.read_sync(
            lambda s: s.scalars(
                select(OutboundMessage.status).where(
                    OutboundMessage.channel_user_id.in_(["portal-order", "portal-other"])
                )
            ).all()
        )
        return all(status == OutboundStatus.SENT for status in statuses)

    await eventually(all_sent, timeout=60)
    # Each message once (a message is marked sent in the pass that sent it), each recipient's in order.
    in_order = [m["text"] for m in platform.received if m["recipient"] == "portal-order"]
    assert in_order == ["một", "hai", "ba", "bốn"]
    assert [m["text"] for m in platform.received if m["recipient"] == "portal-other"] == ["khác"]
    assert platform.refused == 1
