"""Authentication and the scoping rules of the API.

Two kinds of credentials, one table (`api_tokens`, only SHA-256 digests stored):
- web sessions: `POST /api/auth/login` checks the scrypt password hash and sets an HttpOnly,
  SameSite=Strict cookie holding a random token; the row is named `web-session` and expires after
  `SESSION_HOURS`; logout revokes it;
- integration tokens: created by an admin, sent as `Authorization: Bearer <token>` (Open311
  clients send the same secret as `api_key`).

Cookie-authenticated unsafe requests must come from the same origin (Origin header checked) and
carry JSON, which browsers cannot send cross-site without a CORS preflight.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict, deque
from datetime import timedelta

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from ticketing.api.context import DATABASE
from ticketing.api.errors import Forbidden, TooManyRequests, Unauthorized
from ticketing.api.routes import Access, Principal
from ticketing.models import Agency, ApiToken, User, utcnow
from ticketing.passwords import hash_password, needs_rehash, new_token, token_digest, verify_password
from ticketing.staff import SESSION_TOKEN_NAME

SESSION_COOKIE = "helpdesk_session"
SESSION_HOURS = 12
TOKEN_TOUCH_INTERVAL = timedelta(minutes=10)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# A dummy hash so that an unknown username costs as much time as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password")


class LoginThrottle:
    """At most `limit` failed logins per username and per client address in `window` seconds.

    In-memory (the embedded, single-process default); a multi-process deployment would keep these
    counters in Redis.
    """

    def __init__(self, limit: int = 5, window: float = 900.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] < now - self.window:
            failures.popleft()
        return failures

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        if any(len(self._recent(key, now)) >= self.limit for key in keys):
            raise TooManyRequests("Too many failed logins; try again later.")

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)


LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)


def principal_for(user: User, agency: Agency | None, via: str) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        role=str(user.role),
        agency_id=user.agency_id,
        agency_code=agency.code if agency else None,
        full_name=user.display_name,
        via=via,  # type: ignore[arg-type]
    )


# -- service functions (sync, take a Session) ------------------------------------------------


def principal_from_token(session: Session, token: str, via: str) -> tuple[Principal, int | None] | None:
    """The token's user, and the token's id when its `last_used_at` is due for an update."""
    now = utcnow()
    row = session.execute(
        select(ApiToken, User, Agency)
        .join(User, ApiToken.user_id == User.id)
        .outerjoin(Agency, User.agency_id == Agency.id)
        .where(ApiToken.token_hash == token_digest(token))
    ).first()
    if row is None:
        return None
    api_token, user, agency = row
    if api_token.revoked_at is not None or not user.active:
        return None
    if api_token.expires_at is not None and api_token.expires_at <= now:
        return None
    is_session = api_token.name == SESSION_TOKEN_NAME
    if is_session != (via == "session"):
        return None  # a session cookie is not an API token and vice versa
    stale = api_token.last_used_at is None or now - api_token.last_used_at > TOKEN_TOUCH_INTERVAL
    return principal_for(user, agency, via), (api_token.id if stale else None)


def touch_token(session: Session, token_id: int) -> None:
    api_token = session.get(ApiToken, token_id)
    if api_token is not None:
        api_token.last_used_at = utcnow()


def login(session: Session, username: str, password: str) -> tuple[Principal, str] | None:
    """Check the password; on success create a session token and return it (shown once)."""
    row = session.execute(
        select(User, Agency).outerjoin(Agency, User.agency_id == Agency.id).where(User.username == username)
    ).first()
    if row is None:
        verify_password(password, _DUMMY_HASH)
        return None
    user, agency = row
    if not user.active or not verify_password(password, user.password_hash):
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token = new_token()
    now = utcnow()
    session.add(
        ApiToken(
            user_id=user.id,
            name=SESSION_TOKEN_NAME,
            token_hash=token_digest(token),
            created_at=now,
            last_used_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    user.last_login_at = now
    return principal_for(user, agency, "session"), token


def logout(session: Session, token: str) -> None:
    api_token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if api_token is not None and api_token.revoked_at is None:
        api_token.revoked_at = utcnow()


# -- request-level resolution ----------------------------------------------------------------


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if header:
        raise Unauthorized("Unsupported Authorization header; use 'Bearer <token>'.")
    return None


def _check_same_origin(request: web.Request) -> None:
    origin = request.headers.get("Origin")
    if origin is None:
        return
    host = origin.split("://", 1)[-1].rstrip("/")
    if host != request.host:
        raise Forbidden("Cross-origin request with a session cookie refused.")


async def resolve_principal(request: web.Request, access: Access) -> Principal | None:
    """The caller, from a bearer token or the session cookie (None when anonymous)."""
    if access == "public":
        return None
    db = request.app[DATABASE]
    token = bearer_token(request)
    if access == "api_key" and token is None:
        token = request.query.get("api_key")
        if token is None and request.content_type == "application/x-www-form-urlencoded":
            form = await request.post()  # size-limited by client_max_size (413)
            value = form.get("api_key")
            token = value if isinstance(value, str) and value else None
    if token is not None:
        found = await db.read(principal_from_token, token, "token")
        if found is None:
            raise Unauthorized("Invalid, expired or revoked API token.")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        found = await db.read(principal_from_token, cookie, "session")
        if found is None:
            raise Unauthorized("Session expired; log in again.")
        if request.method not in SAFE_METHODS:
            _check_same_origin(request)
    principal, stale_token_id = found
    if stale_token_id is not None:
        await db.write(touch_token, stale_token_id)
    return principal


def set_session_cookie(response: web.StreamResponse, request: web.Request, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="Strict",
        # Behind a TLS-terminating proxy the app sees plain HTTP: HELPDESK_COOKIE_SECURE=1 forces Secure.
        secure=request.secure or os.environ.get("HELPDESK_COOKIE_SECURE", "") in ("1", "true", "yes"),
        path="/",
    )


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")
