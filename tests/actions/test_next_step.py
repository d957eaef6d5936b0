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
