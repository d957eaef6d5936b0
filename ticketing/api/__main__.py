"""Serve the ticketing API, or create the first accounts.

    python -m ticketing.api --host 127.0.0.1 --port 8080 [--database-url URL] [--access-log]
    python -m ticketing.api create-user --username admin --role admin [--agency CODE] [--display-name NAME]
    python -m ticketing.api create-token --username hub --name zalo-hub [--days 365]

`create-user` reads the password from HELPDESK_PASSWORD or asks for it; `create-token` prints the
secret once (only its digest is stored). The database is DATABASE_URL unless --database-url is given.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from ticketing.api.routes import ROLES


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Method, path (no query string: it may carry an api_key), status, time."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.1fms", request.method, request.path, response.status, time * 1000)


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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from ticketing.api.app import create_app

    app = create_app(args.database_url)
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        access_log=logging.getLogger("aiohttp.access") if args.access_log else None,
        access_log_class=PathOnlyAccessLogger,
    )
    return 0


def accounts(argv: list[str]) -> int:
    from ticketing.api import admin
    from ticketing.db import get_database

    parser = argparse.ArgumentParser(prog="python -m ticketing.api")
    sub = parser.add_subparsers(dest="command", required=True)
    user = sub.add_parser("create-user", help="create a staff user")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=ROLES)
    user.add_argument("--agency", default=None, help="agency code (agency officers)")
    user.add_argument("--display-name", default=None)
    user.add_argument("--database-url", default=None)
    token = sub.add_parser("create-token", help="create an integration token for a user")
    token.add_argument("--username", required=True)
    token.add_argument("--name", required=True)
    token.add_argument("--days", type=int, default=None, help="expires after this many days")
    token.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    db = get_database(args.database_url)
    if args.command == "create-user":
        password = os.environ.get("HELPDESK_PASSWORD") or getpass.getpass("Password (10+ characters): ")
        if len(password) < 10:
            print("password must have at least 10 characters", file=sys.stderr)
            return 2
        with db.session() as s:
            view = admin.create_user(
                s,
                {
                    "username": args.username,
                    "display_name": args.display_name or args.username,
                    "role": args.role,
                    "agency": args.agency,
                    "password": password,
                },
            )
        print(f"created user {view['username']} ({view['role']})")
    else:
        with db.session() as s:
            view = admin.create_token(s, args.username, args.name, args.days)
        print(view["token"])
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("create-user", "create-token"):
        try:
            return accounts(argv)
        except (EOFError, KeyboardInterrupt):
            print("no password given (set HELPDESK_PASSWORD)", file=sys.stderr)
            return 2
        except (LookupError, ValueError, admin_conflict()) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    return serve(argv)


def admin_conflict() -> type[Exception]:
    from ticketing.api.admin import Conflict

    return Conflict


if __name__ == "__main__":
    raise SystemExit(main())
