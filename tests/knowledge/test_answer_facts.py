"""The reply carries the fact asked for: the amount a benefit pays and on what basis, each channel's time
and fee when they differ, the main papers first, what is known about a fee without an official amount."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from knowledge.answers import main_papers_first, render_answer
from knowledge.catalogue import load_shipped, validate_dir
from knowledge.facade import answer as facade_answer
from knowledge.facade import detect_aspect, get_procedure, match_catalogue
from knowledge.records import AuditRecord, BenefitRecord, ChannelRecord, DocumentRecord, ProcedureRecord

ALLOWANCE = BenefitRecord(
    "Trợ cấp hằng tháng bằng mức chuẩn trợ giúp xã hội nhân hệ số. Mức chuẩn là 540.000 đồng/tháng. "
    "Người khuyết tật nặng hệ số 1,5.",
    "Điều 6 Nghị định 20/2021/NĐ-CP",
)


def allowance(**changes: object) -> ProcedureRecord:
    base = ProcedureRecord(
        code="9.000002",
        name="Trợ cấp xã hội hằng tháng",
        origin="shipped",
        levels=["commune"],
        field="Bảo trợ xã hội",
        place="Bộ phận Một cửa của UBND xã, phường",
        applicants="Người khuyết tật nặng, trẻ em mồ côi",
        conditions="Thuộc đối tượng bảo trợ xã hội",
        online_level="partial",
        online_url="https://dichvucong.gov.vn",
        channels=[ChannelRecord("in_person", None, None, "working", "Miễn phí", 0)],
        documents=[DocumentRecord("Tờ khai đề nghị trợ giúp xã hội", "original", 1)],
        verified=True,
        benefit=ALLOWANCE,
        audit=AuditRecord(dt.date(2026, 12, 2), "Nghị định 20/2021/NĐ-CP", "checked", "not_published"),
    )
    return dataclasses.replace(base, **changes)


def land(**changes: object) -> ProcedureRecord:
    """Times and fees that differ by channel, as on the national portal for land procedures."""
    base = ProcedureRecord(
        code="9.000003",
        name="Tách thửa đất",
        origin="shipped",
        levels=["commune"],
        field="Đất đai",
        place="Văn phòng đăng ký đất đai",
        online_level="partial",
        online_url="https://dichvucong.gov.vn",
        channels=[
            ChannelRecord(
                "in_person", "Không quá 22 ngày làm việc", 22, "working", "Lệ phí theo Nghị quyết HĐND"
            ),
            ChannelRecord("online", "Không quá 12 ngày làm việc", 12, "working", "Theo Nghị quyết HĐND tỉnh"),
        ],
        verified=True,
        audit=AuditRecord(dt.date(2026, 12, 2), "Cổng DVCQG 1.012784", "not_published", "checked"),
    )
    return dataclasses.replace(base, **changes)


# --------------------------------------------------------------------------------------------- benefit
def test_eligibility_gives_who_may_apply_the_conditions_and_the_amount_with_its_basis() -> None:
    lines = render_answer(allowance(), "eligibility").splitlines()
    assert lines[0].startswith("Dạ, người thực hiện thủ tục trợ cấp xã hội hằng tháng: Người khuyết tật nặng")
    assert lines[1] == "Điều kiện: Thuộc đối tượng bảo trợ xã hội."
    assert lines[2] == f"Mức được hưởng: {ALLOWANCE.text} Căn cứ: Điều 6 Nghị định 20/2021/NĐ-CP."


def test_the_amount_alone_is_an_eligibility_answer() -> None:
    text = render_answer(allowance(applicants=None, conditions=None), "eligibility")
    assert text.startswith("Dạ, về thủ tục trợ cấp xã hội hằng tháng: mức được hưởng: Trợ cấp hằng tháng")
    assert "540.000 đồng/tháng" in text


def test_a_fee_question_about_a_benefit_also_gets_the_amount_received() -> None:
    """ "Trợ cấp thất nghiệp bao nhiêu tiền?" may ask what it costs or what it pays: both are answered."""
    lines = render_answer(allowance(), "fee").splitlines()
    assert lines[0] == "Dạ, lệ phí trợ cấp xã hội hằng tháng: Miễn phí."
    assert lines[1].startswith("Mức được hưởng: Trợ cấp hằng tháng") and "540.000" in lines[1]


def test_the_overview_of_a_benefit_gives_the_first_sentences_of_the_amount() -> None:
    text = render_answer(allowance(), "overview")
    assert (
        "Mức được hưởng: Trợ cấp hằng tháng bằng mức chuẩn trợ giúp xã hội nhân hệ số. Mức chuẩn là " in text
    )
    assert "hệ số 1,5" not in text  # the details stay in the eligibility answer


def test_no_benefit_no_amount_line() -> None:
    assert "Mức được hưởng" not in render_answer(allowance(benefit=None), "eligibility")
    assert "Mức được hưởng" not in render_answer(land(), "fee")


# ----------------------------------------------------------------------------------- channels differ
def test_time_differing_by_channel_is_given_for_each_channel() -> None:
    assert render_answer(land(), "time").splitlines() == [
        "Dạ, thời hạn giải quyết tách thửa đất:",
        "- Nộp trực tiếp: Không quá 22 ngày làm việc",
        "- Nộp trực tuyến: Không quá 12 ngày làm việc",
    ]


def test_the_overview_gives_each_channel_time_on_one_line() -> None:
    text = render_answer(land(), "overview")
    assert (
        "Thời hạn giải quyết: trực tiếp: Không quá 22 ngày làm việc; trực tuyến: Không quá 12 ngày làm việc."
        in text
    )
    assert "Lệ phí:" not in text  # no official amount (audit: not_published)


def test_a_question_about_a_deadline_the_law_does_not_set_gets_every_channel_time() -> None:
    lines = render_answer(land(), "deadline").splitlines()
    assert lines[0].startswith("Dạ, hiện em chưa có thông tin chính thức về thời hạn phải nộp hồ sơ")
    assert lines[1] == (
        "Thời gian giải quyết sau khi nộp đủ hồ sơ: trực tiếp: Không quá 22 ngày làm việc; "
        "trực tuyến: Không quá 12 ngày làm việc."
    )


def test_a_fee_without_official_amount_still_says_who_sets_it_from_every_channel() -> None:
    text = render_answer(land(), "fee")
    assert text.startswith(
        "Dạ, hiện em chưa có thông tin chính thức về mức lệ phí của thủ tục «Tách thửa đất»"
    )
    assert "(lệ phí theo Nghị quyết Hội đồng nhân dân; theo Nghị quyết Hội đồng nhân dân tỉnh)" in text
    assert text.endswith("ạ.")


PORTAL_FEE = "Miễn phí (theo quy định của Luật phí và lệ phí)"


def with_portal_fee(record: ProcedureRecord, portal_fee: str | None = PORTAL_FEE) -> ProcedureRecord:
    assert record.audit is not None
    return dataclasses.replace(record, audit=dataclasses.replace(record.audit, portal_fee=portal_fee))


def test_a_fee_the_province_sets_gives_the_national_portal_figure_marked_as_the_portal_s() -> None:
    """ "phí nhiêu" about a lost land certificate: what the national portal publishes, said to be the
    portal's, then who sets the official amount and where to ask; never "chưa có thông tin" alone."""
    lines = render_answer(with_portal_fee(land()), "fee").splitlines()
    assert lines[0] == (
        "Dạ, về lệ phí tách thửa đất: theo Cổng Dịch vụ công quốc gia, «Miễn phí» "
        "(theo quy định của Luật phí và lệ phí)."
    )
    assert lines[1] == (
        "Lưu ý: lệ phí theo Nghị quyết Hội đồng nhân dân; theo Nghị quyết Hội đồng nhân dân tỉnh."
    )
    assert lines[2].startswith("Em chưa có mức thu chính thức của tỉnh Đồng Tháp, anh/chị liên hệ Văn phòng")
    assert "chưa có thông tin chính thức" not in "\n".join(lines)


