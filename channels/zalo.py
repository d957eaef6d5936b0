"""Zalo Official Account (OpenAPI v3): ``POST /webhooks/zalo`` in, ``/v3.0/oa/message/cs`` out.

Inbound (the OA's webhook, configured in the Zalo developer console):

- the body is signed: ``X-ZEvent-Signature: mac=<hex>`` where hex is the SHA-256 of ``app_id`` + the raw
  request body + the body's ``timestamp`` + the OA secret key (a plain hash of the concatenation, over the
  raw bytes); a missing or different mac answers 401 and nothing is stored (the hub's webhook handler);
- the hub stores the message and answers 200 at once (Zalo wants an answer within 2 s and resends
  otherwise); the bot or the agents get it from the store in the background;
- Zalo resends an event: the store keeps one message per ``msg_id``;
- ``user_send_text``, ``user_send_image``/``gif``, ``user_send_location``, ``user_send_file``, audio,
  video, sticker and link events become messages; a photo's caption is its text; images, files and
  locations become attachments (the hub downloads them, size-limited). Other events (follow, the OA's own
  messages, seen/received receipts) are acknowledged and ignored.

Outbound: ``POST {ZALO_API_URL}/v3.0/oa/message/cs`` with the ``access_token`` header (a consultation
message). Zalo answers errors as HTTP 200 with ``error`` not 0: a refused or expired access token is
refreshed (``channels.zalo_tokens``) and the send tried once more; rate and quota limits are retried by the
outbox later; a citizen who cannot receive (not following, blocked, inactive) or a malformed message are
not retried (:data:`ERRORS`). Consultation messages may only be sent within 48 hours of the citizen's last
message: outside that window the send rule holds the message, the agents are told, and it leaves when the
citizen writes again.

Buttons: the consultation message's template with ``oa.query.show`` buttons (``oa.query.hide`` for a Rasa
intent payload such as ``/request_human``, which the citizen should not see as their message); a pressed
button comes back as a ``user_send_text`` whose text is the payload. More than five buttons, or a title or
payload over Zalo's limits, become numbered options in the text, and the citizen's "2" is read as the
second option. The options last offered to each citizen are kept in the channel state until their next
message.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from channels.contract import (
    Attachment,
    Button,
    ChannelAdapter,
    DeliveryContext,
    HubContext,
    InboundMessage,
    OutgoingMessage,
    SendError,
    SendResult,
    SendRule,
    Signature,
    WebhookRequest,
    read_limited,
)
from channels.zalo_tokens import DEFAULT_OAUTH_URL, TokenUnavailable, ZaloTokens
from ticketing.models import utcnow

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://openapi.zalo.me"
SIGNATURE_HEADER = "X-ZEvent-Signature"
CONSULTATION_WINDOW = timedelta(hours=48)
MAX_TEXT_CHARS = 2000  # a consultation message's text
MAX_BUTTONS = 5
MAX_BUTTON_TITLE_CHARS = 100
MAX_BUTTON_PAYLOAD_CHARS = 1000
CHOOSE_PROMPT = "Dạ, anh/chị chọn giúp em một mục dưới đây ạ:"
NUMBERED_HINT = "Anh/chị nhắn số thứ tự của mục mình chọn giúp em ạ."
HOLD_REASON = "outside Zalo's 48-hour consultation window: sent when the citizen writes again"
TOKEN_CHECK_EVERY = 60.0

USER_EVENTS = frozenset(
    {
        "user_send_text",
        "user_send_image",
        "user_send_gif",
        "user_send_location",
        "user_send_file",
        "user_send_audio",
        "user_send_video",
        "user_send_sticker",
        "user_send_link",
    }
)


@dataclass(frozen=True)
class ErrorKind:
    retryable: bool
    retry_after: float | None = None
    refresh_token: bool = False


# Zalo OpenAPI error codes (HTTP 200, ``error`` != 0), from Zalo's published error table; what the outbox
# does with each. Codes not listed are retried with the outbox's backoff.
ERRORS: dict[int, ErrorKind] = {
    -216: ErrorKind(True, 0.0, refresh_token=True),  # access token invalid
    -124: ErrorKind(True, 0.0, refresh_token=True),  # access token invalid or expired
    -220: ErrorKind(True, 0.0, refresh_token=True),  # access token expired or revoked
    -32: ErrorKind(True, 60.0),  # the app's request rate limit
    -211: ErrorKind(True, 3600.0),  # out of quota
    -218: ErrorKind(True, 3600.0),  # sending limit to this user reached
    -201: ErrorKind(False),  # invalid parameter
    -210: ErrorKind(False),  # parameter over its limit
    -213: ErrorKind(False),  # the user does not follow the OA
    -217: ErrorKind(False),  # the user blocked the OA
    -227: ErrorKind(False),  # the user's account is locked or inactive
    -230: ErrorKind(False),  # the user has not interacted with the OA in the last 7 days
    -232: ErrorKind(False),  # the user's interaction has expired
    -233: ErrorKind(False),  # message type not supported
}


def mac(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """Zalo's webhook mac: SHA-256 of app_id + raw body + timestamp + OA secret key (hex)."""
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()).hexdigest()


