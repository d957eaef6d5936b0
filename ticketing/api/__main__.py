"""Serve the ticketing API.

    python -m ticketing.api --host 127.0.0.1 --port 8080 [--database-url URL] [--access-log]

Accounts and tokens are created with ``python -m ticketing.cli create-user|create-token``.
Logs are JSON lines with a request id, personal data masked (``ticketing.api.observability``;
``HELPDESK_LOG_FORMAT=text`` for a terminal).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from aiohttp import web

EXIT_DATABASE_UNAVAILABLE = 3  # the database did not answer at start-up (the log line says where and why)


def announce_security_settings(app: web.Application) -> None:
    """Say at start-up what protects the sessions and where client addresses come from."""
    from ticketing.api.auth import SECURE_COOKIES
    from ticketing.api.proxy import TRUSTED_PROXIES_ENV
    from ticketing.api.ratelimit import LOGIN_THROTTLE, DatabaseStorage

    log = logging.getLogger("ticketing.api")
    if not app[SECURE_COOKIES]:
        log.warning(
            "session cookies are sent WITHOUT the Secure flag (HELPDESK_COOKIE_SECURE=0): "
            "acceptable for a plain-HTTP local run only, never in production"
        )
    proxies = os.environ.get(TRUSTED_PROXIES_ENV, "").strip()
    if proxies:
        log.info("X-Forwarded-For/-Proto/-Host are honoured from the trusted proxies %s only", proxies)
    else:
        log.info("no trusted proxy (%s unset): X-Forwarded-* headers are ignored", TRUSTED_PROXIES_ENV)
    storage = app[LOGIN_THROTTLE].storage
    where = "the database" if isinstance(storage, DatabaseStorage) else type(storage).__name__
    log.info("login throttle counters are kept in %s", where)


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ticketing.api", description="1022 helpdesk ticketing API"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--database-url", default=None, help="default: DATABASE_URL or the embedded SQLite file"
    )
    parser.add_argument("--access-log", action="store_true", help="log every request (paths only)")
    args = parser.parse_args(argv)
    from ticketing.api.observability import AccessLogger, configure_logging

    configure_logging(os.environ.get("HELPDESK_LOG_FORMAT", "json"))
    from database import DatabaseUnavailable
    from ticketing.api.app import create_app
    from ticketing.api.context import DATABASE

    log = logging.getLogger("ticketing.api")
    try:
        app = create_app(args.database_url)  # migrates on first use (HELPDESK_AUTO_MIGRATE)
        app[DATABASE].db.ping()  # and answers now, whatever the migration setting
    except DatabaseUnavailable as exc:
        # Fail fast and say why: within the connect timeout, not after the first requests hang.
        log.error("cannot start: %s", exc)
        return EXIT_DATABASE_UNAVAILABLE
    announce_security_settings(app)
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        access_log=logging.getLogger("aiohttp.access") if args.access_log else None,
        access_log_class=AccessLogger,
        print=lambda line: logging.getLogger("ticketing.api").info(" ".join(line.split())),
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    return serve(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
