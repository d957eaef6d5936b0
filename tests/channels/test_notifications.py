"""Notifications reach the citizen on their own channel through the outbox: a ticket's status change,
the agency's answer, and a commune/ward announcement (held by a channel's send rule until the citizen
writes again, as Zalo's 48-hour window requires)."""

from __future__ import annotations

import asyncio
import json
import secrets
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web

from channels.callback import CallbackAdapter
from channels.contract import DeliveryContext, OutgoingMessage, SendRule
from channels.db import HubDatabase
from channels.webchat.adapter import WebChatAdapter
from tests.channels.conftest import Agent, HubFactory, Visitor, create_staff, eventually
from tests.channels.servers import Server
from ticketing import lifecycle, replies
from ticketing.citizen_desk import submit_ticket
from ticketing.lifecycle import Actor, get_ticket_by_code
from ticketing.models import Ticket, TicketStatus, User, UserRole

pytestmark = pytest.mark.slow


async def _texts(visitor: Visitor) -> list[str]:
    return [m["text"] for m in await visitor.messages() if m["direction"] == "out"]


async def _said(visitor: Visitor, fragment: str) -> bool:
    return any(fragment in t for t in await _texts(visitor))


async def _petition_from_the_web_chat(client: Any, description: str) -> tuple[Visitor, str]:
    """A web-chat visitor who greeted the bot, and the code of a petition filed from that conversation."""
    visitor = await Visitor(client).start()
    await visitor.say("xin chào")
    await visitor.wait_for_reply(0, author="bot")
    conversation = (await visitor.messages())[0]["conversation_id"]
    receipt = await asyncio.to_thread(
        submit_ticket,
        kind="petition",
        description=description,
        location_text="phường Mỹ Tho",
        phone="0912345678",
        name=None,
        channel="webchat",
        channel_user_id=visitor.visitor_id,
        conversation_id=f"hub-{conversation}",
    )
    return visitor, receipt.code


def _officer_of(session: Any, ticket: Ticket | None) -> User:
    """A new officer of the agency the ticket was routed to at filing."""
    assert ticket is not None and ticket.agency_id is not None  # routed at filing
    officer = User(
        username=f"officer-{ticket.id}-{secrets.token_hex(3)}",
        display_name="Cán bộ tiếp nhận",
        role=UserRole.AGENCY_OFFICER,
        agency_id=ticket.agency_id,
    )
    session.add(officer)
    session.flush()
    return officer


