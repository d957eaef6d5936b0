"""Zalo Official Account through the hub: the real adapter talking to local Zalo OpenAPI and OAuth servers
on 127.0.0.1, webhooks signed as Zalo signs them, the real application, database, Rasa and action server.

Signatures (401 and nothing stored), resends stored once, errors answered as HTTP 200 retried or not by
their code, the single-use refresh token renewed by one refresher across processes, the 48-hour
consultation window (held, the agents told, sent when the citizen writes), buttons and numbered options,
photos and locations kept as attachments."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from channels.contract import Button, OutgoingMessage
from channels.db import HubDatabase
from channels.models import HubMessage
from channels.state_store import DatabaseChannelState
from channels.zalo import CONSULTATION_WINDOW, HOLD_REASON, MAX_TEXT_CHARS, ZaloAdapter, render
from channels.zalo_tokens import TOKENS_KEY, TokenPair, ZaloTokens
from database import forget_databases, normalize_url
from tests.channels import platforms
from tests.channels.conftest import Agent, create_staff
from tests.channels.fake_zalo import APP_ID, APP_SECRET, OA_SECRET_KEY, FakeZalo
from tests.channels.platforms import (
    PlatformHub,
    attempts_of,
    inbound,
    rasa_user_texts,
    settled,
    until,
)
from tests.channels.servers import ROOT, Server, free_port
from ticketing.models import Conversation, utcnow

pytestmark = pytest.mark.slow

platform_hub = platforms.platform_hub  # the fixture


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    fake = await FakeZalo().start()
    yield fake
    await fake.stop()


def new_user() -> str:
    return str(secrets.randbelow(10**18) + 10**18)


def adapter_for(fake: FakeZalo, access: str = "", refresh: str | None = None) -> ZaloAdapter:
    """An adapter seeded with its own refresh token (each test starts its own chain of tokens)."""
    refresh = refresh or f"refresh-seed-{secrets.token_hex(4)}"
    fake.refresh_tokens.add(refresh)
    tokens = ZaloTokens(APP_ID, APP_SECRET, refresh, access, oauth_url=fake.url)
    return ZaloAdapter(APP_ID, OA_SECRET_KEY, tokens, api_url=fake.url)


def webhook(client: Any) -> str:
    return str(client.make_url("/webhooks/zalo"))


def stored_pair(database_url: str) -> TokenPair | None:
    db = HubDatabase.open(database_url)
    view = DatabaseChannelState(db).for_channel("zalo")
    return TokenPair.from_json(db.read_sync(lambda s: _state_value(s, view.channel)))


def _state_value(session: Any, channel: str) -> str | None:
    from channels.models import ChannelStateRow

    row = session.get(ChannelStateRow, (channel, TOKENS_KEY))
    return row.value if row else None


def sender_of(database_url: str, user_id: str) -> str:
    db = HubDatabase.open(database_url)
    return db.read_sync(
        lambda s: s.scalars(
            select(Conversation.conversation_id)
            .where(Conversation.channel == "zalo", Conversation.channel_user_id == user_id)
            .order_by(Conversation.id.desc())
        ).first()
    )


def test_zalo_starts_only_with_its_credentials() -> None:
    assert ZaloAdapter.from_settings({}) is None
    partial = {"ZALO_APP_ID": APP_ID, "ZALO_OA_SECRET_KEY": OA_SECRET_KEY}
    assert ZaloAdapter.from_settings(partial) is None  # logged: which settings are missing
    full = {**partial, "ZALO_APP_SECRET": APP_SECRET, "ZALO_REFRESH_TOKEN": "r"}
    adapter = ZaloAdapter.from_settings(full)
    assert adapter is not None and adapter.send_url == "https://openapi.zalo.me/v3.0/oa/message/cs"
    assert adapter.tokens.url == "https://oauth.zaloapp.com/v4/oa/access_token"


def test_a_long_answer_is_split_at_zalos_limit_with_the_buttons_under_the_last_part() -> None:
    paragraph = "Dạ, hồ sơ đăng ký khai sinh gồm tờ khai theo mẫu và giấy chứng sinh. " * 20
    message = OutgoingMessage(
        "\n\n".join([paragraph] * 3),
        buttons=(
            Button("Gặp tổng đài viên", "/request_human"),
            Button("Nhận hồ sơ tại nhà", "nhận hồ sơ tại nhà"),
        ),
    )
    bodies, offer = render("42", message)
    assert len(bodies) == 3 and all(len(b["message"]["text"]) <= MAX_TEXT_CHARS for b in bodies)
    assert [("attachment" in b["message"]) for b in bodies] == [False, False, True]
    buttons = bodies[-1]["message"]["attachment"]["payload"]["buttons"]
    assert [(b["type"], b["payload"]) for b in buttons] == [
        ("oa.query.hide", "/request_human"),  # an intent payload the citizen should not see as theirs
        ("oa.query.show", "nhận hồ sơ tại nhà"),
    ]
    assert not offer.numbered and len(offer.buttons) == 2


async def test_a_bad_signature_stores_nothing_and_a_resent_event_is_one_message(
    platform_hub: PlatformHub, zalo: FakeZalo, rasa: Server, database_url: str
) -> None:
    zalo.access_tokens.add("access-configured")
    client = await platform_hub(rasa.url, [adapter_for(zalo, access="access-configured")])
    user = new_user()
    event = zalo.text(user, "xin chào")
    body, headers = zalo.signed(event)

    _, forged = zalo.signed(event, oa_secret_key="not-the-oa-secret")
    tampered = body.replace("xin chào".encode(), b"xin chao")
    for data, sent_headers in (
        (body, forged),
        (body, {"Content-Type": "application/json"}),
        (tampered, headers),
    ):
        assert (await client.post("/webhooks/zalo", data=data, headers=sent_headers)).status == 401
    assert inbound(database_url, "zalo", user) == []
    broken = zalo.text(user, "xin chào")
    del broken["message"]["msg_id"]  # signed, but not a message the hub can keep: acknowledged, ignored
    assert await zalo.deliver(webhook(client), broken) == 200
    assert inbound(database_url, "zalo", user) == []

    lowercase = {k.lower(): v for k, v in headers.items()}  # as a proxy may pass them
    assert (await client.post("/webhooks/zalo", data=body, headers=lowercase)).status == 200
    assert await zalo.deliver(webhook(client), event) == 200  # Zalo resends the same msg_id
    [stored] = inbound(database_url, "zalo", user)
    assert stored.channel_message_id == event["message"]["msg_id"] and stored.text == "xin chào"

    replies = await until(lambda: zalo.texts_to(user), timeout=60)
    assert "1022" in replies[0]
    assert zalo.sent[0]["_token"] == "access-configured"  # the access_token header
    assert rasa_user_texts(rasa, sender_of(database_url, user)) == ["xin chào"]


async def test_zalo_errors_in_an_http_200_are_retried_or_given_up_by_their_code(
    platform_hub: PlatformHub, zalo: FakeZalo, rasa: Server, database_url: str
) -> None:
    zalo.access_tokens.add("access-ok")
    client = await platform_hub(rasa.url, [adapter_for(zalo, access="access-ok")])

    retried, unreachable = new_user(), new_user()
    zalo.failures = {
        retried: [-100, -100],  # not a code the adapter knows to be final: the outbox tries again
        unreachable: [-213],  # the citizen does not follow the OA: retrying cannot help
    }
    await zalo.deliver(webhook(client), zalo.text(retried, "xin chào"))
    # The outcomes of a pass are written once its sends are done: wait for them, not for the first send.
    await until(lambda: attempts_of(database_url, "zalo", retried)[:1] == [("sent", [False, False, True])])
    assert zalo.texts_to(retried)

    await zalo.deliver(webhook(client), zalo.text(unreachable, "xin chào"))
    await until(lambda: attempts_of(database_url, "zalo", unreachable)[:1] == [("failed", [False])])
    await asyncio.sleep(1.0)
    assert attempts_of(database_url, "zalo", unreachable)[0] == ("failed", [False])
    for user in (retried, unreachable):
        await until(lambda user=user: settled(database_url, "zalo", user))


async def test_a_refused_access_token_is_refreshed_and_the_new_pair_stored(
    platform_hub: PlatformHub, zalo: FakeZalo, rasa: Server, database_url: str
) -> None:
    adapter = adapter_for(zalo, access="access-revoked")  # Zalo no longer accepts it
    seed_refresh = next(iter(zalo.refresh_tokens))
    client = await platform_hub(rasa.url, [adapter])
    user = new_user()
    await zalo.deliver(webhook(client), zalo.text(user, "xin chào"))
    await until(lambda: attempts_of(database_url, "zalo", user)[:1] == [("sent", [True])])  # one attempt

    assert zalo.refresh_calls == 1
    pair = stored_pair(database_url)
    assert pair is not None and pair.access_token == zalo.sent[0]["_token"] != "access-revoked"
    assert pair.refresh_token in zalo.refresh_tokens and seed_refresh not in zalo.refresh_tokens
    assert pair.expires_at is not None and pair.expires_at - utcnow() > timedelta(hours=24)
    assert zalo.texts_to(user)  # refreshed within the attempt


# -- two refreshers at once, in two processes ---------------------------------------------------------

REFRESHER = """
import asyncio, sys
import aiohttp
from channels.db import HubDatabase
from channels.state_store import DatabaseChannelState
from channels.zalo_tokens import ZaloTokens

