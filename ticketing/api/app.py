"""The ticketing HTTP API application.

    from ticketing.api.app import create_app
    app = create_app("postgresql+psycopg://postgres@127.0.0.1:5432/helpdesk")

`python -m ticketing.api --host 127.0.0.1 --port 8080` serves it (DATABASE_URL by default).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from database import get_database
from ticketing.api import auth
from ticketing.api.context import DATABASE, ApiDatabase
from ticketing.api.errors import error_middleware
from ticketing.api.handlers import auth as auth_handlers
from ticketing.api.handlers import directory, reports
from ticketing.api.observability import request_id_middleware
from ticketing.api.open311 import open311_errors
from ticketing.api.openapi import build_openapi
from ticketing.api.operability import install as install_operability
from ticketing.api.operability import metrics_middleware
from ticketing.api.proxy import TrustedProxy, parse_trusted
from ticketing.api.ratelimit import (
    LOGIN_THROTTLE,
    PUBLIC_RATE_LIMIT,
    LoginThrottle,
    PublicRateLimit,
    public_rate_limit,
    shared_storage,
)
from ticketing.api.routes import AUTH_RESOLVER, Call, Route, register_routes

# Bodies larger than this are refused with 413 before they are parsed. A petition is a few KB.
CLIENT_MAX_SIZE = 64 * 1024

ROUTE_TABLE = web.AppKey("route_table", list)


def all_routes() -> list[Route]:
    from ticketing.api import open311, operability, publication, status_page
    from ticketing.api.handlers import tickets, triage

    routes: list[Route] = []
    for module in (
        auth_handlers,
        tickets,
        triage,
        directory,
        reports,
        publication,
        open311,
        status_page,
        operability,
    ):
        routes.extend(module.ROUTES)
    routes.append(OPENAPI_ROUTE)
    return routes


async def openapi(request: web.Request, call: Call) -> web.StreamResponse:
    document = build_openapi(request.app[ROUTE_TABLE])
    return web.json_response(document, dumps=lambda o: json.dumps(o, ensure_ascii=False))


OPENAPI_ROUTE = Route(
    "GET", "/api/openapi.json", openapi, "Get this OpenAPI document", "meta", access="public"
)


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def create_app(
    database_url: str | None = None,
    *,
    trusted_proxies: str | list[str] | None = None,
    secure_cookies: bool | None = None,
    rate_limit_storage: str | None = None,
) -> web.Application:
    """The API over the database at `database_url` (default DATABASE_URL), migrated on first use.

    `trusted_proxies` (default HELPDESK_TRUSTED_PROXIES), `secure_cookies` (default
    HELPDESK_COOKIE_SECURE, on) and `rate_limit_storage` (default HELPDESK_RATE_LIMIT_STORAGE: Redis
    URL, else the database) are described in ticketing.api.proxy, .auth and .ratelimit.
    """
    proxy = TrustedProxy(parse_trusted(trusted_proxies))
    app = web.Application(
        client_max_size=CLIENT_MAX_SIZE,
        middlewares=[
            request_id_middleware,
            metrics_middleware,
            security_headers,
            open311_errors,
            error_middleware,
            proxy.middleware,
            public_rate_limit,
        ],
    )
    install_operability(app)
    database = get_database(database_url)
    app[DATABASE] = ApiDatabase(database)
    app[AUTH_RESOLVER] = auth.resolve_principal
    app[auth.SECURE_COOKIES] = auth.secure_cookies_from_env() if secure_cookies is None else secure_cookies
    app[LOGIN_THROTTLE] = LoginThrottle(shared_storage(database.engine, rate_limit_storage))
    app[PUBLIC_RATE_LIMIT] = PublicRateLimit(storage_url=rate_limit_storage)
    routes = all_routes()
    app[ROUTE_TABLE] = routes
    register_routes(app, routes)
    return app
