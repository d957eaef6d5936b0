"""A local stand-in for the Telegram Bot API (https://core.telegram.org/bots/api) on 127.0.0.1.

It speaks the documented protocol to the real adapter (python-telegram-bot pointed at it by ``base_url``):
``POST /bot<token>/<method>`` with form or JSON parameters, answers ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code", "description", "parameters"?}``; files at ``GET /file/bot<token>/<path>``.
Methods: getMe, setWebhook, deleteWebhook, getWebhookInfo, getUpdates (long polling, offsets confirm),
sendMessage, sendPhoto, answerCallbackQuery, getFile.

And it plays the citizens: :meth:`FakeTelegram.say`, :meth:`photo`, :meth:`location` and :meth:`press` make
updates that are delivered the way Telegram does: POSTed to the registered webhook with the registered
``X-Telegram-Bot-Api-Secret-Token``, or queued for ``getUpdates`` when no webhook is set.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.channels.fake_server import LocalServer

BOT_ID = 7001022
BOT_USERNAME = "tongdai1022_test_bot"

# One bot's identifiers keep increasing across the fakes of a test session (they share one database).
_update_ids = itertools.count(500_000_001)
_message_ids = itertools.count(1)


@dataclass
class Failure:
    """A send answers this error (``retry_after`` for 429)."""

    error_code: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeTelegram(LocalServer):
    token: str
    updates: list[dict[str, Any]] = field(default_factory=list)  # not yet confirmed by an offset
    sent: list[dict[str, Any]] = field(default_factory=list)  # sendMessage / sendPhoto calls
    answered: list[str] = field(default_factory=list)  # callback query ids answered
    calls: list[str] = field(default_factory=list)  # every method called
    failures: dict[int, list[Failure]] = field(default_factory=dict)  # chat id -> its next sends' errors
    webhook: dict[str, Any] | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> content
    polling_clients: int = 0
    max_concurrent_polls: int = 0

    def __post_init__(self) -> None:
        self._update_ids = _update_ids
        self._message_ids = _message_ids
        self._file_ids = itertools.count(1)
        self._new_update = asyncio.Condition()

    # -- server ------------------------------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        if request.method == "GET":
            return dict(request.query)
        form = await request.post()
        return {k: v for k, v in form.items() if isinstance(v, str)}

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        self.calls.append(method)
        params = await self._params(request)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        return await handler(params)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id], content_type="image/jpeg")

    # -- Bot API methods -------------------------------------------------------------------------

    async def _m_getMe(self, params: dict[str, Any]) -> web.Response:
        return _ok({"id": BOT_ID, "is_bot": True, "first_name": "Tổng đài 1022", "username": BOT_USERNAME})

    async def _m_setWebhook(self, params: dict[str, Any]) -> web.Response:
        url = str(params.get("url") or "")
        if not url:
            return await self._m_deleteWebhook(params)
        self.webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "allowed_updates": _json(params.get("allowed_updates")),
        }
        return _ok(True)

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = None
        if _flag(params.get("drop_pending_updates")):
            self.updates.clear()
        return _ok(True)

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> web.Response:
        return _ok({"url": (self.webhook or {}).get("url", ""), "pending_update_count": len(self.updates)})

    async def _m_getUpdates(self, params: dict[str, Any]) -> web.Response:
        if self.webhook is not None:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]  # confirmed
        self.polling_clients += 1
        self.max_concurrent_polls = max(self.max_concurrent_polls, self.polling_clients)
        try:
            deadline = time.monotonic() + timeout
            async with self._new_update:
                while not self.updates and time.monotonic() < deadline:
                    try:
                        await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
                    except TimeoutError:
                        break
        finally:
            self.polling_clients -= 1
        return _ok(list(self.updates[:100]))

    async def _m_sendMessage(self, params: dict[str, Any]) -> web.Response:
        failure = self._failure(int(params["chat_id"]))
        if failure is not None:
            return failure
        text = str(params.get("text") or "")
        if not text or len(text) > 4096:
            return _error(400, "Bad Request: message text is empty or too long")
        markup = _json(params.get("reply_markup"))
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(str(button.get("callback_data", "")).encode()) > 64:
                    return _error(400, "Bad Request: BUTTON_DATA_INVALID")
        message = self._message(int(params["chat_id"]), text=text, reply_markup=markup)
        self.sent.append({"method": "sendMessage", "_at": time.monotonic(), **message})
        await self.notify_sent()
        return _ok(message)

    async def _m_sendPhoto(self, params: dict[str, Any]) -> web.Response:
        failure = self._failure(int(params["chat_id"]))
        if failure is not None:
            return failure
        message = self._message(int(params["chat_id"]), photo=str(params.get("photo")))
        self.sent.append({"method": "sendPhoto", **message})
        return _ok(message)

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        self.answered.append(str(params["callback_query_id"]))
        return _ok(True)

    async def _m_getFile(self, params: dict[str, Any]) -> web.Response:
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        return _ok(
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]),
                "file_path": f"photos/{file_id}",
            }
        )

    def _failure(self, chat_id: int) -> web.Response | None:
        queued = self.failures.get(chat_id)
        if not queued:
            return None
        failure = queued.pop(0)
        parameters = {"retry_after": failure.retry_after} if failure.retry_after is not None else None
        return _error(failure.error_code, failure.description, parameters)

    def _message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Citizen"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Tổng đài 1022"},
        }
        message.update({k: v for k, v in content.items() if v is not None})
        if "photo" in content:
            message["photo"] = [{"file_id": content["photo"], "file_unique_id": "p", "width": 1, "height": 1}]
        return message

    # -- the citizens ----------------------------------------------------------------------------

    def _citizen_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Lan", "last_name": "Nguyễn"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Lan", "last_name": "Nguyễn"},
            **content,
        }

    def update(self, **content: Any) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **content}

    async def deliver(self, update: dict[str, Any]) -> int | None:
        """Deliver like Telegram: POST to the webhook (its HTTP status) or queue for getUpdates (None)."""
        if self.webhook is not None:
            headers = {}
            if self.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
            async with (
                aiohttp.ClientSession() as http,
                http.post(self.webhook["url"], json=update, headers=headers) as response,
            ):
                return response.status
        async with self._new_update:
            self.updates.append(update)
            self._new_update.notify_all()
        return None

    async def send_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Deliver a citizen's update; a webhook that does not answer 200 fails the test."""
        status = await self.deliver(update)
        if status not in (None, 200):
            raise AssertionError(f"the webhook answered HTTP {status}")
        return update

    async def say(self, chat_id: int, text: str) -> dict[str, Any]:
        return await self.send_update(self.update(message=self._citizen_message(chat_id, text=text)))

    async def photo(self, chat_id: int, content: bytes, caption: str | None = None) -> dict[str, Any]:
        file_id = f"photo-{next(self._file_ids)}"
        self.files[file_id] = content
        sizes = [
            {
                "file_id": f"{file_id}-thumb",
                "file_unique_id": "t",
                "width": 90,
                "height": 60,
                "file_size": 99,
            },
            {
                "file_id": file_id,
                "file_unique_id": "f",
                "width": 1280,
                "height": 960,
                "file_size": len(content),
            },
        ]
        message = self._citizen_message(chat_id, photo=sizes, **({"caption": caption} if caption else {}))
        return await self.send_update(self.update(message=message))

    async def location(self, chat_id: int, latitude: float, longitude: float) -> dict[str, Any]:
        message = self._citizen_message(chat_id, location={"latitude": latitude, "longitude": longitude})
        return await self.send_update(self.update(message=message))

    async def press(self, chat_id: int, title: str) -> dict[str, Any]:
        """Press the button titled ``title`` under the last message the bot sent to ``chat_id``."""
        for message in reversed(self.sent):
            if message["chat"]["id"] != chat_id or not message.get("reply_markup"):
                continue
            for row in message["reply_markup"]["inline_keyboard"]:
                for button in row:
                    if button["text"] == title:
                        query = {
                            "id": f"cq-{next(self._update_ids)}",
                            "from": {"id": chat_id, "is_bot": False, "first_name": "Lan"},
                            "chat_instance": "ci-1",
                            "message": {k: v for k, v in message.items() if k not in ("method", "_at")},
                            "data": button["callback_data"],
                        }
                        return await self.send_update(self.update(callback_query=query))
        raise AssertionError(f"no button {title!r} in the messages sent to {chat_id}")

    def texts_to(self, chat_id: int) -> list[str]:
        return [m.get("text", "") for m in self.sent if m["chat"]["id"] == chat_id and "text" in m]


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _flag(value: Any) -> bool:
    return str(value).lower() in ("true", "1")
