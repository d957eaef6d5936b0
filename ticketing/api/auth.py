"""Authentication and the scoping rules of the API.

Two kinds of credentials, one table (`api_tokens`, only SHA-256 digests stored):
- web sessions: `POST /api/auth/login` checks the Argon2id password hash (``ticketing.passwords``)
  and sets an HttpOnly, SameSite=Strict, Secure cookie holding a random token; the row is named
  `web-session` and expires after `SESSION_HOURS`; logout revokes it. Every login attempt costs one
  password check whether or not the account exists or is active (no account enumeration by timing),
  and attempts are throttled per (account, client) (``ticketing.api.ratelimit.LoginThrottle``);
- integration tokens: created by an admin, sent as `Authorization: Bearer <token>` (Open311
  clients send the same secret as `api_key`).

Cookie-authenticated unsafe requests must come from the same origin (Origin header checked) and
carry JSON, which browsers cannot send cross-site without a CORS preflight.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from ticketing.api.context import DATABASE
from ticketing.api.errors import Forbidden, Unauthorized
from ticketing.api.routes import FORM_TYPES, Access, Principal, read_form
from ticketing.models import Agency, ApiToken, User, utcnow
from ticketing.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
    verify_password,
)
from ticketing.staff import SESSION_TOKEN_NAME

SESSION_COOKIE = "helpdesk_session"
SESSION_HOURS = 12
TOKEN_TOUCH_INTERVAL = timedelta(minutes=10)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

COOKIE_SECURE_ENV = "HELPDESK_COOKIE_SECURE"


def secure_cookies_from_env() -> bool:
    """Session cookies are `Secure` unless ``HELPDESK_COOKIE_SECURE=0`` (plain-HTTP local runs only)."""
    return os.environ.get(COOKIE_SECURE_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


SECURE_COOKIES = web.AppKey("secure_cookies", bool)


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


@dataclass(frozen=True)
class LoginCandidate:
    """What a password check needs; `password_hash` is a dummy for unknown or inactive accounts."""

    user_id: int | None
    password_hash: str
    active: bool


def login_candidate(session: Session, username: str) -> LoginCandidate:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.password_hash:
        return LoginCandidate(None, dummy_hash(), False)
    return LoginCandidate(user.id, user.password_hash, user.active)


def check_password(candidate: LoginCandidate, password: str) -> bool:
    """One full password check for every candidate, so timing does not tell unknown, inactive and
    active accounts apart; True only for an active account with the right password."""
    matches = verify_password(password, candidate.password_hash)
    return matches and candidate.active and candidate.user_id is not None


def open_session(session: Session, user_id: int, new_hash: str | None) -> tuple[Principal, str] | None:
    """Create a session token for a user whose password was just checked (shown once). `new_hash`
    replaces a stored hash with outdated parameters. None if the user was deactivated meanwhile."""
    row = session.execute(
        select(User, Agency).outerjoin(Agency, User.agency_id == Agency.id).where(User.id == user_id)
    ).first()
    if row is None or not row[0].active:
        return None
    user, agency = row
    if new_hash is not None:
        user.password_hash = new_hash
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


def login(session: Session, username: str, password: str) -> tuple[Principal, str] | None:
    """Check the password and open a session in one call (CLI and tests; the API handler splits it
    so that the password check runs outside any database transaction)."""
    candidate = login_candidate(session, username)
    if not check_password(candidate, password):
        return None
    assert candidate.user_id is not None
    new_hash = hash_password(password) if needs_rehash(candidate.password_hash) else None
    return open_session(session, candidate.user_id, new_hash)


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


# Tokens are issued by new_token (URL-safe base64): anything else (non-ASCII bytes, odd characters,
# megabytes) is refused before it reaches the database.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,256}")


def well_formed_token(token: str) -> bool:
    return _TOKEN_SHAPE.fullmatch(token) is not None


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
        if token is None and request.content_type in FORM_TYPES:
            value = (await read_form(request)).get("api_key")  # parsed once, cached for the handler
            token = value or None
    if token is not None:
        if not well_formed_token(token):
            raise Unauthorized("Invalid, expired or revoked API token.")
        found = await db.read(principal_from_token, token, "token")
        if found is None:
            raise Unauthorized("Invalid, expired or revoked API token.")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        if not well_formed_token(cookie):
            raise Unauthorized("Session expired; log in again.")
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
        # Secure by default; off only for plain-HTTP local runs (HELPDESK_COOKIE_SECURE=0, said at
        # start-up). Behind a TLS proxy, request.secure comes from its X-Forwarded-Proto.
        secure=request.secure or request.app.get(SECURE_COOKIES, True),
        path="/",
    )


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")