async def main(url, oauth, app_id, app_secret, refresh, stale):
    tokens = ZaloTokens(app_id, app_secret, refresh, stale, oauth_url=oauth)
    async with aiohttp.ClientSession() as http:
        tokens.bind(DatabaseChannelState(HubDatabase.open(url)).for_channel("zalo"), http)
        print("ready", flush=True)
        sys.stdin.readline()
        pair = await tokens.refresh(stale)
        print(pair.access_token, tokens.refresh_calls, flush=True)

asyncio.run(main(*sys.argv[1:]))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def token_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database for the token race: an SQLite file, or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tokens.sqlite3'}"
        return
    admin_url = normalize_url(
        os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    )
    name = f"chan13_zalo_tokens_{os.getpid()}"
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


async def test_two_refreshers_in_two_processes_make_one_refresh_call_and_store_the_new_pair(
    zalo: FakeZalo, token_database: str
) -> None:
    zalo.refresh_delay = 1.0  # long enough for the two refreshers to overlap
    refresh = f"refresh-seed-{secrets.token_hex(4)}"
    zalo.refresh_tokens.add(refresh)
    tokens = ZaloTokens(APP_ID, APP_SECRET, refresh, "access-expired", oauth_url=zalo.url)
    state = DatabaseChannelState(HubDatabase.open(token_database)).for_channel("zalo")
    async with aiohttp.ClientSession() as http:
        tokens.bind(state, http)
        await tokens.seed()
        other = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            REFRESHER,
            token_database,
            zalo.url,
            APP_ID,
            APP_SECRET,
            refresh,
            "access-expired",
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert other.stdin is not None and other.stdout is not None
        assert (await asyncio.wait_for(other.stdout.readline(), 60)).strip() == b"ready"
        other.stdin.write(b"go\n")
        await other.stdin.drain()
        mine = await tokens.refresh("access-expired")
        theirs, their_calls = (await asyncio.wait_for(other.stdout.readline(), 60)).decode().split()
        assert await other.wait() == 0

    assert zalo.refresh_calls == 1  # one call to Zalo between the two processes
    assert tokens.refresh_calls + int(their_calls) == 1
    assert mine.access_token == theirs and mine.access_token in zalo.access_tokens
    stored = TokenPair.from_json(await state.get(TOKENS_KEY))
    assert stored == mine and stored is not None and stored.refresh_token in zalo.refresh_tokens
    assert refresh not in zalo.refresh_tokens  # spent once; a second refresh with it would have failed


