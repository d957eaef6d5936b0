"""The hub's client of Rasa's REST webhook (``POST /webhooks/rest/webhook``): the bot's only client.

- Several Rasa processes: each conversation is pinned to one of ``urls`` by a stable hash of its sender id
  (Rasa's Redis lock store keeps a conversation consistent even when a process is replaced).
- The citizen's identity goes as signed metadata (``channels.identity``).
- Rasa not answering (refused, timeout, 5xx) raises :class:`BotUnavailable`; the hub keeps the message
  and tries again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from channels.contract import Attachment, Button, OutgoingMessage
from channels.identity import signed_metadata

log = logging.getLogger(__name__)

HANDOFF_KEY = "handoff"
FALLBACK_KEY = "fallback"  # the bot did not understand the turn (actions/fallback.py)
FALLBACK_WINDOW = 1000  # bot turns the fallback ratio is computed over


class BotUnavailable(Exception):
    """Rasa did not answer (the message is kept and retried)."""


@dataclass(frozen=True)
class BotReply:
    messages: list[OutgoingMessage] = field(default_factory=list)
    handoff: bool = False  # the bot handed the conversation to the agents ({"handoff": true})
    fallback: bool = False  # the bot did not understand ({"fallback": true})


def parse_reply(items: Sequence[dict[str, Any]]) -> BotReply:
    messages: list[OutgoingMessage] = []
    handoff = fallback = False
    for item in items:
        custom = item.get("custom")
        if isinstance(custom, dict) and (custom.get(HANDOFF_KEY) or custom.get(FALLBACK_KEY)):
            handoff = handoff or bool(custom.get(HANDOFF_KEY))
            fallback = fallback or bool(custom.get(FALLBACK_KEY))
            custom = {k: v for k, v in custom.items() if k not in (HANDOFF_KEY, FALLBACK_KEY)} or None
        buttons = tuple(
            Button(
                str(b.get("title") or b.get("payload") or ""), str(b.get("payload") or b.get("title") or "")
            )
            for b in item.get("buttons") or ()
            if isinstance(b, dict)
        )
        attachments = (Attachment(kind="image", url=str(item["image"])),) if item.get("image") else ()
        text = str(item.get("text") or "")
        if text or buttons or attachments or custom:
            messages.append(
                OutgoingMessage(
                    text=text, buttons=buttons, attachments=attachments, purpose="reply", custom=custom
                )
            )
    return BotReply(messages, handoff, fallback)


class RasaClient:
    def __init__(
        self,
        urls: Sequence[str],
        http: aiohttp.ClientSession,
        key: bytes | None,
        *,
        timeout: float = 30.0,
    ) -> None:
        if not urls:
            raise ValueError("at least one Rasa URL is needed")
        self.urls = [u.rstrip("/") for u in urls]
        self.http = http
        self.key = key
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.recent_fallbacks: deque[bool] = deque(maxlen=FALLBACK_WINDOW)

    def fallback_ratio(self) -> float | None:
        """Share of this process's last bot turns the bot did not understand (None before any turn)."""
        if not self.recent_fallbacks:
            return None
        return sum(self.recent_fallbacks) / len(self.recent_fallbacks)

    def url_for(self, sender_id: str) -> str:
        """The Rasa process a conversation is pinned to."""
        if len(self.urls) == 1:
            return self.urls[0]
        digest = hashlib.sha256(sender_id.encode()).digest()
        return self.urls[int.from_bytes(digest[:8], "big") % len(self.urls)]

    async def health(self) -> list[dict[str, Any]]:
        """Whether each Rasa process answers (``GET /``, no token needed)."""
        out = []
        for url in self.urls:
            try:
                async with self.http.get(f"{url}/", timeout=aiohttp.ClientTimeout(total=3)) as response:
                    up = response.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError):
                up = False
            out.append({"url": url, "up": up})
        return out

    async def send(self, sender_id: str, text: str, channel: str, channel_user_id: str) -> BotReply:
        body: dict[str, Any] = {"sender": sender_id, "message": text}
        if self.key:
            body["metadata"] = signed_metadata(self.key, sender_id, channel, channel_user_id)
        url = f"{self.url_for(sender_id)}/webhooks/rest/webhook"
        try:
            async with self.http.post(url, json=body, timeout=self.timeout) as response:
                if response.status >= 500 or response.status in (404, 408, 429):
                    raise BotUnavailable(f"Rasa answered HTTP {response.status}")
                if response.status != 200:
                    raise BotUnavailable(f"Rasa refused the message: HTTP {response.status}")
                items = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise BotUnavailable(f"Rasa did not answer: {type(exc).__name__}") from exc
        if not isinstance(items, list):
            raise BotUnavailable("Rasa answered something else than a list of messages")
        reply = parse_reply([i for i in items if isinstance(i, dict)])
        self.recent_fallbacks.append(reply.fallback)
        return reply
