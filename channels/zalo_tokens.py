"""The Zalo Official Account's access token: kept in the database, refreshed by one process at a time.

Zalo's OAuth v4 (``POST https://oauth.zaloapp.com/v4/oa/access_token``, header ``secret_key: <app secret>``,
form ``app_id``, ``grant_type=refresh_token``, ``refresh_token``) answers a new access token (valid about
25 hours, ``expires_in`` in seconds) *and a new refresh token*: the old refresh token is single-use. So:

- the pair is one value in the channel state (``channel_state``: channel ``zalo``, key ``tokens``), written
  with compare-and-set: both tokens change together or not at all;
- a refresh runs under a database lock (``ChannelState.lock("token-refresh")``: a PostgreSQL advisory lock,
  or a file lock beside the SQLite file), so two hub processes never spend the same refresh token; a
  process that waited for the lock finds the pair already renewed and uses it;
- the configured pair (``ZALO_ACCESS_TOKEN``, ``ZALO_REFRESH_TOKEN``) seeds the state once; a chain of
  refreshes keeps the digest of the refresh token it started from, so configuring a new refresh token
  (after re-authorising the app) replaces the chain, and restarting with the old one does not.

Tokens never appear in logs.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from channels.contract import ChannelState
from ticketing.models import utcnow

log = logging.getLogger(__name__)

DEFAULT_OAUTH_URL = "https://oauth.zaloapp.com"
TOKENS_KEY = "tokens"
REFRESH_LOCK = "token-refresh"
REFRESH_AHEAD = timedelta(minutes=30)  # renew this long before the access token expires


class TokenUnavailable(Exception):
    """No usable access token (the refresh failed); the message says why, without any token."""


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: datetime | None  # None: unknown (a configured token is used until Zalo refuses it)
    seed: str  # digest of the configured refresh token this chain of refreshes started from

    def expiring(self, now: datetime, ahead: timedelta = REFRESH_AHEAD) -> bool:
        if not self.access_token:
            return True
        return self.expires_at is not None and self.expires_at - ahead <= now

    def to_json(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at.isoformat() if self.expires_at else None,
                "seed": self.seed,
            }
        )

    @classmethod
    def from_json(cls, raw: str | None) -> TokenPair | None:
        if not raw:
            return None
        data = json.loads(raw)
        expires = data.get("expires_at")
        return cls(
            access_token=str(data.get("access_token") or ""),
            refresh_token=str(data.get("refresh_token") or ""),
            expires_at=datetime.fromisoformat(expires) if expires else None,
            seed=str(data.get("seed") or ""),
        )


def seed_digest(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()[:16]


class ZaloTokens:
    def __init__(
        self,
        app_id: str,
        app_secret: str,
        refresh_token: str,
        access_token: str = "",
        *,
        oauth_url: str = DEFAULT_OAUTH_URL,
        timeout: float = 15.0,
    ) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.configured = TokenPair(
            access_token=access_token,
            refresh_token=refresh_token,
            expires_at=None,
            seed=seed_digest(refresh_token),
        )
        self.url = oauth_url.rstrip("/") + "/v4/oa/access_token"
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.state: ChannelState | None = None
        self.http: aiohttp.ClientSession | None = None
        self.refresh_calls = 0  # refreshes this process asked Zalo for
        self.retry_after_failure = 60.0  # seconds without asking Zalo again after a refused refresh
        self._failed_until: datetime | None = None
        self.last_error: str | None = None

    def bind(self, state: ChannelState, http: aiohttp.ClientSession) -> None:
        self.state, self.http = state, http

    def _state(self) -> ChannelState:
        assert self.state is not None, "ZaloTokens.bind() first"
        return self.state

    async def seed(self) -> None:
        """Store the configured pair unless the stored chain already started from it."""
        state = self._state()
        while True:
            raw = await state.get(TOKENS_KEY)
            stored = TokenPair.from_json(raw)
            if stored is not None and stored.seed == self.configured.seed:
                return
            if await state.compare_and_set(TOKENS_KEY, raw, self.configured.to_json()):
                log.info("zalo: configured token pair stored")
                return

    async def current(self) -> TokenPair | None:
        return TokenPair.from_json(await self._state().get(TOKENS_KEY))

    async def access_token(self) -> str:
        """A usable access token (refreshed first when it is missing or about to expire)."""
        pair = await self.current()
        if pair is None or pair.expiring(utcnow()):
            pair = await self.refresh(pair.access_token if pair else None)
        return pair.access_token

    async def refresh(self, stale: str | None) -> TokenPair:
        """Renew the pair because ``stale`` (the access token the caller has) expired or was refused;
        one refresher at a time across processes, and none when another one already renewed it."""
        state = self._state()
        async with state.lock(REFRESH_LOCK):
            raw = await state.get(TOKENS_KEY)
            pair = TokenPair.from_json(raw)
            if pair is None:
                raise TokenUnavailable("no Zalo token pair stored")
            if pair.access_token != stale and not pair.expiring(utcnow()):
                return pair  # renewed by someone else while we waited
            now = utcnow()
            if self._failed_until is not None and now < self._failed_until:
                raise TokenUnavailable(self.last_error or "the last Zalo token refresh failed")
            try:
                renewed = await self._call_oauth(pair)
            except TokenUnavailable as exc:
                self.last_error = str(exc)
                self._failed_until = now + timedelta(seconds=self.retry_after_failure)
                raise
            self._failed_until = self.last_error = None
            if not await state.compare_and_set(TOKENS_KEY, raw, renewed.to_json()):
                # Only a writer outside the lock (a re-seed) gets here; its pair wins.
                log.error("zalo: the token pair changed during a refresh; keeping the stored one")
                current = TokenPair.from_json(await state.get(TOKENS_KEY))
                if current is None:
                    raise TokenUnavailable("the Zalo token pair disappeared")
                return current
            log.info("zalo: access token refreshed")
            return renewed

    async def _call_oauth(self, pair: TokenPair) -> TokenPair:
        assert self.http is not None, "ZaloTokens.bind() first"
        self.refresh_calls += 1
        form = {"app_id": self.app_id, "grant_type": "refresh_token", "refresh_token": pair.refresh_token}
        try:
            async with self.http.post(
                self.url, data=form, headers={"secret_key": self.app_secret}, timeout=self.timeout
            ) as response:
                status = response.status
                data: Any = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise TokenUnavailable(f"Zalo OAuth not reachable: {type(exc).__name__}") from exc
        if status != 200 or not isinstance(data, dict):
            raise TokenUnavailable(f"Zalo OAuth answered HTTP {status}")
        access, refresh = data.get("access_token"), data.get("refresh_token")
        if not access or not refresh:
            code = data.get("error")
            name = str(data.get("error_name") or data.get("message") or "")[:100]
            raise TokenUnavailable(f"Zalo OAuth refused the refresh token (error {code} {name})".strip())
        try:
            lifetime = float(data.get("expires_in") or 0)
        except (TypeError, ValueError):
            lifetime = 0.0
        now = utcnow()
        return TokenPair(
            access_token=str(access),
            refresh_token=str(refresh),
            expires_at=now + timedelta(seconds=lifetime) if lifetime > 0 else None,
            seed=pair.seed,
        )
