"""A generic signed HTTP channel (``api``): for an integration such as the province portal's own chat or
an SMS gateway, and the simplest example of an adapter (``channels/contract.py``).

Inbound: ``POST /webhooks/api`` with ``{"user_id", "message_id", "text", "payload"?, "attachments"?: [{"kind":
"image"|"file", "url"} | {"kind": "location", "latitude", "longitude"}]}`` (or
``{"messages": [...]}``), signed ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`` with
``HUB_API_CHANNEL_SECRET``. Outbound: ``POST HUB_API_CHANNEL_URL`` with ``{"recipient", "text", "buttons",
"attachments", "purpose"}``, signed the same way; 2xx is delivered, 429/5xx/network errors are retried
(``Retry-After`` honoured), other 4xx are not.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import math
from collections.abc import Mapping
from typing import Any

import aiohttp

from channels.contract import (
    Attachment,
    ChannelAdapter,
    InboundMessage,
    OutgoingMessage,
    SendError,
    SendResult,
    Signature,
    WebhookRequest,
    read_limited,
)

SIGNATURE_HEADER = "X-Hub-Signature-256"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class CallbackAdapter(ChannelAdapter):
    name = "api"
    webhook_path = "/webhooks/api"
    max_messages_per_second = 50.0

    def __init__(self, url: str, secret: str, timeout: float = 10.0) -> None:
        self.url = url
        self.secret = secret
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> CallbackAdapter | None:
        url, secret = settings.get("HUB_API_CHANNEL_URL", ""), settings.get("HUB_API_CHANNEL_SECRET", "")
        return cls(url, secret) if url and secret else None

    def signature(self, request: WebhookRequest) -> Signature:
        return Signature(request.headers.get(SIGNATURE_HEADER), sign(self.secret, request.body))

    def parse(self, request: WebhookRequest) -> list[InboundMessage]:
        data = json.loads(request.body.decode("utf-8"))
        items = data.get("messages") if isinstance(data, dict) and "messages" in data else [data]
        if not isinstance(items, list):
            raise ValueError("messages must be a list")
        messages = []
        for item in items:
            if not isinstance(item, dict):
                raise ValueError("a message must be an object")
            user_id, message_id = item.get("user_id"), item.get("message_id")
            text, payload = item.get("text") or "", item.get("payload")
            if (
                not isinstance(user_id, str)
                or not user_id
                or not isinstance(message_id, str)
                or not message_id
            ):
                raise ValueError("user_id and message_id are required strings")
            if not isinstance(text, str) or (payload is not None and not isinstance(payload, str)):
                raise ValueError("text and payload must be strings")
            attachments = tuple(_attachment(a) for a in item.get("attachments") or ())
            if not text and not payload and not attachments:
                continue
            messages.append(
                InboundMessage(
                    self.name,
                    user_id[:200],
                    message_id[:200],
                    text=text or payload or "",
                    payload=payload,
                    attachments=attachments,
                )
            )
        return messages

    async def fetch_attachment(self, attachment: Attachment, limit: int) -> bytes | None:
        """An attachment's bytes from its URL (no redirects), None when larger than ``limit``."""
        assert self.context is not None
        if not attachment.url or not attachment.url.startswith(("http://", "https://")):
            return None
        async with self.context.http.get(
            attachment.url, timeout=self.timeout, allow_redirects=False
        ) as response:
            if response.status != 200:
                return None
            return await read_limited(response.content, limit)

    async def send(self, recipient: str, message: OutgoingMessage) -> SendResult:
        assert self.context is not None, "the hub starts adapters before sending"
        body = json.dumps({"recipient": recipient, **message.to_json()}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.secret, body)}
        try:
            async with self.context.http.post(
                self.url, data=body, headers=headers, timeout=self.timeout, allow_redirects=False
            ) as response:
                if 200 <= response.status < 300:
                    return SendResult()
                retry_after = _retry_after(response.headers)
                retryable = response.status == 429 or response.status >= 500
                raise SendError(f"HTTP {response.status}", retryable=retryable, retry_after=retry_after)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise SendError(f"network error: {type(exc).__name__}") from exc


def _attachment(data: Any) -> Attachment:
    if not isinstance(data, dict) or data.get("kind") not in ("image", "file", "location"):
        raise ValueError("an attachment needs a kind: image, file or location")
    if data["kind"] == "location":
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in (latitude, longitude)):
            raise ValueError("a location needs finite latitude and longitude")
        return Attachment(kind="location", latitude=float(latitude), longitude=float(longitude))
    url = data.get("url")
    if not isinstance(url, str) or not url:
        raise ValueError("an image or file needs a url")
    return Attachment(kind=data["kind"], url=url[:2000], name=str(data.get("name") or "")[:200] or None)


def _retry_after(headers: Mapping[str, Any]) -> float | None:
    value = headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
