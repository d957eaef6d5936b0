"""Security jobs (``python -m security.cli <command>``).

    alerts [--hours 24]   second-factor alerts: many wrong answers for one ticket or dossier code
    purge                 forget second-factor counters whose window has passed (a periodic job)

Both take ``--database-url`` (default ``DATABASE_URL`` or the embedded SQLite file).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from database import get_database
from security.second_factor import purge_expired, recent_alerts
from vietnam.workdays import LOCAL_TZ


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m security.cli", description="Security jobs")
    sub = parser.add_subparsers(dest="command", required=True)
    alerts = sub.add_parser("alerts", help="list recent second-factor alerts")
    alerts.add_argument("--hours", type=int, default=24)
    purge = sub.add_parser("purge", help="forget expired second-factor counters")
    for command in (alerts, purge):
        command.add_argument("--database-url", "--url", dest="database_url", default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    engine = get_database(args.database_url).engine
    if args.command == "purge":
        print(f"expired counters removed: {purge_expired(engine)}")
        return 0
    since = datetime.now(UTC) - timedelta(hours=args.hours)
    alerts = recent_alerts(engine, since=since)
    for alert in alerts:
        at = alert["raised_at"].astimezone(LOCAL_TZ).isoformat(timespec="minutes")
        print(f"{at}  {alert['subject']}  {alert['failures']} wrong answers")
    if not alerts:
        print(f"no second-factor alert in the last {args.hours} h")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
