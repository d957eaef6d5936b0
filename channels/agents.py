"""The agents' API: live conversations (HTTP + WebSocket), rows of the application's route table, so the
OpenAPI document at ``/api/openapi.json`` describes them. Authenticated like the rest of the API (session
cookie or bearer token, ``ticketing/api/auth.py``); hotline agents, supervisors and admins only.

    GET  /api/conversations?state=pending     waiting conversations, longest first, whole transcript
    GET  /api/conversations/{id}              one conversation: transcript (bot part included), events
    POST /api/conversations/{id}/take         the agent takes it (also straight from the bot)
    POST /api/conversations/{id}/messages     the agent writes to the citizen
    POST /api/conversations/{id}/handback     back to the bot
    POST /api/conversations/{id}/resolve      done
    GET  /api/conversations/ws                WebSocket: {type: message|state|held, conversation_id, ...}
    POST /api/announcements                   a supervisor's announcement to a commune/ward's subscribers
    GET  /api/announcements
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiohttp import WSMsgType, web

from channels import store, texts
from channels.models import HubState
from channels.schemas import MESSAGE
from channels.states import SYSTEM, IllegalConversationTransition
from channels.webchat.routes import HUB
from ticketing.api.errors import Conflict, NotFound, ValidationFailed
from ticketing.api.handlers.common import ok
from ticketing.api.routes import Call, Route
from ticketing.api.schema import Field, Schema
from ticketing.lifecycle import InvalidInput
from ticketing.models import utcnow
from vietnam.places import all_places
from vietnam.text import normalize_text

AGENTS = frozenset({"agent", "supervisor", "admin"})
SUPERVISORS = frozenset({"supervisor", "admin"})
TAG = "conversations"
ID = {"id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
MAX_ID = 2**31 - 1

CONVERSATION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "state": {"type": "string", "enum": [s.value for s in HubState]},
        "channel": {"type": "string"},
        "channel_user_id": {"type": "string"},
        "sender_id": {"type": "string", "description": "The Rasa sender id of this conversation"},
        "assignee": {"type": ["object", "null"]},
        "handoff_reason": {"type": ["string", "null"]},
        "handoff_requested_at": {"type": ["string", "null"], "format": "date-time"},
        "queue_position": {"type": ["integer", "null"]},
        "tickets": {"type": "array", "items": {"type": "object"}},
        "messages": {"type": "array", "items": MESSAGE},
        "events": {"type": "array", "items": {"type": "object"}},
    },
}


def _hub(call: Call) -> Any:
    return call.app[HUB]


def _id(request: web.Request) -> int:
    value = int(request.match_info["id"])
    if not 1 <= value <= MAX_ID:
        raise NotFound("No such conversation.")
    return value


async def _existing(call: Call, conversation_id: int) -> dict[str, Any]:
    found = await _hub(call).db.read(store.get_conversation, conversation_id, with_messages=False)
    if found is None:
        raise NotFound("No such conversation.")
    return found


LIST = Schema(
    Field("state", enum=tuple(s.value for s in HubState), default="pending", description="Default: pending"),
    Field("mine", "boolean", description="Only the conversations the caller has"),
    Field("transcript", "boolean", default=True, description="Include every message (default true)"),
    Field("limit", "integer", minimum=1, maximum=200, default=50),
)


async def list_conversations(request: web.Request, call: Call) -> web.StreamResponse:
    state = HubState(call.query.get("state") or "pending")
    transcript = call.query.get("transcript")
    found = await _hub(call).db.read(
        store.list_conversations,
        [state],
        assignee_user_id=call.principal.user_id if call.query.get("mine") else None,
        with_messages=True if transcript is None else bool(transcript),
        limit=int(call.query.get("limit") or 50),
    )
    return ok({"conversations": found})


async def get_conversation(request: web.Request, call: Call) -> web.StreamResponse:
    conversation_id = _id(request)
    hub = _hub(call)

    def read(session: Any) -> dict[str, Any] | None:
        found = store.get_conversation(session, conversation_id, with_messages=True)
        if found is not None:
            found["events"] = store.conversation_events(session, conversation_id)
        return found

    found = await hub.db.read(read)
    if found is None:
        raise NotFound("No such conversation.")
    return ok(found)


async def _move(call: Call, conversation_id: int, to: HubState, say: str | None, reason: str) -> dict:
    await _existing(call, conversation_id)
    try:
        await _hub(call).move(
            conversation_id, to, SYSTEM, agent_user_id=call.principal.user_id, reason=reason, say=say
        )
    except IllegalConversationTransition as exc:
        raise Conflict(str(exc)) from None
    except InvalidInput as exc:
        raise Conflict(str(exc)) from None
    return await _hub(call).db.read(store.get_conversation, conversation_id, with_messages=False)


async def take(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await _move(call, _id(request), HubState.OPEN, texts.AGENT_JOINED, "agent_takeover"))


async def hand_back(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await _move(call, _id(request), HubState.BOT, texts.HANDED_BACK, "agent_handback"))


async def resolve(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await _move(call, _id(request), HubState.RESOLVED, texts.RESOLVED, "agent_resolved"))


REPLY = Schema(Field("text", required=True, min_length=1, max_length=4000))


async def reply(request: web.Request, call: Call) -> web.StreamResponse:
    conversation_id = _id(request)
    await _existing(call, conversation_id)
    text = call.body["text"].strip()
    if not text:
        raise ValidationFailed("text is empty")
    try:
        message = await _hub(call).agent_reply(conversation_id, call.principal.user_id, text)
    except InvalidInput as exc:
        raise Conflict(str(exc)) from None
    return ok(message, status=201)


async def events(request: web.Request, call: Call) -> web.StreamResponse:
    """Live events for the console: every citizen message (with its text), state changes, held sends."""
    hub = _hub(call)
    ws = web.WebSocketResponse(heartbeat=25.0)
    await ws.prepare(request)
    subscription = hub.bus.subscribe(lambda e: e.get("type") in ("message", "state", "held", "notice"))

    async def pump() -> None:
        while True:
            await ws.send_json(await subscription.get())

    pump_task = asyncio.create_task(pump())
    try:
        async for msg in ws:
            if msg.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                break
    finally:
        subscription.close()
        pump_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await pump_task
    return ws


ANNOUNCE = Schema(
    Field(
        "area_codes",
        "array",
        items="string",
        max_items=102,
        description="Commune/ward codes (vietnam.places); empty: every subscriber",
    ),
    Field("body", required=True, min_length=1, max_length=2000),
)


async def announce(request: web.Request, call: Call) -> web.StreamResponse:
    codes = list(dict.fromkeys(call.body.get("area_codes") or []))
    known = {p.code for p in all_places()}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(
            "Unknown commune/ward code.", [{"field": "area_codes", "message": f"unknown: {unknown[0]}"}]
        )
    body = normalize_text(call.body["body"])
    text = texts.ANNOUNCEMENT.format(sender="Tổng đài 1022", body=body)
    hub = _hub(call)

    def write(session: Any) -> dict[str, Any]:
        author = store.user_by_id(session, call.principal.user_id)
        a = store.broadcast(session, codes, body, author, text, utcnow())
        return {"id": a.id, "area_codes": a.area_codes, "recipients": a.recipients}

    result = await hub.db.write(write)
    hub.outbox_wakeup.set()
    return ok(result, status=201)


async def status(request: web.Request, call: Call) -> web.StreamResponse:
    hub = _hub(call)
    counts = await hub.db.read(store.hub_status)
    return ok({**counts, "bot": await hub.bot.health()})


async def list_announcements(request: web.Request, call: Call) -> web.StreamResponse:
    return ok({"announcements": await _hub(call).db.read(store.announcements)})


def _route(method: str, path: str, handler: Any, summary: str, **kwargs: Any) -> Route:
    kwargs.setdefault("roles", AGENTS)
    if "{id" in path:
        kwargs.setdefault("path_params", ID)
        kwargs.setdefault("doc_path", path.replace("{id:\\d+}", "{id}"))
    return Route(method, path, handler, summary, kwargs.pop("tag", TAG), **kwargs)


ROUTES = [
    _route(
        "GET",
        "/api/conversations",
        list_conversations,
        "List live conversations",
        query=LIST,
        response_schema={
            "type": "object",
            "properties": {"conversations": {"type": "array", "items": CONVERSATION}},
        },
        description="Waiting conversations (`state=pending`) come longest-waiting first, with the whole "
        "transcript, the bot's part included.",
    ),
    _route(
        "GET",
        "/api/hub/status",
        status,
        "Get the hub's queue, outbox and bot status",
        tag="hub",
        response_schema={
            "type": "object",
            "properties": {
                "waiting": {"type": "integer", "description": "Conversations waiting for an agent"},
                "with_agents": {"type": "integer"},
                "outbox_backlog": {"type": "integer", "description": "Messages not yet delivered"},
                "held": {"type": "integer", "description": "Messages held by a channel's send rule"},
                "unanswered_messages": {"type": "integer", "description": "Citizen messages not yet handled"},
                "bot": {"type": "array", "items": {"type": "object"}},
            },
        },
    ),
    _route(
        "GET",
        "/api/conversations/ws",
        events,
        "Open the agents' live events WebSocket",
        responses={101: "WebSocket: JSON events {type: message|state|held, conversation_id, ...}"},
    ),
    _route(
        "GET",
        "/api/conversations/{id:\\d+}",
        get_conversation,
        "Get a conversation with its transcript",
        response_schema=CONVERSATION,
        responses={200: "OK", 404: "No such conversation"},
    ),
    _route(
        "POST",
        "/api/conversations/{id:\\d+}/take",
        take,
        "Take a conversation",
        response_schema=CONVERSATION,
        responses={200: "Taken", 409: "Taken by another agent or resolved"},
    ),
    _route(
        "POST",
        "/api/conversations/{id:\\d+}/messages",
        reply,
        "Reply to the citizen",
        body=REPLY,
        responses={201: "Queued for the citizen's channel", 409: "Not this agent's conversation"},
    ),
    _route(
        "POST",
        "/api/conversations/{id:\\d+}/handback",
        hand_back,
        "Hand a conversation back to the bot",
        response_schema=CONVERSATION,
        responses={200: "With the bot again", 409: "Not possible now"},
    ),
    _route(
        "POST",
        "/api/conversations/{id:\\d+}/resolve",
        resolve,
        "Resolve a conversation",
        response_schema=CONVERSATION,
        responses={200: "Resolved", 409: "Already resolved"},
    ),
    _route(
        "POST",
        "/api/announcements",
        announce,
        "Broadcast an announcement to subscribers",
        tag="announcements",
        roles=SUPERVISORS,
        body=ANNOUNCE,
        responses={201: "Queued for every subscriber"},
    ),
    _route(
        "GET",
        "/api/announcements",
        list_announcements,
        "List announcements",
        tag="announcements",
        roles=SUPERVISORS,
    ),
]
