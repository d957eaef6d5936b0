"""Codes citizens type, in one place: dossier codes, this system's ticket codes, phone numbers.

Formats (docs/architecture.md, "Codes"):
- dossier (national one-stop format) ``000.00.20.H19-250312-0004``; citizens also type it without dots or
  dashes, or with spaces (``000002 0H19 250312 0004``): :func:`normalize_dossier_code` restores the form;
- ticket ``PA-YYMMDD-NNNN`` (petition), ``HD-`` (question), ``BC-`` (postal), ``LH-`` (appointment);
- phone: Vietnamese, ``0`` or ``+84``/``84`` then 9-10 digits, stored as ``0xxxxxxxxx``.

``nlu_data/regex.yml`` carries :data:`PATTERNS` for Rasa's RegexFeaturizer (a test keeps them equal).
Offsets from :func:`find_codes` are into the text as given; values are in their stored form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DOSSIER_CODE_PATTERN",
    "DOSSIER_CODE_RE",
    "LEMMAS",
    "PATTERNS",
    "PHONE_RE",
    "TICKET_CODE_PATTERN",
    "TICKET_CODE_RE",
    "TICKET_PREFIXES",
    "CodeMatch",
    "find_codes",
    "find_dossier_code",
    "find_phone_last4",
    "find_ticket_code",
    "is_ticket_code",
    "normalize_code",
    "normalize_dossier_code",
    "normalize_phone",
    "normalize_ticket_code",
    "phone_last4",
]

TICKET_PREFIXES = ("PA", "HD", "BC", "LH")
# The ticket code as a bare pattern (no anchors): aiohttp route patterns, OpenAPI schemas, redaction.
TICKET_CODE_PATTERN = r"(?:PA|HD|BC|LH)-\d{6}-\d{4,6}"
TICKET_CODE_RE = re.compile(rf"^{TICKET_CODE_PATTERN}$")
DOSSIER_CODE_PATTERN = r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}"
DOSSIER_CODE_RE = re.compile(rf"^{DOSSIER_CODE_PATTERN}$")
PHONE_RE = re.compile(r"^0\d{9,10}$")

# entity name -> pattern (Python ``re`` syntax, matched case-insensitively). The dossier pattern takes the
# dotted form and the same groups typed without separators, with spaces, or with stray spaces around them.
_SEP = r"\s*[.\-]?\s*"
PATTERNS: dict[str, str] = {
    "dossier_code": (
        rf"(?<![\w.])\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}H\d{{2}}{_SEP}\d{{6}}{_SEP}\d{{4}}(?![\w-])"
    ),
    "petition_code": r"(?<![\w-])(?:PA|HD|BC|LH)-\d{6}-\d{4,6}(?![\w-])",
    "phone_number": r"(?<![\w+])(?:\+84|0)(?:[ .\-]?\d){9,10}(?![\w-])",
}
# Placeholder lemmas the tokenizer gives a code token, so features see "a code" rather than digits.
LEMMAS: dict[str, str] = {
    "dossier_code": "__dossier_code__",
    "petition_code": "__petition_code__",
    "phone_number": "__phone_number__",
}
_COMPILED = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in PATTERNS.items()}
_DOSSIER_PARTS = re.compile(r"(\d{3})(\d{2})(\d{2})H(\d{2})(\d{6})(\d{4})")
_TICKET_LOOSE = re.compile(r"(PA|HD|BC|LH)[\s_\-]*(\d{6})[\s_\-]*(\d{4,6})(?!\d)", re.IGNORECASE)
_PHONE_SEPARATORS = re.compile(r"[\s.\-()/]")
_DIGIT_RUN = re.compile(r"\+?\d(?:[ .\-]?\d)*")


@dataclass(frozen=True)
class CodeMatch:
    entity: str
    start: int
    end: int
    value: str


# ---- dossier codes ------------------------------------------------------------------------------------


def normalize_dossier_code(text: str) -> str | None:
    """The stored form of a dossier code typed with or without dots, dashes and spaces; None if it is not
    one (exactly one code's worth of characters, nothing else; commas typed for dots are accepted)."""
    compact = re.sub(r"[\s.,\-]", "", text or "").upper()
    match = _DOSSIER_PARTS.fullmatch(compact)
    if not match:
        return None
    a, b, c, h, day, number = match.groups()
    return f"{a}.{b}.{c}.H{h}-{day}-{number}"


def find_dossier_code(text: str) -> str | None:
    """The first dossier code in ``text``, in its stored form."""
    for match in _COMPILED["dossier_code"].finditer(text or ""):
        code = normalize_dossier_code(match.group(0))
        if code:
            return code
    return None


# ---- ticket codes -------------------------------------------------------------------------------------


def is_ticket_code(text: str) -> bool:
    return bool(TICKET_CODE_RE.match((text or "").strip().upper()))


def normalize_ticket_code(text: str) -> str:
    """``pa-251202-0001 `` -> ``PA-251202-0001`` (use :func:`is_ticket_code` to check first)."""
    return (text or "").strip().upper()


def find_ticket_code(text: str) -> str | None:
    """The first ticket code in ``text`` (any case; spaces or underscores for dashes), in its stored form."""
    match = _TICKET_LOOSE.search(text or "")
    if not match:
        return None
    prefix, day, number = match.groups()
    return f"{prefix.upper()}-{day}-{number}"


# ---- phones -------------------------------------------------------------------------------------------


def normalize_phone(text: str) -> str | None:
    """``+84 912 345 678`` / ``0912.345.678`` / ``(091) 234 5678`` -> ``0912345678``; None if not a phone."""
    raw = _PHONE_SEPARATORS.sub("", (text or "").strip())
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) in (11, 12) and raw.isdigit():
        raw = "0" + raw[2:]
    return raw if PHONE_RE.match(raw) else None


def phone_last4(phone: str | None) -> str | None:
    return phone[-4:] if phone else None


def find_phone_last4(text: str) -> str | None:
    """The last 4 digits of a phone number in ``text``: a group of exactly four digits ("5678",
    "5 6 7 8"), or the end of a whole phone number; the last such group wins."""
    for run in reversed(_DIGIT_RUN.findall(text or "")):
        digits = re.sub(r"\D", "", run)
        if len(digits) == 4:
            return digits
        phone = normalize_phone(run)
        if phone:
            return phone[-4:]
    return None


# ---- extraction ---------------------------------------------------------------------------------------


def normalize_code(entity: str, surface: str) -> str:
    """The stored form of a code as typed."""
    if entity == "phone_number":
        digits = re.sub(r"\D", "", surface)
        if surface.startswith("+84"):
            digits = "0" + digits[2:]
        return digits
    if entity == "dossier_code":
        return normalize_dossier_code(surface) or surface.upper()
    return surface.upper()


def find_codes(text: str) -> list[CodeMatch]:
    """All codes in ``text``, left to right, without overlaps (earlier pattern wins on a tie)."""
    if not text:
        return []
    found: list[CodeMatch] = []
    for entity, regex in _COMPILED.items():
        for match in regex.finditer(text):
            if any(match.start() < m.end and m.start < match.end() for m in found):
                continue
            found.append(
                CodeMatch(entity, match.start(), match.end(), normalize_code(entity, match.group(0)))
            )
    return sorted(found, key=lambda m: m.start)
