"""Which database errors mean "the database is not available now" (try again later) rather than a bug.

Unavailable: the server is down or refuses connections, a connection attempt or a statement timed out,
the pool had no free connection in time, a connection broke, SQLite could not open its file or get its
write lock in time, the disk is full. Callers answer these with "retry later" (the API: 503 with
``Retry-After``). Everything else (a constraint, a type, an SQL error) is a bug or bad input.
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url


class DatabaseUnavailable(RuntimeError):
    """The database did not answer in time or refused; the message says where and why, without secrets."""

    def __init__(self, url: str, cause: BaseException) -> None:
        self.url = safe_url(url)
        self.cause = cause
        super().__init__(
            f"the database at {self.url} is not available ({describe(cause)}); check that it runs and that "
            "DATABASE_URL points at it"
        )


def safe_url(url: str) -> str:
    """The URL with its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can read: say nothing of it
        return "<unreadable DATABASE_URL>"


def is_unavailable(error: BaseException) -> bool:
    """True for errors that say the database cannot serve now, False for bugs and bad data."""
    if isinstance(error, DatabaseUnavailable | sa_exc.TimeoutError):  # TimeoutError: the pool
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    # OperationalError: connection refused or lost, timeouts, statement_timeout (QueryCanceled), lock
    # timeouts, "database is locked", "unable to open database file", "database or disk is full".
    return isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError)


def describe(error: BaseException) -> str:
    """A short reason that carries no statement or parameter (they may hold personal data)."""
    original = getattr(error, "orig", None) or error
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else ""
    # Connection errors name the host and the reason; statement errors would quote SQL: keep those out.
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return f"{type(original).__name__}: {first_line[:200]}" if first_line else type(original).__name__
    return type(original).__name__
