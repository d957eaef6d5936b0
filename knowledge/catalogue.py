"""The shipped procedure catalogue: YAML files -> validated records.

The format is described in ``knowledge/schema.md``. ``python -m knowledge.catalogue [DIR]`` checks the
files and prints one line per problem.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "CHANNELS",
    "DOCUMENT_KINDS",
    "LEVELS",
    "ONLINE_LEVELS",
    "SHIPPED_DIR",
    "CatalogueError",
    "ChannelRecord",
    "DocumentRecord",
    "LegalBasisRecord",
    "ProcedureRecord",
    "load_shipped",
    "validate_dir",
]

SHIPPED_DIR = Path(__file__).resolve().parent / "data" / "procedures"

LEVELS = ("commune", "province", "central")
SHIPPED_LEVELS = ("commune", "province")
CHANNELS = ("in_person", "online", "postal")
ONLINE_LEVELS = ("full", "partial", "none")
DOCUMENT_KINDS = ("original", "copy", "original_or_copy", "present")
DAY_UNITS = ("working", "calendar")

NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")
LOCAL_CODE = re.compile(r"^DT\.[a-z0-9_]+$")


class CatalogueError(ValueError):
    """A shipped catalogue file does not follow knowledge/schema.md."""


@dataclass
class LegalBasisRecord:
    title: str
    number: str | None = None


@dataclass
class ChannelRecord:
    channel: str
    time: str | None = None
    days: float | None = None
    days_unit: str = "working"
    fee: str | None = None
    fee_vnd: int | None = None
    note: str | None = None


@dataclass
class DocumentRecord:
    name: str
    kind: str | None = None
    copies: int | None = None
    form: str | None = None
    note: str | None = None


@dataclass
class ProcedureRecord:
    """One procedure as the importer and the YAML loader hand it to the database."""

    code: str
    name: str
    origin: str  # "shipped" or "imported"
    levels: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    field_name: str | None = None
    competent_agency: str | None = None
    executing_agency: str | None = None
    place: str | None = None
    applicants: str | None = None
    steps: list[str] = field(default_factory=list)
    conditions: str | None = None
    result: str | None = None
    legal_basis: list[LegalBasisRecord] = field(default_factory=list)
    online_level: str = "none"
    online_url: str | None = None
    channels: list[ChannelRecord] = field(default_factory=list)
    documents: list[DocumentRecord] = field(default_factory=list)
    source_url: str | None = None
    source_date: dt.date | None = None
    decision: str | None = None
    verified: bool = False
    notes: str | None = None
    # Importer bookkeeping: what could not be parsed, and the raw text it came from.
    parse_problems: list[str] = field(default_factory=list)
    raw: dict[str, Any] | None = None


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = _nfc(str(value))
    return text or None


def _text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [t for t in (_text(v) for v in value) if t]


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class _Checker:
    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def fail(self, code: str, path: str, message: str) -> None:
        self.problems.append(f"{self.where}: {code}: {path}: {message}")


def _parse_procedure(item: Any, check: _Checker, index: int) -> ProcedureRecord | None:
    if not isinstance(item, dict):
        check.fail(f"#{index}", "", "each procedure must be a mapping")
        return None
    code = _text(item.get("code")) or f"#{index}"
    for key in ("code", "name", "levels", "field", "legal_basis", "channels"):
        if not item.get(key):
            check.fail(code, key, "required")
    if item.get("code") is not None and not isinstance(item["code"], str):
        check.fail(code, "code", 'must be a quoted string (e.g. "1.001193")')
    if not (NATIONAL_CODE.match(code) or LOCAL_CODE.match(code) or code.startswith("#")):
        check.fail(code, "code", "must look like 1.001193 (national) or DT.some_name (local)")
    known = {
        "code", "name", "aliases", "keywords", "levels", "field", "competent_agency", "executing_agency",
        "place", "applicants", "steps", "conditions", "result", "legal_basis", "online", "channels",
        "documents", "source_url", "source_date", "decision", "verified", "notes",
    }  # fmt: skip
    for key in item:
        if key not in known:
            check.fail(code, str(key), "unknown field (see knowledge/schema.md)")

    levels = _text_list(item.get("levels"))
    for level in levels:
        if level not in SHIPPED_LEVELS:
            check.fail(code, "levels", f"{level!r} not in {SHIPPED_LEVELS}")

    online = item.get("online") or {}
    if not isinstance(online, dict):
        check.fail(code, "online", "must be a mapping {level, url}")
        online = {}
    online_level = _text(online.get("level")) or "none"
    online_url = _text(online.get("url"))
    if online_level not in ONLINE_LEVELS:
        check.fail(code, "online.level", f"{online_level!r} not in {ONLINE_LEVELS}")
    if online_level in ("full", "partial") and not online_url:
        check.fail(code, "online.url", "required when online.level is full or partial")
    if online_url and not online_url.startswith(("https://", "http://")):
        check.fail(code, "online.url", "must be an http(s) address")

    legal: list[LegalBasisRecord] = []
    for i, entry in enumerate(item.get("legal_basis") or []):
        if isinstance(entry, str):
            entry = {"title": entry}
        if not isinstance(entry, dict) or not (entry.get("number") or entry.get("title")):
            check.fail(code, f"legal_basis[{i}]", "needs number and title")
            continue
        if not entry.get("number"):
            check.fail(code, f"legal_basis[{i}].number", "required (e.g. 60/2014/QH13)")
        legal.append(
            LegalBasisRecord(title=_text(entry.get("title")) or "", number=_text(entry.get("number")))
        )

    channels: list[ChannelRecord] = []
    for i, entry in enumerate(item.get("channels") or []):
        path = f"channels[{i}]"
        if not isinstance(entry, dict):
            check.fail(code, path, "must be a mapping")
            continue
        channel = _text(entry.get("channel")) or ""
        if channel not in CHANNELS:
            check.fail(code, f"{path}.channel", f"{channel!r} not in {CHANNELS}")
        days = entry.get("days")
        if days is not None and (not isinstance(days, int | float) or isinstance(days, bool) or days < 0):
            check.fail(code, f"{path}.days", "number >= 0 or null")
            days = None
        fee_vnd = entry.get("fee_vnd")
        if fee_vnd is not None and (not isinstance(fee_vnd, int) or isinstance(fee_vnd, bool) or fee_vnd < 0):
            check.fail(code, f"{path}.fee_vnd", "integer >= 0 or null")
            fee_vnd = None
        unit = _text(entry.get("days_unit")) or "working"
        if unit not in DAY_UNITS:
            check.fail(code, f"{path}.days_unit", f"{unit!r} not in {DAY_UNITS}")
        channels.append(
            ChannelRecord(
                channel=channel,
                time=_text(entry.get("time")),
                days=days,
                days_unit=unit,
                fee=_text(entry.get("fee")),
                fee_vnd=fee_vnd,
                note=_text(entry.get("note")),
            )
        )

    documents: list[DocumentRecord] = []
    for i, entry in enumerate(item.get("documents") or []):
        path = f"documents[{i}]"
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not entry.get("name"):
            check.fail(code, path, "needs a name")
            continue
        kind = _text(entry.get("kind"))
        if kind is not None and kind not in DOCUMENT_KINDS:
            check.fail(code, f"{path}.kind", f"{kind!r} not in {DOCUMENT_KINDS}")
        copies = entry.get("copies", 1)
        if copies is not None and (not isinstance(copies, int) or isinstance(copies, bool) or copies < 1):
            check.fail(code, f"{path}.copies", "integer >= 1")
            copies = None
        documents.append(
            DocumentRecord(
                name=_text(entry["name"]) or "",
                kind=kind,
                copies=copies,
                form=_text(entry.get("form")),
                note=_text(entry.get("note")),
            )
        )

    verified = item.get("verified", False)
    if not isinstance(verified, bool):
        check.fail(code, "verified", "true or false")
        verified = False
    notes = _text(item.get("notes"))
    if not verified and not notes:
        check.fail(code, "notes", "required when verified is false: say what is uncertain")
    try:
        source_date = _date(item.get("source_date"))
    except ValueError:
        check.fail(code, "source_date", "ISO date YYYY-MM-DD")
        source_date = None
    steps = item.get("steps") or []
    if isinstance(steps, str):
        steps = [s for s in steps.splitlines() if s.strip()]

    return ProcedureRecord(
        code=code,
        name=_text(item.get("name")) or "",
        origin="shipped",
        levels=levels,
        aliases=_text_list(item.get("aliases")),
        keywords=_text_list(item.get("keywords")),
        field_name=_text(item.get("field")),
        competent_agency=_text(item.get("competent_agency")),
        executing_agency=_text(item.get("executing_agency")),
        place=_text(item.get("place")),
        applicants=_text(item.get("applicants")),
        steps=_text_list(steps),
        conditions=_text(item.get("conditions")),
        result=_text(item.get("result")),
        legal_basis=legal,
        online_level=online_level if online_level in ONLINE_LEVELS else "none",
        online_url=online_url,
        channels=channels,
        documents=documents,
        source_url=_text(item.get("source_url")),
        source_date=source_date,
        decision=_text(item.get("decision")),
        verified=verified,
        notes=notes,
    )


def _read_dir(directory: Path) -> tuple[list[ProcedureRecord], list[str]]:
    records: list[ProcedureRecord] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml")):
        check = _Checker(path.name)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: YAML error: {exc}")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
            problems.append(f"{path.name}: top level must be a mapping with a 'procedures:' list")
            continue
        for index, item in enumerate(data["procedures"]):
            record = _parse_procedure(item, check, index)
            if record is None:
                continue
            if record.code in seen:
                check.fail(record.code, "code", f"duplicate (also in {seen[record.code]})")
                continue
            seen[record.code] = path.name
            records.append(record)
        problems.extend(check.problems)
    return records, problems


def validate_dir(directory: Path = SHIPPED_DIR) -> list[str]:
    """Problems found in the shipped catalogue files (empty when valid)."""
    return _read_dir(Path(directory))[1]


def load_shipped(directory: Path = SHIPPED_DIR, *, strict: bool = True) -> list[ProcedureRecord]:
    """All procedures in ``directory``. ``strict`` raises :class:`CatalogueError` on any problem."""
    records, problems = _read_dir(Path(directory))
    if strict and problems:
        raise CatalogueError("; ".join(problems[:20]) + (" ..." if len(problems) > 20 else ""))
    return records


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else SHIPPED_DIR
    records, problems = _read_dir(directory)
    for problem in problems:
        print(problem)
    print(f"{len(records)} procedures, {len(problems)} problems in {directory}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
