"""What the fresh-eyes set dev27 (families with ties abroad) asked and the catalogue lacked or did not say:
the nationality procedures at the Department of Justice (2.002039, 2.002036, 1.005136), the words citizens
use for recording a marriage or birth done abroad (2.002189, 2.000547), consular legalisation of foreign
papers before a certified copy (2.000815), the 06-month validity of the health certificate for a marriage
with a foreigner (2.000806) and a self-translated paper (2.001008). Each test reads the shipped catalogue."""

from __future__ import annotations

import pytest

from knowledge.facade import answer, match_catalogue
from knowledge.procedure_actions import query_actions
from knowledge.search_cues import RECORD
from tests.knowledge.shipped import record, top_code


# ------------------------------------------------------------------------------------ nationality
@pytest.mark.parametrize("code", ["2.002039", "2.002036", "1.005136"])
def test_nationality_procedures_are_sourced_province_procedures_at_the_department_of_justice(
    code: str,
) -> None:
    entry = record(code)
    assert list(entry.levels) == ["province"]
    assert entry.decision == "3713/QĐ-BTP" and not entry.verified and entry.notes
    assert "Sở Tư pháp" in entry.executing_agency
    assert all(c.fee_vnd is None for c in entry.channels)
    assert "Sở Tư pháp" in answer(code, "place")


def test_naturalisation_exempts_a_spouse_of_a_vietnamese_citizen_from_the_language_condition() -> None:
    conditions = answer("2.002039", "eligibility")
    assert "vợ hoặc chồng" in conditions and "tiếng Việt" in conditions


def test_giving_up_nationality_takes_75_days_and_needs_a_tax_clearance() -> None:
    assert "75 ngày" in answer("2.002036", "time")
    assert "không nợ thuế" in answer("2.002036", "documents")


@pytest.mark.parametrize(
    ("question", "code"),
    [
        (
            "Chồng tôi quốc tịch Hàn Quốc, ở Cai Lậy 3 năm rồi, muốn nhập quốc tịch Việt Nam nộp ở đâu",
            "2.002039",
        ),
        ("vợ tui người Campuchia muốn xin quốc tịch Việt Nam", "2.002039"),
        ("tui muon thoi quoc tich VN de nhap quoc tich Duc", "2.002036"),
        ("xin bỏ quốc tịch Việt Nam để lấy quốc tịch Úc", "2.002036"),
        ("tôi không còn giấy tờ chứng minh quốc tịch Việt Nam, xin xác nhận có quốc tịch ở đâu", "1.005136"),
    ],
)
def test_a_nationality_question_finds_the_nationality_procedure_not_the_police_one(
    question: str, code: str
) -> None:
    assert top_code(question) == code, question


# --------------------------------------------------------------------- recording what was done abroad
@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("tui dk ket hon ben Dai Loan r, ve VN co can lam gi ko", "2.002189"),
        ("đã kết hôn ở Đài Loan về ghi vào sổ", "2.002189"),
        ("ghi chú kết hôn", "2.002189"),
        ("khai sinh bên nước ngoài rồi về ghi chú", "2.000547"),
        (
            "con sanh ben Nhat, ben do cap giay khai sinh roi, lam sao cho no co ten trong so ho tich",
            "2.000547",
        ),
        ("ghi chú ly hôn", "2.000554"),
        ("đăng ký kết hôn ở Nhật Bản rồi, về nước làm gì", "2.002189"),
        ("ly hôn tại Mỹ rồi về Việt Nam ghi chú sao", "2.000554"),
    ],
)
def test_an_event_done_abroad_is_recorded_not_registered_again(question: str, code: str) -> None:
    assert top_code(question) == code, question


@pytest.mark.parametrize(
    "question",
    ["tui muon dang ky ket hon voi nguoi Dai Loan", "lấy chồng Hàn Quốc làm giấy tờ gì"],
)
def test_a_marriage_to_be_registered_stays_the_foreign_marriage(question: str) -> None:
    assert top_code(question) == "2.000806", question


@pytest.mark.parametrize(
    ("tokens", "wanted"),
    [
        ("dang ky ket hon ben dai loan roi ve vn", True),
        ("ly hon o han quoc roi", True),
        ("ket hon voi nguoi han roi thi con sinh ra khai sinh sao", False),  # the spouse, not the place
        ("con sinh ben han roi ve vn lam khai sinh", False),  # a birth not yet registered abroad
        ("muon dang ky ket hon ben dai loan", False),  # not done yet
    ],
)
def test_a_marriage_or_divorce_done_over_there_wants_the_record(tokens: str, wanted: bool) -> None:
    assert (RECORD in query_actions(tokens.split())) is wanted, tokens


# ----------------------------------------------------------------------------------- legalisation
def test_a_certified_copy_of_a_foreign_paper_says_consular_legalisation_first() -> None:
    documents = answer("2.000815", "documents", "giấy tờ bên Mỹ cấp chứng thực bản sao được không")
    assert "hợp pháp hóa lãnh sự" in documents and "Điều 20" in documents


def test_the_foreign_marriage_says_papers_from_abroad_are_legalised() -> None:
    assert "hợp pháp hóa lãnh sự" in answer("2.000806", "eligibility")


def test_a_foreign_single_status_paper_says_legalisation() -> None:
    overview = answer("1.004873", "overview", "giấy độc thân của chồng người Pháp có cần hợp pháp hóa")
    assert "hợp pháp hóa lãnh sự" in overview


@pytest.mark.parametrize("code", ["2.002189", "2.000554"])
def test_recording_a_marriage_or_divorce_done_abroad_may_be_authorised(code: str) -> None:
    assert "ủy quyền" in answer(code, "eligibility", "ủy quyền cho ba tui đi nộp được không")


# ------------------------------------------------------------------- validity of a paper of the dossier
def test_the_health_certificate_validity_is_answered_for_that_paper() -> None:
    reply = answer("2.000806", "validity", "giấy khám sức khỏe có giá trị bao lâu hả ad")
    assert "06 tháng" in reply and "Điều 30" in reply
    assert "giấy chứng nhận kết hôn" not in reply.lower()


def test_the_validity_of_the_paper_issued_is_unchanged_without_a_named_paper() -> None:
    assert "không có thời hạn" in answer("2.000806", "validity", "giấy kết hôn có giá trị bao lâu")


# ------------------------------------------------------------------------------- self translation
@pytest.mark.parametrize(
    "question",
    [
        "tui tu dich bang tot nghiep qua tieng Anh, ra xa chung thuc chu ky nguoi dich dc ko",
        "tôi tự dịch học bạ sang tiếng Anh thì chứng thực chữ ký ở đâu",
    ],
)
def test_a_self_translated_paper_is_the_non_collaborator_translator_signature(question: str) -> None:
    match = match_catalogue(question)
    assert match.found and match.top is not None and match.top.code == "2.001008", question
    assert match.hits[1].score < 0.8 * match.hits[0].score
