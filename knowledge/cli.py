"""Command-line jobs of the knowledge package, in one place (``python -m knowledge.cli <command>``).

    import PATH [PATH ...] [--examples N]
                                 import a national-portal crawl (JSONL, .jsonl.gz) or shipped YAML
                                 (a directory or one .yml file); prints what could not be parsed
    validate [DIR] [--offices FILE]
                                 check the shipped catalogue files (default knowledge/data/procedures)
                                 and the office directory (default knowledge/data/offices.yml); one line
                                 per problem, exit status 1 when there is any
    dossiers import-csv FILE     import a one-stop CSV export into the dossier mirror
    dossiers seed-samples        load the fictitious sample dossiers
    seed                         what ``make run`` needs: catalogue schema, the shipped procedures
                                 (re-imported only when their files changed) and the sample dossiers

Every command that touches the database takes ``--database-url`` (default ``DATABASE_URL`` or the
embedded SQLite file).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from knowledge.catalogue import SHIPPED_DIR, validate_dir
from knowledge.dossiers import DossierService
from knowledge.offices import OFFICES_FILE

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge.cli", description="Knowledge base jobs")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(parent: argparse._SubParsersAction, name: str, help_text: str) -> argparse.ArgumentParser:  # type: ignore[type-arg]
        p = parent.add_parser(name, help=help_text)
        p.add_argument(
            "--database-url",
            dest="database_url",
            default=None,
            help="default: $DATABASE_URL or the SQLite file",
        )
        return p

    imp = command(sub, "import", "import a national-portal crawl or shipped YAML")
    imp.add_argument("paths", nargs="+", type=Path, help="JSONL(.gz) crawl, or shipped YAML directory/file")
    imp.add_argument("--examples", type=int, default=3, help="examples shown per problem kind")
    validate = sub.add_parser("validate", help="check the shipped catalogue files and the office directory")
    validate.add_argument("directory", nargs="?", type=Path, default=SHIPPED_DIR)
    validate.add_argument("--offices", type=Path, default=OFFICES_FILE, help="the office directory (YAML)")
    dossiers = sub.add_parser("dossiers", help="the dossier mirror of the one-stop system")
    dossier_sub = dossiers.add_subparsers(dest="dossier_command", required=True)
    csv_import = command(dossier_sub, "import-csv", "import a one-stop CSV export")
    csv_import.add_argument("path", type=Path)
    command(dossier_sub, "seed-samples", "load the fictitious sample dossiers (for make run)")
    command(sub, "seed", "catalogue and sample dossiers for the embedded database")
    return parser


def _import(args: argparse.Namespace) -> int:
    from knowledge.importer import import_path

    for path in args.paths:
        if not path.exists():
            print(f"error: {path} does not exist", file=sys.stderr)
            return 2
        print(import_path(path, args.database_url, max_examples=args.examples).format())
    return 0


def _validate(args: argparse.Namespace) -> int:
    from knowledge.catalogue import load_shipped
    from knowledge.offices import load_offices, validate_offices

    problems = validate_dir(args.directory)
    for problem in problems:
        print(problem)
    count = len(load_shipped(args.directory, strict=False))
    print(f"{count} procedures, {len(problems)} problems in {args.directory}")
    office_problems = validate_offices(args.offices) if args.offices.exists() else []
    for problem in office_problems:
        print(problem)
    if args.offices.exists() and not office_problems:
        directory = load_offices(args.offices)
        offices = [*directory.communes.values(), *directory.province.values()]
        known = sum(office.has_contact for office in offices)
        print(
            f"{len(directory.communes)} communes, {len(directory.province)} province offices ({known} with a "
            f"sourced contact), 0 problems in {args.offices}"
        )
    elif office_problems:
        print(f"{len(office_problems)} problems in {args.offices}")
    return 1 if problems or office_problems else 0


def _dossier_service(database_url: str | None) -> DossierService:
    from knowledge.db import session_factory

    return DossierService(session_factory(database_url))


def _dossiers_import_csv(args: argparse.Namespace) -> int:
    report = _dossier_service(args.database_url).import_csv(args.path)
    for line, message in report.errors:
        print(f"{args.path}:{line}: rejected: {message}", file=sys.stderr)
    print(report.summary())
    return 1 if report.errors else 0


def _dossiers_seed_samples(args: argparse.Namespace) -> int:
    from knowledge.sample_dossiers import sample_dossiers
    from vietnam.workdays import local_date

    samples = sample_dossiers(local_date(datetime.now(UTC)))
    report = _dossier_service(args.database_url).upsert(samples, source="sample")
    print(report.summary(), "sample dossiers (fictitious people):")
    for record in samples:
        print(f"  {record.code}  phone ending {record.applicant_phone[-4:]}  {record.status}")
    return 0


def _seed(args: argparse.Namespace) -> int:
    from knowledge.service import Catalogue

    catalogue = Catalogue(args.database_url)
    stored = catalogue.sync_shipped_now()
    if stored is None:
        print("procedure catalogue: shipped procedures already up to date")
    else:
        print(f"procedure catalogue: {stored} shipped procedures imported")
    return _dossiers_seed_samples(args)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "import":
        return _import(args)
    if args.command == "validate":
        return _validate(args)
    if args.command == "seed":
        return _seed(args)
    if args.dossier_command == "import-csv":
        return _dossiers_import_csv(args)
    return _dossiers_seed_samples(args)


if __name__ == "__main__":
    raise SystemExit(main())
