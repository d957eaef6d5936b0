"""Procedure questions are answered from the real catalogue, and follow-ups stay on the same procedure."""

from __future__ import annotations

from typing import Any

from actions.procedures import ActionAnswerProcedure
from knowledge import facade as knowledge
from tests.actions.support import make_tracker, run, slot_values, texts

CRIMINAL_RECORD = "3.000333"  # Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài...
LICENCE_RENEWAL = "3.000348"  # Cấp lại giấy phép lái xe
BIRTH = "1.001193"  # Đăng ký khai sinh (close to "Đăng ký khai sinh có yếu tố nước ngoài")


async def ask(question: str, domain: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    return await run(ActionAnswerProcedure(), make_tracker(question, intent="ask_procedure"), domain)


def _unambiguous_top(question: str) -> str:
    hits = knowledge.search_procedures(question)
    assert hits and not knowledge.is_ambiguous(hits), f"precondition: {question!r} names one procedure"
    return hits[0].code


async def test_a_question_is_answered_about_the_procedure_it_names(domain: dict[str, Any]) -> None:
    question = "làm lý lịch tư pháp cần giấy tờ gì"
    assert _unambiguous_top(question) == CRIMINAL_RECORD
    events, messages = await run(
        ActionAnswerProcedure(), make_tracker(question, intent="ask_procedure"), domain
    )
    assert slot_values(events)["current_procedure"] == CRIMINAL_RECORD
    assert texts(messages) == knowledge.answer(CRIMINAL_RECORD, "documents")


async def test_a_question_without_diacritics_gets_the_same_answer(domain: dict[str, Any]) -> None:
    question = "lam ly lich tu phap can giay to gi"
    events, messages = await run(
        ActionAnswerProcedure(), make_tracker(question, intent="ask_procedure"), domain
    )
    assert slot_values(events)["current_procedure"] == CRIMINAL_RECORD
    assert texts(messages) == knowledge.answer(CRIMINAL_RECORD, "documents")


async def test_follow_ups_answer_about_the_current_procedure(domain: dict[str, Any]) -> None:
    for question, aspect in [
        ("còn lệ phí thì sao?", "fee"),
        ("làm online được không", "online"),
        ("mất bao lâu", "time"),
        ("nop o dau", "place"),
    ]:
        assert knowledge.detect_aspect(question) == aspect, f"precondition: aspect of {question!r}"
        tracker = make_tracker(question, intent="ask_procedure", slots={"current_procedure": CRIMINAL_RECORD})
        events, messages = await run(ActionAnswerProcedure(), tracker, domain)
        assert texts(messages) == knowledge.answer(CRIMINAL_RECORD, aspect), question
        assert slot_values(events)["current_procedure"] == CRIMINAL_RECORD


async def test_a_question_naming_another_procedure_moves_to_it(domain: dict[str, Any]) -> None:
    question = "còn cấp lại giấy phép lái xe thì sao"
    assert _unambiguous_top(question) == LICENCE_RENEWAL
    tracker = make_tracker(question, intent="ask_procedure", slots={"current_procedure": CRIMINAL_RECORD})
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == LICENCE_RENEWAL
    assert texts(messages) == knowledge.answer(LICENCE_RENEWAL, knowledge.detect_aspect(question))


async def test_a_procedure_entity_overrides_the_current_procedure(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "lệ phí bao nhiêu vậy",
        intent="ask_procedure",
        entities=[{"entity": "procedure", "value": "cấp lại giấy phép lái xe"}],
        slots={"current_procedure": CRIMINAL_RECORD},
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == LICENCE_RENEWAL
    assert texts(messages) == knowledge.answer(LICENCE_RENEWAL, "fee")


async def test_close_candidates_are_offered_as_buttons_and_a_button_answers_the_question(
    domain: dict[str, Any],
) -> None:
    question = "làm giấy khai sinh cần những gì"
    hits = knowledge.search_procedures(question)
    assert knowledge.is_ambiguous(hits), "precondition: in-country and foreign birth registration are close"
    events, messages = await run(
        ActionAnswerProcedure(), make_tracker(question, intent="ask_procedure"), domain
    )
    buttons = messages[0]["buttons"]
    assert buttons[0] == {
        "title": hits[0].name,
        "payload": f'/ask_procedure{{"procedure": "{hits[0].code}"}}',
    }
    assert buttons[1]["payload"] == f'/ask_procedure{{"procedure": "{hits[1].code}"}}'
    assert slot_values(events) == {"procedure_question": question}

    # The citizen taps the first button: the original question (documents) is answered for it.
    tracker = make_tracker(
        f'/ask_procedure{{"procedure": "{BIRTH}"}}',
        intent="ask_procedure",
        entities=[{"entity": "procedure", "value": BIRTH}],
        slots={"procedure_question": question},
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert texts(messages) == knowledge.answer(BIRTH, "documents")
    assert slot_values(events) == {"current_procedure": BIRTH, "procedure_question": None}


async def test_an_unknown_question_asks_for_the_procedure_name(domain: dict[str, Any]) -> None:
    _, messages = await run(
        ActionAnswerProcedure(), make_tracker("xyzzy qwerty", intent="ask_procedure"), domain
    )
    assert "chưa tìm thấy thủ tục" in texts(messages)
