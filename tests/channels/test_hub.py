"""The hub with the real Rasa, the real action server and the real database: every message stored once,
answered by the bot, and nothing lost when the bot or a channel fails."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from channels import texts
from channels.callback import SIGNATURE_HEADER, CallbackAdapter, sign
from channels.contract import MAX_ATTACHMENT_BYTES
from channels.db import HubDatabase
from channels.models import HubMessage, OutboxAttempt
from tests.channels.conftest import RASA_TOKEN, HubFactory, Visitor, eventually, signed_callback
from tests.channels.servers import Server, endpoints_file, free_port, start_rasa
from ticketing.models import OutboundMessage, OutboundStatus

pytestmark = pytest.mark.slow

SECRET = "callback-secret"


class FakeChannel:
    """A platform on 127.0.0.1 that the callback adapter delivers to; answers 503 ``fail_first`` times."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.received: list[dict[str, Any]] = []
        self.refused = 0
        self.bad_signatures = 0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if request.headers.get(SIGNATURE_HEADER) != sign(SECRET, body):
            self.bad_signatures += 1
            return web.Response(status=401)
        if self.refused < self.fail_first:
            self.refused += 1
            return web.Response(status=503, headers={"Retry-After": "0.2"})
        self.received.append(json.loads(body))
        return web.Response(text="ok")


@pytest.fixture
async def fake_channel(aiohttp_server: Any) -> tuple[FakeChannel, str]:
    channel = FakeChannel(fail_first=2)
    app = web.Application()
    app.router.add_post("/deliver", channel.handle)
    server = await aiohttp_server(app, host="127.0.0.1")
    return channel, str(server.make_url("/deliver"))


