"""What a first message means (issue 11, dev33-dev35): a wrong done by an employer is a petition however it
is asked, and "gửi câu hỏi giúp em" accepts the offer to pass a catalogue-less question on."""

from __future__ import annotations

from typing import Any

import pytest

from actions.handoff import ActionHandoff
from actions.petition import asks_how_to
from tests.actions.support import make_tracker, run, slot_values


@pytest.mark.parametrize(
    "typed",
    [
        "Công ty may ở xã Cái Bè nợ lương tụi tui 2 tháng rồi hổng trả, giờ phải làm sao",
        "cty no luong cong nhan 3 thang ko tra thi lam sao",
        "chủ thầu quỵt tiền công tụi tui, giờ báo ở đâu",
        "bị đuổi việc mà không trả lương tháng cuối thì phải làm sao",
    ],
)
def test_a_wrong_done_by_an_employer_is_no_how_to_question(typed: str) -> None:
    assert not asks_how_to(typed)


def test_a_question_about_wages_that_reports_no_wrong_still_asks_how_to() -> None:
    assert asks_how_to("làm thêm giờ ngày chủ nhật thì công ty trả lương bao nhiêu phần trăm")
    assert asks_how_to("nếu chưa trả lời thì tui hỏi ở đâu")


async def test_sending_the_question_just_offered_files_it(domain: dict[str, Any]) -> None:
    question = "làm thêm giờ ngày chủ nhật thì cty phải trả lương bao nhiêu phần trăm"
    offered = [
        {"event": "user", "text": question, "parse_data": {}},
        {"event": "action", "name": "action_offer_question"},
    ]
    tracker = make_tracker(
        "dạ vậy gửi câu hỏi giúp em, em tên Ngô Minh Tâm sđt 0935111222",
        intent="request_human",
        slots={"pending_question": question},
        previous_events=offered,
        sender_id="openers-send-question",
    )
    events, messages = await run(ActionHandoff(), tracker, domain)
    assert {"event": "followup", "name": "action_submit_question", "timestamp": None} in events
    assert "handoff" not in slot_values(events)
    assert messages == []
