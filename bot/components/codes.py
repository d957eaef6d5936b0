"""Codes citizens type: dossier codes, this system's ticket codes, phone numbers.

The formats are those of docs/architecture.md ("Codes"). ``nlu_data/regex.yml`` carries the same patterns
for Rasa's own RegexFeaturizer (a test keeps both equal). Offsets are into the text as given; values are
normalised (dossier and ticket codes upper case, phone numbers as ``0xxxxxxxxx``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# entity name -> pattern (Python ``re`` syntax, matched case-insensitively)
PATTERNS: dict[str, str] = {
    "dossier_code": r"(?<![\w.])\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}(?![\w-])",
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


@dataclass(frozen=True)
class CodeMatch:
    entity: str
    start: int
    end: int
    value: str


def normalize_code(entity: str, surface: str) -> str:
    """The stored form of a code as typed."""
    if entity == "phone_number":
        digits = re.sub(r"\D", "", surface)
        if surface.startswith("+84"):
            digits = "0" + digits[2:]
        return digits
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
