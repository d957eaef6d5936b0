"""Issue 11 (dev7/dev9/dev10/dev11 round, procedure answers): a relative's death with "nội"/"ngoại", a used
motorbike's transfer (not land), a procedure name said as a paper brought or as a place in a follow-up,
"giay do" as that paper, a loss after the renewal (the re-issue), the procedure of a postal request given
up, formal follow-ups whose asking words ("cơ quan nào có thẩm quyền giải quyết") are in another name, and
the pesticide shop licence (1.004363)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actions.procedure_choice import only_named, settle
from actions.procedures import ActionAnswerProcedure, reads_as_that, said_in_passing
from knowledge import facade as knowledge
from tests.actions.support import make_tracker, run, texts

RENEWAL = "1.014063"  # Cấp đổi thẻ căn cước
REISSUE = "1.014064"  # Cấp lại thẻ căn cước
PERMANENT = "1.004222"  # Đăng ký thường trú


@dataclass
class _Hit:
    code: str
    name: str
    score: float


def _entity(text: str, surface: str, value: str) -> dict[str, Any]:
    start = text.index(surface)
    return {"entity": "procedure", "value": value, "start": start, "end": start + len(surface)}


async def _ask(domain: dict[str, Any], text: str, **kwargs: Any) -> tuple[list[dict], str]:
    events, messages = await run(
        ActionAnswerProcedure(), make_tracker(text, intent="ask_procedure", **kwargs), domain
    )
    return events, texts(messages)


def _current(events: list[dict]) -> Any:
    return next((e["value"] for e in events if e.get("name") == "current_procedure"), None)


# ------------------------------------------------------------------------------------------- search


def test_a_grandparent_who_died_is_a_death_registration() -> None:
    for text in ("ong noi tui mat roi thi lam giay gi", "bà ngoại tôi mới mất, cần làm giấy gì"):
        match = knowledge.match_catalogue(text)
        assert match.outcome == "found", text
        assert match.hits[0].name == "Đăng ký khai tử", text
    # "nội" still names the inland waterway procedures
    assert "noi" in knowledge.match_catalogue("đăng ký phương tiện thủy nội địa").coverage.content


def test_the_pesticide_shop_licence_is_in_the_catalogue() -> None:
    match = knowledge.match_catalogue("mở cửa hàng bán thuốc trừ sâu thì xin giấy gì")
    assert match.outcome == "found"
    assert match.hits[0].code == "1.004363"
    record = knowledge.get_procedure("1.004363")
    assert record is not None and record.decision == "1883/QĐ-BNNMT"
    assert all(c.fee_vnd == 800000 and c.days == 15 for c in record.channels)
    # a pharmacy is not a pesticide shop
    assert knowledge.match_catalogue("mở tiệm thuốc tây cần giấy phép gì").hits[0].code != "1.004363"


# ------------------------------------------------------------------------------------ the common case


def test_a_variant_whose_own_words_the_question_says_is_not_passed_over_for_a_stranger() -> None:
    question = "mua lại xe máy cũ của người quen, sang tên qua tui thì làm sao"
    vehicle = _Hit(
        "1.013076", "Cấp chứng nhận đăng ký xe, biển số xe khi thay đổi chủ xe (đăng ký sang tên xe)", 30.4
    )
    boat = _Hit("1.004002", "Đăng ký lại phương tiện thủy nội địa khi chuyển quyền sở hữu", 29.9)
    land = _Hit(
        "1.013831", "Đăng ký biến động quyền sử dụng đất trong các trường hợp chuyển nhượng, tặng cho", 27.5
    )
    assert only_named(question, vehicle, land)
    assert settle(question, [vehicle, boat, land], ambiguous=True).answer is vehicle
    # the plain procedure still answers when the variant's own words are not said
    birth = _Hit("1", "Đăng ký khai sinh", 10.0)
    foreign = _Hit("2", "Đăng ký khai sinh có yếu tố nước ngoài", 10.5)
    assert not only_named("khai sinh cho con cần gì", foreign, birth)
    assert settle("khai sinh cho con cần gì", [foreign, birth], ambiguous=True).answer is birth


# ------------------------------------------------------------------------------ names said in passing


def test_a_procedure_name_said_as_a_paper_brought_or_a_place() -> None:
    assert said_in_passing("Có cần đem sổ hộ khẩu không", ["hộ khẩu"]) == "paper"
    assert said_in_passing("Làm ở chỗ khác nơi thường trú được không", ["thường trú"]) == "place"
    assert said_in_passing("còn đăng ký thường trú thì sao", ["đăng ký thường trú"]) is None
    assert said_in_passing("có cần giấy xác nhận độc thân hông", ["giấy xác nhận độc thân"]) is None


def test_giay_do_without_diacritics_may_be_that_paper() -> None:
    assert reads_as_that("giay do")
    assert not reads_as_that("giấy đỏ")
    assert not reads_as_that("giay chung nhan")


async def test_id_card_follow_ups_on_the_household_book_and_the_place(domain: dict[str, Any]) -> None:
    text = "Có cần đem sổ hộ khẩu không"
    events, said = await _ask(
        domain,
        text,
        entities=[_entity(text, "hộ khẩu", "Đăng ký thường trú")],
        aspects={"documents": 0.99},
        followup=0.6,
        slots={"current_procedure": RENEWAL},
    )
    assert "không yêu cầu sổ hộ khẩu" in said
    assert _current(events) == RENEWAL
    text = "Làm ở chỗ khác nơi thường trú được không"
    events, said = await _ask(
        domain,
        text,
        entities=[_entity(text, "thường trú", "Đăng ký thường trú")],
        aspects={"place": 0.98},
        followup=0.6,
        slots={"current_procedure": RENEWAL},
    )
    assert "bất kỳ trong cả nước" in said
    assert _current(events) == RENEWAL


async def test_validity_of_that_paper_typed_without_diacritics(domain: dict[str, Any]) -> None:
    marital = knowledge.match_catalogue("xin giấy xác nhận tình trạng hôn nhân").hits[0].code
    text = "giay do dung duoc bao lau"
    events, said = await _ask(
        domain,
        text,
        entities=[_entity(text, "giay do", "Cấp Giấy chứng nhận quyền sử dụng đất")],
        aspects={"eligibility": 0.8},
        followup=0.9,
        slots={"current_procedure": marital},
    )
    assert _current(events) == marital
    assert "06 tháng" in said


# ------------------------------------------------------------------------------------ another paper


async def test_a_loss_after_the_renewal_is_the_re_issue(domain: dict[str, Any]) -> None:
    events, _said = await _ask(
        domain,
        "con mat the lam lai z thi sao",
        aspects={"steps": 0.4},
        followup=0.9,
        slots={"current_procedure": RENEWAL, "procedure_aspects": ["fee"]},
    )
    assert _current(events) == REISSUE


async def test_a_typed_loss_under_the_offered_variants_is_the_re_issue(domain: dict[str, Any]) -> None:
    events, _said = await _ask(
        domain,
        "bị mất, làm lại",
        aspects={"steps": 0.27},
        followup=0.1,
        slots={"current_procedure": "1.014061", "procedure_choices": ["1.014062", REISSUE]},
    )
    assert _current(events) == REISSUE


async def test_the_procedure_of_a_postal_request_given_up_is_the_topic(domain: dict[str, Any]) -> None:
    first = "Cho tui đăng ký bưu điện tới nhà lấy hồ sơ đăng ký kết hôn"
    earlier = [
        {
            "event": "user",
            "text": first,
            "parse_data": {"entities": [_entity(first, "đăng ký kết hôn", "Đăng ký kết hôn")]},
        },
        {
            "event": "user",
            "text": "À thôi khỏi, mai tui tự chạy lên xã nộp cho lẹ",
            "parse_data": {"entities": []},
        },
    ]
    events, said = await _ask(
        domain,
        "vậy lúc đi nộp thì hai người phải cùng có mặt hả",
        aspects={"steps": 0.9},
        followup=0.9,
        previous_events=earlier,
    )
    assert knowledge.get_procedure(_current(events)).name == "Đăng ký kết hôn"
    assert "có mặt" in said


async def test_a_formal_follow_up_asking_for_the_competent_body(domain: dict[str, Any]) -> None:
    events, said = await _ask(
        domain,
        "Sau khi sắp xếp, cơ quan nào có thẩm quyền tiếp nhận và giải quyết hồ sơ nêu trên?",
        aspects={"place": 0.96},
        followup=0.8,
        slots={"current_procedure": PERMANENT},
    )
    assert _current(events) == PERMANENT
    assert "Công an" in said
