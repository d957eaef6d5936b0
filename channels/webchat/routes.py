"""The web chat page and the visitor API (rows of the application's route table, so they are in the
OpenAPI document).

- ``GET /webchat/`` the page; ``/webchat/static/*`` its script and style (shipped in the repo).
- ``POST /webchat/api/session`` a new visitor session: a random ``token`` (kept by the browser, sent as
  ``Authorization: Bearer``; only its digest is stored) and the visitor id (the channel user id).
- ``POST /webchat/api/messages`` a message (``client_id``: the browser's id for it, so a resend after a
  lost answer is stored once); ``GET /webchat/api/messages?after=ID`` what came after ``ID``.
- ``GET /webchat/ws?after=ID`` (token as ``?token=`` or the bearer header) pushes new messages.
- ``POST /webchat/api/handoff`` the "talk to a person" control.
- ``POST|DELETE /webchat/api/subscriptions`` announcements for a commune/ward; ``GET /webchat/api/places``.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from channels import store
from channels.models import HubState
from channels.schemas import MESSAGE
from channels.states import CITIZEN
from channels.subscriptions import SubscriptionCommand
from channels.texts import HANDOFF_BY_CITIZEN
from ticketing.api.errors import NotFound, TooManyRequests, Unauthorized
from ticketing.api.handlers.common import ok
from ticketing.api.ratelimit import PublicRateLimit
from ticketing.api.routes import Call, Route
from ticketing.api.schema import Field, Schema
from ticketing.models import utcnow
from vietnam.places import all_places

CHANNEL = "webchat"
STATIC = Path(__file__).resolve().parent / "static"
HUB = web.AppKey("hub", object)
SESSION_LIMIT = web.AppKey("webchat_session_limit", PublicRateLimit)
MAX_TEXT = 2000

FEED_SCHEMA = {
    "type": "object",
    "properties": {
        "state": {"type": "string", "enum": [s.value for s in HubState]},
        "messages": {"type": "array", "items": MESSAGE},
    },
}


class KnownSessions:
    """Web chat tokens this process checked against the database in the last ``ttl`` seconds, so that a
    visitor's every message is not one more transaction. Keyed by the token's digest; an entry that
    expires is checked again (which also refreshes the session's ``last_seen_at``)."""

    def __init__(self, ttl: float = 60.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._known: dict[str, tuple[str, float]] = {}

    def get(self, digest: str) -> str | None:
        entry = self._known.get(digest)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, digest: str, visitor: str) -> None:
        if len(self._known) >= self.size:
            self._known.clear()  # simple bound: the next requests check their tokens again
        self._known[digest] = (visitor, time.monotonic() + self.ttl)


KNOWN_SESSIONS = web.AppKey("webchat_known_sessions", KnownSessions)


def _hub(request: web.Request) -> Any:
    return request.app[HUB]


async def _visitor(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else request.query.get("token", "")
    if not token or len(token) > 200 or not token.isascii():
        raise Unauthorized("Web chat session required: POST /webchat/api/session first.")
    known, digest = request.app[KNOWN_SESSIONS], store.token_digest(token)
    visitor = known.get(digest)
    if visitor is None:
        visitor = await _hub(request).db.write(store.webchat_visitor, token, utcnow())
        if visitor is None:
            raise Unauthorized("Unknown web chat session; start a new one.")
        known.put(digest, visitor)
    return visitor


# -- page ---------------------------------------------------------------------------------------


async def page(request: web.Request, call: Call) -> web.StreamResponse:
    response = web.FileResponse(STATIC / "index.html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'self'"
    )
    return response


async def root(request: web.Request, call: Call) -> web.StreamResponse:
    raise web.HTTPFound("/webchat/")


# -- visitor API --------------------------------------------------------------------------------


async def new_session(request: web.Request, call: Call) -> web.StreamResponse:
    if not request.app[SESSION_LIMIT].allow(request.remote or "?"):
        raise TooManyRequests("Too many new chat sessions from this address; try again in a minute.")
    token = secrets.token_urlsafe(32)
    visitor_id = "w-" + secrets.token_hex(12)
    await _hub(request).db.write(store.create_webchat_session, visitor_id, token, utcnow())
    return ok({"token": token, "visitor_id": visitor_id}, status=201)


SEND = Schema(
    Field("text", max_length=MAX_TEXT, description="What the visitor typed (or the pressed button's title)"),
    Field("payload", max_length=200, nullable=True, description="A pressed button's payload"),
    Field(
        "client_id",
        required=True,
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The browser's id for this message: a resend with the same id is stored once",
    ),
)


async def send_message(request: web.Request, call: Call) -> web.StreamResponse:
    from channels.contract import InboundMessage

    visitor = await _visitor(request)
    text = (call.body.get("text") or "").strip()
    payload = call.body.get("payload") or None
    if not text and not payload:
        from ticketing.api.errors import ValidationFailed

        raise ValidationFailed("A message needs text or a button payload.")
    message = InboundMessage(
        channel=CHANNEL,
        channel_user_id=visitor,
        channel_message_id=f"{visitor}:{call.body['client_id']}",
        text=text or payload or "",
        payload=payload,
    )
    [outcome] = await _hub(request).receive([message])
    return ok({"id": outcome.message_id, "duplicate": outcome.duplicate}, status=202)


AFTER = Schema(
    Field("after", "integer", minimum=0, maximum=2**53, description="Last message id the visitor has")
)


async def feed(request: web.Request, visitor: str, after: int) -> dict[str, Any]:
    hub = _hub(request)

    def read(session: Any) -> dict[str, Any]:
        return {
            "state": store.identity_state(session, CHANNEL, visitor).value,
            "messages": store.visitor_feed(session, CHANNEL, visitor, after),
        }

    return await hub.db.read(read)


async def list_messages(request: web.Request, call: Call) -> web.StreamResponse:
    visitor = await _visitor(request)
    return ok(await feed(request, visitor, int(call.query.get("after") or 0)))


async def handoff(request: web.Request, call: Call) -> web.StreamResponse:
    visitor = await _visitor(request)
    hub = _hub(request)

    def conversation(session: Any) -> int:
        return store.open_conversation(session, CHANNEL, visitor, utcnow()).id

    conversation_id = await hub.db.write(conversation)
    state = await hub.db.read(store.conversation_state, conversation_id)
    if state == HubState.BOT:
        await hub.move(
            conversation_id, HubState.PENDING, CITIZEN, reason="citizen_request", say=HANDOFF_BY_CITIZEN
        )
    return ok({"state": (await hub.db.read(store.conversation_state, conversation_id)).value})


SUBSCRIBE = Schema(Field("area_code", required=True, pattern=r"^[a-z0-9_]{1,64}$"))


async def subscribe(request: web.Request, call: Call) -> web.StreamResponse:
    visitor = await _visitor(request)
    hub = _hub(request)
    code = call.body["area_code"]
    if code not in {p.code for p in all_places()}:
        raise NotFound("Unknown commune/ward code.")

    def write(session: Any) -> str:
        return SubscriptionCommand(subscribe=True, place_text=code).apply(session, CHANNEL, visitor, utcnow())

    text = await hub.db.write(write)
    return ok({"subscribed": await hub.db.read(store.subscriptions_of, CHANNEL, visitor), "message": text})


async def unsubscribe(request: web.Request, call: Call) -> web.StreamResponse:
    visitor = await _visitor(request)
    hub = _hub(request)
    await hub.db.write(store.unsubscribe, CHANNEL, visitor, utcnow())
    return ok({"subscribed": []})


async def places(request: web.Request, call: Call) -> web.StreamResponse:
    return ok([{"code": p.code, "name": p.name} for p in sorted(all_places(), key=lambda p: p.name)])


async def websocket(request: web.Request, call: Call) -> web.StreamResponse:
    visitor = await _visitor(request)
    after = int(call.query.get("after") or 0)
    hub = _hub(request)
    ws = web.WebSocketResponse(heartbeat=25.0)
    await ws.prepare(request)
    subscription = hub.bus.subscribe(
        lambda e: e.get("channel") == CHANNEL and e.get("channel_user_id") == visitor
    )
    wake = asyncio.Event()

    async def pump() -> None:
        while True:
            await subscription.get()
            wake.set()

    async def reader() -> None:
        async for msg in ws:
            if msg.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                break
        wake.set()

    pump_task = asyncio.create_task(pump())
    reader_task = asyncio.create_task(reader())
    last_state = None
    try:
        while not ws.closed:
            wake.clear()  # before reading: an event during the read wakes the next round
            data = await feed(request, visitor, after)
            if data["messages"]:
                after = data["messages"][-1]["id"]
            if data["messages"] or data["state"] != last_state:
                last_state = data["state"]
                await ws.send_json(data)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=15.0)  # also a periodic catch-up
            if reader_task.done():
                break
    finally:
        subscription.close()
        pump_task.cancel()
        reader_task.cancel()
        await ws.close()
    return ws


async def static(request: web.Request, call: Call) -> web.StreamResponse:
    name = request.match_info["name"]
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file():
        raise NotFound("No such file.")
    return web.FileResponse(path)


VISITOR = "Web chat visitor session token as `Authorization: Bearer <token>`."
TAG = "webchat"

ROUTES = [
    Route(
        "GET",
        "/",
        root,
        "Redirect to the web chat",
        TAG,
        access="public",
        responses={302: "To /webchat/"},
        produces=(),
    ),
    Route("GET", "/webchat/", page, "Get the web chat page", TAG, access="public", produces=("text/html",)),
    Route(
        "GET",
        "/webchat/static/{name:[a-z0-9_-]+\\.(?:js|css|svg)}",
        static,
        "Get a web chat asset",
        TAG,
        access="public",
        doc_path="/webchat/static/{name}",
        produces=("text/javascript", "text/css", "image/svg+xml"),
    ),
    Route(
        "POST",
        "/webchat/api/session",
        new_session,
        "Start a web chat session",
        TAG,
        access="public",
        responses={201: "Session created (token shown once)", 429: "Too many sessions from this address"},
    ),
    Route(
        "POST",
        "/webchat/api/messages",
        send_message,
        "Send a web chat message",
        TAG,
        access="public",
        body=SEND,
        responses={202: "Stored; the answer comes on the feed"},
        description=VISITOR,
    ),
    Route(
        "GET",
        "/webchat/api/messages",
        list_messages,
        "Read the web chat feed",
        TAG,
        access="public",
        query=AFTER,
        response_schema=FEED_SCHEMA,
        description=VISITOR,
    ),
    Route(
        "GET",
        "/webchat/ws",
        websocket,
        "Open the web chat feed WebSocket",
        TAG,
        access="public",
        query=Schema(Field("after", "integer", minimum=0, maximum=2**53), Field("token", max_length=200)),
        responses={101: "WebSocket: JSON frames {state, messages}"},
        description="Token as `?token=` (browsers cannot set headers on WebSockets) or bearer header.",
    ),
    Route(
        "POST",
        "/webchat/api/handoff",
        handoff,
        "Ask for a person (web chat)",
        TAG,
        access="public",
        description=VISITOR,
    ),
    Route(
        "POST",
        "/webchat/api/subscriptions",
        subscribe,
        "Subscribe to a commune/ward's announcements",
        TAG,
        access="public",
        body=SUBSCRIBE,
        description=VISITOR,
    ),
    Route(
        "DELETE",
        "/webchat/api/subscriptions",
        unsubscribe,
        "Cancel announcement subscriptions",
        TAG,
        access="public",
        description=VISITOR,
    ),
    Route("GET", "/webchat/api/places", places, "List the communes and wards", TAG, access="public"),
]


def new_session_limit(per_minute: int) -> PublicRateLimit:
    """New web chat sessions per client address and minute (``HUB_WEBCHAT_SESSIONS_PER_MINUTE``)."""
    return PublicRateLimit(per_minute=per_minute)


__all__ = ["HUB", "KNOWN_SESSIONS", "ROUTES", "SESSION_LIMIT", "KnownSessions", "new_session_limit"]
