"""What the fresh-eyes sets dev33-dev35 (certification, Zalo typing, workers and employers) asked and the
catalogue or the answers did not say: the tax-code notice re-issue (1.008501), the forms of the
occupational-accident benefit (05A-HSB) and of collecting a benefit by proxy (13-HSB), the filing deadline
asked with "chừng nào phải", the result of a procedure, consular legalisation of a paper issued abroad, a
refused inheritance, a new hire's first registration, and a lost paper that is no merger question. Each test
reads the shipped catalogue."""

from __future__ import annotations

import pytest

from knowledge.aspects import detect_aspect
from knowledge.facade import answer, merger_papers
from tests.knowledge.shipped import record, top_code


def test_the_tax_code_notice_reissue_is_sourced_with_its_form_time_and_fee() -> None:
    entry = record("1.008501")
    assert entry.decision == "4472/QĐ-BTC"
    assert {c.days for c in entry.channels} == {2} and {c.fee_vnd for c in entry.channels} == {0}
    assert "13-MST" in answer("1.008501", "form")
    assert top_code("mat giay thong bao ma so thue roi, xin cap lai dc ko") == "1.008501"


@pytest.mark.parametrize(("code", "form"), [("1.001632", "05A-HSB"), ("1.001601", "13-HSB")])
def test_social_insurance_forms_read_in_the_portal_steps_are_named(code: str, form: str) -> None:
    assert form in answer(code, "form")


@pytest.mark.parametrize(
    "question", ["chừng nào phải đi làm", "khi nào phải đi gia hạn", "bao giờ phải đi đăng ký"]
)
def test_when_one_must_do_it_asks_the_filing_deadline(question: str) -> None:
    assert detect_aspect(question) == "deadline"


@pytest.mark.parametrize("question", ["chừng nào có", "khi nào phải lên lấy kết quả"])
def test_when_it_is_ready_stays_the_processing_time(question: str) -> None:
    assert detect_aspect(question) == "time"


def test_the_temporary_residence_extension_deadline_is_15_days_before_expiry() -> None:
    text = answer("1.002755", "deadline")
    assert "15 ngày" in text and "Luật Cư trú" in text


def test_the_result_aspect_says_what_one_receives() -> None:
    assert detect_aspect("Kết quả giải quyết gồm những gì?") == "result"
    assert detect_aspect("hồ sơ gồm những gì") == "documents"
    assert "Quyết định hưởng BHXH một lần" in answer("1.001613", "result")


def test_a_paper_issued_abroad_gets_the_consular_legalisation_rule() -> None:
    question = "giấy khai sinh của con tui cấp bên Đài Loan thì xã chứng thực bản sao được hông"
    assert "hợp pháp hóa lãnh sự" in answer("2.000815", "place", question)
    assert "hợp pháp hóa lãnh sự" not in answer("2.000815", "place", "xã chứng thực bản sao được hông")


def test_not_taking_ones_share_of_an_estate_is_the_refusal_of_an_inheritance() -> None:
    question = "tui hông muốn nhận phần đất ba má để lại, nhường hết cho em út, ra xã làm giấy gì"
    assert top_code(question) == "2.001016"


def test_a_new_hire_is_registered_not_a_book_reissued() -> None:
    question = (
        "Doanh nghiệp chúng tôi vừa tuyển 15 lao động mới. Đề nghị hướng dẫn thời hạn cơ quan BHXH cấp sổ "
        "BHXH sau khi đơn vị nộp hồ sơ đăng ký tham gia BHXH, BHYT, BHTN cho người lao động."
    )
    assert top_code(question) == "1.002051"


def test_a_lost_paper_is_no_merger_question_whatever_old_place_the_story_names() -> None:
    story = (
        "Nhà em ở ấp 4 xã Mỹ Xương cũ bên Cao Lãnh. Nước lên, cái sổ đỏ ba má em đứng tên cũng trôi mất "
        "luôn, kiếm hoài hông thấy. Giờ muốn làm lại sổ đỏ thì cần giấy tờ gì ạ?"
    )
    assert merger_papers(story) is None
    assert top_code(story) == "1.012786"
    assert merger_papers("sổ đỏ ghi huyện Cái Bè cũ có phải làm lại không") is not None
