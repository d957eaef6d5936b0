"""Rasa's REST input channel, with every incoming text normalised before Rasa sees it.

Registered in ``bot/credentials.yml`` under the same name, ``rest``, so the URL stays
``POST /webhooks/rest/webhook`` (``{"sender", "message", "metadata"}``). The rules themselves live once, in
``vietnam/text.py``; :func:`~vietnam.text.normalize_text` is idempotent, so a caller that has
already normalised (the hub) loses nothing.

A request must name its conversation: without a non-empty string ``sender`` (or with a body that is not a
JSON object) it is refused with 400, never merged into Rasa's shared "default" conversation.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage

from vietnam.text import normalize_text

MISSING_SENDER = (
    'The request body must be a JSON object with a non-empty string "sender" (the conversation id).'
)
MAX_SENDER_LENGTH = 255


class NormalizingRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Any) -> str:
        body = req.json
        sender = body.get("sender") if isinstance(body, dict) else None
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
            raise InvalidUsage(MISSING_SENDER)
        return sender

    def _extract_message(self, req: Any) -> str | None:
        message = super()._extract_message(req)
        if not isinstance(message, str):
            return message
        return normalize_text(message)
