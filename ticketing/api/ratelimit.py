"""Throttles, with the `limits` library: the login backoff and the limit on public lookups.

Where the counters live (``HELPDESK_RATE_LIMIT_STORAGE``):
- unset (the default): the login counters are in the application's database (`DatabaseStorage`, table
  ``throttle_counters``), shared by every process on that database, SQLite or PostgreSQL; the public
  lookup limit is per process (memory);
- ``redis://host:port/db``: both in Redis (`limits`' own Redis storage), shared by every process.

Every check-and-count is one atomic step: `FixedWindowRateLimiter.hit` increments and compares in one
statement (an ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` here, a Lua script in Redis), so
concurrent attempts cannot all pass a check made before any of them counted.

The login backoff (`LoginThrottle`) is per (account, client address): the account's owner is never
locked out by someone else's guesses. Password checks per (account, client) are capped by widening
windows (5 a minute, 10 in 15 minutes, 20 an hour, 50 a day); one client is capped at 100 an hour over
all accounts (password spraying); many failures on one account from everywhere raise an alert (a
warning in the log) rather than a lock. The client address is the real one only behind a trusted
proxy (``ticketing.api.proxy``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.exc import SQLAlchemyError

from ticketing.api.errors import TooManyRequests
from ticketing.models import ThrottleCounter

log = logging.getLogger(__name__)

STORAGE_ENV = "HELPDESK_RATE_LIMIT_STORAGE"
REDIS_KEY_PREFIX = "helpdesk-1022"


# -- the database as a `limits` storage --------------------------------------------------------

_INCR = text(
    """
    INSERT INTO throttle_counters ("key", count, expires_at) VALUES (:key, :amount, :expires)
    ON CONFLICT ("key") DO UPDATE SET
        count = CASE WHEN throttle_counters.expires_at <= :now THEN :amount
                     ELSE throttle_counters.count + :amount END,
        expires_at = CASE WHEN throttle_counters.expires_at <= :now THEN :expires
                          ELSE throttle_counters.expires_at END
    RETURNING count
    """
)
PURGE_EVERY = 500  # increments between two purges of long-expired counters


class DatabaseStorage(Storage):
    """Fixed-window counters in the application's database (SQLite 3.35+ or PostgreSQL).

    Keys are stored as SHA-256 digests: no username or address is written to the table.
    """

    STORAGE_SCHEME = None

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.engine = engine
        self.clock = clock
        self._increments = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @staticmethod
    def _digest(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self.clock()
        params = {"key": self._digest(key), "amount": amount, "expires": now + expiry, "now": now}
        with self.engine.begin() as conn:
            count = int(conn.execute(_INCR, params).scalar_one())
        self._increments += 1
        if self._increments % PURGE_EVERY == 0:
            self.purge_expired()
        return count

    def _row(self, key: str) -> ThrottleCounter | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(ThrottleCounter.count, ThrottleCounter.expires_at).where(
                    ThrottleCounter.key == self._digest(key)
                )
            ).first()
            conn.rollback()
        return row  # type: ignore[return-value]

    def get(self, key: str) -> int:
        row = self._row(key)
        return int(row.count) if row is not None and row.expires_at > self.clock() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        now = self.clock()
        return float(row.expires_at) if row is not None and row.expires_at > now else now

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(delete(ThrottleCounter)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(ThrottleCounter).where(ThrottleCounter.key == self._digest(key)))

    def purge_expired(self, older_than: float = 3600.0) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(ThrottleCounter).where(ThrottleCounter.expires_at < self.clock() - older_than)
            )


def configured_storage_url() -> str | None:
    return os.environ.get(STORAGE_ENV) or None


def shared_storage(engine: Engine, url: str | None = None) -> Storage:
    """The storage for counters every process must share: Redis when configured, else the database."""
    url = url or configured_storage_url()
    if url:
        return storage_from_string(url, key_prefix=REDIS_KEY_PREFIX)  # type: ignore[return-value]
    return DatabaseStorage(engine)


# -- the login backoff -------------------------------------------------------------------------

BACKOFF = ("5/minute", "10/15 minutes", "20/hour", "50/day")
PER_CLIENT = ("100/hour",)
ACCOUNT_ALERT = "100/hour"


@dataclass
class LoginThrottle:
    """Backoff per (account, client): `admit` before a password is checked, `failed`/`succeeded` after."""

    storage: Storage
    backoff: Sequence[RateLimitItem] = field(default_factory=lambda: [parse(s) for s in BACKOFF])
    per_client: Sequence[RateLimitItem] = field(default_factory=lambda: [parse(s) for s in PER_CLIENT])
    account_alert: RateLimitItem = field(default_factory=lambda: parse(ACCOUNT_ALERT))

    def __post_init__(self) -> None:
        self.limiter = FixedWindowRateLimiter(self.storage)

    @staticmethod
    def _account(username: str) -> str:
        return username.strip().lower()[:200]

    def admit(self, username: str, client: str) -> float | None:
        """Count one attempt; None when the password may be checked, else the seconds to wait.

        Windows are hit from the shortest: an attempt refused by one window is not counted in the
        longer ones, so the number of password checks, not of requests, is what is capped.
        """
        account = self._account(username)
        checks = [(item, ("login", account, client)) for item in self.backoff]
        checks += [(item, ("login-client", client)) for item in self.per_client]
        for item, identifiers in checks:
            if not self.limiter.hit(item, *identifiers):
                reset_at = self.limiter.get_window_stats(item, *identifiers).reset_time
                return max(1.0, reset_at - time.time())
        return None

    def failed(self, username: str, client: str) -> None:
        """Count a failed check on the account from every client: an alert, never a lock."""
        account = self._account(username)
        item = self.account_alert
        count = self.storage.incr(item.key_for("login-account", account), item.get_expiry())
        if count == item.amount + 1:  # once per window
            digest = hashlib.sha256(account.encode("utf-8")).hexdigest()[:12]
            log.warning(
                "alert: more than %d failed logins on one account within %s from all clients "
                "(account digest %s); the account is not locked, the per-client backoff applies",
                item.amount,
                item.GRANULARITY.name,
                digest,
            )

    def succeeded(self, username: str, client: str) -> None:
        account = self._account(username)
        for item in self.backoff:
            self.limiter.clear(item, "login", account, client)

    async def admit_async(self, username: str, client: str) -> float | None:
        return await asyncio.to_thread(self.admit, username, client)

    async def failed_async(self, username: str, client: str) -> None:
        await asyncio.to_thread(self.failed, username, client)

    async def succeeded_async(self, username: str, client: str) -> None:
        await asyncio.to_thread(self.succeeded, username, client)


LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)


# -- public lookups (status page, Open311 reads) -----------------------------------------------

PUBLIC_PREFIXES = ("/status/", "/open311/")


class PublicRateLimit:
    """At most `limit` public lookups a minute per client (moving window), so that ticket codes
    (sequential per day) cannot be enumerated quickly."""

    def __init__(self, per_minute: int | None = None, storage_url: str | None = None) -> None:
        url = storage_url if storage_url is not None else configured_storage_url()
        self.storage: Storage = (
            storage_from_string(url, key_prefix=REDIS_KEY_PREFIX) if url else MemoryStorage()  # type: ignore[assignment]
        )
        self.in_memory = isinstance(self.storage, MemoryStorage)
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.limit = per_minute or int(os.environ.get("HELPDESK_PUBLIC_RATE_PER_MINUTE", "120"))

    @property
    def limit(self) -> int:
        return self.item.amount

    @limit.setter
    def limit(self, per_minute: int) -> None:
        self.item = parse(f"{per_minute}/minute")

    def allow(self, client: str) -> bool:
        return self.limiter.hit(self.item, "public", client)

    async def allow_async(self, client: str) -> bool:
        if self.in_memory:
            return self.allow(client)
        return await asyncio.to_thread(self.allow, client)


PUBLIC_RATE_LIMIT = web.AppKey("public_rate_limit", PublicRateLimit)

BUSY_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Tra cứu quá nhiều lần</title></head><body><p>Dạ, anh/chị đã tra cứu quá nhiều lần trong thời gian
ngắn. Anh/chị vui lòng thử lại sau ít phút hoặc gọi Tổng đài 1022 để được hỗ trợ.</p></body></html>"""


@web.middleware
async def public_rate_limit(request: web.Request, handler: Any) -> web.StreamResponse:
    limited = request.method == "GET" and request.path.startswith(PUBLIC_PREFIXES)
    if limited and not await request.app[PUBLIC_RATE_LIMIT].allow_async(request.remote or "?"):
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
