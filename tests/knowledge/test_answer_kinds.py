"""Answers a citizen can act on: who may apply, the steps, the form, the filing deadline as distinct from
the processing time, pointers to another body, and facts the catalogue does not have said plainly."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from knowledge.answers import render_answer
from knowledge.aspects import detect_aspect
from knowledge.facade import answer as facade_answer
from knowledge.facade import detect_aspect as facade_detect_aspect
from knowledge.facade import match_catalogue as facade_match
from knowledge.records import (
    AuditRecord,
    ChannelRecord,
    DeadlineRecord,
    DocumentRecord,
    FormRecord,
    PointerRecord,
    ProcedureRecord,
)

BIRTH_DEADLINE = "Trong 60 ngày kể từ ngày sinh, cha hoặc mẹ phải đăng ký khai sinh cho con"


def record(**changes: object) -> ProcedureRecord:
    base = ProcedureRecord(
        code="9.000001",
        name="Đăng ký khai sinh",
        origin="shipped",
        levels=["commune"],
        field="Hộ tịch",
        place="Bộ phận Một cửa của UBND xã, phường nơi cư trú của cha hoặc mẹ",
        applicants="Cha, mẹ, ông, bà hoặc người thân thích khác của trẻ",
        conditions="Trẻ chưa được đăng ký khai sinh",
        steps=[
            "Nộp tờ khai và giấy chứng sinh.",
            "Công chức tư pháp - hộ tịch ghi sổ.",
            "Nhận Giấy khai sinh.",
        ],
        online_level="full",
        online_url="https://dichvucong.gov.vn",
        channels=[ChannelRecord("in_person", "Ngay trong ngày", 0, "working", "Miễn lệ phí", 0)],
        documents=[
            DocumentRecord("Tờ khai đăng ký khai sinh", "original", 1, "Mẫu ban hành kèm Thông tư 04/2020")
        ],
        verified=True,
        deadline=DeadlineRecord(BIRTH_DEADLINE, "Điều 15 Luật Hộ tịch 60/2014/QH13", 60, "calendar"),
        forms=[FormRecord("Tờ khai đăng ký khai sinh", "Thông tư 04/2020/TT-BTP", None)],
        audit=AuditRecord(dt.date(2026, 12, 2), "Cổng DVCQG 1.001193", "checked", "checked"),
    )
    return dataclasses.replace(base, **changes)


def assert_said_plainly(text: str, what: str) -> None:
    assert text.startswith(f"Dạ, hiện em chưa có thông tin chính thức về {what}"), text
    assert "1022" in text and "https://dichvucong.gov.vn" in text
    assert text.endswith("ạ.")


# ------------------------------------------------------------------------------------ the aspect asked
@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("ai được đứng tên đi khai sinh cho cháu", "eligibility"),
        ("điều kiện hưởng trợ cấp hưu trí xã hội là gì", "eligibility"),
        ("ba tui 82 tuổi không có lương hưu, có được trợ cấp không", "eligibility"),
        ("bé mấy tuổi thì làm căn cước được", "eligibility"),
        ("các bước đăng ký kết hôn", "steps"),
        ("trình tự cấp sổ đỏ lần đầu", "steps"),
        ("sang tên xe làm sao", "steps"),
        ("mẫu đơn xin tách thửa tải ở đâu", "form"),
        ("tờ khai đăng ký khai sinh lấy ở đâu", "form"),
        ("bieu mau dang ky tam tru", "form"),
        ("sinh con bao lâu phải đi khai sinh", "deadline"),
        ("hạn chót đăng ký khai tử là mấy ngày", "deadline"),
        ("khai tu qua 15 ngay co bi sao ko", "deadline"),
        ("bé 3 tháng chưa khai sinh có bị phạt không", "deadline"),
        ("thời hạn đăng ký khai sinh", "deadline"),
        ("đăng ký khai sinh bao lâu thì có giấy", "time"),
        ("thời hạn giải quyết đăng ký khai sinh", "time"),
        ("khai sinh co yeu to nuoc ngoai het bao nhieu ngay", "time"),
        ("làm giấy khai sinh cần giấy tờ gì", "documents"),
        ("muốn nhận con nuôi thì làm gì", "overview"),
    ],
)
def test_detect_aspect_knows_the_new_aspects(text: str, aspect: str) -> None:
    assert detect_aspect(text) == aspect


# ------------------------------------------------------------------------------------------ eligibility
def test_eligibility_names_the_applicants_and_the_conditions() -> None:
    text = render_answer(record(), "eligibility")
    assert text.startswith("Dạ, người thực hiện thủ tục đăng ký khai sinh: Cha, mẹ, ông, bà")
    assert "\nĐiều kiện: Trẻ chưa được đăng ký khai sinh." in text


def test_eligibility_without_conditions_gives_the_applicants_only() -> None:
    text = render_answer(record(conditions=None), "eligibility")
    assert "Cha, mẹ, ông, bà" in text and "Điều kiện" not in text


def test_eligibility_unknown_is_said_plainly() -> None:
    assert_said_plainly(render_answer(record(applicants=None, conditions=None), "eligibility"), "đối tượng")


# ------------------------------------------------------------------------------------------------ steps
def test_steps_are_numbered_in_order_with_the_place() -> None:
    text = render_answer(record(), "steps")
    assert text.splitlines()[:4] == [
        "Dạ, các bước thực hiện thủ tục đăng ký khai sinh:",
        "1. Nộp tờ khai và giấy chứng sinh.",
        "2. Công chức tư pháp - hộ tịch ghi sổ.",
        "3. Nhận Giấy khai sinh.",
    ]
    assert "Nơi nộp hồ sơ: Bộ phận Một cửa" in text


def test_steps_unknown_are_said_plainly_with_what_is_known() -> None:
    text = render_answer(record(steps=[]), "steps")
    assert_said_plainly(text.splitlines()[0], "các bước thực hiện")
    assert "Nơi nộp: Bộ phận Một cửa" in text


# ------------------------------------------------------------------------------------------------- form
def test_form_names_the_form_its_source_and_where_to_get_it() -> None:
    text = render_answer(record(), "form")
    assert "- Tờ khai đăng ký khai sinh (Thông tư 04/2020/TT-BTP)" in text
    assert "Anh/chị nhận mẫu tại Bộ phận Một cửa" in text
    assert "khai tờ khai điện tử khi nộp trực tuyến tại https://dichvucong.gov.vn" in text


def test_form_gives_the_official_download_address_when_there_is_one() -> None:
    url = "https://example.gov.vn/mau-to-khai.docx"
    text = render_answer(record(forms=[FormRecord("Tờ khai", "Thông tư 04/2020/TT-BTP", url)]), "form")
    assert f"- Tờ khai (Thông tư 04/2020/TT-BTP): tải tại {url}" in text
    assert "nhận mẫu tại" not in text


def test_form_falls_back_to_the_papers_filled_in_on_a_form() -> None:
    text = render_answer(record(forms=[]), "form")
    assert "- Tờ khai đăng ký khai sinh (theo mẫu ban hành kèm Thông tư 04/2020)" in text


def test_form_unknown_is_said_plainly() -> None:
    text = render_answer(record(forms=[], documents=[DocumentRecord("Giấy chứng sinh", "copy", 1)]), "form")
    assert_said_plainly(text, "mẫu đơn, tờ khai")


# ------------------------------------------------------------------------------ deadline vs processing
def test_deadline_answer_gives_the_filing_deadline_and_keeps_the_processing_time_apart() -> None:
    text = render_answer(record(), "deadline")
    assert text.startswith(
        "Dạ, về thời hạn phải làm thủ tục đăng ký khai sinh: trong 60 ngày kể từ ngày sinh, cha hoặc mẹ "
        "phải đăng ký khai sinh cho con (theo Điều 15 Luật Hộ tịch 60/2014/QH13)."
    )
    assert "Thời gian giải quyết sau khi nộp đủ hồ sơ: Ngay trong ngày." in text


def test_time_answer_is_the_processing_time_only() -> None:
    text = render_answer(record(), "time")
    assert text == "Dạ, thời hạn giải quyết đăng ký khai sinh: Ngay trong ngày."
    assert "60 ngày" not in text


def test_a_missing_deadline_is_said_plainly_not_replaced_by_the_processing_time() -> None:
    text = render_answer(record(deadline=None), "deadline")
    assert_said_plainly(text.splitlines()[0], "thời hạn phải nộp hồ sơ")
    assert text.splitlines()[1] == "Thời gian giải quyết sau khi nộp đủ hồ sơ: Ngay trong ngày."


# ------------------------------------------------------------------------------------ unverified facts
def test_a_fee_the_audit_found_no_official_figure_for_is_said_plainly() -> None:
    unpublished = record(
        channels=[
            ChannelRecord("in_person", "03 ngày làm việc", 3, "working", "Lệ phí do HĐND tỉnh quy định")
        ],
        audit=AuditRecord(dt.date(2026, 12, 2), "Cổng DVCQG 1.001612", "not_published", "checked"),
    )
    text = render_answer(unpublished, "fee")
    assert_said_plainly(text, "mức lệ phí")
    assert "(lệ phí do Hội đồng nhân dân tỉnh quy định)" in text
    overview = render_answer(unpublished, "overview")
    assert "Lệ phí:" not in overview and "Thời hạn giải quyết: 03 ngày làm việc." in overview


def test_a_time_the_audit_found_no_official_figure_for_is_said_plainly() -> None:
    unpublished = record(audit=AuditRecord(dt.date(2026, 12, 2), "Cổng", "checked", "not_published"))
    assert_said_plainly(render_answer(unpublished, "time"), "thời hạn giải quyết")


def test_internal_notes_never_reach_the_citizen() -> None:
    noted = record(
        verified=False,
        notes="Mức phí chưa đối chiếu với nghị quyết HĐND",
        audit=AuditRecord(
            dt.date(2026, 12, 2), "Cổng", "checked", "checked", "ghi chú nội bộ của người rà soát"
        ),
    )
    for aspect in ("overview", "documents", "fee", "time", "place", "online", "eligibility", "steps", "form"):
        text = render_answer(noted, aspect)
        assert "chưa đối chiếu" not in text and "ghi chú nội bộ" not in text
        assert text.endswith(
            "(Một số thông tin đang được rà soát; anh/chị vui lòng kiểm tra lại khi nộp hồ sơ.)"
        )


# ----------------------------------------------------------------------------------------------- pointers
def divorce() -> ProcedureRecord:
    return ProcedureRecord(
        code="DT.chi_dan_ly_hon",
        name="Ly hôn (thuận tình hoặc đơn phương) – do Tòa án giải quyết",
        origin="shipped",
        kind="pointer",
        field="Tòa án (hôn nhân và gia đình)",
        documents=[
            DocumentRecord("Đơn yêu cầu công nhận thuận tình ly hôn hoặc đơn khởi kiện ly hôn", "original", 1)
        ],
        verified=True,
        pointer=PointerRecord(
            body="Tòa án nhân dân khu vực có thẩm quyền",
            action="Làm đơn ly hôn và nộp tại Tòa án nhân dân khu vực.",
            contact="Cổng thông tin điện tử Tòa án nhân dân tối cao (https://www.toaan.gov.vn)",
            commune_role="UBND xã, phường không giải quyết ly hôn.",
        ),
    )


@pytest.mark.parametrize("aspect", ["overview", "place", "online", "time", "fee"])
def test_a_pointer_says_which_body_handles_it_and_what_to_do(aspect: str) -> None:
    text = render_answer(divorce(), aspect)
    assert text.splitlines() == [
        "Dạ, việc ly hôn (thuận tình hoặc đơn phương) do Tòa án nhân dân khu vực có thẩm quyền giải quyết.",
        "Anh/chị cần làm: làm đơn ly hôn và nộp tại Tòa án nhân dân khu vực.",
        "UBND xã, phường không giải quyết ly hôn.",
        "Liên hệ: Cổng thông tin điện tử Tòa án nhân dân tối cao (https://www.toaan.gov.vn).",
    ]


def test_a_pointer_gives_its_own_facts_under_the_body_that_handles_it() -> None:
    lines = render_answer(divorce(), "documents").splitlines()
    assert lines[0].startswith("Dạ, việc ly hôn (thuận tình hoặc đơn phương) do Tòa án nhân dân khu vực")
    assert lines[1] == "Hồ sơ ly hôn (thuận tình hoặc đơn phương) gồm:"
    assert lines[2].startswith("1. Đơn yêu cầu công nhận thuận tình ly hôn")


# ------------------------------------------------------------------------------ on the shipped catalogue
def shipped_answer(facade_db: str, question: str) -> tuple[str, str]:
    match = facade_match(question)
    assert match.found and match.top is not None, (question, match.outcome)
    return match.top.code, facade_answer(match.top.code, facade_detect_aspect(question))


def test_birth_registration_deadline_is_sixty_days_and_not_the_processing_time(facade_db: str) -> None:
    code, text = shipped_answer(facade_db, "sinh con bao lâu phải đi khai sinh")
    assert code == "1.001193"
    assert "trong 60 ngày kể từ ngày sinh" in text and "Luật Hộ tịch" in text
    code, text = shipped_answer(facade_db, "đăng ký khai sinh bao lâu thì có giấy")
    assert (
        code == "1.001193"
        and text.startswith("Dạ, thời hạn giải quyết đăng ký khai sinh")
        and "60 ngày" not in text
    )


def test_a_divorce_is_sent_to_the_court_with_what_to_do(facade_db: str) -> None:
    code, text = shipped_answer(facade_db, "muốn ly hôn thì nộp đơn ở đâu")
    assert code == "DT.chi_dan_ly_hon"
    assert text.startswith("Dạ, việc ly hôn") and "Tòa án nhân dân khu vực" in text
    assert "Anh/chị cần làm:" in text and "UBND xã, phường không giải quyết ly hôn" in text


def test_the_social_pension_names_who_is_eligible(facade_db: str) -> None:
    code, text = shipped_answer(facade_db, "ba tui 82 tuổi không có lương hưu, có được trợ cấp không")
    assert code == "1.014027"
    assert text.startswith("Dạ, người thực hiện thủ tục") and "75 tuổi" in text


def test_the_birth_registration_form_is_named_with_who_issues_it(facade_db: str) -> None:
    code, text = shipped_answer(facade_db, "khai sinh cần mẫu tờ khai nào")
    assert code == "1.001193"
    assert "- Tờ khai đăng ký khai sinh" in text and "Thông tư 04/2020/TT-BTP" in text
