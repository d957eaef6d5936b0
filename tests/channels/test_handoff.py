"""Handoff: the bot hands over (or the citizen asks, or an agent takes over); while agents hold the
conversation the bot is never called; the agent answers, hands back, resolves through the agents' API."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from channels import texts
from tests.channels.conftest import RASA_TOKEN, Agent, HubFactory, Visitor, create_staff, eventually
from tests.channels.servers import Server
from ticketing.models import UserRole

pytestmark = pytest.mark.slow


def rasa_user_turns(rasa: Server, sender_id: str) -> int:
    """How many citizen messages Rasa's tracker has for this conversation (read with the token)."""
    url = f"{rasa.url}/conversations/{sender_id}/tracker?token={RASA_TOKEN}"
    with urllib.request.urlopen(url, timeout=10) as response:
        tracker = json.load(response)
    return sum(1 for e in tracker["events"] if e.get("event") == "user")


async def state_is(visitor: Visitor, state: str, told: str | None = None) -> Any:
    """The feed once the conversation is in ``state`` (and, with ``told``, a message saying it came)."""
    feed = await visitor.feed()
    if feed["state"] != state:
        return None
    if told is not None and not any(told in m["text"] for m in feed["messages"] if m["direction"] == "out"):
        return None
    return feed


async def test_after_the_bot_hands_over_it_is_not_called_and_an_agent_takes_answers_and_hands_back(
    hub_factory: HubFactory, rasa: Server, database_url: str
) -> None:
    client = await hub_factory(rasa.url)
    agent_id, token = create_staff(database_url, UserRole.AGENT, "Trần Văn Minh")
    agent = Agent(client, token, agent_id)
    visitor = await Visitor(client).start()

    await visitor.say("xin chào")
    await visitor.wait_for_reply(0, author="bot")
    await visitor.say("tôi muốn gặp tổng đài viên")
    feed = await eventually(lambda: state_is(visitor, "pending", told="lưu lại"), timeout=60)
    said = [m["text"] for m in feed["messages"] if m["direction"] == "out"]
    assert any("tổng đài viên" in t for t in said if t)  # the bot's own words
    assert any("lưu lại" in t for t in said)  # the hub: queue position, or when agents are back

    waiting = await agent.get("/api/conversations?state=pending")
    [mine] = [c for c in waiting["conversations"] if c["channel_user_id"] == visitor.visitor_id]
    assert mine["queue_position"] >= 1 and mine["handoff_reason"]
    transcript = [(m["author"], m["text"]) for m in mine["messages"]]
    assert ("citizen", "xin chào") in transcript and any(a == "bot" for a, _ in transcript)  # bot part too
    sender_id = mine["sender_id"]
    turns = rasa_user_turns(rasa, sender_id)

    # While pending and while open, nothing goes to the bot.
    await visitor.say("alo, có ai không ạ?")
    await eventually(lambda: _inbound_state(visitor, "alo, có ai không ạ?", "for_agents"))
    taken = await agent.post(f"/api/conversations/{mine['id']}/take")
    assert taken["state"] == "open" and taken["assignee"]["id"] == agent_id
    await visitor.say("tôi cần hỏi về hồ sơ đất đai")
    await eventually(lambda: _inbound_state(visitor, "tôi cần hỏi về hồ sơ đất đai", "for_agents"))
    assert rasa_user_turns(rasa, sender_id) == turns

    reply = await agent.post(
        f"/api/conversations/{mine['id']}/messages",
        {"text": "Dạ, anh/chị cho em xin mã hồ sơ ạ."},
        status=201,
    )
    assert reply["author"] == "agent"
    await eventually(lambda: _has_text(visitor, "Dạ, anh/chị cho em xin mã hồ sơ ạ."))
    told = [m["text"] for m in await visitor.messages() if m["author"] == "system"]
    assert texts.AGENT_JOINED.format(agent="Trần Văn Minh") in told

    # Another agent cannot take it or write in it.
    other_id, other_token = create_staff(database_url, UserRole.AGENT, "Lê Thị Hoa")
    other = Agent(client, other_token, other_id)
    await other.post(f"/api/conversations/{mine['id']}/take", status=409)
    await other.post(f"/api/conversations/{mine['id']}/messages", {"text": "chào"}, status=409)

    # Hand back: the bot answers again.
    back = await agent.post(f"/api/conversations/{mine['id']}/handback")
    assert back["state"] == "bot"
    last = (await visitor.messages())[-1]["id"]
    await visitor.say("cảm ơn")
    await visitor.wait_for_reply(last, author="bot")
    assert rasa_user_turns(rasa, sender_id) == turns + 1

    detail = await agent.get(f"/api/conversations/{mine['id']}")
    assert [e["type"] for e in detail["events"]] == ["created", "handoff", "taken", "handed_back"]


