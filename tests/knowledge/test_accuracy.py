"""Search keeps an accuracy floor on the held-out citizen questions (tests/data/procedure_questions.yml).

The benchmark (tests/bench/bench_knowledge.py) measures the exact numbers; this test only guards
against regressions, a little below the targets (top-1 0.90, top-3 0.97).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.catalogue import load_shipped
from knowledge.service import Catalogue
from vietnam.text import strip_diacritics

QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "procedure_questions.yml"
TOP1_FLOOR = 0.85
TOP3_FLOOR = 0.93


def load_questions() -> list[tuple[str, set[str]]]:
    if not QUESTIONS.exists():
        pytest.skip(f"{QUESTIONS} not written yet")
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    items = data["questions"] if isinstance(data, dict) else data
    return [(str(q["text"]), {str(q["code"]), *(str(c) for c in q.get("also") or [])}) for q in items]


def test_question_set_is_large_enough_and_labelled_with_shipped_codes() -> None:
    questions = load_questions()
    assert len(questions) >= 150
    shipped = {p.code for p in load_shipped()}
    unknown = {text: codes for text, codes in questions if not codes & shipped}
    assert not unknown, f"questions labelled with codes not in the shipped catalogue: {unknown}"


@pytest.mark.parametrize("strip", [False, True], ids=["as-written", "no-diacritics"])
def test_search_accuracy_floor(catalogue: Catalogue, strip: bool) -> None:
    questions = load_questions()
    top1 = top3 = 0
    misses = []
    for text, codes in questions:
        query = strip_diacritics(text) if strip else text
        found = [h.code for h in catalogue.search(query, limit=3)]
        top1 += bool(found) and found[0] in codes
        top3 += bool(set(found) & codes)
        if not found or found[0] not in codes:
            misses.append(f"{query!r}: expected {sorted(codes)}, got {found}")
    n = len(questions)
    assert top1 / n >= TOP1_FLOOR, f"top-1 {top1 / n:.3f}; misses:\n" + "\n".join(misses)
    assert top3 / n >= TOP3_FLOOR, f"top-3 {top3 / n:.3f}; misses:\n" + "\n".join(misses)