async def test_outside_the_48_hour_window_a_message_is_held_the_agents_told_and_sent_when_the_citizen_writes(
    platform_hub: PlatformHub, zalo: FakeZalo, rasa: Server, database_url: str
) -> None:
    zalo.access_tokens.add("access-ok")
    client = await platform_hub(rasa.url, [adapter_for(zalo, access="access-ok")])
    agent_id, token = create_staff(database_url)
    agent = Agent(client, token, agent_id)
    user = new_user()
    await zalo.deliver(webhook(client), zalo.text(user, "xin chào"))
    await until(lambda: zalo.texts_to(user), timeout=60)

    # Two days later, the citizen has not written since.
    db = HubDatabase.open(database_url)

    def two_days_back(session: Any) -> None:
        for row in session.scalars(
            select(HubMessage).where(HubMessage.channel == "zalo", HubMessage.channel_user_id == user)
        ):
            row.created_at -= CONSULTATION_WINDOW + timedelta(hours=1)

    db.write_sync(two_days_back)
    conversation_id = inbound(database_url, "zalo", user)[0].conversation_id
    live = await client.ws_connect("/api/conversations/ws", headers=agent.headers)
    sent_before = len(zalo.sent)
    answer = "Dạ, hồ sơ của anh/chị đã được chuyển đến Ủy ban nhân dân phường Mỹ Tho ạ."
    await agent.post(f"/api/conversations/{conversation_id}/messages", {"text": answer}, status=201)

    while True:
        event = await asyncio.wait_for(live.receive_json(), 30)
        if event.get("type") == "held" and event.get("conversation_id") == conversation_id:
            break
    assert event["reason"] == HOLD_REASON and event["channel_user_id"] == user
    await live.close()
    shown = await agent.get(f"/api/conversations/{conversation_id}")
    [held] = [m for m in shown["messages"] if m["author"] == "agent"]
    assert held["text"] == answer and held["delivery"] == "held"
    await asyncio.sleep(1.0)
    assert len(zalo.sent) == sent_before  # nothing went to Zalo

    await zalo.deliver(webhook(client), zalo.text(user, "alo, cho tôi hỏi hồ sơ"))
    await until(lambda: answer in zalo.texts_to(user), timeout=30)
    shown = await agent.get(f"/api/conversations/{conversation_id}")
    assert [m["delivery"] for m in shown["messages"] if m["author"] == "agent"] == ["sent"]


