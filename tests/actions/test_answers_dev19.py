"""Issue 11 (dev19 round): the common case answered when a procedure's official name holds words that are
variant qualifiers elsewhere ("Thay đổi, cải chính ... hộ tịch" against its foreign-element variant), an
aspect typed under the procedures offered answered for the common case instead of the same menu again,
the office that decides a provincial procedure named beside the one-stop centre, and the food-safety
certificate of agricultural and fishery product facilities (2.001827)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actions.procedure_choice import OfferedProcedure, is_variant, settle, shared_markers
from actions.procedures import ActionAnswerProcedure, render
from knowledge import facade as knowledge
from tests.actions.support import make_tracker, run, texts

CHANGE = "1.004859"  # Thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc
CHANGE_FOREIGN = "2.000748"  # ... có yếu tố nước ngoài
FOOD_SAFETY = "2.001827"
PRIVATE_ENTERPRISE = "2.001610"


@dataclass
class _Hit:
    code: str
    name: str
    score: float


def _name(code: str) -> str:
    procedure = knowledge.get_procedure(code)
    assert procedure is not None
    return procedure.name


def _current(events: list[dict]) -> Any:
    return next((e["value"] for e in events if e.get("name") == "current_procedure"), None)


def _choices(events: list[dict]) -> Any:
    return [e["value"] for e in events if e.get("name") == "procedure_choices"][-1]


# ------------------------------------------------------------------------------------- common case


def test_markers_every_sibling_shares_are_no_qualifier() -> None:
    plain = _Hit(CHANGE, _name(CHANGE), 78.0)
    foreign = _Hit(CHANGE_FOREIGN, _name(CHANGE_FOREIGN), 61.0)
    assert is_variant(plain.name)  # "thay đổi", "cải chính" are variant words of other names
    shared = shared_markers(plain, [plain, foreign])
    assert {"thay doi", "cai chinh"} <= set(shared)
    assert not is_variant(plain.name, "", shared)
    assert is_variant(foreign.name, "", shared_markers(foreign, [plain, foreign]))
    # a marker a sibling lacks still qualifies: "Đăng ký lại khai sinh" beside "Đăng ký khai sinh"
    again = _Hit("1.004884", "Đăng ký lại khai sinh", 50.0)
    birth = _Hit("1.001193", "Đăng ký khai sinh", 55.0)
    assert is_variant(again.name, "", shared_markers(again, [birth, again]))
    # two names that merely share "điều chỉnh" (neither is the other plus a qualifier) keep it a qualifier
    social = _Hit("1.001776", _name("1.001776"), 32.0)
    pension = _Hit("1.014027", _name("1.014027"), 29.0)
    assert shared_markers(social, [social, pension]) == []


def test_a_civil_status_change_is_answered_for_the_domestic_case() -> None:
    for text in (
        "muon doi ten cho con tu Teo sang ten khac de nghe hon thi lam sao",
        "tôi muốn đổi họ cho con theo họ mẹ thì làm thế nào",
    ):
        hits = knowledge.match_catalogue(text).hits
        settled = settle(text, hits, knowledge.is_ambiguous(hits))
        assert settled.answer is not None and settled.answer.code == CHANGE, text
        assert [h.code for h in settled.offered][:1] == [CHANGE_FOREIGN], text


def test_every_foreign_pair_answers_its_domestic_case() -> None:
    """Each procedure with a foreign-element variant, asked with neither side's qualifier: the domestic one
    is answered and the foreign one offered, never a menu."""
    for base, foreign in (
        (CHANGE, CHANGE_FOREIGN),
        ("1.004884", "2.000522"),  # Đăng ký lại khai sinh
        ("1.000689", "1.001695"),  # Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con
        ("1.004845", "2.000756"),  # Đăng ký chấm dứt giám hộ
        ("1.005461", "2.000497"),  # Đăng ký lại khai tử
        ("1.004746", "2.000513"),  # Đăng ký lại kết hôn
    ):
        hits = [_Hit(base, _name(base), 60.0), _Hit(foreign, _name(foreign), 50.0)]
        settled = settle("cho hỏi thủ tục này làm sao", hits, ambiguous=True)
        assert settled.answer is not None and settled.answer.code == base, base
        assert [h.code for h in settled.offered] == [foreign], base


def test_a_foreign_element_in_the_question_still_gets_the_foreign_procedure() -> None:
    text = "muốn đổi tên cho con, chồng tôi là người Hàn Quốc"
    hits = knowledge.match_catalogue(text).hits
    settled = settle(text, hits, knowledge.is_ambiguous(hits))
    assert settled.answer is not None and settled.answer.code == CHANGE_FOREIGN


async def test_the_first_answer_names_the_case_and_offers_the_variant(domain: dict[str, Any]) -> None:
    text = "muon doi ten cho con tu Teo sang ten khac de nghe hon thi lam sao"
    events, messages = await run(ActionAnswerProcedure(), make_tracker(text, intent="ask_procedure"), domain)
    said = texts(messages)
    assert _current(events) == CHANGE
    assert "trường hợp thông thường" in said and "có yếu tố nước ngoài" in said
    assert _choices(events) == [CHANGE_FOREIGN]


# ------------------------------------------------------------------------- an aspect at the menu


async def test_an_aspect_typed_at_the_menu_is_answered_for_the_common_case(domain: dict[str, Any]) -> None:
    choices = [CHANGE_FOREIGN, CHANGE]  # offered in any order: the plain one is the common case
    tracker = make_tracker(
        "lam o xa hay len tinh",
        intent="ask_procedure",
        slots={"procedure_choices": choices},
        aspects={"place": 0.9},
        followup=0.9,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    said = texts(messages)
    assert _current(events) == CHANGE
    assert "thủ tục nào dưới đây" not in said  # not the menu again
    assert "trường hợp thông thường" in said
    assert _choices(events) == [CHANGE_FOREIGN]


def test_offered_procedures_without_a_common_one_settle_on_none() -> None:
    offered = [
        OfferedProcedure("1.014063", "Cấp đổi thẻ căn cước"),
        OfferedProcedure("1.014064", "Cấp lại thẻ căn cước"),
    ]
    # both are variants: settle asks, and the action then answers the first offered (the best match)
    assert settle("bao lâu thì có", offered, ambiguous=True).answer is None


# ------------------------------------------------------------------------------- where to file


def test_a_provincial_procedure_names_the_office_that_decides() -> None:
    said = render(PRIVATE_ENTERPRISE, ["place"], "thành lập doanh nghiệp tư nhân thì nộp hồ sơ ở đâu")
    assert "Trung tâm Phục vụ hành chính công tỉnh Đồng Tháp" in said
    assert "Cơ quan giải quyết: Phòng Đăng ký kinh doanh thuộc Sở Tài chính tỉnh Đồng Tháp" in said


def test_a_commune_procedure_place_is_unchanged() -> None:
    said = render("1.001193", ["place"], "đăng ký khai sinh nộp ở đâu")
    assert "Cơ quan giải quyết" not in said


# ------------------------------------------------------------------------------------ food safety


def test_the_food_safety_certificate_of_fishery_products_is_in_the_catalogue() -> None:
    text = (
        "Cơ sở tôi làm khô cá lóc nhỏ ở Tam Nông, muốn xin giấy chứng nhận cơ sở đủ điều kiện an toàn "
        "thực phẩm thì làm sao?"
    )
    match = knowledge.match_catalogue(text)
    assert match.outcome == "found"
    assert match.hits[0].code == FOOD_SAFETY
    assert not knowledge.is_ambiguous(match.hits)
    assert "700.000 đồng" in render(FOOD_SAFETY, ["fee"])
    assert "15 ngày" in render(FOOD_SAFETY, ["time"])
    papers = render(FOOD_SAFETY, ["documents"])
    assert "Đơn đề nghị" in papers and "Bản thuyết minh" in papers
