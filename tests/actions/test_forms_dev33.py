"""Issue 11 (dev33-dev35 round), the forms:

- an answer that says when the citizen is free ("mai tui rảnh"), read by the NLU as a farewell, stops no
  request: the question is asked again;
- the receipt of a petition the desk still has to route says where the matter is.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions.common import says_when_free
from actions.confirmation import ActionSubmitRequest
from actions.postal import DELIVERY, ValidatePostalForm
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts

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


# ------------------------------------------------------------------------------- the petition's receipt


async def test_a_petition_the_desk_still_routes_restates_its_place(domain: dict[str, Any]) -> None:
    # a wage arrears the triage cannot place with confidence stays with the desk: no agency is named, so
    # the receipt says where the matter is (after a corrected place, the one the citizen gave last)
    tracker = make_tracker(
        "giờ đúng rồi, gửi đi",
        intent="affirm",
        slots={
            "petition_description": "Cửa hàng điện máy ở khóm 2, phường Mỹ Trà nợ lương nhân viên 2 tháng.",
            "petition_location": "khóm 2, Phường Mỹ Trà",
            "contact_phone": "0901222333",
            "contact_name": "Lâm Thị Hồng",
            "request_kind": "petition",
        },
        sender_id="petition-dev35",
    )
    events, messages = await run(ActionSubmitRequest(), tracker, domain)
    code = slot_values(events)["last_ticket_code"]
    reply = texts(messages)
    assert code in reply
    assert "chuyển tới" in reply
    assert "khóm 2, Phường Mỹ Trà" in reply
