"""Telegram through the hub: the real adapter (python-telegram-bot) talking to a local Bot API on
127.0.0.1, the real application, database, Rasa and action server.

Webhook mode (secret checked, resends stored once), polling mode (one poller across processes), inline
keyboards and button presses reaching the bot as their payload, photos and locations kept as attachments,
and the outbox's retries on Telegram's errors."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from channels import texts
from channels.contract import MAX_ATTACHMENT_BYTES, Button, OutgoingMessage
from channels.db import HubDatabase
from channels.registry import configured_adapters
from channels.telegram import SECRET_HEADER, TelegramAdapter
from tests.channels import platforms
from tests.channels.fake_telegram import Failure, FakeTelegram
from tests.channels.platforms import (
    PlatformHub,
    attempts_of,
    inbound,
    messages_of,
    rasa_user_texts,
    settled,
    until,
)
from tests.channels.servers import Server, free_port

pytestmark = pytest.mark.slow

platform_hub = platforms.platform_hub  # the fixture

TOKEN = "123456:telegram-test-token"
SECRET = "telegram-webhook-secret"


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = await FakeTelegram(TOKEN).start()
    yield fake
    await fake.stop()


async def webhook_hub(
    platform_hub: PlatformHub, telegram: FakeTelegram, rasa_url: str, **settings: Any
) -> tuple[Any, TelegramAdapter]:
    """The hub with Telegram in webhook mode, once Telegram has the webhook."""
    port = free_port()
    adapter = TelegramAdapter(
        TOKEN,
        api_url=telegram.url,
        webhook_url=f"http://127.0.0.1:{port}/webhooks/telegram",
        secret=SECRET,
        retry_delay=0.2,
    )
    client = await platform_hub(rasa_url, [adapter], port=port, **settings)
    await until(lambda: telegram.webhook is not None, timeout=10)
    return client, adapter


def sender_of(database_url: str, chat_id: int) -> str:
    db = HubDatabase.open(database_url)
    from ticketing.models import Conversation

    return db.read_sync(
        lambda s: s.scalars(
            select(Conversation.conversation_id)
            .where(Conversation.channel == "telegram", Conversation.channel_user_id == str(chat_id))
            .order_by(Conversation.id.desc())
        ).first()
    )


def test_without_a_token_telegram_does_not_start_and_with_one_it_does() -> None:
    assert TelegramAdapter.from_settings({}) is None
    assert [a.name for a in configured_adapters({})] == ["webchat"]
    adapter = TelegramAdapter.from_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert adapter is not None and adapter.mode == "polling"
    assert adapter.secret and adapter.secret != TOKEN  # a derived secret, never the token itself
    webhook = TelegramAdapter.from_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "https://1022.example.vn/webhooks/telegram"}
    )
    assert webhook is not None and webhook.mode == "webhook"


async def test_webhook_registers_its_secret_refuses_a_bad_one_and_stores_a_resent_update_once(
    platform_hub: PlatformHub, telegram: FakeTelegram, rasa: Server, database_url: str
) -> None:
    client, _ = await webhook_hub(platform_hub, telegram, rasa.url)
    assert telegram.webhook == {
        "url": f"{client.make_url('/webhooks/telegram')}",
        "secret_token": SECRET,
        "allowed_updates": ["message", "callback_query"],
    }
    chat_id = 910001
    update = telegram.update(message=telegram._citizen_message(chat_id, text="xin chào"))
    body = json.dumps(update).encode()

    for headers in ({SECRET_HEADER: "not-the-secret"}, {}):
        response = await client.post("/webhooks/telegram", data=body, headers=headers)
        assert response.status == 401
    assert inbound(database_url, "telegram", str(chat_id)) == []

    assert await telegram.deliver(update) == 200
    assert await telegram.deliver(update) == 200  # Telegram resends when it got no answer in time
    [stored] = inbound(database_url, "telegram", str(chat_id))
    message = update["message"]
    assert stored.channel_message_id == f"m:{chat_id}:{message['message_id']}" and stored.text == "xin chào"

    replies = await until(lambda: telegram.texts_to(chat_id), timeout=60)
    assert "1022" in replies[0]
    assert len(rasa_user_texts(rasa, sender_of(database_url, chat_id))) == 1  # the bot heard it once


async def test_a_conversation_with_the_bot_and_a_button_press_reaching_it_as_its_payload(
    platform_hub: PlatformHub, telegram: FakeTelegram, rasa: Server, database_url: str
) -> None:
    await webhook_hub(platform_hub, telegram, rasa.url)
    chat_id = 910002

    await telegram.say(chat_id, "xin chào")
    await until(lambda: len(telegram.texts_to(chat_id)) >= 1)
    await telegram.say(chat_id, "tôi muốn đặt lịch hẹn")
    offer = await until(
        lambda: [m for m in telegram.sent if m["chat"]["id"] == chat_id and m.get("reply_markup")]
    )
    keyboard = offer[0]["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["Tại Trung tâm", "Cán bộ đến nhà"]  # one per row

    before = len(telegram.sent)
    press = await telegram.press(chat_id, "Cán bộ đến nhà")
    await until(lambda: press["callback_query"]["id"] in telegram.answered, timeout=10)  # spinner stops
    next_question = await until(lambda: telegram.sent[before:], timeout=60)
    assert next_question[0]["chat"]["id"] == chat_id

    sender = sender_of(database_url, chat_id)
    assert rasa_user_texts(rasa, sender)[-1] == "cán bộ đến nhà"  # the payload, not the title
    pressed = inbound(database_url, "telegram", str(chat_id))[-1]
    assert pressed.text == "Cán bộ đến nhà" and pressed.data["payload"] == "cán bộ đến nhà"
    await until(lambda: settled(database_url, "telegram", str(chat_id)))


async def test_a_payload_longer_than_telegram_allows_comes_back_whole_when_pressed(
    platform_hub: PlatformHub, telegram: FakeTelegram, rasa: Server, database_url: str
) -> None:
    _, adapter = await webhook_hub(platform_hub, telegram, rasa.url)
    chat_id = 910003
    payload = '/ask_procedure{"procedure": "dang_ky_khai_sinh_co_yeu_to_nuoc_ngoai_tai_ubnd_tinh"}'
    assert len(payload.encode()) > 64
    await adapter.send(
        str(chat_id),
        OutgoingMessage(
            "Dạ, anh/chị hỏi thủ tục nào ạ?", buttons=(Button("Khai sinh có yếu tố nước ngoài", payload),)
        ),
    )
    [button] = telegram.sent[-1]["reply_markup"]["inline_keyboard"][0]
    assert len(button["callback_data"].encode()) <= 64

    await telegram.press(chat_id, "Khai sinh có yếu tố nước ngoài")
    pressed = await until(lambda: inbound(database_url, "telegram", str(chat_id)))
    assert pressed[0].data["payload"] == payload and pressed[0].text == "Khai sinh có yếu tố nước ngoài"
    await until(lambda: payload in rasa_user_texts(rasa, sender_of(database_url, chat_id)))
    await until(lambda: settled(database_url, "telegram", str(chat_id)))


async def test_polling_without_a_public_url_one_poller_for_two_processes(
    platform_hub: PlatformHub, telegram: FakeTelegram, rasa: Server, database_url: str
) -> None:
    telegram.webhook = {"url": "https://old.example.vn/hook", "secret_token": "x", "allowed_updates": None}
    adapters = [
        TelegramAdapter(TOKEN, api_url=telegram.url, poll_timeout=1, retry_delay=0.2) for _ in range(2)
    ]
    for adapter in adapters:  # two application processes on one database
        await platform_hub(rasa.url, [adapter])
    chat_id = 910004

    await until(lambda: telegram.webhook is None, timeout=10)  # getUpdates needs the webhook gone
    first = await telegram.say(chat_id, "xin chào")
    replies = await until(lambda: telegram.texts_to(chat_id), timeout=60)
    assert "1022" in replies[0]
    await until(lambda: not telegram.updates, timeout=10)  # confirmed by the next offset, once stored
    assert first["update_id"] not in [u["update_id"] for u in telegram.updates]
    assert telegram.max_concurrent_polls == 1  # the other process waits for the polling lock
    assert len(inbound(database_url, "telegram", str(chat_id))) == 1


async def test_a_photo_and_a_location_become_attachments_kept_with_the_conversation(
    platform_hub: PlatformHub, telegram: FakeTelegram, database_url: str, workdir: Path
) -> None:
    await webhook_hub(platform_hub, telegram, f"http://127.0.0.1:{free_port()}", bot_retry_max_delay=60.0)
    chat_id = 910005
    photo = b"\xff\xd8\xff\xe0" + "ngập nước đường Lê Lợi, phường Mỹ Tho".encode() * 1000

    await telegram.photo(chat_id, photo)
    await telegram.location(chat_id, 10.3600, 106.3650)
    too_big = await telegram.photo(chat_id, b"\0" * (MAX_ATTACHMENT_BYTES + 1))

    def kept() -> list[dict] | None:
        found = [m.data.get("attachments") for m in inbound(database_url, "telegram", str(chat_id))]
        files = [a for a in found if a and a[0]["kind"] != "location"]
        return found if len(found) == 3 and all("stored" in a[0] for a in files) else None

    image, location, big = await until(kept, timeout=30)
    digest = hashlib.sha256(photo).hexdigest()
    assert image[0]["kind"] == "image" and image[0]["stored"] == digest and image[0]["size"] == len(photo)
    assert (workdir / "attachments" / digest).read_bytes() == photo
    assert location == [{"kind": "location", "latitude": 10.36, "longitude": 106.365}]
    assert big[0]["stored"] is None  # over the size limit: not downloaded, the reference is kept
    assert too_big["update_id"]
    told = await until(lambda: [t for t in telegram.texts_to(chat_id) if t == texts.ATTACHMENT_KEPT])
    assert told  # the citizen hears the file was kept; nothing went to the bot


async def test_telegram_errors_are_retried_by_the_outbox_except_a_blocked_bot(
    platform_hub: PlatformHub, telegram: FakeTelegram, rasa: Server, database_url: str
) -> None:
    chat_id, blocked = 910006, 910007
    telegram.failures = {
        chat_id: [
            Failure(429, "Too Many Requests: retry after 1", retry_after=1),
            Failure(502, "Bad Gateway"),
        ],
        blocked: [Failure(403, "Forbidden: bot was blocked by the user")],
    }
    await webhook_hub(platform_hub, telegram, rasa.url)
    await telegram.say(chat_id, "xin chào")
    # The outcomes of a pass are written once its sends are done: wait for them, not for the first send.
    await until(
        lambda: attempts_of(database_url, "telegram", str(chat_id))[:1] == [("sent", [False, False, True])]
    )
    assert telegram.texts_to(chat_id)

    await telegram.say(blocked, "xin chào")
    await until(lambda: attempts_of(database_url, "telegram", str(blocked))[:1] == [("failed", [False])])
    assert messages_of(database_url, "telegram", str(blocked))[0].text == "xin chào"  # kept all the same
