"""Issue 11 (dev29-dev32 round, follow-ups in context): a place question naming an office, background words
about who, a proxy question, a typed word of the procedure's name and an aspect a typed pick states all stay
on the procedure in the talk."""

from __future__ import annotations

from typing import Any

import pytest

from actions.procedures import ActionAnswerProcedure, names_only_an_office
from tests.actions.support import make_tracker, run, slot_values, texts

PASSPORT = "1.001456"  # Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)
PERMANENT = "1.004222"  # Đăng ký thường trú
CRIMINAL_RECORD = "3.000333"  # Cấp Phiếu lý lịch tư pháp
POOR_HOUSEHOLD = "1.011607"  # Công nhận hộ nghèo, hộ cận nghèo thường xuyên hằng năm
BIRTH = "1.001193"
COPY = "2.000635"  # Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh
AFTER_ANSWER = [{"event": "action", "name": "action_answer_procedure"}]


def test_an_office_named_where_one_files_is_a_place() -> None:
    assert names_only_an_office("nộp ở công an xã dc ko")
    assert names_only_an_office("lên ủy ban tỉnh làm được không")
    assert not names_only_an_office("nộp ở đâu")
    assert not names_only_an_office("khiếu nại cán bộ công an xã ở đâu")


async def _answer(
    domain: dict[str, Any], text: str, slots: dict[str, Any], **reading: Any
) -> tuple[str, str]:
    tracker = make_tracker(text, intent="ask_procedure", slots=slots, previous_events=AFTER_ANSWER, **reading)
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    return slot_values(events).get("current_procedure"), texts(messages)


async def test_a_place_question_naming_an_office_is_about_the_procedure_in_the_talk(
    domain: dict[str, Any],
) -> None:
    code, said = await _answer(
        domain,
        "nộp ở công an xã dc ko",
        {"current_procedure": PASSPORT},
        aspects={"place": 1.0},
        followup=0.2,
    )
    assert code == PASSPORT
    assert "tố cáo" not in said


async def test_background_words_about_who_do_not_leave_the_procedure(domain: dict[str, Any]) -> None:
    code, said = await _answer(
        domain,
        "cần giấy gì, ba má tui lớn tuổi rồi",
        {"current_procedure": PERMANENT},
        aspects={"documents": 0.92},
        followup=0.19,
    )
    assert code == PERMANENT
    assert "CT01" in said or "thay đổi thông tin cư trú" in said


@pytest.mark.parametrize(
    "text",
    ["con gái tui đang ở Sài Gòn, tui làm thế cho nó được hông", "lam cho em trai dc ko, no dang o Dai Loan"],
)
async def test_doing_it_for_someone_asks_who_may_apply(domain: dict[str, Any], text: str) -> None:
    code, said = await _answer(
        domain, text, {"current_procedure": CRIMINAL_RECORD}, aspects={"place": 0.89}, followup=0.1
    )
    assert code == CRIMINAL_RECORD
    assert "ủy quyền" in said


async def test_a_typed_word_of_the_procedures_name_stays_on_it(domain: dict[str, Any]) -> None:
    code, said = await _answer(
        domain,
        "cái thường xuyên á, nhà tui mới bị tai nạn nên nghèo",
        {"current_procedure": POOR_HOUSEHOLD},
        aspects={"documents": 0.43},
        followup=0.05,
    )
    assert code == POOR_HOUSEHOLD
    assert "chưa có trong danh mục" not in said


async def test_a_typed_pick_stating_its_aspect_keeps_it(domain: dict[str, Any]) -> None:
    text = "tui muốn xin thêm bản sao giấy khai sinh thì tốn nhiu"
    start = text.index("bản sao giấy khai sinh")
    entity = {
        "entity": "procedure",
        "value": "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
        "start": start,
        "end": start + len("bản sao giấy khai sinh"),
    }
    tracker = make_tracker(
        text,
        intent="ask_procedure",
        entities=[entity],
        slots={"current_procedure": BIRTH, "procedure_aspects": ["validity"], "procedure_choices": [COPY]},
        previous_events=AFTER_ANSWER,
        aspects={"fee": 0.5, "documents": 0.32},
        followup=0.3,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == COPY
    assert "8.000" in texts(messages)