def test_the_overview_gives_the_portal_fee_with_who_sets_the_amount() -> None:
    text = render_answer(with_portal_fee(land()), "overview")
    assert (
        "Lệ phí: theo Cổng Dịch vụ công quốc gia, «Miễn phí» (theo quy định của Luật phí và lệ phí); "
        "mức thu do Hội đồng nhân dân tỉnh quy định." in text
    )


def test_the_portal_fee_is_used_only_for_a_fee_without_official_amount() -> None:
    checked = land(audit=AuditRecord(dt.date(2026, 12, 2), "Cổng DVCQG 1.012784", "checked", "checked"))
    assert "Cổng Dịch vụ công quốc gia, «" not in render_answer(with_portal_fee(checked), "fee")
    assert render_answer(with_portal_fee(land(), None), "fee") == render_answer(land(), "fee")


@pytest.mark.parametrize("code", ["1.012786", "1.001266", "2.000575", "2.000720", "1.012784"])
def test_shipped_province_set_fees_carry_the_portal_figure(code: str) -> None:
    """dev22-25: the lost land certificate, ending or re-issuing a household business, splitting a plot."""
    fee = render_answer(get_procedure(code), "fee")
    assert "theo Cổng Dịch vụ công quốc gia, «Miễn phí»" in fee and "Đồng Tháp" in fee


