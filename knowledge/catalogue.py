"""The shipped procedure catalogue: YAML files -> validated records.

The format is described in ``knowledge/schema.md``. ``python -m knowledge.cli validate [DIR]`` checks
the files and prints one line per problem.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from knowledge.records import (
    AuditRecord,
    BenefitRecord,
    ChannelRecord,
    DeadlineRecord,
    DocumentRecord,
    FormRecord,
    LegalBasisRecord,
    PointerRecord,
    ProcedureRecord,
    ValidityRecord,
)

__all__ = [
    "AUDIT_STATUSES",
    "CHANNELS",
    "DOCUMENT_KINDS",
    "KINDS",
    "LEVELS",
    "ONLINE_LEVELS",
    "SHIPPED_DIR",
    "CatalogueError",
    "citizen_texts",
    "find_placeholder",
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
# "procedure": handled through the one-stop desks; "pointer": a matter the commune does not handle (a court,
# the police): the entry names the competent body and what the citizen should do.
KINDS = ("procedure", "pointer")
# Result of comparing a fee or a processing time with the source (see knowledge/schema.md, `audit`):
# checked = the entry agrees with the source; corrected = the audit changed it to agree;
# not_published = no official amount/time was found, so the entry states none (fee_vnd/days null).
AUDIT_STATUSES = ("checked", "corrected", "not_published")

# Texts that must never reach a citizen: internal placeholders, reviewers' remarks, unknown-value markers.
# An unverified value is left out (null) and flagged in `audit`; the answer code says it has no official
# information itself.
_PLACEHOLDERS = re.compile(
    r"chưa đối chiếu|cần đối chiếu|chưa xác nhận|chưa kiểm tra|chưa rõ|chưa có thông tin|không có thông tin"
    r"|đang cập nhật|theo hiểu biết|cổng(?: dịch vụ công)? (?:không |chưa )?ghi"
    r"|\b(?:todo|tbd|fixme|xxx|lorem)\b|(?<!\w)n/?a(?!\w)|\?",
    re.IGNORECASE,
)

NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")
LOCAL_CODE = re.compile(r"^DT\.[a-z0-9_]+$")


class CatalogueError(ValueError):
    """A shipped catalogue file does not follow knowledge/schema.md."""


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


def find_placeholder(text: str | None) -> str | None:
    """The placeholder or internal remark found in ``text`` ("Chưa đối chiếu", "TODO", "?", ...), if any."""
    if not text:
        return None
    match = _PLACEHOLDERS.search(text)
    return match.group(0) if match else None


def citizen_texts(record: ProcedureRecord) -> list[tuple[str, str]]:
    """(field path, text) of everything an answer may show a citizen (not aliases, keywords, notes, the audit
    except its ``portal_fee``)."""
    texts: list[tuple[str, str | None]] = [
        ("name", record.name),
        ("competent_agency", record.competent_agency),
        ("executing_agency", record.executing_agency),
        ("place", record.place),
        ("applicants", record.applicants),
        ("conditions", record.conditions),
        ("result", record.result),
    ]
    texts += [(f"steps[{i}]", step) for i, step in enumerate(record.steps)]
    for i, channel in enumerate(record.channels):
        texts += [(f"channels[{i}].{key}", getattr(channel, key)) for key in ("time", "fee", "note")]
    for i, doc in enumerate(record.documents):
        texts += [(f"documents[{i}].{key}", getattr(doc, key)) for key in ("name", "form", "note")]
    texts += [(f"forms[{i}].name", form.name) for i, form in enumerate(record.forms)]
    if record.deadline:
        texts.append(("deadline.text", record.deadline.text))
    if record.benefit:
        texts.append(("benefit.text", record.benefit.text))
    if record.validity:
        texts.append(("validity.text", record.validity.text))
    if record.audit and record.audit.portal_fee:
        texts.append(("audit.portal_fee", record.audit.portal_fee))
    if record.pointer:
        keys = ("body", "action", "contact", "commune_role")
        texts += [(f"pointer.{key}", getattr(record.pointer, key)) for key in keys]
    return [(path, text) for path, text in texts if text]


def _https_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("https://") and " " not in value


def _parse_audit(value: Any, code: str, check: _Checker) -> AuditRecord | None:
    if not isinstance(value, dict):
        check.fail(code, "audit", "required: {date, source, fee, time, note?} (see knowledge/schema.md)")
        return None
    try:
        date = _date(value.get("date"))
    except ValueError:
        date = None
    if date is None:
        check.fail(code, "audit.date", "ISO date YYYY-MM-DD of the check")
    elif date > dt.date.today():
        check.fail(code, "audit.date", "in the future")
    source = _text(value.get("source"))
    if not source:
        check.fail(code, "audit.source", "required: what was compared (record code + decision/circular)")
    statuses = {}
    for key in ("fee", "time"):
        status = _text(value.get(key))
        if status not in AUDIT_STATUSES:
            check.fail(code, f"audit.{key}", f"{status!r} not in {AUDIT_STATUSES}")
        statuses[key] = status or ""
    for key in value:
        if key not in ("date", "source", "fee", "time", "note", "portal_fee"):
            check.fail(code, f"audit.{key}", "unknown field")
    portal_fee = _text(value.get("portal_fee"))
    if portal_fee and statuses["fee"] != "not_published":
        check.fail(code, "audit.portal_fee", "only with fee: not_published (it stands in for the amount)")
    if date is None or not source:
        return None
    return AuditRecord(
        date=date,
        source=source,
        fee=statuses["fee"],
        time=statuses["time"],
        note=_text(value.get("note")),
        portal_fee=portal_fee,
    )


def _parse_deadline(value: Any, code: str, check: _Checker) -> DeadlineRecord | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not _text(value.get("text")):
        check.fail(code, "deadline", "must be a mapping {text, basis, days?, days_unit?}")
        return None
    basis = _text(value.get("basis"))
    if not basis:
        check.fail(code, "deadline.basis", "required: the article and law that set the deadline")
    days = value.get("days")
    if days is not None and (not isinstance(days, int | float) or isinstance(days, bool) or days < 0):
        check.fail(code, "deadline.days", "number >= 0 or null")
        days = None
    unit = _text(value.get("days_unit")) or "calendar"
    if unit not in DAY_UNITS:
        check.fail(code, "deadline.days_unit", f"{unit!r} not in {DAY_UNITS}")
    for key in value:
        if key not in ("text", "basis", "days", "days_unit"):
            check.fail(code, f"deadline.{key}", "unknown field")
    return DeadlineRecord(text=_text(value["text"]) or "", basis=basis or "", days=days, days_unit=unit)


def _parse_benefit(value: Any, code: str, check: _Checker) -> BenefitRecord | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not _text(value.get("text")):
        check.fail(code, "benefit", "must be a mapping {text, basis}")
        return None
    basis = _text(value.get("basis"))
    if not basis:
        check.fail(code, "benefit.basis", "required: the provisions that set the amount")
    for key in value:
        if key not in ("text", "basis"):
            check.fail(code, f"benefit.{key}", "unknown field")
    return BenefitRecord(text=_text(value["text"]) or "", basis=basis or "")


def _parse_validity(value: Any, code: str, check: _Checker) -> ValidityRecord | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not _text(value.get("text")):
        check.fail(code, "validity", "must be a mapping {text, basis, uncertain?}")
        return None
    basis = _text(value.get("basis"))
    if not basis:
        check.fail(code, "validity.basis", "required: the article and law that set (or set no) validity")
    uncertain = value.get("uncertain", False)
    if not isinstance(uncertain, bool):
        check.fail(code, "validity.uncertain", "true or false")
        uncertain = True
    for key in value:
        if key not in ("text", "basis", "uncertain"):
            check.fail(code, f"validity.{key}", "unknown field")
    return ValidityRecord(text=_text(value["text"]) or "", basis=basis or "", uncertain=uncertain)


def _parse_forms(value: Any, code: str, check: _Checker) -> list[FormRecord]:
    forms: list[FormRecord] = []
    if value is None:
        return forms
    if not isinstance(value, list):
        check.fail(code, "forms", "must be a list of {name, url, source}")
        return forms
    for i, entry in enumerate(value):
        path = f"forms[{i}]"
        if not isinstance(entry, dict) or not _text(entry.get("name")):
            check.fail(code, path, "needs a name")
            continue
        url = _text(entry.get("url"))
        if url is not None and not _https_url(url):
            check.fail(code, f"{path}.url", "an https:// address or null")
        source = _text(entry.get("source"))
        if not source:
            check.fail(code, f"{path}.source", "required: the circular/decree that issues the form")
        for key in entry:
            if key not in ("name", "url", "source"):
                check.fail(code, f"{path}.{key}", "unknown field")
        forms.append(FormRecord(name=_text(entry["name"]) or "", source=source or "", url=url))
    return forms


def _parse_pointer(value: Any, code: str, check: _Checker) -> PointerRecord | None:
    if not isinstance(value, dict):
        check.fail(code, "pointer", "required for kind: pointer: {body, action, contact?, commune_role?}")
        return None
    body, action = _text(value.get("body")), _text(value.get("action"))
    if not body:
        check.fail(code, "pointer.body", "required: the competent body (court, police, ...)")
    if not action:
        check.fail(code, "pointer.action", "required: what the citizen should do")
    for key in value:
        if key not in ("body", "action", "contact", "commune_role"):
            check.fail(code, f"pointer.{key}", "unknown field")
    return PointerRecord(
        body=body or "",
        action=action or "",
        contact=_text(value.get("contact")),
        commune_role=_text(value.get("commune_role")),
    )


def _parse_procedure(item: Any, check: _Checker, index: int) -> ProcedureRecord | None:
    if not isinstance(item, dict):
        check.fail(f"#{index}", "", "each procedure must be a mapping")
        return None
    code = _text(item.get("code")) or f"#{index}"
    entry_kind = _text(item.get("kind")) or "procedure"
    if entry_kind not in KINDS:
        check.fail(code, "kind", f"{entry_kind!r} not in {KINDS}")
    required = ("code", "name", "field", "legal_basis")
    if entry_kind != "pointer":  # a pointer names the body; it has no one-stop channels or level of its own
        required += ("levels", "channels")
    for key in required:
        if not item.get(key):
            check.fail(code, key, "required")
    if item.get("code") is not None and not isinstance(item["code"], str):
        check.fail(code, "code", 'must be a quoted string (e.g. "1.001193")')
    if not (NATIONAL_CODE.match(code) or LOCAL_CODE.match(code) or code.startswith("#")):
        check.fail(code, "code", "must look like 1.001193 (national) or DT.some_name (local)")
    known = {
        "code", "name", "aliases", "keywords", "levels", "field", "competent_agency", "executing_agency",
        "place", "applicants", "steps", "conditions", "result", "legal_basis", "online", "channels",
        "documents", "source_url", "source_date", "decision", "verified", "notes", "kind", "pointer",
        "deadline", "benefit", "validity", "forms", "audit",
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
    source_url = _text(item.get("source_url"))
    if source_url and not _https_url(source_url):
        check.fail(code, "source_url", "must be an https:// address")
    if online_url and not _https_url(online_url):
        check.fail(code, "online.url", "must be an https:// address")

    pointer = _parse_pointer(item.get("pointer"), code, check) if entry_kind == "pointer" else None
    if entry_kind != "pointer" and item.get("pointer") is not None:
        check.fail(code, "pointer", "only for kind: pointer")
    if entry_kind == "pointer" and not LOCAL_CODE.match(code):
        check.fail(code, "code", "a pointer has no national procedure code: use DT.some_name")
    audit = _parse_audit(item.get("audit"), code, check)
    if audit is not None:
        if audit.fee == "not_published" and any(c.fee_vnd is not None for c in channels):
            check.fail(code, "audit.fee", "not_published but a channel states fee_vnd: set it null")
        if audit.time == "not_published" and any(c.days is not None for c in channels):
            check.fail(code, "audit.time", "not_published but a channel states days: set it null")

    record = ProcedureRecord(
        code=code,
        name=_text(item.get("name")) or "",
        origin="shipped",
        levels=levels,
        aliases=_text_list(item.get("aliases")),
        keywords=_text_list(item.get("keywords")),
        field=_text(item.get("field")),
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
        source_url=source_url,
        source_date=source_date,
        decision=_text(item.get("decision")),
        verified=verified,
        notes=notes,
        kind=entry_kind,
        deadline=_parse_deadline(item.get("deadline"), code, check),
        benefit=_parse_benefit(item.get("benefit"), code, check),
        validity=_parse_validity(item.get("validity"), code, check),
        forms=_parse_forms(item.get("forms"), code, check),
        audit=audit,
        pointer=pointer,
    )
    for path, text in citizen_texts(record):
        found = find_placeholder(text)
        if found:
            check.fail(code, path, f"placeholder or internal remark {found!r} shown to citizens")
    return record


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
