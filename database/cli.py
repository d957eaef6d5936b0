"""Database jobs (``python -m database.cli <command>``).

    migrate [--package P [--revision R]]   upgrade every package's schema (or one package's) to head
    status                                 each package's current revision

Both take ``--database-url`` (default ``DATABASE_URL`` or the embedded SQLite file).
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import inspect
from sqlalchemy.pool import NullPool

from database.engine import create_db_engine
from database.errors import DatabaseUnavailable, is_unavailable
from database.migrations import MIGRATIONS, migrate
from database.urls import database_url

EXIT_DATABASE_UNAVAILABLE = 3  # as python -m ticketing.api: the database did not answer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m database.cli", description="Database jobs")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("migrate", help="upgrade the schema to head")
    up.add_argument("--package", choices=[m.package for m in MIGRATIONS], default=None)
    up.add_argument("--revision", default="head", help="with --package: the revision to upgrade to")
    status = sub.add_parser("status", help="show each package's revision")
    for command in (up, status):
        command.add_argument("--database-url", "--url", dest="database_url", default=None)
    return parser


def _status(url: str) -> list[tuple[str, str | None]]:
    from alembic.migration import MigrationContext

    engine = create_db_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            rows = []
            for migrations in MIGRATIONS:
                revision = None
                if migrations.version_table in tables:
                    context = MigrationContext.configure(
                        connection, opts={"version_table": migrations.version_table}
                    )
                    revision = context.get_current_revision()
                rows.append((migrations.package, revision))
            return rows
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = database_url(args.database_url)
    try:
        if args.command == "migrate":
            migrate(url, package=args.package, revision=args.revision)
            print(f"migrated: {args.package or ', '.join(m.package for m in MIGRATIONS)}")
            return 0
        for package, revision in _status(url):
            print(f"{package}: {revision or 'not migrated'}")
        return 0
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        # Within the connect timeout, one line that says where and why (password hidden).
        print(f"error: {DatabaseUnavailable(url, exc)}", file=sys.stderr)
        return EXIT_DATABASE_UNAVAILABLE


if __name__ == "__main__":
    raise SystemExit(main())
