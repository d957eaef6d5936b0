"""Facts added from the national portal crawl and the law for the dev4 round (issue 12): the fishing
licence, fees and exemptions, conditional papers, forms, filing deadlines and the social pension. Each
test reads the shipped catalogue and the reply a citizen would get for that aspect."""

from __future__ import annotations

import pytest

from knowledge.facade import answer, match_catalogue
from tests.knowledge.shipped import record


# ------------------------------------------------------------------------- the fishing licence (1.004359)
def test_the_fishing_licence_is_a_sourced_province_procedure_with_its_two_fees() -> None:
    licence = record("1.004359")
    assert list(licence.levels) == ["province"]
    assert licence.audit is not None and "1.004359" in licence.audit.source
    assert licence.decision == "339/QĐ-BNNMT"
    assert {c.fee_vnd for c in licence.channels} == {40000}  # the first issue; re-issue in the text
    fee = answer("1.004359", "fee")
    assert "40.000" in fee and "20.000" in fee
    time = answer("1.004359", "time")
    assert "05 ngày làm việc" in time and "03 ngày làm việc" in time
    forms = " ".join(f.source for f in licence.forms)
    assert "04.KT" in forms and "05.KT" in forms


@pytest.mark.parametrize(
    "question",
    [
        "ngư dân xin giấy phép khai thác thủy sản cho tàu cá ở đâu",
        "cap lai giay phep khai thac thuy san bi mat",
    ],
)
def test_a_fishing_licence_question_finds_the_fishing_licence(question: str) -> None:
    match = match_catalogue(question)
    assert match.found and match.top is not None and match.top.code == "1.004359", question


# ------------------------------------------------------------------------------------------- fees
def test_suspending_a_household_business_is_free_on_every_channel() -> None:
    suspension = record("1.001570")
    assert suspension.channels and all(c.fee_vnd == 0 for c in suspension.channels)
    assert "Miễn phí" in answer("1.001570", "fee")
    assert "01 ngày làm việc" in answer("1.001570", "time")


def test_death_registration_names_who_is_exempt_from_the_fee() -> None:
    fee = answer("1.000656", "fee")
    for fact in ("đúng hạn", "hộ nghèo", "người khuyết tật", "có công với cách mạng"):
        assert fact in fee, fact


def test_a_mortgage_for_a_farm_loan_pays_no_certification_fee() -> None:
    fee = answer("2.001035", "fee")
    assert "không phải nộp phí" in fee and "55/2015/NĐ-CP" in fee


# ------------------------------------------------------------------------------- conditional papers
def test_a_death_long_ago_without_a_death_notice_needs_papers_proving_the_death() -> None:
    assert "chứng minh sự kiện chết" in answer("1.000656", "documents")
    assert "chứng minh sự kiện chết" in answer("1.000656", "steps")


def test_marital_status_certificate_papers_for_a_reissue_and_after_a_divorce() -> None:
    papers = answer("1.004873", "documents")
    assert "nộp lại" in papers
    assert "bản án/quyết định ly hôn" in papers


@pytest.mark.parametrize("code", ["1.001193", "1.000656", "1.004873"])
def test_an_authorisation_to_a_close_relative_needs_no_certification(code: str) -> None:
    papers = answer(code, "documents")
    assert "Văn bản ủy quyền" in papers and "anh, chị, em ruột" in papers
    assert "không phải chứng thực" in papers or "không cần chứng thực" in papers


def test_a_birth_without_a_birth_certificate_takes_a_witness_or_a_sworn_statement() -> None:
    papers = answer("1.001193", "documents")
    assert "người làm chứng" in papers and "cam đoan" in papers


# ------------------------------------------------------------------------------------------- forms
@pytest.mark.parametrize("code", ["1.014061", "1.014063", "1.014064"])
def test_identity_card_procedures_name_the_dc02_request_form(code: str) -> None:
    assert any("DC02" in f.name or "DC02" in f.source for f in record(code).forms), code
    assert "DC02" in answer(code, "form")


def test_a_child_passport_form_is_signed_by_the_legal_representative() -> None:
    form = answer("1.001456", "form")
    assert "TK01a" in form and "ký thay" in form and "cha, mẹ" in form


def test_driving_licence_exchange_needs_no_health_certificate_for_a1_and_photographs_on_site() -> None:
    assert "A1" in answer("3.000347", "documents")
    assert "chụp ảnh" in answer("3.000347", "steps")
    match = match_catalogue("đổi bằng lái xe máy A1 sang mẫu mới")
    assert match.found and match.top is not None and match.top.code == "3.000347"


# ---------------------------------------------------------------------------- eligibility, deadlines
def test_the_social_allowance_points_people_from_75_without_pension_to_the_social_pension() -> None:
    eligibility = answer("1.001776", "eligibility")
    assert "75 tuổi" in eligibility and "hưu trí xã hội" in eligibility
    conditions = record("1.014027").conditions or ""
    assert "75 tuổi" in conditions and "70 tuổi" in conditions and "hộ nghèo" in conditions
    assert "41/2024/QH15" in conditions


def test_the_unemployment_benefit_must_be_claimed_within_three_months() -> None:
    deadline = record("DT.viec_lam_tro_cap_that_nghiep").deadline
    assert deadline is not None and "03 tháng" in deadline.text
    assert "38/2013/QH13" in deadline.basis and "74/2025/QH15" in deadline.basis
    assert "03 tháng" in answer("DT.viec_lam_tro_cap_that_nghiep", "deadline")


@pytest.mark.parametrize(("code", "days"), [("1.001193", 60), ("1.000656", 15)])
def test_birth_and_death_registration_give_the_filing_deadline_of_the_civil_status_law(
    code: str, days: int
) -> None:
    deadline = record(code).deadline
    assert deadline is not None and deadline.days == days and "Luật Hộ tịch" in deadline.basis
    assert f"{days} ngày" in answer(code, "deadline")