async def test_a_status_change_and_the_agencys_answer_reach_the_web_chat(
    hub_factory: HubFactory, rasa: Server, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    visitor, receipt_code = await _petition_from_the_web_chat(
        await hub_factory(rasa.url),
        "Đèn đường ở đầu hẻm 5 đường Lê Lợi bị hư cả tuần nay, buổi tối rất tối",
    )
    db = HubDatabase.open(database_url)

    def accept_as_officer(session: Any) -> int:
        ticket = get_ticket_by_code(session, receipt_code)
        officer = _officer_of(session, ticket)
        lifecycle.accept(session, ticket, Actor.of(officer))
        return officer.id

    officer_id = db.write_sync(accept_as_officer)
    await eventually(lambda: _said(visitor, f"mã {receipt_code} của anh/chị đang được"), timeout=30)

    def answer(session: Any) -> None:
        ticket = session.query(Ticket).filter(Ticket.code == receipt_code).one()
        replies.answer(
            session, ticket, session.get(User, officer_id), "Điện lực đã thay bóng đèn ngày 03/12."
        )

    db.write_sync(answer)
    await eventually(lambda: _said(visitor, "Điện lực đã thay bóng đèn ngày 03/12."), timeout=30)
    status = db.read_sync(lambda s: s.query(Ticket).filter(Ticket.code == receipt_code).one().status)
    assert status == TicketStatus.ANSWERED
    delivered = db.read_sync(
        lambda s: [
            r.delivery.value for r in s.query(Ticket).filter(Ticket.code == receipt_code).one().replies
        ]
    )
    assert delivered == ["sent"]


class WindowedChannel(CallbackAdapter):
    """A channel with a reply window, like Zalo's 48 hours (here: 2 seconds)."""

    window = timedelta(seconds=2)

    def send_rule(self, message: OutgoingMessage, context: DeliveryContext) -> SendRule:
        if message.purpose in ("announcement", "notification") and (
            context.last_inbound_at is None or context.now - context.last_inbound_at > self.window
        ):
            return SendRule.hold("outside the reply window")
        return SendRule.send()


async def test_an_announcement_reaches_subscribers_and_waits_for_a_channels_window(
    hub_factory: HubFactory, rasa: Server, database_url: str, aiohttp_server: Any
) -> None:
    delivered: list[dict[str, Any]] = []

    async def deliver(request: web.Request) -> web.Response:
        delivered.append(json.loads(await request.read()))
        return web.Response(text="ok")

    platform = web.Application()
    platform.router.add_post("/deliver", deliver)
    server = await aiohttp_server(platform, host="127.0.0.1")
    windowed = WindowedChannel(str(server.make_url("/deliver")), "secret")
    client = await hub_factory(rasa.url, adapters=[WebChatAdapter(), windowed])
    supervisor_id, token = create_staff(database_url, UserRole.SUPERVISOR, "Võ Thanh Tâm")
    supervisor = Agent(client, token, supervisor_id)

    # A web-chat visitor subscribes with the control, a citizen on the other channel by message.
    visitor = await Visitor(client).start()
    response = await client.post(
        "/webchat/api/subscriptions", json={"area_code": "phuong_my_tho"}, headers=visitor.headers
    )
    assert (await response.json())["subscribed"] == ["phuong_my_tho"]
    from channels.callback import SIGNATURE_HEADER, sign

    body = json.dumps(
        {"user_id": "z-900", "message_id": "sub-1", "text": "đăng ký nhận thông báo phường Mỹ Tho"}
    ).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign("secret", body)}
    assert (await client.post("/webhooks/api", data=body, headers=headers)).status == 200
    await eventually(lambda: _async(any("Phường Mỹ Tho" in d["text"] for d in delivered)), timeout=30)

    await asyncio.sleep(2.5)  # the other citizen's window closes
    events = await client.ws_connect("/api/conversations/ws", headers=supervisor.headers)
    sent = await supervisor.post(
        "/api/announcements",
        {"area_codes": ["phuong_my_tho"], "body": "Ngày 05/12 cắt điện khu phố 3 từ 7 giờ đến 11 giờ."},
        status=201,
    )
    assert sent["recipients"] == 2
    await eventually(lambda: _said(visitor, "cắt điện khu phố 3"), timeout=30)
    held = await asyncio.wait_for(_next_event(events, "held"), timeout=30)
    assert held["reason"] == "outside the reply window"
    assert not any("cắt điện" in d["text"] for d in delivered)

    # The citizen writes again: the held announcement goes out.
    body = json.dumps({"user_id": "z-900", "message_id": "sub-2", "text": "cảm ơn"}).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign("secret", body)}
    assert (await client.post("/webhooks/api", data=body, headers=headers)).status == 200
    await eventually(lambda: _async(any("cắt điện" in d["text"] for d in delivered)), timeout=30)
    await events.close()


async def _next_event(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        event = await ws.receive_json()
        if event.get("type") == kind:
            return event


async def _async(value: Any) -> Any:
    return value


async def test_the_agencys_question_reaches_the_citizen_and_their_answer_goes_to_the_ticket(
    hub_factory: HubFactory, rasa: Server, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    visitor, code = await _petition_from_the_web_chat(
        await hub_factory(rasa.url), "Cống thoát nước trước chợ bị nghẹt, mưa xuống là ngập"
    )
    db = HubDatabase.open(database_url)
    question = "Anh/chị cho biết cống nghẹt ở đầu hay cuối dãy ki-ốt?"

    def ask(session: Any) -> None:
        ticket = get_ticket_by_code(session, code)
        officer = _officer_of(session, ticket)
        lifecycle.accept(session, ticket, Actor.of(officer))
        lifecycle.ask_citizen(session, ticket, Actor.of(officer), question=question)

    db.write_sync(ask)
    await eventually(lambda: _said(visitor, question), timeout=30)

    answer = "Dạ ở cuối dãy ki-ốt, gần cột điện số 12"
    await visitor.say(answer)
    await eventually(
        lambda: _said(visitor, f"nội dung bổ sung của anh/chị cho cơ quan xử lý yêu cầu mã {code}")
    )

    def ticket_state(session: Any) -> tuple[TicketStatus, dict]:
        ticket = get_ticket_by_code(session, code)
        return ticket.status, ticket.events[-1].payload

    status, payload = db.read_sync(ticket_state)
    assert status == TicketStatus.IN_PROGRESS and payload["message"] == answer  # the clock runs again

    # Only that answer: the next message is the bot's again.
    bot_replies = len([m for m in await visitor.messages() if m["author"] == "bot"])
    await visitor.say("cảm ơn")
    await eventually(lambda: _count_bot(visitor, bot_replies + 1), timeout=60)


async def _count_bot(visitor: Visitor, at_least: int) -> bool | None:
    return True if len([m for m in await visitor.messages() if m["author"] == "bot"]) >= at_least else None
