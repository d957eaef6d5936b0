"""The hub's handle on the database: the one ``database`` module (engine, sessions, every package's
migrations, the hub's included: ``channels/migrations``, version table ``channels_alembic_version``).

``HubDatabase.read(fn, ...)`` / ``write(fn, ...)`` run ``fn(session, ...)`` in a worker thread inside one
unit of work (all or nothing), as ``ticketing.api.context.ApiDatabase`` does; ``read_sync`` / ``write_sync``
do the same in the calling thread (tests, command-line jobs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from database import get_database
from ticketing.api.context import ApiDatabase

T = TypeVar("T")


class HubDatabase(ApiDatabase):
    @classmethod
    def open(cls, url: str | None = None) -> HubDatabase:
        """The shared database at ``url`` (default ``DATABASE_URL``), migrated on first use."""
        return cls(get_database(url))

    @property
    def backend(self) -> str:
        return self.db.backend

    def read_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self._run(True, fn, args, kwargs, None)

    def write_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self._run(False, fn, args, kwargs, None)
