"""Papers issued before the 2025 reorganisation of administrative units stay valid (merger_papers)."""

from __future__ import annotations

import pytest

from knowledge.facade import merger_papers


@pytest.mark.parametrize(
    "question",
    [
        "sap nhap tinh roi co phai doi can cuoc ko",
        "Sáp nhập tỉnh rồi thì giấy khai sinh của con ghi tỉnh Tiền Giang cũ có phải làm lại không ạ?",
        "so do ghi huyen cai be cu gio co phai doi lai ko",
        "đổi tên xã rồi giấy phép kinh doanh còn giá trị không",
        "cccd ghi dia chi cu con xai duoc hong",
        "bo huyen roi thi giay to nha dat co sao ko",
    ],
)
def test_a_paper_naming_the_old_units_need_not_be_redone(question: str) -> None:
    answer = merger_papers(question)
    assert answer is not None
    assert "vẫn còn giá trị" in answer and "không phải làm lại" in answer
    assert "Nghị quyết 190/2025/QH15" in answer


def test_the_identity_card_may_be_exchanged_on_request() -> None:
    answer = merger_papers("sáp nhập tỉnh rồi có phải đổi căn cước không")
    assert answer is not None and "điểm đ khoản 1 Điều 24 Luật Căn cước" in answer
    assert "Riêng thẻ căn cước" not in (merger_papers("sáp nhập rồi sổ đỏ có phải đổi không") or "")


@pytest.mark.parametrize(
    "question",
    [
        "lam can cuoc o dau",
        "xa cu cua tui gio thuoc xa nao",
        "sap nhap tinh roi thi lam giay khai sinh o dau",
        "doi lai bang lai xe het bao nhieu tien",
        "dang ky tam tru o xa noi cu tru co phai doi lai ko",
    ],
)
def test_other_questions_are_not_read_as_the_merger_rule(question: str) -> None:
    assert merger_papers(question) is None


def test_the_residence_is_updated_by_the_police_without_a_new_registration() -> None:
    question = "hộ khẩu nhà tui ghi huyện Châu Thành cũ, giờ có phải đi đăng ký lại thường trú không"
    answer = merger_papers(question)
    assert answer is not None and "Điều 26 Luật Cư trú" in answer and "không phải đăng ký lại" in answer


def test_the_merged_province_named_as_joined_counts_as_the_reorganisation() -> None:
    question = "tien giang nhap vo dong thap roi thi bang lai xe ghi tien giang con xai dc ko"
    assert merger_papers(question) is not None
