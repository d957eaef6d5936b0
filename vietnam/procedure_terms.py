"""The words citizens use for procedures (``data/procedure_terms.yml``), read by both runtimes.

Each entry is a canonical term (the ``procedure`` entity value of the NLU gazetteer), the aliases citizens
use for it ("sổ đỏ" for the land use certificate) and optionally the national code of the procedure it
names. The knowledge base's search expands queries with the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

__all__ = ["TERMS_FILE", "TermEntry", "load_terms"]

TERMS_FILE = Path(__file__).resolve().parent / "data" / "procedure_terms.yml"


@dataclass(frozen=True)
class TermEntry:
    """Canonical term, its aliases, optional national code."""

    term: str
    aliases: tuple[str, ...]
    code: str | None = None


@lru_cache(maxsize=8)
def _load(path: str) -> tuple[TermEntry, ...]:
    file = Path(path)
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or []
    entries = []
    for item in data:
        if not isinstance(item, dict) or not item.get("term"):
            continue
        code = item.get("code")
        entries.append(
            TermEntry(
                term=str(item["term"]),
                aliases=tuple(str(a) for a in item.get("aliases") or []),
                code=str(code) if code else None,
            )
        )
    return tuple(entries)


def load_terms(path: Path | str = TERMS_FILE) -> list[TermEntry]:
    """The entries of a terms file (default the shipped one); a missing file is an error."""
    return list(_load(str(path)))
