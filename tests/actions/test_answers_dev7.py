"""Issue 11 (dev7 round, procedure answers): a paper of the dossier not had yet names the procedure that
issues it; a gift of land to a child is the registration of a gift, not a plot split, and its answer says
the exemptions between parents and children; a pupil's grade settles the school level."""

from __future__ import annotations

from typing import Any

from actions.procedures import ActionAnswerProcedure
from knowledge import facade as knowledge
from knowledge.search_cues import as_gift, school_level
from tests.actions.support import make_tracker, run, texts

ALLOWANCE = "1.001776"  # Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng ...
DISABILITY = "1.001699"  # Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật
LAND_CHANGE = "1.013831"  # Đăng ký biến động ... chuyển nhượng, thừa kế, tặng cho ...
PLOT_SPLIT = "1.012784"  # Tách thửa hoặc hợp thửa đất
SCHOOL_THCS = "DT.giao_duc_chuyen_truong_thcs"


def _w(text: str) -> list[str]:
    return text.split()


def _slots(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


# ----------------------------------------------------------------------------- a paper not had yet


async def test_a_paper_not_had_yet_names_the_procedure_issuing_it(domain: dict[str, Any]) -> None:
    for text in (
        "Nếu chưa có giấy xác nhận khuyết tật thì sao",
        "neu chua co giay xac nhan khuyet tat thi lam sao",
    ):
        tracker = make_tracker(
            text, intent="ask_procedure", slots={"current_procedure": ALLOWANCE}, followup=0.9
        )
        events, messages = await run(ActionAnswerProcedure(), tracker, domain)
        said = texts(messages)
        assert "Xác định, xác định lại mức độ khuyết tật" in said, text
        assert "Hội đồng xác định mức độ khuyết tật" in said
        assert "UBND xã, phường" in said
        # the talk moves to that procedure: "cần giấy gì" next asks for its papers
        assert _slots(events)["current_procedure"] == DISABILITY


def test_a_paper_had_or_not_of_the_dossier_is_not_a_missing_paper() -> None:
    # a question that does not say "not yet ... then what"
    assert knowledge.missing_paper(ALLOWANCE, "giấy xác nhận khuyết tật có cần bản chính không") is None
    # a paper the dossier does not ask for
    assert knowledge.missing_paper(ALLOWANCE, "chưa có giấy chứng sinh thì sao") is None
    # no procedure of the catalogue issues the paper (the application form)
    assert knowledge.missing_paper(ALLOWANCE, "chưa có tờ khai đề nghị trợ giúp xã hội thì sao") is None


# --------------------------------------------------------------------------------- a gift of land


def test_giving_land_to_a_child_is_a_gift_not_a_plot_split() -> None:
    for text in (
        "Ba má muốn cho con miếng đất thì làm giấy tờ sao",
        "ba ma muon cho con mieng dat thi lam sao",
    ):
        match = knowledge.match_catalogue(text)
        assert match.outcome == "found", text
        assert match.hits[0].code == LAND_CHANGE, text
        assert not knowledge.is_ambiguous(match.hits)
    # splitting the plot for the child is still the split
    assert knowledge.match_catalogue("tách sổ đỏ chia đất cho con").hits[0].code == PLOT_SPLIT


def test_a_gift_is_read_only_with_a_relative_and_a_property() -> None:
    assert as_gift(_w("ba ma muon cho con mieng dat")) == _w("ba ma muon tang cho dat")
    assert as_gift(_w("cho con gai can nha")) == _w("tang cho nha")
    assert as_gift(_w("chia dat cho con")) == _w("chia dat cho con")
    assert as_gift(_w("lam khai sinh cho con")) == _w("lam khai sinh cho con")
    assert as_gift(_w("ban mieng dat cho con")) == _w("ban mieng dat cho con")


async def test_the_gift_answer_says_the_contract_and_the_exemptions(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "cho con thì có phải đóng thuế không",
        intent="ask_procedure",
        slots={"current_procedure": LAND_CHANGE},
        aspects={"fee": 0.9},
        followup=0.9,
    )
    _, messages = await run(ActionAnswerProcedure(), tracker, domain)
    said = texts(messages)
    assert "miễn thuế TNCN" in said and "lệ phí trước bạ" in said
    record = knowledge.get_procedure(LAND_CHANGE)
    assert record is not None
    fee = " ".join(c.fee or "" for c in record.channels)
    assert "khoản 4 Điều 4 Luật Thuế TNCN" in fee and "Điều 10 Nghị định 10/2022/NĐ-CP" in fee
    steps = knowledge.answer(LAND_CHANGE, "steps")
    assert "Công chứng/chứng thực hợp đồng" in steps


# ------------------------------------------------------------------------------ the school level


def test_a_grade_says_the_school_level() -> None:
    assert school_level(_w("con hoc lop 7")) == ("trung", "hoc", "co", "so")
    assert school_level(_w("lop 1")) == ("tieu", "hoc")
    assert school_level(_w("lop 12")) == ("trung", "hoc", "pho", "thong")
    assert school_level(_w("lop hoc ve sinh")) == ()


async def test_a_grade_7_transfer_is_answered_as_the_lower_secondary_one(domain: dict[str, Any]) -> None:
    text = "Con tôi học lớp 7 ở Cái Bè, muốn chuyển lên trường ở Mỹ Tho thì làm sao"
    match = knowledge.match_catalogue(text)
    assert match.hits[0].code == SCHOOL_THCS
    assert not knowledge.is_ambiguous(match.hits)
    events, messages = await run(ActionAnswerProcedure(), make_tracker(text, intent="ask_procedure"), domain)
    assert not any(m.get("buttons") for m in messages)  # answered, no menu
    assert "trung học cơ sở" in texts(messages)
    assert _slots(events)["current_procedure"] == SCHOOL_THCS
    assert "Học bạ" in knowledge.answer(SCHOOL_THCS, "documents")
    # whom to file with: the receiving school's head
    assert "Hiệu trưởng trường nơi đến" in knowledge.answer(SCHOOL_THCS, "place")
