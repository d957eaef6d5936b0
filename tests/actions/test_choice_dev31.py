"""Issue 11 (dev29-dev33 round, which procedure among close hits): a loss told without asking for the paper
again is the report of that loss first, the re-issue offered; among close hits the one whose name covers the
procedure words asked comes first; a switch to the certified copy reads the whole reply."""

from __future__ import annotations

from typing import Any

from actions.procedure_choice import OfferedProcedure, settle
from actions.procedures import ActionAnswerProcedure, along_with
from knowledge import facade as knowledge
from tests.actions.support import make_tracker, run, slot_values, texts

PASSPORT = "1.001456"  # Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)
LOST_PASSPORT = "1.010386"  # Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp xã)
PASSPORT_NAME = "Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)"
REPORT_NAME = "Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp xã)"


def _hits(*pairs: tuple[str, str, float]) -> list[OfferedProcedure]:
    return [OfferedProcedure(code, name, score) for code, name, score in pairs]


def test_a_loss_told_without_asking_the_paper_again_is_its_report_first() -> None:
    hits = _hits((PASSPORT, PASSPORT_NAME, 46.8), (LOST_PASSPORT, REPORT_NAME, 45.1))
    for question in ("hộ chiếu bị mất rồi giờ phải làm gì", "lỡ làm mất passport rồi", "ho chieu bi mat"):
        settled = settle(question, hits, ambiguous=True)
        assert settled.answer is not None and settled.answer.code == LOST_PASSPORT, question
        assert [h.code for h in settled.offered] == [PASSPORT]
    # asking to have it made again: the passport's issue, the report beside it
    settled = settle("mất hộ chiếu rồi làm lại ở đâu", hits, ambiguous=True)
    assert settled.answer is not None and settled.answer.code == PASSPORT
    # no loss told: the report is no answer
    settled = settle("làm hộ chiếu ở đâu", hits, ambiguous=True)
    assert settled.answer is None or settled.answer.code != LOST_PASSPORT


async def test_a_lost_passport_is_answered_with_its_report_and_deadline(domain: dict[str, Any]) -> None:
    tracker = make_tracker("hộ chiếu bị mất rồi giờ phải làm gì", intent="ask_procedure")
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    said = texts(messages)
    assert slot_values(events)["current_procedure"] == LOST_PASSPORT
    assert "02 ngày làm việc" in said
    assert "để được cấp lại" in said and slot_values(events)["procedure_choices"] == [PASSPORT]


async def test_after_the_loss_report_its_deadline_then_the_new_passport(domain: dict[str, Any]) -> None:
    slots = {"current_procedure": LOST_PASSPORT, "procedure_choices": [PASSPORT]}
    after = [{"event": "action", "name": "action_answer_procedure"}]
    tracker = make_tracker(
        "trong bao lâu phải báo",
        intent="ask_procedure",
        slots=slots,
        previous_events=after,
        aspects={"deadline": 0.6, "time": 0.3},
        followup=0.9,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert "02 ngày làm việc" in texts(messages)
    tracker = make_tracker(
        "làm lại cuốn mới mất bao nhiêu ngày",
        intent="ask_procedure",
        slots=slots,
        previous_events=after,
        aspects={"time": 0.9},
        followup=0.9,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == PASSPORT
    assert "08 ngày" in texts(messages)


BIRTH_AND_CARD = "2.001023"  # Liên thông ... đăng ký khai sinh, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi
HEALTH_CARD = "1.001939"  # Đăng ký đóng, cấp thẻ BHYT đối với người chỉ tham gia BHYT


def test_among_close_hits_the_one_covering_more_of_the_question_comes_first() -> None:
    match = knowledge.match_catalogue(
        "con tui mới đẻ tuần rồi, làm khai sinh với thẻ bảo hiểm y tế cho bé luôn được hông", limit=8
    )
    assert match.hits[0].code == BIRTH_AND_CARD
    assert "khai" not in match.coverage.uncovered
    # the card alone: the general card, which has every word asked
    assert knowledge.match_catalogue("làm thẻ bảo hiểm y tế cho con", limit=8).hits[0].code == HEALTH_CARD
    # a word saying what is to be done ("làm lại") is the search's action fit, not a word to cover: a death
    # never registered is the ordinary registration, not its re-registration
    late = "ba tui mất 5 năm rồi mà hồi đó chưa đi khai tử, giờ làm lại được hông"
    assert knowledge.match_catalogue(late, limit=8).hits[0].code == "1.000656"


async def test_birth_and_health_card_asked_together_get_the_linked_procedure(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "con tui mới đẻ tuần rồi, làm khai sinh với thẻ bảo hiểm y tế cho bé luôn được hông",
        intent="ask_procedure",
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == BIRTH_AND_CARD
    assert "giấy chứng sinh" in texts(messages).lower()


CIVIL_COPY = "2.000635"  # Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh
CERTIFIED_COPY = "2.000815"  # Chứng thực bản sao từ bản chính giấy tờ, văn bản ...


async def test_a_story_then_a_bare_how_moves_to_the_procedure_the_story_names(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "à mà tui còn giữ bản chính, chỉ muốn photo ra rồi đóng mộc thôi, vậy tính sao",
        intent="ask_procedure",
        slots={"current_procedure": CIVIL_COPY},
        previous_events=[{"event": "action", "name": "action_answer_procedure"}],
        followup=0.9,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == CERTIFIED_COPY
    assert "2.000" in texts(messages)
    # a bare how after a story the current procedure has: it stays
    tracker = make_tracker(
        "tui ở xa, xin bản sao khai sinh cho con, vậy tính sao",
        intent="ask_procedure",
        slots={"current_procedure": CIVIL_COPY},
        previous_events=[{"event": "action", "name": "action_answer_procedure"}],
        followup=0.9,
    )
    events, _ = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == CIVIL_COPY


def test_another_paper_asked_along_with_the_current_one_is_the_procedure_doing_both() -> None:
    birth, residence = "1.001193", "1.004222"
    assert along_with(birth, "nhan tien lam the bhyt cho be luon dc hong") == BIRTH_AND_CARD
    assert along_with(birth, "làm hộ chiếu cho bé luôn được không") is None  # no procedure does both
    assert along_with(residence, "nhân tiện làm căn cước luôn") is None
    assert along_with(birth, "làm thẻ bhyt cho bé") is None  # not said to go along
