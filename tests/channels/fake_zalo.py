"""A local stand-in for Zalo's OpenAPI and OAuth servers on 127.0.0.1, and for Zalo's webhook calls.

What the real adapter talks to, as Zalo documents it:

- ``POST /v3.0/oa/message/cs`` (header ``access_token``, JSON ``{"recipient": {"user_id"}, "message"}``):
  always HTTP 200; ``{"error": 0, "message": "Success", "data": {"message_id", "user_id"}}`` or ``{"error":
  <negative code>, "message"}`` (-216: access token invalid; queued failures for the tests; -201 for a
  message Zalo would refuse: text over 2000 characters, more than 5 buttons, a title over 100...);
- ``POST /v4/oa/access_token`` (header ``secret_key``, form ``app_id``, ``grant_type=refresh_token``,
  ``refresh_token``): a new access token and a new refresh token; a refresh token works once
  (``{"error": -14014, "error_name": "Invalid refresh token", ...}`` afterwards);
- ``GET /media/<name>``: images and files the citizens sent (Zalo's CDN).

And the citizens: :meth:`FakeZalo.event` builds a webhook event the way Zalo sends it, :meth:`deliver` POSTs
it to the hub signed ``X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA secret key)``.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.channels.fake_server import LocalServer

APP_ID = "3608465249409039670"
APP_SECRET = "zalo-app-secret-for-tests"
OA_SECRET_KEY = "zalo-oa-secret-key-for-tests"
OA_ID = "388613280878808645"


@dataclass
class FakeZalo(LocalServer):
    access_tokens: set[str] = field(default_factory=set)  # valid access tokens
    refresh_tokens: set[str] = field(default_factory=set)  # unused refresh tokens
    sent: list[dict[str, Any]] = field(default_factory=list)  # accepted consultation messages
    refused: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)  # user id -> error codes of its next sends
    refresh_calls: int = 0
    refresh_delay: float = 0.0  # seconds a refresh takes (to make refreshers overlap)
    media: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v3.0/oa/message/cs", self._send)
        app.router.add_post("/v4/oa/access_token", self._token)
        app.router.add_get("/media/{name}", self._media)

    # -- OpenAPI -----------------------------------------------------------------------------------

    async def _send(self, request: web.Request) -> web.Response:
        token = request.headers.get("access_token")
        if token not in self.access_tokens:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        body = await request.json()
        queued = self.failures.get(str((body.get("recipient") or {}).get("user_id")))
        if queued:
            code = queued.pop(0)
            self.refused.append((code, body))
            return web.json_response({"error": code, "message": f"error {code}"})
        problem = _invalid(body)
        if problem:
            self.refused.append((-201, body))
            return web.json_response({"error": -201, "message": f"Invalid parameter: {problem}"})
        body["_token"] = token
        body["_at"] = time.monotonic()
        self.sent.append(body)
        await self.notify_sent()
        return web.json_response(
            {
                "error": 0,
                "message": "Success",
                "data": {"message_id": f"oa-msg-{next(self._ids)}", "user_id": body["recipient"]["user_id"]},
            }
        )

    # -- OAuth -------------------------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if request.headers.get("secret_key") != APP_SECRET or form.get("app_id") != APP_ID:
            return web.json_response({"error": -14002, "error_name": "Invalid app", "error_reason": ""})
        if form.get("grant_type") != "refresh_token":
            return web.json_response({"error": -14003, "error_name": "Invalid parameter"})
        self.refresh_calls += 1
        await asyncio.sleep(self.refresh_delay)
        used = str(form.get("refresh_token") or "")
        if used not in self.refresh_tokens:
            return web.json_response(
                {
                    "error": -14014,
                    "error_name": "Invalid refresh token",
                    "error_description": "Refresh token is invalid or already used",
                }
            )
        self.refresh_tokens.discard(used)  # single use
        number = next(self._ids)
        access, refresh = f"access-{number}", f"refresh-{number}"
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return web.json_response({"access_token": access, "refresh_token": refresh, "expires_in": "90000"})

    async def _media(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.media:
            return web.Response(status=404)
        return web.Response(body=self.media[name], content_type="image/jpeg")

    # -- the citizens ------------------------------------------------------------------------------

    def event(self, user_id: str, event_name: str = "user_send_text", **message: Any) -> dict[str, Any]:
        message.setdefault("msg_id", f"msg-{next(self._ids)}-{time.time_ns()}")
        return {
            "app_id": APP_ID,
            "user_id_by_app": f"app-{user_id}",
            "event_name": event_name,
            "timestamp": str(int(time.time() * 1000)),
            "sender": {"id": user_id},
            "recipient": {"id": OA_ID},
            "message": message,
        }

    def text(self, user_id: str, text: str) -> dict[str, Any]:
        return self.event(user_id, text=text)

    def image(self, user_id: str, name: str, content: bytes, caption: str = "") -> dict[str, Any]:
        self.media[name] = content
        url = f"{self.url}/media/{name}"
        attachment = {"type": "image", "payload": {"thumbnail": url, "url": url}}
        return self.event(user_id, "user_send_image", text=caption, attachments=[attachment])

    def location(self, user_id: str, latitude: float, longitude: float) -> dict[str, Any]:
        coordinates = {"latitude": str(latitude), "longitude": str(longitude)}
        attachment = {"type": "location", "payload": {"coordinates": coordinates}}
        return self.event(user_id, "user_send_location", attachments=[attachment])

    @staticmethod
    def signed(event: dict[str, Any], oa_secret_key: str = OA_SECRET_KEY) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(event, ensure_ascii=False).encode()
        mac = hashlib.sha256(APP_ID.encode() + body + event["timestamp"].encode() + oa_secret_key.encode())
        return body, {"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac.hexdigest()}"}

    async def deliver(self, webhook_url: str, event: dict[str, Any]) -> int:
        body, headers = self.signed(event)
        async with aiohttp.ClientSession() as http, http.post(webhook_url, data=body, headers=headers) as r:
            return r.status

    def texts_to(self, user_id: str) -> list[str]:
        return [m["message"].get("text", "") for m in self.sent if m["recipient"]["user_id"] == user_id]


def _invalid(body: dict[str, Any]) -> str | None:
    """Why Zalo would refuse a consultation message (None: it would not)."""
    if not isinstance(body.get("recipient"), dict) or not body["recipient"].get("user_id"):
        return "recipient.user_id"
    message = body.get("message")
    if not isinstance(message, dict):
        return "message"
    text = message.get("text")
    attachment = message.get("attachment")
    if text is None and attachment is None:
        return "message is empty"
    if text is not None and not (0 < len(text) <= 2000):
        return "text length"
    if attachment is not None:
        payload = attachment.get("payload") or {}
        buttons = payload.get("buttons") or []
        if len(buttons) > 5:
            return "too many buttons"
        for button in buttons:
            if button.get("type") not in ("oa.query.show", "oa.query.hide", "oa.open.url", "oa.open.phone"):
                return "button type"
            if not (0 < len(button.get("title", "")) <= 100):
                return "button title"
    return None