async def _inbound_state(visitor: Visitor, text: str, state: str) -> bool:
    return any(m["text"] == text and m.get("state") == state for m in await visitor.messages())


async def _has_text(visitor: Visitor, text: str) -> bool:
    return any(m["text"] == text for m in await visitor.messages())


async def test_the_talk_to_a_person_control_hands_over_without_the_bot_and_an_agent_resolves(
    hub_factory: HubFactory, rasa: Server, database_url: str
) -> None:
    client = await hub_factory(rasa.url)
    agent_id, token = create_staff(database_url, UserRole.SUPERVISOR, "Phạm Quốc Huy")
    agent = Agent(client, token, agent_id)
    visitor = await Visitor(client).start()

    response = await client.post("/webchat/api/handoff", headers=visitor.headers)
    assert (await response.json())["state"] == "pending"
    feed = await visitor.feed()
    assert feed["state"] == "pending"
    [conversation] = [
        c
        for c in (await agent.get("/api/conversations?state=pending&transcript=false"))["conversations"]
        if c["channel_user_id"] == visitor.visitor_id
    ]
    assert conversation["handoff_reason"] == "citizen_request"
    # An agent answering a waiting conversation takes it.
    await agent.post(
        f"/api/conversations/{conversation['id']}/messages", {"text": "Dạ, em nghe ạ."}, status=201
    )
    assert (await visitor.feed())["state"] == "open"
    resolved = await agent.post(f"/api/conversations/{conversation['id']}/resolve")
    assert resolved["state"] == "resolved"
    await agent.post(f"/api/conversations/{conversation['id']}/take", status=409)
    await eventually(lambda: _has_text(visitor, texts.RESOLVED))

    # The next message opens a new conversation, with the bot.
    last = (await visitor.messages())[-1]["id"]
    await visitor.say("xin chào")
    await visitor.wait_for_reply(last, author="bot")
    assert (await visitor.feed())["state"] == "bot"


async def test_the_agents_api_is_for_staff_and_documented(
    hub_factory: HubFactory, rasa: Server, database_url: str
) -> None:
    client = await hub_factory(rasa.url)
    assert (await client.get("/api/conversations")).status == 401
    _, officer_token = create_staff(database_url, UserRole.AGENCY_OFFICER)
    response = await client.get("/api/conversations", headers={"Authorization": f"Bearer {officer_token}"})
    assert response.status == 403  # agency officers answer tickets, not live conversations
    agent_id, token = create_staff(database_url, UserRole.AGENT)
    status = await Agent(client, token, agent_id).get("/api/hub/status")
    assert status["bot"] == [{"url": rasa.url, "up": True}]
    assert {"waiting", "with_agents", "outbox_backlog", "held", "unanswered_messages"} <= set(status)
    document = await (await client.get("/api/openapi.json")).json()
    for path, method in [
        ("/api/conversations", "get"),
        ("/api/conversations/{id}", "get"),
        ("/api/conversations/{id}/take", "post"),
        ("/api/conversations/{id}/messages", "post"),
        ("/api/conversations/{id}/handback", "post"),
        ("/api/conversations/{id}/resolve", "post"),
        ("/api/conversations/ws", "get"),
        ("/webchat/api/messages", "post"),
        ("/api/hub/status", "get"),
    ]:
        assert method in document["paths"][path], path
