"""Login, logout, the current user; staff users and integration tokens (admin)."""

from __future__ import annotations

import asyncio
import math

from aiohttp import web

from ticketing import staff
from ticketing.api import auth
from ticketing.api.errors import Unauthorized, json_error
from ticketing.api.handlers.common import no_content, ok
from ticketing.api.ratelimit import LOGIN_THROTTLE
from ticketing.api.routes import ROLES, Call, Route
from ticketing.api.schema import ID_PARAM, Field, Schema
from ticketing.api.views import items, token_view, user_view
from ticketing.models import ApiToken
from ticketing.passwords import hash_password, needs_rehash

LOGIN = Schema(
    Field("username", required=True, min_length=1, max_length=100),
    Field("password", required=True, min_length=1, max_length=1024),
)

USER_CREATE = Schema(
    Field("username", required=True, pattern=r"^[a-z0-9_.-]{3,100}$"),
    Field("display_name", required=True, min_length=1, max_length=200),
    Field("role", required=True, enum=ROLES),
    Field("agency", nullable=True, max_length=64, description="Agency code (agency officers only)"),
    Field("email", nullable=True, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$"),
    Field("password", required=True, min_length=10, max_length=1024),
)

USER_UPDATE = Schema(
    Field("display_name", min_length=1, max_length=200),
    Field("role", enum=ROLES),
    Field("agency", nullable=True, max_length=64),
    Field("email", nullable=True, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$"),
    Field("password", min_length=10, max_length=1024),
    Field("active", kind="boolean"),
)

USER_QUERY = Schema(Field("role", enum=ROLES), Field("agency", max_length=64))

TOKEN_CREATE = Schema(
    Field("username", required=True, max_length=100, description="The integration user the token acts as"),
    Field("name", required=True, min_length=1, max_length=100),
    Field("expires_in_days", kind="integer", minimum=1, maximum=3650),
)


async def login(request: web.Request, call: Call) -> web.StreamResponse:
    username, password = call.body["username"], call.body["password"]
    client = request.remote or "unknown"  # the real client: see ticketing.api.proxy
    throttle = request.app[LOGIN_THROTTLE]
    wait = await throttle.admit_async(username, client)
    if wait is not None:
        response = json_error(429, "too_many_requests", "Too many failed logins; try again later.")
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    # The password is checked outside any database transaction (it takes ~0.1 s of CPU), the same
    # way for unknown, inactive and active accounts.
    candidate = await call.read(auth.login_candidate, username)
    if not await asyncio.to_thread(auth.check_password, candidate, password):
        await throttle.failed_async(username, client)
        raise Unauthorized("Wrong username or password.")
    assert candidate.user_id is not None
    new_hash = None
    if needs_rehash(candidate.password_hash):
        new_hash = await asyncio.to_thread(hash_password, password)
    result = await call.write(auth.open_session, candidate.user_id, new_hash)
    if result is None:
        raise Unauthorized("Wrong username or password.")
    await throttle.succeeded_async(username, client)
    principal, token = result
    response = ok({"user": _principal_view(principal)})
    auth.set_session_cookie(response, request, token)
    return response


async def logout(request: web.Request, call: Call) -> web.StreamResponse:
    cookie = request.cookies.get(auth.SESSION_COOKIE)
    if cookie and auth.well_formed_token(cookie):
        await call.write(auth.logout, cookie)
    response = no_content()
    auth.clear_session_cookie(response)
    return response


def _principal_view(p: auth.Principal) -> dict[str, object]:
    return {
        "id": p.user_id,
        "username": p.username,
        "display_name": p.full_name,
        "role": p.role,
        "agency": p.agency_code,
    }


async def me(request: web.Request, call: Call) -> web.StreamResponse:
    assert call.principal is not None
    return ok({"user": _principal_view(call.principal), "via": call.principal.via})


async def list_users(request: web.Request, call: Call) -> web.StreamResponse:
    q = call.query
    return ok(await call.read(staff.list_users, q.get("role"), q.get("agency"), render=items(user_view)))


async def create_user(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.write(staff.do_create_user, **call.body, render=user_view), status=201)


async def update_user(request: web.Request, call: Call) -> web.StreamResponse:
    user_id = _int_param(request, "user_id")
    return ok(await call.write(staff.do_update_user, user_id, call.body, render=user_view))


async def list_tokens(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.read(staff.list_tokens, render=items(token_view)))


def _new_token_view(created: tuple[ApiToken, str]) -> dict[str, object]:
    token, secret = created
    return {**token_view(token), "token": secret}


async def create_token(request: web.Request, call: Call) -> web.StreamResponse:
    return ok(await call.write(staff.do_create_token, **call.body, render=_new_token_view), 201)


async def revoke_token(request: web.Request, call: Call) -> web.StreamResponse:
    await call.write(staff.do_revoke_token, _int_param(request, "token_id"))
    return no_content()


def _int_param(request: web.Request, name: str) -> int:
    return int(request.match_info[name])  # the route pattern admits digits only


ID = ID_PARAM  # 1 to 2^31-1: any other id names no row (404)
ADMIN = frozenset({"admin"})
USER_DOC = {"type": "object"}

ROUTES = [
    Route(
        "POST",
        "/api/auth/login",
        login,
        "Log in (sets the session cookie)",
        "auth",
        access="public",
        body=LOGIN,
        responses={200: "Logged in"},
    ),
    Route(
        "POST",
        "/api/auth/logout",
        logout,
        "Log out (revokes the session)",
        "auth",
        access="public",
        responses={204: "Logged out"},
    ),
    Route("GET", "/api/me", me, "Show the current user", "auth"),
    Route(
        "GET",
        "/api/users",
        list_users,
        "List staff users",
        "users",
        roles=frozenset({"admin", "supervisor"}),
        query=USER_QUERY,
    ),
    Route(
        "POST",
        "/api/users",
        create_user,
        "Create a staff user",
        "users",
        roles=ADMIN,
        body=USER_CREATE,
        responses={201: "Created"},
        links={"/api/users/{user_id}": {"user_id": "$response.body#/id"}},
    ),
    Route(
        "PATCH",
        r"/api/users/{user_id:\d+}",
        update_user,
        "Update a staff user",
        "users",
        roles=ADMIN,
        body=USER_UPDATE,
        path_params={"user_id": ID},
    ),
    Route("GET", "/api/tokens", list_tokens, "List integration tokens", "users", roles=ADMIN),
    Route(
        "POST",
        "/api/tokens",
        create_token,
        "Create an integration token (secret shown once)",
        "users",
        roles=ADMIN,
        body=TOKEN_CREATE,
        responses={201: "Created"},
        links={"/api/tokens/{token_id}": {"token_id": "$response.body#/id"}},
    ),
    Route(
        "DELETE",
        r"/api/tokens/{token_id:\d+}",
        revoke_token,
        "Revoke an integration token",
        "users",
        roles=ADMIN,
        responses={204: "Revoked"},
        path_params={"token_id": ID},
    ),
]
