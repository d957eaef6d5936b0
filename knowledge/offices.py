"""The office directory: where citizens go (``knowledge/data/offices.yml``) -> validated records.

The format is described in ``knowledge/schema.md`` ("Office directory").
``python -m knowledge.cli validate`` checks the file (``--offices FILE``) and prints one line per problem.
A contact detail is either read in the source named next to it or null; a null is never filled in by the
code, the answer says plainly that it is not known.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.catalogue import find_placeholder

__all__ = [
    "COMMUNE_KINDS",
    "OFFICES_FILE",
    "Hotline",
    "Office",
    "OfficeDirectory",
    "OfficeError",
    "Site",
    "is_phone",
    "load_offices",
    "validate_offices",
]

OFFICES_FILE = Path(__file__).resolve().parent / "data" / "offices.yml"
COMMUNE_KINDS = ("xa", "phuong")

# Digits once spaces and dots are removed: landline or mobile (0 + 9-10 digits), 1800/1900 numbers, the 1022
# hotline, the 111-115 emergency numbers.
_PHONE_CHARS = re.compile(r"^[0-9 .]+$")
_PHONE_DIGITS = re.compile(r"^(0\d{9,10}|1[89]00\d{4,6}|1022|11[1-5])$")


class OfficeError(ValueError):
    """The office directory does not follow knowledge/schema.md."""


@dataclass(frozen=True)
class Hotline:
    phone: str
    purpose: str


@dataclass(frozen=True)
class Site:
    label: str
    address: str
    source: str | None = None
    source_url: str | None = None
    since: dt.date | None = None
    verified: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Office:
    key: str  # place code (communes) or agency code (province)
    name: str
    address: str | None
    phone: str | None
    hours: str | None
    source: str
    source_date: dt.date
    verified: bool
    source_url: str | None = None
    note: str | None = None
    sites: list[Site] = field(default_factory=list)
    hotlines: list[Hotline] = field(default_factory=list)
    # province offices only: the agency code of the office that receives its dossiers (a department's
    # procedures are filed at the province service centre), when its source says so
    dossiers_at: str | None = None
    # communes and wards only
    kind: str | None = None
    committee: str | None = None
    service_point: str | None = None
    police: str | None = None

    @property
    def has_contact(self) -> bool:
        """True when at least one address or phone number is known."""
        return bool(self.address or self.phone or self.sites or self.hotlines)


@dataclass(frozen=True)
class OfficeDirectory:
    updated: dt.date
    fallback_phone: str
    fallback_name: str
    portal_url: str
    portal_name: str
    saturday_hours: str | None
    weekday_hours: str | None
    communes: dict[str, Office]
    province: dict[str, Office]
    # the fallback hotline number was confirmed in a current official source (``fallback.hotline.verified``)
    fallback_verified: bool = False

    def commune(self, code: str) -> Office | None:
        return self.communes.get(code)

    def agency(self, code: str) -> Office | None:
        return self.province.get(code)


def is_phone(value: Any) -> bool:
    """A Vietnamese phone number as written for citizens ("0277 3898989", "1900 1006", "1022")."""
    if not isinstance(value, str) or not _PHONE_CHARS.match(value):
        return False
    return bool(_PHONE_DIGITS.match(value.replace(" ", "").replace(".", "")))


def _https(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("https://") and " " not in value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


class _Checker:
    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def fail(self, key: str, path: str, message: str) -> None:
        self.problems.append(f"{self.where}: {key}: {path}: {message}")

    def text(self, key: str, path: str, value: Any, *, required: bool = False) -> str | None:
        text = _text(value)
        if text is None:
            if required:
                self.fail(key, path, "required")
            return None
        placeholder = find_placeholder(text)
        if placeholder:
            self.fail(key, path, f"placeholder text {placeholder!r}: use null and verified: false")
        return text

    def phone(self, key: str, path: str, value: Any) -> str | None:
        if value is None:
            return None
        if not is_phone(value):
            self.fail(key, path, f"{value!r} is not a Vietnamese phone number (quote it: '0277 3898989')")
            return None
        return str(value)

    def url(self, key: str, path: str, value: Any) -> str | None:
        if value is None:
            return None
        if not _https(value):
            self.fail(key, path, "an https:// address or null")
            return None
        return str(value)

    def date(self, key: str, path: str, value: Any, *, required: bool = False) -> dt.date | None:
        if value is None and not required:
            return None
        date = _date(value)
        if date is None:
            self.fail(key, path, "a date YYYY-MM-DD")
        return date

    def flag(self, key: str, path: str, value: Any) -> bool:
        if not isinstance(value, bool):
            self.fail(key, path, "true or false")
            return False
        return value


def _parse_sites(value: Any, key: str, check: _Checker) -> list[Site]:
    if value is None:
        return []
    if not isinstance(value, list):
        check.fail(key, "sites", "a list of {label, address, source, source_url, verified, since?, note?}")
        return []
    sites = []
    for i, item in enumerate(value):
        path = f"sites[{i}]"
        if not isinstance(item, dict):
            check.fail(key, path, "a mapping")
            continue
        label = check.text(key, f"{path}.label", item.get("label"), required=True)
        address = check.text(key, f"{path}.address", item.get("address"), required=True)
        source = check.text(key, f"{path}.source", item.get("source"), required=True)
        if label and address:
            sites.append(
                Site(
                    label=label,
                    address=address,
                    source=source,
                    source_url=check.url(key, f"{path}.source_url", item.get("source_url")),
                    since=check.date(key, f"{path}.since", item.get("since")),
                    verified=check.flag(key, f"{path}.verified", item.get("verified")),
                    note=_text(item.get("note")),
                )
            )
    return sites


def _parse_hotlines(value: Any, key: str, check: _Checker) -> list[Hotline]:
    if value is None:
        return []
    if not isinstance(value, list):
        check.fail(key, "hotlines", "a list of {phone, purpose}")
        return []
    hotlines = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            check.fail(key, f"hotlines[{i}]", "a mapping {phone, purpose}")
            continue
        phone = check.phone(key, f"hotlines[{i}].phone", item.get("phone"))
        purpose = check.text(key, f"hotlines[{i}].purpose", item.get("purpose"), required=True)
        if phone is None and item.get("phone") is None:
            check.fail(key, f"hotlines[{i}].phone", "required")
        if phone and purpose:
            hotlines.append(Hotline(phone=phone, purpose=purpose))
    return hotlines


def _parse_office(key: str, item: Any, check: _Checker, *, commune: bool) -> Office | None:
    if not isinstance(item, dict):
        check.fail(key, "", "a mapping (see knowledge/schema.md, Office directory)")
        return None
    name = check.text(key, "name", item.get("name"), required=True)
    source = check.text(key, "source", item.get("source"), required=True)
    source_date = check.date(key, "source_date", item.get("source_date"), required=True)
    verified = check.flag(key, "verified", item.get("verified"))
    office = Office(
        key=key,
        name=name or key,
        address=check.text(key, "address", item.get("address")),
        phone=check.phone(key, "phone", item.get("phone")),
        hours=check.text(key, "hours", item.get("hours")),
        source=source or "",
        source_url=check.url(key, "source_url", item.get("source_url")),
        source_date=source_date or dt.date.min,
        verified=verified,
        note=_text(item.get("note")),
        sites=_parse_sites(item.get("sites"), key, check),
        hotlines=_parse_hotlines(item.get("hotlines"), key, check),
        dossiers_at=check.text(key, "dossiers_at", item.get("dossiers_at")),
        kind=_text(item.get("kind")),
        committee=check.text(key, "committee", item.get("committee"), required=commune),
        service_point=check.text(key, "service_point", item.get("service_point"), required=commune),
        police=check.text(key, "police", item.get("police"), required=commune),
    )
    if commune and office.kind not in COMMUNE_KINDS:
        check.fail(key, "kind", f"one of {', '.join(COMMUNE_KINDS)}")
    if verified and not office.has_contact:
        check.fail(key, "verified", "true needs an address, phone, site or hotline read in the source")
    if office.has_contact and not office.source_url:
        check.fail(key, "source_url", "required when a contact detail is given")
    return office


def _read(path: Path) -> tuple[OfficeDirectory | None, list[str]]:
    check = _Checker(path.name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return None, [f"{path.name}: cannot read: {exc}"]
    if not isinstance(data, dict):
        return None, [f"{path.name}: the top level must be a mapping"]
    updated = check.date("updated", "", data.get("updated"), required=True)

    fallback = data.get("fallback") if isinstance(data.get("fallback"), dict) else {}
    hotline = fallback.get("hotline") if isinstance(fallback.get("hotline"), dict) else {}
    portal = fallback.get("portal") if isinstance(fallback.get("portal"), dict) else {}
    fallback_phone = check.phone("fallback", "hotline.phone", hotline.get("phone"))
    if not fallback_phone:
        check.fail("fallback", "hotline.phone", "required")
    fallback_name = check.text("fallback", "hotline.name", hotline.get("name"), required=True)
    check.url("fallback", "hotline.source_url", hotline.get("source_url"))
    fallback_verified = check.flag("fallback", "hotline.verified", hotline.get("verified"))
    portal_url = check.url("fallback", "portal.url", portal.get("url"))
    if not portal_url:
        check.fail("fallback", "portal.url", "required")
    portal_name = check.text("fallback", "portal.name", portal.get("name"), required=True)

    hours = data.get("hours") if isinstance(data.get("hours"), dict) else {}
    saturday = check.text("hours", "saturday", hours.get("saturday"))
    weekdays = check.text("hours", "weekdays", hours.get("weekdays"))
    if saturday or weekdays:
        check.text("hours", "source", hours.get("source"), required=True)
        check.url("hours", "source_url", hours.get("source_url"))

    sections: dict[str, dict[str, Office]] = {}
    for section, commune in (("communes", True), ("province", False)):
        raw = data.get(section)
        offices: dict[str, Office] = {}
        if not isinstance(raw, dict):
            check.fail(section, "", "a mapping code -> office")
        else:
            for key, item in raw.items():
                office = _parse_office(str(key), item, check, commune=commune)
                if office:
                    offices[str(key)] = office
        sections[section] = offices

    for key, office in sections["province"].items():
        if office.dossiers_at and office.dossiers_at not in sections["province"]:
            check.fail(key, "dossiers_at", f"{office.dossiers_at!r} is not a province office of this file")
    if check.problems:
        return None, check.problems
    directory = OfficeDirectory(
        updated=updated or dt.date.min,
        fallback_phone=fallback_phone or "",
        fallback_name=fallback_name or "",
        portal_url=portal_url or "",
        portal_name=portal_name or "",
        saturday_hours=saturday,
        weekday_hours=weekdays,
        communes=sections["communes"],
        province=sections["province"],
        fallback_verified=fallback_verified,
    )
    return directory, []


def validate_offices(path: Path = OFFICES_FILE) -> list[str]:
    """Problems found in the office directory (empty when valid)."""
    return _read(Path(path))[1]


def load_offices(path: Path = OFFICES_FILE) -> OfficeDirectory:
    """The office directory; raises :class:`OfficeError` on any problem."""
    directory, problems = _read(Path(path))
    if directory is None:
        raise OfficeError("; ".join(problems[:20]) + (" ..." if len(problems) > 20 else ""))
    return directory
