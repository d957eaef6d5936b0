"""Serve the application (hub + web chat + agents' API + ticketing API) on one port.

    python -m channels --host 127.0.0.1 --port 8080 [--database-url URL] [--access-log]

Rasa: ``HUB_RASA_URLS`` (default http://127.0.0.1:5005); the identity key: ``HELPDESK_HUB_KEY_FILE``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from aiohttp import web


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m channels", description="1022 helpdesk application server"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--database-url", default=None, help="default: DATABASE_URL or the embedded SQLite file"
    )
    parser.add_argument("--access-log", action="store_true", help="log every request (paths only)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    from ticketing.api.observability import AccessLogger, configure_logging

    # The same log lines as the ticketing API: JSON with a request id, personal data masked.
    configure_logging(os.environ.get("HELPDESK_LOG_FORMAT", "json"))
    from channels.app import create_app

    app = create_app(args.database_url)
    url = f"http://{args.host}:{args.port}"
    print(
        f"Web chat: {url}/webchat/   Agents' API: {url}/api/conversations   OpenAPI: {url}/api/openapi.json",
        flush=True,
    )
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        print=None,
        access_log=logging.getLogger("aiohttp.access") if args.access_log else None,
        access_log_class=AccessLogger,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
