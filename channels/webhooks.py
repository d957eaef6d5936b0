"""The one webhook handler for every adapter: signature check, parse, store (de-duplicated), answer.

A request whose signature is missing or wrong gets 401 and nothing is stored; a malformed body 400;
otherwise the messages are stored before the platform gets its answer (Zalo's 2 s), and the bot or the
agents handle them in the background.
"""

from __future__ import annotations

import hmac
import inspect
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from channels.contract import ChannelAdapter, WebhookRequest

log = logging.getLogger(__name__)

MAX_WEBHOOK_BYTES = 256 * 1024


def webhook_handler(
    adapter: ChannelAdapter, hub_key: web.AppKey
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        body = await request.content.read(MAX_WEBHOOK_BYTES + 1)
        if len(body) > MAX_WEBHOOK_BYTES:
            return web.json_response(
                {"error": {"code": "payload_too_large", "message": "Body too large."}}, status=413
            )
        incoming = WebhookRequest(
            method=request.method,
            path=request.path,
            headers=dict(request.headers),
            query=dict(request.query),
            body=body,
        )
        signature = adapter.signature(incoming)
        if signature is not None and (
            not signature.provided
            or not hmac.compare_digest(signature.provided.encode(), signature.expected.encode())
        ):
            log.warning("%s webhook: bad or missing signature; nothing stored", adapter.name)
            return web.json_response(
                {"error": {"code": "unauthorized", "message": "Bad signature."}}, status=401
            )
        try:
            parsed = adapter.parse(incoming)
            messages = await parsed if inspect.isawaitable(parsed) else parsed
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return web.json_response(
                {"error": {"code": "bad_request", "message": "Malformed body."}}, status=400
            )
        if messages:
            await request.app[hub_key].receive(messages)
        status, text = adapter.webhook_response()
        return web.Response(status=status, text=text)

    return handle