async def test_buttons_come_back_as_their_payload_and_numbered_options_by_their_number(
    platform_hub: PlatformHub, zalo: FakeZalo, rasa: Server, database_url: str
) -> None:
    zalo.access_tokens.add("access-ok")
    adapter = adapter_for(zalo, access="access-ok")
    client = await platform_hub(rasa.url, [adapter])
    user = new_user()
    await zalo.deliver(webhook(client), zalo.text(user, "tôi muốn đặt lịch hẹn"))

    def offer() -> list[dict] | None:
        for sent in zalo.sent:
            if sent["recipient"]["user_id"] == user and "attachment" in sent["message"]:
                return sent["message"]["attachment"]["payload"]["buttons"]
        return None

    buttons = await until(offer, timeout=60)
    assert [(b["title"], b["type"], b["payload"]) for b in buttons] == [
        ("Tại Trung tâm", "oa.query.show", "tại trung tâm phục vụ hành chính công"),
        ("Cán bộ đến nhà", "oa.query.show", "cán bộ đến nhà"),
    ]
    # Pressing an oa.query.show button: Zalo sends the payload as the citizen's text message.
    await zalo.deliver(webhook(client), zalo.text(user, "cán bộ đến nhà"))
    pressed = await until(lambda: inbound(database_url, "zalo", user)[1:])
    assert pressed[0].text == "Cán bộ đến nhà" and pressed[0].data["payload"] == "cán bộ đến nhà"
    await until(lambda: rasa_user_texts(rasa, sender_of(database_url, user))[-1:] == ["cán bộ đến nhà"])

    # Six choices do not fit Zalo's template: numbered options, and "2" picks the second.
    wards = ["Mỹ Tho", "Đạo Thạnh", "Trung An", "Thới Sơn", "Mỹ Phong", "Cao Lãnh"]
    choices = tuple(Button(f"Phường {w}", f'/inform{{"location": "phường {w}"}}') for w in wards)
    await adapter.send(user, OutgoingMessage("Dạ, anh/chị ở phường nào ạ?", buttons=choices))
    numbered = zalo.sent[-1]["message"]
    assert "attachment" not in numbered and "2. Phường Đạo Thạnh" in numbered["text"]
    await zalo.deliver(webhook(client), zalo.text(user, "2"))
    chosen = await until(lambda: inbound(database_url, "zalo", user)[2:])
    assert chosen[0].data["payload"] == '/inform{"location": "phường Đạo Thạnh"}'
    assert chosen[0].text == "Phường Đạo Thạnh"
    await until(lambda: settled(database_url, "zalo", user))


async def test_a_photo_and_a_location_become_attachments_kept_with_the_conversation(
    platform_hub: PlatformHub, zalo: FakeZalo, database_url: str, workdir: Path
) -> None:
    zalo.access_tokens.add("access-ok")
    client = await platform_hub(
        f"http://127.0.0.1:{free_port()}", [adapter_for(zalo, access="access-ok")], bot_retry_max_delay=60.0
    )
    user = new_user()
    photo = b"\xff\xd8\xff\xe0" + "ổ gà trên đường Lê Lợi".encode() * 500
    assert await zalo.deliver(webhook(client), zalo.image(user, "pothole.jpg", photo)) == 200
    assert await zalo.deliver(webhook(client), zalo.location(user, 10.3541, 106.3656)) == 200

    def kept() -> list[Any] | None:
        found = [m.data.get("attachments") for m in inbound(database_url, "zalo", user)]
        return found if len(found) == 2 and "stored" in found[0][0] else None

    image, location = await until(kept, timeout=30)
    digest = hashlib.sha256(photo).hexdigest()
    assert image[0]["kind"] == "image" and image[0]["stored"] == digest
    assert (workdir / "attachments" / digest).read_bytes() == photo
    assert location == [{"kind": "location", "latitude": 10.3541, "longitude": 106.3656}]
