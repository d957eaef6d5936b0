"""Issue 11 (dev22 round): a number of pages given after a fee charged by the page is that fee computed,
for the procedure in the talk, even when the message names the paper copied ("sổ hộ nghèo")."""

from __future__ import annotations

from typing import Any

from actions.procedures import ActionAnswerProcedure
from tests.actions.support import make_tracker, run, slot_values, texts

COPY = "2.000815"  # certified copy from the original


async def test_pages_of_a_named_paper_after_the_per_page_fee_compute_that_fee(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "sổ hộ nghèo có 5 trang thì tính sao",
        intent="ask_procedure",
        entities=[{"entity": "procedure", "value": "hộ nghèo", "start": 3, "end": 11}],
        slots={"current_procedure": COPY, "procedure_aspects": ["fee", "time"]},
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == COPY
    assert "7.000 đồng/bản" in texts(messages)


async def test_pages_after_a_fee_not_by_the_page_follow_the_usual_path(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "giấy ủy quyền 5 trang thì sao",
        intent="ask_procedure",
        slots={"current_procedure": "2.000884", "procedure_aspects": ["fee"]},
    )
    _, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert "đồng/bản" not in texts(messages)
