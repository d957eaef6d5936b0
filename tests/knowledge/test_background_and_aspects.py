"""Where the citizen lives said as background does not name the residence registration; photo and
absence-length questions read as steps and eligibility; the hotline addressed is not asked for."""

from __future__ import annotations

import pytest

from knowledge import facade as knowledge
from knowledge.aspects import detect_aspect
from knowledge.contacts import is_contact_question

CARD = "1.014061"  # Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên
PERMANENT = "1.004222"  # Đăng ký thường trú


@pytest.mark.parametrize(
    "question",
    [
        "làm căn cước có phải về nơi thường trú không hay làm chỗ nào cũng được",
        "ho khau o Go Cong ma dang lam o Sa Dec, lam can cuoc o Sa Dec duoc ko",
    ],
)
def test_a_residence_said_as_background_leaves_the_card_asked_about(question: str) -> None:
    match = knowledge.match_catalogue(question)
    assert match.outcome == "found"
    assert match.hits[0].code == CARD
    assert "không phụ thuộc nơi thường trú" in knowledge.answer(CARD, "place")


@pytest.mark.parametrize(
    "question",
    [
        "hộ khẩu ở Sa Đéc muốn chuyển về Cao Lãnh thì làm sao",
        "chuyển hộ khẩu về nơi ở mới",
        "đăng ký thường trú ở Sa Đéc cần gì",
    ],
)
def test_a_residence_registered_is_still_the_residence_registration(question: str) -> None:
    assert knowledge.match_catalogue(question).hits[0].code == PERMANENT


def test_a_photo_taken_on_site_is_a_step_and_a_length_away_is_eligibility() -> None:
    assert detect_aspect("doi bang lai o cong an thi co phai chup hinh tai cho ko hay nop anh") == "steps"
    assert (
        detect_aspect("đi làm ăn xa trên thành phố 1 năm thì có phải khai báo tạm vắng không")
        == "eligibility"
    )
    # where to file stays the place, papers stay the documents
    assert detect_aspect("tạm vắng nộp ở đâu") == "place"
    assert detect_aspect("đổi bằng lái cần mấy tấm hình") == "documents"


def test_the_hotline_addressed_is_not_a_phone_question() -> None:
    assert not is_contact_question(
        "Kính gửi tổng đài, muốn đổi giấy phép lái xe hạng B2 cũ sang mẫu mới thì liên hệ cơ quan nào?"
    )
    assert is_contact_question("tổng đài ơi số điện thoại công an xã Mỹ Hiệp là gì")
    assert is_contact_question("số tổng đài dịch vụ công là bao nhiêu")
