"""The province's one-stop system (Hệ thống thông tin giải quyết TTHC), as seen by the helpdesk.

``DossierRecord`` is the one shape a dossier has when it enters the helpdesk, from a CSV export or from the
HTTP adapter; ``DossierRecord.from_mapping`` is the one place where incoming fields are validated.
``HttpOneStopClient`` speaks the HTTP interface documented in ``docs/onestop-adapter.md``: an aiohttp
client with one total deadline per lookup (connect, redirects and body together), redirects followed
only within the configured origin, and the bearer token sent to that origin only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import aiohttp

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


MAX_BODY_BYTES = 1_000_000
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, (parts.hostname or "").lower(), port


class HttpOneStopClient:
    """``GET {base_url}/dossiers/{code}`` with a bearer token (see docs/onestop-adapter.md).

    ``await fetch(code)`` is the async client (aiohttp). Within ``timeout`` seconds in total, however
    slowly the server sends, the lookup ends: a dossier, None (404) or ``OneStopUnavailable``.
    Redirects are followed only to the same scheme, host and port as ``base_url`` (at most 3); a
    redirect elsewhere is refused, so the token never leaves that origin. Proxies from the environment
    are not used. ``fetch_dossier(code)`` is the same lookup for synchronous callers in a worker thread
    (``knowledge.dossiers.DossierService``).
    """

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._origin = _origin(self.base_url)

    def _url(self, code: str) -> str:
        return f"{self.base_url}/dossiers/{urllib.parse.quote(code, safe='')}"

    async def fetch(self, code: str) -> DossierRecord | None:
        try:
            async with asyncio.timeout(self.timeout):
                status, body = await self._get(self._url(code))
        except TimeoutError as error:
            raise OneStopUnavailable(f"one-stop system did not answer within {self.timeout:g} s") from error
        if status == 404:
            return None
        if status != 200:
            raise OneStopUnavailable(f"one-stop system answered HTTP {status}")
        try:
            return DossierRecord.from_mapping(json.loads(body))
        except (ValueError, TypeError, AttributeError) as error:
            raise OneStopUnavailable(f"one-stop system sent an unusable dossier: {error}") from error

    async def _get(self, url: str) -> tuple[int, bytes]:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout, trust_env=False) as session:
                for _ in range(MAX_REDIRECTS + 1):
                    if _origin(url) != self._origin:
                        raise OneStopUnavailable(
                            "one-stop system redirected to another origin; not followed (token withheld)"
                        )
                    headers = {"Accept": "application/json"}
                    if self.token:
                        headers["Authorization"] = f"Bearer {self.token}"
                    async with session.get(url, headers=headers, allow_redirects=False) as response:
                        if response.status in _REDIRECTS and "Location" in response.headers:
                            url = urllib.parse.urljoin(str(response.url), response.headers["Location"])
                            continue
                        return response.status, await _read_limited(response)
                raise OneStopUnavailable(f"one-stop system redirected more than {MAX_REDIRECTS} times")
        except aiohttp.ClientError as error:
            raise OneStopUnavailable(f"one-stop system unreachable: {type(error).__name__}") from error
        except OSError as error:
            raise OneStopUnavailable(f"one-stop system unreachable: {error}") from error
        except ValueError as error:  # a malformed Location header
            raise OneStopUnavailable(f"one-stop system sent a malformed redirect: {error}") from error

    def fetch_dossier(self, code: str) -> DossierRecord | None:
        """The lookup for synchronous callers; bounded by the same total deadline."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.fetch(code))
        # Called on a thread that runs an event loop: do the lookup on a thread of its own.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, self.fetch(code)).result()


async def _read_limited(response: aiohttp.ClientResponse) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(65536):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise OneStopUnavailable(f"one-stop system sent more than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
