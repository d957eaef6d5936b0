"""Helpers for tests of the shipped catalogue through the knowledge facade."""

from __future__ import annotations

from knowledge.facade import get_procedure, match_catalogue
from knowledge.records import ProcedureRecord


def record(code: str) -> ProcedureRecord:
    """The shipped record of ``code``; fails the test when there is none."""
    found = get_procedure(code)
    assert found is not None, code
    return found


def top_code(question: str) -> str | None:
    """The code the catalogue match finds first for ``question``, None when it finds nothing."""
    match = match_catalogue(question)
    return match.top.code if match.found and match.top is not None else None
