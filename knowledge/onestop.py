"""The province's one-stop system (Hệ thống thông tin giải quyết TTHC), as seen by the helpdesk.

``DossierRecord`` is the one shape a dossier has when it enters the helpdesk, from a CSV export or from the
HTTP adapter; ``DossierRecord.from_mapping`` is the one place where incoming fields are validated.
``HttpOneStopClient`` speaks the HTTP interface documented in ``docs/onestop-adapter.md``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from vietnam.codes import normalize_dossier_code, normalize_phone
from vietnam.text import fold
from vietnam.workdays import LOCAL_TZ

__all__ = [
    "STATUSES",
    "DossierRecord",
    "HttpOneStopClient",
    "InvalidDossierRecord",
    "OneStopClient",
    "OneStopUnavailable",
]

STATUSES = ("received", "processing", "additional_documents", "completed", "returned")
DELIVERY_METHODS = ("counter", "postal", "online")

# Labels the one-stop system and its exports use, folded (no diacritics, lower case).
_STATUS_ALIASES = {
    "da tiep nhan": "received",
    "moi tiep nhan": "received",
    "dang xu ly": "processing",
    "dang giai quyet": "processing",
    "cho bo sung": "additional_documents",
    "yeu cau bo sung": "additional_documents",
    "bo sung ho so": "additional_documents",
    "da tra ket qua": "completed",
    "hoan thanh": "completed",
    "da giai quyet": "completed",
    "tra lai": "returned",
    "tu choi": "returned",
    "khong giai quyet": "returned",
}
_DELIVERY_ALIASES = {
    "tai quay": "counter",
    "truc tiep": "counter",
    "buu chinh": "postal",
    "buu chinh cong ich": "postal",
    "truc tuyen": "online",
}


class InvalidDossierRecord(ValueError):
    """A field of an incoming dossier is missing or malformed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class OneStopUnavailable(RuntimeError):
    """The one-stop system did not answer usefully (network, timeout, 5xx, bad body)."""


def _parse_time(field: str, value: Any, *, required: bool) -> datetime | None:
    if value in (None, ""):
        if required:
            raise InvalidDossierRecord(field, "is required")
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError as error:
            raise InvalidDossierRecord(field, f"not an ISO 8601 date/time: {value!r}") from error
    if parsed.tzinfo is None:  # the one-stop system speaks local time
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed.astimezone(UTC)


def _choice(field: str, value: Any, allowed: tuple[str, ...], aliases: Mapping[str, str]) -> str:
    text = str(value or "").strip()
    if text in allowed:
        return text
    mapped = aliases.get(fold(text))
    if mapped is None:
        raise InvalidDossierRecord(field, f"unknown value {text!r}; expected one of {', '.join(allowed)}")
    return mapped


def _text(field: str, value: Any, *, required: bool, limit: int = 2000) -> str | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        if required:
            raise InvalidDossierRecord(field, "is required")
        return None
    if len(text) > limit:
        raise InvalidDossierRecord(field, f"longer than {limit} characters")
    return text


@dataclass(frozen=True)
class DossierRecord:
    code: str
    procedure_name: str
    applicant_name: str
    applicant_phone: str
    received_at: datetime
    status: str
    procedure_code: str | None = None
    due_at: datetime | None = None
    completed_at: datetime | None = None
    current_agency: str | None = None
    delivery_method: str | None = None
    note: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DossierRecord:
        """Validate one dossier from a CSV row or a one-stop JSON body."""
        code = normalize_dossier_code(str(data.get("code") or ""))
        if code is None:
            raise InvalidDossierRecord("code", f"not a national dossier code: {data.get('code')!r}")
        phone = normalize_phone(str(data.get("applicant_phone") or ""))
        if phone is None:
            raise InvalidDossierRecord("applicant_phone", "not a Vietnamese phone number")
        delivery = data.get("delivery_method")
        return cls(
            code=code,
            procedure_code=_text("procedure_code", data.get("procedure_code"), required=False, limit=32),
            procedure_name=_text("procedure_name", data.get("procedure_name"), required=True) or "",
            applicant_name=_text("applicant_name", data.get("applicant_name"), required=True, limit=200)
            or "",
            applicant_phone=phone,
            received_at=_parse_time("received_at", data.get("received_at"), required=True),  # type: ignore[arg-type]
            due_at=_parse_time("due_at", data.get("due_at"), required=False),
            completed_at=_parse_time("completed_at", data.get("completed_at"), required=False),
            status=_choice("status", data.get("status"), STATUSES, _STATUS_ALIASES),
            current_agency=_text("current_agency", data.get("current_agency"), required=False, limit=300),
            delivery_method=(
                _choice("delivery_method", delivery, DELIVERY_METHODS, _DELIVERY_ALIASES)
                if delivery
                else None
            ),
            note=_text("note", data.get("note"), required=False),
        )


class OneStopClient(Protocol):
    """What the helpdesk needs from the one-stop system: one dossier by its code."""

    def fetch_dossier(self, code: str) -> DossierRecord | None:
        """The dossier, None when the system does not know the code; raises OneStopUnavailable."""
        ...


class HttpOneStopClient:
    """``GET {base_url}/dossiers/{code}`` with a bearer token (see docs/onestop-adapter.md)."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def fetch_dossier(self, code: str) -> DossierRecord | None:
        url = f"{self.base_url}/dossiers/{urllib.parse.quote(code, safe='')}"
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(1_000_000)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise OneStopUnavailable(f"one-stop system answered HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise OneStopUnavailable(f"one-stop system unreachable: {error}") from error
        try:
            payload = json.loads(body)
            return DossierRecord.from_mapping(payload)
        except (ValueError, TypeError, AttributeError) as error:
            raise OneStopUnavailable(f"one-stop system sent an unusable dossier: {error}") from error
