"""Command-line jobs of the ticketing package, in one place (``python -m ticketing.cli <command>``).

    seed [--update]              directory, routing rules and SLA policies from ticketing/data
    escalate                     SLA warnings/breaches and auto-close (a periodic job: every few minutes)
    holidays YEAR                the public holidays the SLA calendar skips
    create-user --username U --role R [--agency CODE] [--display-name NAME]
                                 a staff account (password from HELPDESK_PASSWORD or a prompt)
    create-token --username U --name N [--days D]
                                 an integration token, printed once (only its digest is stored)

Every command takes ``--database-url`` (default ``DATABASE_URL`` or the embedded SQLite file). The schema of
every package is migrated by ``python -m database.cli migrate`` (or on first use, ``HELPDESK_AUTO_MIGRATE``).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime

from ticketing.callers import ROLES
from ticketing.errors import TicketingError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ticketing.cli", description="Ticketing jobs")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--database-url", "--url", dest="database_url", default=None)
        return p

    seed = command("seed", "seed the directory and SLA policies from the data files")
    seed.add_argument("--update", action="store_true", help="also overwrite existing rows")
    command("escalate", "raise due warnings/breaches and close answered tickets past the window")
    hol = command("holidays", "list the public holidays the calendar uses")
    hol.add_argument("year", type=int)
    user = command("create-user", "create a staff user")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=ROLES)
    user.add_argument("--agency", default=None, help="agency code (agency officers)")
    user.add_argument("--display-name", default=None)
    token = command("create-token", "create an integration token for a user")
    token.add_argument("--username", required=True)
    token.add_argument("--name", required=True)
    token.add_argument("--days", type=int, default=None, help="expires after this many days")
    return parser


def _seed(args: argparse.Namespace) -> int:
    from database import get_database
    from ticketing.seed import seed_all

    with get_database(args.database_url).session() as session:
        report = seed_all(session, update_existing=args.update)
    print(f"seeded: {report}")
    return 0


def _escalate(args: argparse.Namespace) -> int:
    from database import get_database
    from ticketing.lifecycle import auto_close_answered
    from ticketing.sla import run_escalations

    now = datetime.now(UTC)
    with get_database(args.database_url).session() as session:
        raised = run_escalations(session, now)
        closed = auto_close_answered(session, now)
    print(f"escalations raised: {len(raised)}; answered tickets closed: {len(closed)}")
    return 0


def _holidays(args: argparse.Namespace) -> int:
    from ticketing.sla import calendar

    for day, name in calendar().public_holidays(args.year):
        print(day.isoformat(), name)
    return 0


def _accounts(args: argparse.Namespace) -> int:
    from database import get_database
    from ticketing import staff

    db = get_database(args.database_url)
    if args.command == "create-user":
        password = os.environ.get("HELPDESK_PASSWORD") or getpass.getpass("Password (10+ characters): ")
        if len(password) < 10:
            print("password must have at least 10 characters", file=sys.stderr)
            return 2
        with db.session() as s:
            user = staff.do_create_user(
                s,
                username=args.username,
                display_name=args.display_name or args.username,
                role=args.role,
                agency=args.agency,
                password=password,
            )
            print(f"created user {user.username} ({user.role})")
    else:
        with db.session() as s:
            _, secret = staff.do_create_token(
                s, username=args.username, name=args.name, expires_in_days=args.days
            )
        print(secret)
    return 0


COMMANDS = {
    "seed": _seed,
    "escalate": _escalate,
    "holidays": _holidays,
    "create-user": _accounts,
    "create-token": _accounts,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (EOFError, KeyboardInterrupt):
        print("no password given (set HELPDESK_PASSWORD)", file=sys.stderr)
        return 2
    except (TicketingError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