class ZaloAdapter(ChannelAdapter):
    name = "zalo"
    webhook_path = "/webhooks/zalo"
    max_messages_per_second = 10.0

    def __init__(
        self,
        app_id: str,
        oa_secret_key: str,
        tokens: ZaloTokens,
        *,
        api_url: str = DEFAULT_API_URL,
        timeout: float = 15.0,
    ) -> None:
        self.app_id = app_id
        self.oa_secret_key = oa_secret_key
        self.tokens = tokens
        self.send_url = api_url.rstrip("/") + "/v3.0/oa/message/cs"
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._refresh_failure_told = False

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> ZaloAdapter | None:
        def value(name: str) -> str:
            return (settings.get(name) or "").strip()

        required = ("ZALO_APP_ID", "ZALO_APP_SECRET", "ZALO_OA_SECRET_KEY", "ZALO_REFRESH_TOKEN")
        if not any(value(n) for n in required):
            return None
        missing = [n for n in required if not value(n)]
        if missing:
            log.error("zalo: not started, missing settings: %s", ", ".join(missing))
            return None
        tokens = ZaloTokens(
            value("ZALO_APP_ID"),
            value("ZALO_APP_SECRET"),
            value("ZALO_REFRESH_TOKEN"),
            value("ZALO_ACCESS_TOKEN"),
            oauth_url=value("ZALO_OAUTH_URL") or DEFAULT_OAUTH_URL,
        )
        return cls(
            value("ZALO_APP_ID"),
            value("ZALO_OA_SECRET_KEY"),
            tokens,
            api_url=value("ZALO_API_URL") or DEFAULT_API_URL,
        )

    # -- inbound ----------------------------------------------------------------------------------

    def signature(self, request: WebhookRequest) -> Signature:
        provided = request.header(SIGNATURE_HEADER)
        try:
            timestamp = json.loads(request.body).get("timestamp")
        except (ValueError, AttributeError):
            timestamp = None
        if timestamp is None:  # nothing to verify against: no mac can match
            return Signature(provided, "mac=" + hashlib.sha256(request.body).hexdigest() + "-unsigned")
        expected = mac(self.app_id, request.body, str(timestamp), self.oa_secret_key)
        if provided and provided.strip().lower().startswith("mac="):
            provided = "mac=" + provided.strip()[4:].lower()
        return Signature(provided, f"mac={expected}")

    async def parse(self, request: WebhookRequest) -> list[InboundMessage]:
        """The citizen's message in a (signed) event. An event this adapter cannot read is acknowledged
        and logged, not refused: Zalo resends what is not answered 200 and disables a failing webhook."""
        event = json.loads(request.body.decode("utf-8"))
        if not isinstance(event, dict) or event.get("event_name") not in USER_EVENTS:
            return []  # follow/unfollow, the OA's own messages, receipts...
        sender = event.get("sender") if isinstance(event.get("sender"), dict) else {}
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        user, msg_id, text = sender.get("id"), message.get("msg_id"), message.get("text") or ""
        if not (isinstance(user, str | int) and user and isinstance(msg_id, str | int) and msg_id) or not (
            isinstance(text, str)
        ):
            log.warning(
                "zalo: %s event without a usable sender, msg_id or text; ignored", event["event_name"]
            )
            return []
        user_id = str(user)
        attachments = tuple(a for a in map(_attachment, message.get("attachments") or ()) if a is not None)
        if event["event_name"] == "user_send_link":
            attachments = ()  # the link is in the text
        if not text.strip() and not attachments:
            return []
        payload = None
        if text.strip():
            text, payload = await self._read_choice(user_id, text)
        return [
            InboundMessage(
                channel=self.name,
                channel_user_id=user_id[:200],
                channel_message_id=str(msg_id)[:200],
                text=text,
                payload=payload,
                attachments=attachments,
                sent_at=_timestamp(event.get("timestamp")),
            )
        ]

    async def _read_choice(self, user_id: str, text: str) -> tuple[str, str | None]:
        """(text for the transcript, payload for the bot) of what the citizen wrote: a pressed button
        (its payload), a number picking one of the options last offered, or plain text. An offer answers
        the citizen's next message only: reading it takes it."""
        offered = await self._take_offer(user_id)
        stripped = text.strip()
        for button in offered.buttons:
            if stripped == button.payload.strip():
                return button.title, button.payload
        if offered.numbered:
            number = stripped.rstrip(".").strip()
            if number.isdigit() and 1 <= int(number) <= len(offered.buttons):
                chosen = offered.buttons[int(number) - 1]
                return chosen.title, chosen.payload
        if stripped.startswith("/"):  # a Rasa intent payload (a hidden button's)
            return text, stripped
        return text, None

    async def fetch_attachment(self, attachment: Attachment, limit: int) -> bytes | None:
        if attachment.kind in ("location", "sticker") or not attachment.url:
            return None
        if not attachment.url.startswith(("https://", "http://")):
            return None
        if attachment.size is not None and attachment.size > limit:
            return None
        async with self._context().http.get(
            attachment.url, timeout=self.timeout, max_redirects=3
        ) as response:
            if response.status != 200:
                return None
            if (response.content_length or 0) > limit:
                return None
            return await read_limited(response.content, limit)

    # -- outbound ---------------------------------------------------------------------------------

    def send_rule(self, message: OutgoingMessage, context: DeliveryContext) -> SendRule:
        last = context.last_inbound_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        if last is None or context.now - last > CONSULTATION_WINDOW:
            return SendRule.hold(HOLD_REASON)
        return SendRule.send()

    async def send(self, recipient: str, message: OutgoingMessage) -> SendResult:
        requests, offered = render(recipient, message)
        if offered.buttons:
            await self._remember_offer(recipient, offered)
        try:
            token = await self.tokens.access_token()
        except TokenUnavailable as exc:
            await self._tell_refresh_failed(str(exc))
            raise SendError(str(exc), retryable=True, retry_after=60.0) from exc
        message_id = None
        for body in requests:
            message_id, token = await self._send_one(body, token)
        return SendResult(message_id)

    async def _send_one(self, body: dict[str, Any], token: str) -> tuple[str | None, str]:
        """Post one consultation message; a refused access token is refreshed and the post tried once
        more. Returns (Zalo's message id, the access token that worked)."""
        for attempt in (1, 2):
            error, data = await self._post(body, token)
            if error == 0:
                message_id = data.get("message_id") if isinstance(data, dict) else None
                return (str(message_id) if message_id else None), token
            kind = ERRORS.get(error, ErrorKind(True))
            if kind.refresh_token and attempt == 1:
                try:
                    token = (await self.tokens.refresh(token)).access_token
                except TokenUnavailable as exc:
                    await self._tell_refresh_failed(str(exc))
                    raise SendError(str(exc), retryable=True, retry_after=60.0) from exc
                continue
            raise SendError(f"Zalo error {error}", retryable=kind.retryable, retry_after=kind.retry_after)
        raise AssertionError("unreachable")

    async def _post(self, body: dict[str, Any], token: str) -> tuple[int, Any]:
        try:
            async with self._context().http.post(
                self.send_url,
                json=body,
                headers={"access_token": token},
                timeout=self.timeout,
                allow_redirects=False,
            ) as response:
                if response.status != 200:
                    retryable = response.status in (408, 429) or response.status >= 500
                    raise SendError(f"HTTP {response.status}", retryable=retryable)
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise SendError(f"network error: {type(exc).__name__}") from exc
        except ValueError as exc:
            raise SendError("Zalo answered something else than JSON") from exc
        if not isinstance(answer, dict):
            raise SendError("Zalo answered something else than an object")
        try:
            error = int(answer.get("error", 0))
        except (TypeError, ValueError):
            error = -1
        return error, answer.get("data")

    async def _remember_offer(self, recipient: str, offered: Offer) -> None:
        """Keep the options this message offers, to read the citizen's next message against them (a
        later message without buttons in the same turn leaves them)."""
        await self._replace(f"offer:{recipient}"[:100], offered.to_json())

    async def _take_offer(self, user_id: str) -> Offer:
        key = f"offer:{user_id}"[:100]
        raw = await self._context().state.get(key)
        if raw:
            await self._context().state.compare_and_set(key, raw, "")  # a newer offer may have won: fine
        return Offer.from_json(raw)

    async def _replace(self, key: str, value: str) -> None:
        state = self._context().state
        while True:
            current = await state.get(key)
            if current == value or await state.compare_and_set(key, current, value):
                return

    async def _tell_refresh_failed(self, reason: str) -> None:
        if self._refresh_failure_told:
            return
        self._refresh_failure_told = True
        log.error("zalo: %s; messages wait in the outbox", reason)
        await self._context().notify_agents(
            "",
            "channel_error",
            f"Zalo: the OA access token could not be renewed ({reason}). Messages wait in the outbox; "
            "re-authorise the app and set ZALO_REFRESH_TOKEN.",
        )

    # -- life cycle -------------------------------------------------------------------------------

    async def start(self, context: HubContext) -> None:
        await super().start(context)
        self.tokens.bind(context.state, context.http)
        await self.tokens.seed()
        self.spawn(self._keep_token_fresh())

    async def _keep_token_fresh(self) -> None:
        """Renew the access token before it expires (every process checks; the lock lets one refresh)."""
        while True:
            try:
                pair = await self.tokens.current()
                if pair is not None and pair.expiring(utcnow()):
                    await self.tokens.refresh(pair.access_token)
                    self._refresh_failure_told = False
            except asyncio.CancelledError:
                raise
            except TokenUnavailable as exc:
                await self._tell_refresh_failed(str(exc))
            except Exception:
                log.exception("zalo: token check failed")
            await asyncio.sleep(TOKEN_CHECK_EVERY)

    def _context(self) -> HubContext:
        assert self.context is not None, "the hub starts adapters before using them"
        return self.context