def _signed(body: dict[str, Any], secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    return signed_callback(body, secret)


def _stored(database_url: str, channel: str, message_id: str) -> int:
    db = HubDatabase.open(database_url)
    return len(
        db.read_sync(
            lambda s: s.scalars(
                select(HubMessage.id).where(
                    HubMessage.channel == channel, HubMessage.channel_message_id == message_id
                )
            ).all()
        )
    )


async def test_the_same_webhook_twice_is_one_message_and_a_bad_signature_stores_nothing(
    hub_factory: HubFactory, rasa: Server, database_url: str, fake_channel: tuple[FakeChannel, str]
) -> None:
    channel, url = fake_channel
    client = await hub_factory(rasa.url, adapters=[CallbackAdapter(url, SECRET)])
    body, headers = _signed({"user_id": "portal-17", "message_id": "m-1", "text": "xin chao"})

    forged = {**headers, SIGNATURE_HEADER: sign("not-the-secret", body)}
    assert (await client.post("/webhooks/api", data=body, headers=forged)).status == 401
    unsigned = {"Content-Type": "application/json"}
    assert (await client.post("/webhooks/api", data=body, headers=unsigned)).status == 401
    assert _stored(database_url, "api", "m-1") == 0

    for _ in range(2):  # the platform resends
        assert (await client.post("/webhooks/api", data=body, headers=headers)).status == 200
    assert _stored(database_url, "api", "m-1") == 1

    # ...and the citizen gets one answer from the bot, on their channel.
    await eventually(lambda: _async(len(channel.received) >= 1), timeout=60)
    assert channel.received[0]["recipient"] == "portal-17"
    assert "1022" in channel.received[0]["text"]


async def _async(value: Any) -> Any:
    return value


async def test_a_send_refused_by_the_channel_is_retried_until_it_goes_through(
    hub_factory: HubFactory, rasa: Server, database_url: str, fake_channel: tuple[FakeChannel, str]
) -> None:
    channel, url = fake_channel
    client = await hub_factory(rasa.url, adapters=[CallbackAdapter(url, SECRET)])
    body, headers = _signed({"user_id": "portal-18", "message_id": "m-2", "text": "xin chào"})
    assert (await client.post("/webhooks/api", data=body, headers=headers)).status == 200

    db = HubDatabase.open(database_url)

    def attempts(session: Any) -> tuple[OutboundStatus | None, list[bool]]:
        outbound = session.scalars(
            select(OutboundMessage).where(OutboundMessage.channel_user_id == "portal-18")
        ).first()
        if outbound is None:  # the bot has not answered yet
            return None, []
        tries = session.scalars(
            select(OutboxAttempt.ok)
            .where(OutboxAttempt.outbound_message_id == outbound.id)
            .order_by(OutboxAttempt.id)
        ).all()
        return outbound.status, list(tries)

    # The outcomes of a pass are written once its sends are done: wait for them, not for the first send.
    await eventually(lambda: _async(db.read_sync(attempts)[0] == OutboundStatus.SENT), timeout=60)
    assert channel.received
    assert channel.refused == 2 and channel.bad_signatures == 0
    assert db.read_sync(attempts)[1] == [False, False, True]


async def test_while_rasa_is_down_the_citizen_is_acknowledged_and_answered_when_it_is_back(
    hub_factory: HubFactory, workdir: Path, model: Path, actions: Server
) -> None:
    port = free_port()  # Rasa will come up here later
    client = await hub_factory(f"http://127.0.0.1:{port}")
    visitor = await Visitor(client).start()
    await visitor.say("xin chào")
    await visitor.say("tôi muốn phản ánh")

    acknowledged = await visitor.wait_for_reply(0, author="system")
    assert [m["text"] for m in acknowledged] == [texts.BOT_DOWN_ACK]  # once, not per message

    endpoints = endpoints_file(workdir, actions.port, workdir / f"trackers-down-{port}.sqlite3")
    rasa = start_rasa(port, model, endpoints, RASA_TOKEN, workdir / f"rasa-{port}.log")
    try:
        answers = await visitor.wait_for_reply(acknowledged[-1]["id"], author="bot", timeout=90)
        assert "1022" in answers[0]["text"]  # the greeting
        # Both messages answered, in order: the second starts the petition form.
        everything = await eventually(lambda: _bot_answers(visitor, 2), timeout=60)
        assert "phản ánh" in everything[-1]["text"]
        assert all(m["state"] == "answered" for m in await visitor.messages() if m["direction"] == "in")
    finally:
        rasa.stop()


async def _bot_answers(visitor: Visitor, count: int) -> list[dict] | None:
    answers = [m for m in await visitor.messages() if m["author"] == "bot"]
    return answers if len(answers) >= count else None


async def test_a_message_the_bot_cannot_answer_in_time_goes_to_the_agents(hub_factory: HubFactory) -> None:
    client = await hub_factory(f"http://127.0.0.1:{free_port()}", bot_down_handoff_after=1.0)
    visitor = await Visitor(client).start()
    await visitor.say("cho tôi hỏi thủ tục đăng ký kết hôn")

    async def handed_over() -> dict | None:
        feed = await visitor.feed()
        told = [m["text"] for m in feed["messages"]]
        if feed["state"] != "pending" or texts.BOT_DOWN_HANDOFF not in told:
            return None
        after = told[told.index(texts.BOT_DOWN_HANDOFF) + 1 :]
        return feed if any("lưu lại" in t for t in after) else None  # the queue position, or office hours

    feed = await eventually(handed_over, timeout=30)
    told = [m["text"] for m in feed["messages"] if m["direction"] == "out"]
    assert told[0] == texts.BOT_DOWN_ACK
    assert texts.BOT_DOWN_HANDOFF in told
    assert any("tổng đài viên" in t and "lưu lại" in t for t in told[2:])  # queue position or office hours
    assert feed["messages"][0]["state"] == "for_agents"


async def test_photos_and_locations_are_kept_with_the_conversation_within_the_size_limit(
    hub_factory: HubFactory,
    rasa: Server,
    database_url: str,
    fake_channel: tuple[FakeChannel, str],
    aiohttp_server: Any,
    tmp_path: Path,
) -> None:
    photo = b"\xff\xd8\xff\xe0" + b"pothole" * 1000
    files = web.Application()
    files.router.add_get("/photo.jpg", lambda r: _bytes(photo))
    files.router.add_get("/huge.jpg", lambda r: _bytes(b"0" * (MAX_ATTACHMENT_BYTES + 1)))
    server = await aiohttp_server(files, host="127.0.0.1")
    channel, url = fake_channel
    client = await hub_factory(
        rasa.url, adapters=[CallbackAdapter(url, SECRET)], attachments_dir=str(tmp_path)
    )
    body, headers = _signed(
        {
            "user_id": "portal-19",
            "message_id": "m-3",
            "attachments": [
                {"kind": "image", "url": str(server.make_url("/photo.jpg"))},
                {"kind": "image", "url": str(server.make_url("/huge.jpg"))},
                {"kind": "location", "latitude": 10.3541, "longitude": 106.3655},
            ],
        }
    )
    assert (await client.post("/webhooks/api", data=body, headers=headers)).status == 200
    await eventually(lambda: _async(channel.received), timeout=60)
    assert channel.received[0]["text"] == texts.ATTACHMENT_KEPT  # not sent to the bot: nothing to read

    db = HubDatabase.open(database_url)

    async def kept() -> list[dict] | None:
        data = db.read_sync(
            lambda s: s.scalars(select(HubMessage.data).where(HubMessage.channel_message_id == "m-3")).one()
        )
        attachments = data.get("attachments") or []
        return attachments if any("stored" in a for a in attachments) else None

    small, huge, where = await eventually(kept)
    digest = hashlib.sha256(photo).hexdigest()
    assert small["stored"] == digest and (tmp_path / digest).read_bytes() == photo
    assert huge["stored"] is None  # over the limit: not kept
    assert (where["latitude"], where["longitude"]) == (10.3541, 106.3655)

    bad, headers = _signed({"user_id": "portal-19", "message_id": "m-4", "attachments": [{"kind": "video"}]})
    assert (await client.post("/webhooks/api", data=bad, headers=headers)).status == 400
    assert _stored(database_url, "api", "m-4") == 0


async def _bytes(content: bytes) -> web.Response:
    return web.Response(body=content, content_type="image/jpeg")


async def test_readiness_names_a_rasa_that_does_not_answer(hub_factory: HubFactory) -> None:
    client = await hub_factory(f"http://127.0.0.1:{free_port()}")
    response = await client.get("/readyz")
    assert response.status == 503
    checks = (await response.json())["checks"]
    assert checks["rasa"] == {"ok": False, "detail": "0/1 Rasa processes answer"}
    assert checks["outbox"]["ok"] and checks["database"]["ok"]


async def test_metrics_count_the_turns_the_bot_did_not_understand(
    hub_factory: HubFactory, rasa: Server
) -> None:
    client = await hub_factory(rasa.url)
    assert (await client.get("/readyz")).status == 200
    visitor = await Visitor(client).start()
    await visitor.say("xin chào")
    await visitor.say("qwrtp zxvbn kjhgf")
    answers = await eventually(lambda: _bot_answers(visitor, 2), timeout=60)
    assert "chưa hiểu" in answers[-1]["text"]
    assert not any(m.get("custom") for m in answers)  # the mark is for the hub, not the citizen
    metrics = await (await client.get("/metrics")).text()
    assert "helpdesk_bot_fallback_ratio 0.5" in metrics
