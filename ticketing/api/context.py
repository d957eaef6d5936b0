"""The application's handle on the database: run blocking SQLAlchemy work off the event loop.

`read(fn, ...)` and `write(fn, ...)` call `fn(session, ...)` in a worker thread inside one unit of
work of `database.Database.session`, so a request either commits everything it did or nothing
(an error anywhere rolls back: nothing half-written). `render=view` turns the result into the response
body inside the same unit of work, while the rows it returned can still load what the view shows.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from database import Database
from ticketing.api.errors import UNAVAILABLE_MESSAGE, ServiceUnavailable

T = TypeVar("T")


Render = Callable[[Any], Any] | None  # result -> response body, run inside the unit of work


REQUEST_TIMEOUT_VARIABLE = "HELPDESK_DB_REQUEST_TIMEOUT"


def request_timeout_from_env() -> float:
    """Seconds one unit of work may take before the request gets a 503 (default 30)."""
    raw = os.environ.get(REQUEST_TIMEOUT_VARIABLE, "").strip()
    return float(raw) if raw else 30.0


@dataclass
class ApiDatabase:
    """``db``'s units of work for request handlers, each bounded by ``timeout`` seconds.

    The database's own timeouts (``database.timeouts``: connect, statement, pool) end most waits with an
    error the API answers with 503. ``timeout`` is the last line, for a server that took the connection
    and then stopped answering (no client-side read timeout exists for that): the request gets its 503
    and the worker thread is left to finish or fail on its own.
    """

    db: Database
    timeout: float = field(default_factory=request_timeout_from_env)

    def _run(self, readonly: bool, fn: Callable[..., Any], args: Any, kwargs: Any, render: Render) -> Any:
        with self.db.session(readonly=readonly) as session:
            result = fn(session, *args, **kwargs)
            return render(result) if render is not None else result

    async def _bounded(
        self, readonly: bool, fn: Callable[..., Any], args: Any, kwargs: Any, render: Render
    ) -> Any:
        try:
            async with asyncio.timeout(self.timeout):
                return await asyncio.to_thread(self._run, readonly, fn, args, kwargs, render)
        except TimeoutError:
            raise ServiceUnavailable(UNAVAILABLE_MESSAGE) from None

    async def read(self, fn: Callable[..., T], *args: Any, render: Render = None, **kwargs: Any) -> Any:
        return await self._bounded(True, fn, args, kwargs, render)

    async def write(self, fn: Callable[..., T], *args: Any, render: Render = None, **kwargs: Any) -> Any:
        return await self._bounded(False, fn, args, kwargs, render)


DATABASE = web.AppKey("database", ApiDatabase)
