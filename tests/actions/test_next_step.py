"""The next step after a procedure ("rồi sau đó nộp hồ sơ ở đâu"): the follow-on procedure the current
procedure's own data names (knowledge.next_step), asked the same question."""

from __future__ import annotations

from typing import Any

from actions.procedures import ActionAnswerProcedure
from knowledge import facade as knowledge
from knowledge.next_step import asks_next_step
from tests.actions.support import make_tracker, run, texts

CONTRACT = "2.001035"  # Chứng thực giao dịch liên quan đến ... quyền sử dụng đất, nhà ở
ESTATE = "2.001406"  # Chứng thực văn bản phân chia di sản ...
LAND_CHANGE = "1.013831"  # Đăng ký biến động ... chuyển nhượng, thừa kế, tặng cho ...
WILL = "2.001019"  # Chứng thực di chúc (its data names no follow-on)


def _slots(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_what_comes_after_is_asked_by_then_and_done() -> None:
    for text in ("roi sau do nop ho so o dau", "xong rồi nộp ở đâu để sang tên sổ", "bước tiếp theo là gì"):
        assert asks_next_step(text), text
    # the filing of the procedure in the talk, then its wait: not a next step
    for text in (
        "nộp hồ sơ xong rồi bao lâu có",
        "nop xong thi bao lau",
        "hop dong chung thuc o xa ton bao nhieu",
    ):
        assert not asks_next_step(text), text


def test_the_certified_contract_and_estate_division_lead_to_the_land_change_registration() -> None:
    for code in (CONTRACT, ESTATE):
        following = knowledge.next_procedure(code, "rồi sau đó nộp hồ sơ ở đâu")
        assert following is not None and following[0] == LAND_CHANGE, code
        assert "Đăng ký biến động" in following[1]
    # a procedure whose data names no follow-on, or a question that is not a next step
    assert knowledge.next_procedure(WILL, "rồi sau đó nộp ở đâu") is None
    assert knowledge.next_procedure(CONTRACT, "nộp ở đâu") is None


async def test_then_where_after_the_gift_contract_is_the_land_office(
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker(
        "roi sau do nop ho so o dau",
        intent="ask_procedure",
        slots={"current_procedure": CONTRACT, "procedure_aspects": ["fee"]},
        followup=0.9,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    said = texts(messages)
    assert "Văn phòng đăng ký đất đai" in said
    assert "Đăng ký biến động" in said
    # the talk moves to the registration: "cần giấy gì" next asks for its papers
    assert _slots(events)["current_procedure"] == LAND_CHANGE


async def test_the_wait_after_filing_stays_with_the_procedure_in_the_talk(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "nộp hồ sơ xong rồi bao lâu có",
        intent="ask_procedure",
        slots={"current_procedure": CONTRACT},
        followup=0.9,
    )
    events, _ = await run(ActionAnswerProcedure(), tracker, domain)
    assert _slots(events)["current_procedure"] == CONTRACT


BIRTH = "1.001193"  # Đăng ký khai sinh (its conditions name the interlinked birth + health-card procedures)
BIRTH_CARD = "2.001023"  # Liên thông ... đăng ký khai sinh, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi
BIRTH_RESIDENCE_CARD = "2.000986"  # ... đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT ...
HOUSEHOLD = "1.001612"  # Đăng ký thành lập hộ kinh doanh (its steps name the household tax declaration)
HOUSEHOLD_TAX = "1.011022"  # Khai thuế đối với hộ kinh doanh, cá nhân kinh doanh


def test_a_question_naming_what_only_the_follow_on_does_moves_to_it() -> None:
    for code, text, expected in (
        (BIRTH, "con cai the bao hiem cho no thi sao", BIRTH_CARD),
        (BIRTH, "còn bhyt cho bé thì sao", BIRTH_CARD),
        (BIRTH, "xong r lam the bh cho be luon hen", BIRTH_CARD),
        (BIRTH, "còn thường trú cho bé thì sao", BIRTH_RESIDENCE_CARD),
        (HOUSEHOLD, "rồi còn thuế thì sao", HOUSEHOLD_TAX),
    ):
        following = knowledge.next_procedure(code, text)
        assert following is not None and following[0] == expected, text
    # the procedure in the talk asked about, or another procedure named: no follow-on
    for code, text in (
        (BIRTH, "làm mất bao lâu vậy chị"),
        (BIRTH, "cần giấy tờ gì"),
        (BIRTH, "à vợ tui đổi cccd luôn thì phí nhiêu"),
        (HOUSEHOLD, "lệ phí bao nhiêu"),
    ):
        assert knowledge.next_procedure(code, text) is None, text


async def test_the_babys_card_after_the_birth_registration_is_the_interlinked_procedure(
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker(
        "con cai the bao hiem cho no thi sao",
        intent="ask_procedure",
        slots={"current_procedure": BIRTH, "procedure_aspects": ["documents"]},
        followup=0.9,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert "bảo hiểm y tế" in texts(messages)
    assert _slots(events)["current_procedure"] == BIRTH_CARD


MARRIAGE = "1.000894"  # Đăng ký kết hôn
FOREIGN_MARRIAGE = "2.000806"  # Đăng ký kết hôn có yếu tố nước ngoài


def test_a_correction_to_the_ordinary_case_moves_to_the_domestic_sibling() -> None:
    text = "à nhầm, em gái em lấy chồng người Việt, kết hôn bình thường thôi, có mất tiền không"
    assert knowledge.case_sibling(FOREIGN_MARRIAGE, text) == MARRIAGE
    # something foreign still named, or already the ordinary case: no move
    assert knowledge.case_sibling(FOREIGN_MARRIAGE, "chồng Hàn Quốc, em là người Việt") is None
    assert knowledge.case_sibling(MARRIAGE, "người Việt thôi") is None


def test_a_foreign_party_moves_the_ordinary_case_to_the_foreign_sibling() -> None:
    assert knowledge.case_sibling(MARRIAGE, "chồng em người Hàn") == FOREIGN_MARRIAGE
    assert knowledge.case_sibling(MARRIAGE, "vợ tui bên Đài Loan") == FOREIGN_MARRIAGE
    assert knowledge.case_sibling(MARRIAGE, "ảnh là Việt kiều Mỹ") == FOREIGN_MARRIAGE
    assert knowledge.case_sibling(FOREIGN_MARRIAGE, "chồng em người Hàn") is None
    assert knowledge.case_sibling(MARRIAGE, "nộp online được không") is None


async def test_the_domestic_correction_answers_the_same_question_for_the_ordinary_case(
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker(
        "a nham, lay chong nguoi Viet, ket hon binh thuong thoi, co mat tien ko",
        intent="ask_procedure",
        slots={"current_procedure": FOREIGN_MARRIAGE, "procedure_aspects": ["place"]},
        followup=0.9,
    )
    events, _ = await run(ActionAnswerProcedure(), tracker, domain)
    assert _slots(events)["current_procedure"] == MARRIAGE


def test_a_question_naming_a_procedure_is_no_next_step_unless_it_names_the_follow_on() -> None:
    assert knowledge.next_procedure(CONTRACT, "xong rồi đổi căn cước ở đâu", named_only=True) is None
    following = knowledge.next_procedure(BIRTH, "con bhyt cho be thi sao a", named_only=True)
    assert following is not None and following[0] == BIRTH_CARD
