"""How long the app waits for its database: connecting, one statement, a pooled connection.

A database that is down, refuses connections or accepts them and never answers must cost a request a few
seconds and then a clear error (the API answers 503 with ``Retry-After``), never a hang; start-up must
fail fast and say why. Settings (seconds; read when an engine is created):

- ``HELPDESK_DB_CONNECT_TIMEOUT`` (default 5): establishing a connection, PostgreSQL start-up included
  (libpq's ``connect_timeout``, enforced by psycopg for the whole attempt);
- ``HELPDESK_DB_STATEMENT_TIMEOUT`` (default 15): one statement on PostgreSQL (``statement_timeout``,
  lock waits included); a transaction left idle is ended after four times as long
  (``idle_in_transaction_session_timeout``). On SQLite a writer waits at most the busy timeout (15 s)
  for the write lock; its statements are local and short;
- ``HELPDESK_DB_POOL_TIMEOUT`` (default 10): waiting for a free connection of the pool.

Migrations lift the statement timeout for their own transaction (``database.migrations``): an index
build or the wait for another migrator's lock may take longer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

CONNECT_VARIABLE = "HELPDESK_DB_CONNECT_TIMEOUT"
STATEMENT_VARIABLE = "HELPDESK_DB_STATEMENT_TIMEOUT"
POOL_VARIABLE = "HELPDESK_DB_POOL_TIMEOUT"


def _seconds(variable: str, default: float) -> float:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{variable} must be a number of seconds, not {raw!r}") from None
    if not 0 < value <= 3600:
        raise ValueError(f"{variable} must lie between 0 and 3600 seconds, not {raw!r}")
    return value


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    statement: float = 15.0
    pool: float = 10.0

    @classmethod
    def from_env(cls) -> Timeouts:
        return cls(
            connect=_seconds(CONNECT_VARIABLE, cls.connect),
            statement=_seconds(STATEMENT_VARIABLE, cls.statement),
            pool=_seconds(POOL_VARIABLE, cls.pool),
        )

    @property
    def connect_seconds(self) -> int:
        """libpq takes whole seconds, at least 2 (a smaller value is raised to 2 by libpq itself)."""
        return max(2, round(self.connect))

    def postgres_options(self) -> str:
        """Server settings for every PostgreSQL session (libpq ``options``)."""
        ms = round(self.statement * 1000)
        return f"-c statement_timeout={ms} -c idle_in_transaction_session_timeout={ms * 4}"
