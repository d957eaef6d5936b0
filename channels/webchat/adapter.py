"""The web chat's channel adapter. Visitors read their messages from the hub's store (after the last id
they have, so a reconnect loses nothing): the store is the channel, so a send always succeeds, and the
outbox's ``delivered`` event tells the visitor's open WebSockets to read."""

from __future__ import annotations

from collections.abc import Mapping

from channels.contract import ChannelAdapter, OutgoingMessage, SendResult


class WebChatAdapter(ChannelAdapter):
    name = "webchat"
    webhook_path = None
    max_messages_per_second = 0.0  # no platform limit: the store is the channel

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> WebChatAdapter | None:
        if settings.get("HUB_WEBCHAT", "1").strip().lower() in ("0", "false", "no", "off"):
            return None
        return cls()

    async def send(self, recipient: str, message: OutgoingMessage) -> SendResult:
        return SendResult()
