"""Masking of personal data in text shown publicly (Open311 reads, the public status page)."""

from __future__ import annotations

import re

from vietnam.codes import DOSSIER_CODE_PATTERN, TICKET_CODE_PATTERN

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Phone numbers (0xxx or +84, with optional separators) and ID numbers (CMND 9 / CCCD 12 digits).
_NUMBER = re.compile(r"(?<!\w)(\+?84|0)?(?:[\s.\-]?\d){8,11}(?!\w)")
# Ticket and dossier codes are not personal data and must stay readable.
_CODE = re.compile(TICKET_CODE_PATTERN + "|" + DOSSIER_CODE_PATTERN)
MASK = "***"


def redact(text: str | None) -> str | None:
    """Text with e-mail addresses, phone numbers and ID-card numbers replaced by ***."""
    if text is None:
        return None
    text = _EMAIL.sub(MASK, text)
    parts = []
    last = 0
    for code in _CODE.finditer(text):
        parts.append(_mask_numbers(text[last : code.start()]))
        parts.append(code.group(0))
        last = code.end()
    parts.append(_mask_numbers(text[last:]))
    return "".join(parts)


def _mask_numbers(text: str) -> str:
    return _NUMBER.sub(lambda m: MASK if sum(ch.isdigit() for ch in m.group(0)) >= 9 else m.group(0), text)
