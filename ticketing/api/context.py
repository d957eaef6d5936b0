"""The application's handle on the database: run blocking SQLAlchemy work off the event loop.

`read(fn, ...)` and `write(fn, ...)` call `fn(session, ...)` in a worker thread inside one unit of
work of `database.Database.session`, so a request either commits everything it did or nothing
(an error anywhere rolls back: nothing half-written).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from aiohttp import web
from sqlalchemy.orm import Session

from database import Database

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class ApiDatabase:
    db: Database

    def read_sync(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        with self.db.session(readonly=True) as session:
            return fn(session, *args, **kwargs)

    def write_sync(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        with self.db.session() as session:
            return fn(session, *args, **kwargs)

    async def read(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await asyncio.to_thread(self.read_sync, fn, *args, **kwargs)

    async def write(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await asyncio.to_thread(self.write_sync, fn, *args, **kwargs)


DATABASE = web.AppKey("database", ApiDatabase)