def test_a_fee_text_that_only_says_who_sets_it_reads_as_a_sentence() -> None:
    # "Lưu ý: theo Nghị quyết ..." alone said nothing of what is set
    fee = render_answer(get_procedure("1.012786"), "fee")
    assert "Lưu ý: mức thu theo Nghị quyết của Hội đồng nhân dân tỉnh." in fee


# ----------------------------------------------------------------------------------------- documents
def test_the_papers_every_applicant_needs_come_first() -> None:
    papers = [
        DocumentRecord("Văn bản ủy quyền", "original", 1, None, "Khi ủy quyền"),
        DocumentRecord("Tờ khai", "original", 1),
        DocumentRecord("Giấy tờ chứng minh hộ nghèo (nếu có)", "copy", 1),
        DocumentRecord(
            "Giấy chứng sinh", "original", 1, None, "Không phải nộp bản giấy nếu đã có bản điện tử"
        ),
        DocumentRecord("Căn cước", "present", 1),
    ]
    assert [d.name for d in main_papers_first(papers)] == [
        "Tờ khai",
        "Căn cước",
        "Văn bản ủy quyền",
        "Giấy tờ chứng minh hộ nghèo (nếu có)",
        "Giấy chứng sinh",
    ]
    lines = render_answer(allowance(documents=papers), "documents").splitlines()
    assert lines[1].startswith("1. Tờ khai") and lines[2].startswith("2. Căn cước")


# ------------------------------------------------------------------------------------ the shipped data
@pytest.mark.parametrize(
    ("code", "facts"),
    [
        ("1.001776", ("540.000 đồng/tháng", "500.000", "1,5", "Nghị định 20/2021/NĐ-CP")),
        ("1.014027", ("500.000 đồng/tháng", "540.000", "Luật Bảo hiểm xã hội 41/2024/QH15")),
        ("1.001731", ("20 lần mức chuẩn", "10.800.000")),
        ("DT.viec_lam_tro_cap_that_nghiep", ("60%", "05 lần", "03 tháng", "74/2025/QH15")),
        ("1.001613", ("1,5 tháng", "02 tháng")),
    ],
)
def test_shipped_benefits_give_the_amount_and_its_basis(code: str, facts: tuple[str, ...]) -> None:
    text = facade_answer(code, "eligibility")
    for fact in facts:
        assert fact in text, (code, fact)
    assert "Căn cứ:" in text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("trợ cấp thất nghiệp được hưởng bao nhiêu phần trăm lương", "60%"),
        ("bà nội em 78 tuổi không có lương hưu có được nhận trợ cấp không", "75 tuổi"),
        ("nguoi khuyet tat nang duoc tro cap bao nhieu tien", "810.000"),
        ("mướn nhà ở có đăng ký thường trú được không", "08 m2"),
    ],
)
def test_a_citizen_question_gets_the_fact_from_the_shipped_catalogue(question: str, fact: str) -> None:
    match = match_catalogue(question)
    assert match.found and match.top is not None
    assert fact in facade_answer(match.top.code, detect_aspect(question)), question


