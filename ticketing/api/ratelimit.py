"""A per-client limit on the public, unauthenticated reads (status page, Open311), so that ticket
codes (sequential per day) cannot be enumerated quickly. In-memory sliding window: the embedded,
single-process default; behind several processes this belongs in Redis or the reverse proxy."""

from __future__ import annotations

import os
import time
from collections import defaultdict, deque
from typing import Any

from aiohttp import web

from ticketing.api.errors import TooManyRequests

PUBLIC_PREFIXES = ("/status/", "/open311/")


class PublicRateLimit:
    def __init__(self, per_minute: int | None = None, window: float = 60.0) -> None:
        self.limit = per_minute or int(os.environ.get("HELPDESK_PUBLIC_RATE_PER_MINUTE", "120"))
        self.window = window
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        hits = self._hits[client]
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle clients
            for key in [k for k, v in self._hits.items() if not v]:
                del self._hits[key]
        return True


PUBLIC_RATE_LIMIT = web.AppKey("public_rate_limit", PublicRateLimit)

BUSY_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Tra cứu quá nhiều lần</title></head><body><p>Dạ, anh/chị đã tra cứu quá nhiều lần trong thời gian
ngắn. Anh/chị vui lòng thử lại sau ít phút hoặc gọi Tổng đài 1022 để được hỗ trợ.</p></body></html>"""


@web.middleware
async def public_rate_limit(request: web.Request, handler: Any) -> web.StreamResponse:
    limited = request.method == "GET" and request.path.startswith(PUBLIC_PREFIXES)
    if limited and not request.app[PUBLIC_RATE_LIMIT].allow(request.remote or "?"):
        if request.path.startswith("/status/") and not request.path.endswith(".json"):
            return web.Response(
                text=BUSY_HTML,
                status=429,
                content_type="text/html",
                charset="utf-8",
                headers={"Retry-After": "60"},
            )
        raise TooManyRequests("Too many requests; try again in a minute.")
    return await handler(request)
