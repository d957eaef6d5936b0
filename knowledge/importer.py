"""Import procedures into the catalogue database (``python -m knowledge.cli import PATH ...``).

PATH is a national-portal crawl in JSON lines (``.jsonl`` or ``.jsonl.gz``, see ``portal_format``) or a
directory / ``.yml`` file of the shipped catalogue (``knowledge/schema.md``). Shipped records win over
imported ones with the same code, whatever the order of the imports. Nothing is dropped: a record
that cannot be parsed is stored with its raw text and ``parse_ok = False``, and the report counts and
shows what could not be parsed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge.catalogue import SHIPPED_DIR, load_shipped
from knowledge.db import session_factory
from knowledge.models import Channel, Document, LegalBasis, Procedure
from knowledge.portal_format import SERIOUS_PROBLEMS, record_from_portal
from knowledge.records import ProcedureRecord

__all__ = ["ImportReport", "import_path", "import_portal_file", "import_shipped", "store_records"]

_BATCH = 400


@dataclass
class ImportReport:
    """What an import did; ``format()`` renders it for the console."""

    source: str
    lines: int = 0
    records: int = 0
    unreadable: int = 0
    stored: int = 0
    kept_shipped: int = 0
    removed_shipped: int = 0
    replaced_imported: int = 0
    flagged: int = 0
    with_problems: int = 0
    channel_rows: int = 0
    document_rows: int = 0
    legal_rows: int = 0
    channels_parsed: int = 0
    channels_present: int = 0
    documents_parsed: int = 0
    documents_present: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    max_examples: int = 3

    def note_problem(self, code: str, problem: str) -> None:
        kind = problem.split(":", 1)[0]
        self.problems[kind] += 1
        bucket = self.examples.setdefault(kind, [])
        if len(bucket) < self.max_examples:
            bucket.append(f"{code}: {problem}")

    @property
    def channel_parse_rate(self) -> float:
        return self.channels_parsed / self.channels_present if self.channels_present else 1.0

    @property
    def document_parse_rate(self) -> float:
        return self.documents_parsed / self.documents_present if self.documents_present else 1.0

    def format(self) -> str:
        lines = [
            f"source: {self.source}",
            f"lines read: {self.lines}, records: {self.records}, unreadable lines: {self.unreadable}"
            " (stored flagged)",
            f"stored: {self.stored} (replaced earlier imports: {self.replaced_imported}); "
            f"kept shipped version instead: {self.kept_shipped}; "
            f"shipped records no longer in the YAML removed: {self.removed_shipped}",
            f"flagged parse_ok=false: {self.flagged}; records with any problem: {self.with_problems}",
            f"rows: channels {self.channel_rows}, documents {self.document_rows}, "
            f"legal basis {self.legal_rows}",
            f"channel cells parsed: {self.channels_parsed}/{self.channels_present} "
            f"({self.channel_parse_rate:.1%}); document cells parsed: "
            f"{self.documents_parsed}/{self.documents_present} ({self.document_parse_rate:.1%})",
        ]
        if self.problems:
            lines.append("problems (kind: count, examples; * = the record is flagged parse_ok=false):")
            for kind, count in self.problems.most_common():
                mark = " *" if kind in SERIOUS_PROBLEMS else ""
                lines.append(f"  {kind}: {count}{mark}")
                lines.extend(f"    e.g. {example[:160]}" for example in self.examples.get(kind, []))
        return "\n".join(lines)


def store_records(session: Session, records: Iterable[ProcedureRecord], report: ImportReport) -> None:
    """Insert or replace ``records`` by code. An imported record never replaces a shipped one."""
    batch: list[ProcedureRecord] = []

    def flush() -> None:
        if not batch:
            return
        codes = [r.code for r in batch]
        existing = dict(
            session.execute(select(Procedure.code, Procedure.origin).where(Procedure.code.in_(codes))).all()
        )
        keep: list[ProcedureRecord] = []
        for record in batch:
            if record.origin == "imported" and existing.get(record.code) == "shipped":
                report.kept_shipped += 1
                continue
            if existing.get(record.code) == "imported":
                report.replaced_imported += 1
            keep.append(record)
        replace = [r.code for r in keep if r.code in existing]
        if replace:
            ids = select(Procedure.id).where(Procedure.code.in_(replace)).scalar_subquery()
            for child in (Channel, Document, LegalBasis):
                session.execute(delete(child).where(child.procedure_id.in_(ids)))
            session.execute(delete(Procedure).where(Procedure.code.in_(replace)))
        for record in keep:
            row = Procedure.from_record(record)
            if not row.parse_ok:
                report.flagged += 1
            session.add(row)
            report.stored += 1
        session.flush()
        batch.clear()

    for record in records:
        batch.append(record)
        if len(batch) >= _BATCH:
            flush()
    flush()


def _fallback_code(text: str, line_no: int) -> str:
    return f"raw.{line_no}.{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"


def _portal_records(path: Path, report: ImportReport) -> Iterator[ProcedureRecord]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for line_no, line in enumerate(handle, start=1):
            report.lines += 1
            if not line.strip():
                continue
            obj: Any
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:
                report.unreadable += 1
                code = _fallback_code(line, line_no)
                report.note_problem(code, f"unreadable_line: line {line_no}: {exc}")
                yield ProcedureRecord(
                    code=code,
                    name="",
                    origin="imported",
                    notes=f"Dòng {line_no} không đọc được (JSON lỗi).",
                    parse_ok=False,
                    parse_problems=[f"unreadable_line: line {line_no}: {exc}", "missing_code: unreadable"],
                    raw={"line": line_no, "text": line.rstrip("\n")},
                )
                continue
            record = record_from_portal(obj)
            if not record.code:
                record.code = _fallback_code(line, line_no)
            report.records += 1
            _count(record, obj, report)
            yield record


def _count(record: ProcedureRecord, obj: dict[str, Any], report: ImportReport) -> None:
    report.channel_rows += len(record.channels)
    report.document_rows += len(record.documents)
    report.legal_rows += len(record.legal_basis)
    kinds = {p.split(":", 1)[0] for p in record.parse_problems}
    if "channels_missing" not in kinds:
        report.channels_present += 1
        report.channels_parsed += bool(record.channels) and "channels_unparsed" not in kinds
    if "documents_missing" not in kinds:
        report.documents_present += 1
        report.documents_parsed += bool(record.documents) and "documents_unparsed" not in kinds
    if record.parse_problems:
        report.with_problems += 1
    for problem in record.parse_problems:
        report.note_problem(record.code, problem)


def import_portal_file(
    path: str | Path, database_url: str | None = None, *, max_examples: int = 3
) -> ImportReport:
    """Import a national-portal JSONL(.gz) crawl."""
    path = Path(path)
    report = ImportReport(source=str(path), max_examples=max_examples)
    factory = session_factory(database_url)
    with factory.begin() as session:
        store_records(session, _portal_records(path, report), report)
    return report


def import_shipped(directory: str | Path = SHIPPED_DIR, database_url: str | None = None) -> ImportReport:
    """Import the curated YAML catalogue (validated strictly: a broken file aborts the import)."""
    directory = Path(directory)
    report = ImportReport(source=str(directory))
    if directory.is_file():
        records = load_shipped(directory.parent, strict=True)
        records = [r for r in records if r.code in _codes_in(directory)]
    else:
        records = load_shipped(directory, strict=True)
    report.records = report.lines = len(records)
    for record in records:
        report.channel_rows += len(record.channels)
        report.document_rows += len(record.documents)
        report.legal_rows += len(record.legal_basis)
    factory = session_factory(database_url)
    with factory.begin() as session:
        store_records(session, records, report)
        if directory.is_dir():
            _remove_stale_shipped(session, {r.code for r in records}, report)
    return report


def _remove_stale_shipped(session: Session, current: set[str], report: ImportReport) -> None:
    """A procedure deleted from the shipped YAML leaves the catalogue too."""
    stale = [
        code
        for code in session.scalars(select(Procedure.code).where(Procedure.origin == "shipped"))
        if code not in current
    ]
    if not stale:
        return
    ids = select(Procedure.id).where(Procedure.code.in_(stale)).scalar_subquery()
    for child in (Channel, Document, LegalBasis):
        session.execute(delete(child).where(child.procedure_id.in_(ids)))
    session.execute(delete(Procedure).where(Procedure.code.in_(stale)))
    report.removed_shipped = len(stale)


def _codes_in(path: Path) -> set[str]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(item.get("code")) for item in data.get("procedures", []) if isinstance(item, dict)}


def import_path(path: str | Path, database_url: str | None = None, *, max_examples: int = 3) -> ImportReport:
    path = Path(path)
    if path.is_dir() or path.suffix in (".yml", ".yaml"):
        return import_shipped(path, database_url)
    return import_portal_file(path, database_url, max_examples=max_examples)