def test_the_shipped_place_of_health_insurance_card_spells_out_social_insurance() -> None:
    record = get_procedure("1.002759")
    assert record is not None and record.place and record.place.startswith("Cơ quan bảo hiểm xã hội")


# ------------------------------------------------------------------------------------ catalogue format
def _write(tmp_path: Path, benefit: str) -> Path:
    folder = tmp_path / "procedures"
    folder.mkdir()
    (folder / "x.yml").write_text(
        f"""procedures:
  - code: "9.000009"
    name: "Trợ cấp thử"
    levels: [commune]
    field: "Bảo trợ xã hội"
    legal_basis: [{{number: "20/2021/NĐ-CP", title: "Nghị định"}}]
    channels: [{{channel: in_person, time: "05 ngày làm việc", days: 5, fee: "Miễn phí", fee_vnd: 0}}]
    source_url: "https://dichvucong.gov.vn"
    source_date: 2026-12-02
    verified: true
    audit: {{date: 2026-12-02, source: "Nghị định 20/2021/NĐ-CP", fee: checked, time: checked}}
{benefit}""",
        encoding="utf-8",
    )
    return folder


def test_a_benefit_is_loaded_with_its_basis(tmp_path: Path) -> None:
    folder = _write(tmp_path, '    benefit: {text: "500.000 đồng/tháng", basis: "Nghị định 76/2024/NĐ-CP"}\n')
    assert validate_dir(folder) == []
    records = load_shipped(folder)
    assert records[0].benefit == BenefitRecord("500.000 đồng/tháng", "Nghị định 76/2024/NĐ-CP")


@pytest.mark.parametrize(
    ("benefit", "problem"),
    [
        ('    benefit: {text: "500.000 đồng/tháng"}\n', "benefit.basis: required"),
        ('    benefit: {text: "Chưa đối chiếu", basis: "Nghị định 76/2024/NĐ-CP"}\n', "benefit.text"),
        ('    benefit: "500.000 đồng"\n', "benefit: must be a mapping"),
    ],
)
def test_a_benefit_without_basis_or_with_a_placeholder_is_refused(
    tmp_path: Path, benefit: str, problem: str
) -> None:
    problems = validate_dir(_write(tmp_path, benefit))
    assert any(problem in p for p in problems), problems


# ------------------------------------------------------------------------------------------- the bench
def test_the_bench_never_shows_the_blind_fact_misses(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.bench import bench_knowledge

    assert bench_knowledge.main(["--show-fact-misses"]) == 2
    assert bench_knowledge.main(["--facts", str(bench_knowledge.FACT_QUESTIONS), "--show-fact-misses"]) == 2
    assert "aggregate only" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------- overview
def test_the_overview_names_who_applies_and_the_main_papers() -> None:
    papers = [
        DocumentRecord("Văn bản ủy quyền", "original", 1, None, "Khi ủy quyền"),
        DocumentRecord("Tờ khai đề nghị trợ giúp xã hội (mẫu 1a)", "original", 1),
        DocumentRecord("Giấy xác nhận khuyết tật", "copy", 1),
    ]
    lines = render_answer(allowance(documents=papers), "overview").splitlines()
    assert "Người thực hiện: Người khuyết tật nặng, trẻ em mồ côi." in lines
    assert (
        "Giấy tờ chính: tờ khai đề nghị trợ giúp xã hội; giấy xác nhận khuyết tật "
        "(và 1 giấy tờ khác tùy trường hợp)." in lines
    )


def test_eligibility_says_how_someone_else_may_apply_when_the_dossier_has_an_authorisation() -> None:
    papers = [
        DocumentRecord("Tờ khai", "original", 1),
        DocumentRecord(
            "Văn bản ủy quyền", "original", 1, None, "Khi ủy quyền; không cần chứng thực nếu là con"
        ),
    ]
    text = render_answer(allowance(documents=papers), "eligibility")
    assert text.splitlines()[-1] == (
        "Nhờ người khác làm thay: nộp kèm văn bản ủy quyền (khi ủy quyền; không cần chứng thực nếu là con)."
    )
    assert "Nhờ người khác" not in render_answer(allowance(), "eligibility")