# ---------------------------------------------------------------------------------------------
# Rendering: what one OutgoingMessage becomes on Zalo
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """The choices last offered to a citizen: template buttons, or numbered options in the text."""

    buttons: tuple[Button, ...] = ()
    numbered: bool = False

    def to_json(self) -> str:
        return json.dumps(
            {"numbered": self.numbered, "buttons": [[b.title, b.payload] for b in self.buttons]},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str | None) -> Offer:
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(tuple(Button(t, p) for t, p in data.get("buttons") or ()), bool(data.get("numbered")))


def buttons_allowed(buttons: tuple[Button, ...]) -> bool:
    """Whether Zalo's consultation template can carry these buttons as they are."""
    return len(buttons) <= MAX_BUTTONS and all(
        0 < len(b.title) <= MAX_BUTTON_TITLE_CHARS and 0 < len(b.payload) <= MAX_BUTTON_PAYLOAD_CHARS
        for b in buttons
    )


def render(recipient: str, message: OutgoingMessage) -> tuple[list[dict[str, Any]], Offer]:
    """The ``/v3.0/oa/message/cs`` request bodies for one message (images first, the text split at Zalo's
    limit, buttons under the last part) and the choices it offers."""
    to = {"user_id": recipient}
    bodies: list[dict[str, Any]] = []
    for image in (a for a in message.attachments if a.kind == "image" and a.url):
        bodies.append(
            {
                "recipient": to,
                "message": {
                    "attachment": {
                        "type": "template",
                        "payload": {
                            "template_type": "media",
                            "elements": [{"media_type": "image", "url": image.url}],
                        },
                    }
                },
            }
        )
    text = message.text
    buttons = message.buttons
    offer = Offer()
    template: dict[str, Any] | None = None
    if buttons and buttons_allowed(buttons):
        offer = Offer(buttons)
        template = {
            "type": "template",
            "payload": {
                "buttons": [
                    {
                        "title": b.title,
                        "type": "oa.query.hide" if b.payload.startswith("/") else "oa.query.show",
                        "payload": b.payload,
                    }
                    for b in buttons
                ]
            },
        }
        text = text or CHOOSE_PROMPT
    elif buttons:
        offer = Offer(buttons, numbered=True)
        options = "\n".join(f"{i}. {b.title}" for i, b in enumerate(buttons, 1))
        text = f"{text or CHOOSE_PROMPT}\n\n{options}\n\n{NUMBERED_HINT}"
    parts = split_text(text, MAX_TEXT_CHARS)
    for index, part in enumerate(parts):
        body: dict[str, Any] = {"recipient": to, "message": {"text": part}}
        if template is not None and index == len(parts) - 1:
            body["message"]["attachment"] = template
        bodies.append(body)
    return bodies, offer


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut at a paragraph, line or word end."""
    text = text.strip()
    if not text:
        return []
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return parts


def _attachment(data: Any) -> Attachment | None:
    if not isinstance(data, dict):
        return None
    kind, payload = data.get("type"), data.get("payload") or {}
    if not isinstance(payload, dict):
        return None
    if kind == "location":
        coordinates = payload.get("coordinates") or {}
        try:
            latitude = float(coordinates.get("latitude"))
            longitude = float(coordinates.get("longitude"))
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            return None
        return Attachment(kind="location", latitude=latitude, longitude=longitude)
    url = payload.get("url")
    if not isinstance(url, str) or not url:
        return None
    url = url[:2000]
    if kind in ("image", "gif"):
        return Attachment(kind="image", url=url)
    if kind == "file":
        size = payload.get("size")
        return Attachment(
            kind="file",
            url=url,
            name=str(payload.get("name") or "")[:200] or None,
            size=int(size) if str(size or "").isdigit() else None,
        )
    if kind in ("audio", "video", "sticker"):
        return Attachment(kind=kind, url=url)
    return None


def _timestamp(value: Any) -> datetime | None:
    try:
        millis = int(value)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(millis / 1000, UTC)
