"""The application's handle on the database: run blocking SQLAlchemy work off the event loop.

`read(fn, ...)` and `write(fn, ...)` call `fn(session, ...)` in a worker thread inside one unit of
work of `database.Database.session`, so a request either commits everything it did or nothing
(an error anywhere rolls back: nothing half-written). `render=view` turns the result into the response
body inside the same unit of work, while the rows it returned can still load what the view shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from database import Database

T = TypeVar("T")


Render = Callable[[Any], Any] | None  # result -> response body, run inside the unit of work


@dataclass
class ApiDatabase:
    db: Database

    def _run(self, readonly: bool, fn: Callable[..., Any], args: Any, kwargs: Any, render: Render) -> Any:
        with self.db.session(readonly=readonly) as session:
            result = fn(session, *args, **kwargs)
            return render(result) if render is not None else result

    async def read(self, fn: Callable[..., T], *args: Any, render: Render = None, **kwargs: Any) -> Any:
        return await asyncio.to_thread(self._run, True, fn, args, kwargs, render)

    async def write(self, fn: Callable[..., T], *args: Any, render: Render = None, **kwargs: Any) -> Any:
        return await asyncio.to_thread(self._run, False, fn, args, kwargs, render)


DATABASE = web.AppKey("database", ApiDatabase)
