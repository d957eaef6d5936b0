"""Issue 11 (dev33-dev35 round), the forms:

- an answer that says when the citizen is free ("mai tui rảnh"), read by the NLU as a farewell, stops no
  request: the question is asked again;
"""

from __future__ import annotations

from typing import Any

import pytest

from actions.common import says_when_free
from actions.postal import DELIVERY, ValidatePostalForm
from tests.actions.support import answer_form, slot_values, texts

# ------------------------------------------------------------------------------- a time is no farewell


@pytest.mark.parametrize("text", ["mai tui rảnh", "mai tui ranh", "chiều nay có người ở nhà"])
def test_saying_when_one_is_free_is_no_farewell(text: str) -> None:
    assert says_when_free(text)


@pytest.mark.parametrize(
    "text",
    [
        "bữa nào rảnh tui lên xã trình bày trực tiếp",
        "mai tui hỏi tiếp nha",
        "sáng mai tui ở nhà, chào em",
        "ok để tuần sau tui chở má lên xã làm",
    ],
)
def test_leave_taken_with_a_time_is_still_a_farewell(text: str) -> None:
    assert not says_when_free(text)


async def test_a_free_day_at_the_address_step_asks_the_address_again(domain: dict[str, Any]) -> None:
    events, messages = await answer_form(
        ValidatePostalForm(),
        domain,
        "mai tui rảnh",
        "postal_address",
        slots={"postal_service_type": DELIVERY},
        intent="goodbye",
        confidence=0.82,
    )
    values = slot_values(events)
    assert values["postal_address"] is None
    assert values.get("form_outcome") is None
    assert "địa chỉ" in texts(messages)
