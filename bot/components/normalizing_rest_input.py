"""Rasa's REST input channel, with every incoming text normalised before Rasa sees it.

Registered in ``bot/credentials.yml`` under the same name, ``rest``, so the URL stays
``POST /webhooks/rest/webhook`` (``{"sender", "message", "metadata"}``). The rules themselves live once, in
``vietnam/text.py``; :func:`~vietnam.text.normalize_text` is idempotent, so a caller that has
already normalised (the hub) loses nothing.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.rest import RestInput

from vietnam.text import normalize_text


class NormalizingRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req: Any) -> str | None:
        message = super()._extract_message(req)
        if not isinstance(message, str):
            return message
        return normalize_text(message)
