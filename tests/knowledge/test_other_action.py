"""The same paper, another action: a follow-up asking to do something else with the paper in the talk is
about the sibling procedure that does it."""

from __future__ import annotations

import pytest

from knowledge.other_action import other_action_sibling, same_paper, topic_words
from knowledge.service import Catalogue

LAND_CERTIFICATE_REISSUE = "1.012786"  # Cấp lại Giấy chứng nhận do bị mất
LAND_CERTIFICATE_EXCHANGE = "1.012783"  # Cấp đổi Giấy chứng nhận ...
HOUSEHOLD_BUSINESS = "1.001612"
HOUSEHOLD_BUSINESS_SUSPENSION = "1.001570"
HOUSEHOLD_BUSINESS_CLOSING = "1.001266"
HOUSEHOLD_BUSINESS_CHANGE = "2.000720"
MARITAL_STATUS = "1.004873"
ID_CARD = "1.014061"  # Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên
ID_CARD_EXCHANGE = "1.014063"  # Cấp đổi thẻ căn cước
DISABILITY = "Đổi, cấp lại Giấy xác nhận khuyết tật"
LAND_EXCHANGE_NAME = "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất"


def sibling(catalogue: Catalogue, current: str, question: str) -> str | None:
    record = catalogue.get(current)
    assert record is not None
    return other_action_sibling(catalogue.index(), record, question)


@pytest.mark.parametrize(
    ("current", "question", "expected"),
    [
        (LAND_CERTIFICATE_REISSUE, "còn cuốn sổ của anh tui bị rách nát thì sao", LAND_CERTIFICATE_EXCHANGE),
        (LAND_CERTIFICATE_REISSUE, "con so bi rach thi sao", LAND_CERTIFICATE_EXCHANGE),
        (HOUSEHOLD_BUSINESS, "nếu nghỉ bán vài tháng thì sao", HOUSEHOLD_BUSINESS_SUSPENSION),
        # the old card of the one in the talk, not another paper exchanged (the driving licence)
        (ID_CARD, "doi the cu het han cua chong tui", ID_CARD_EXCHANGE),
        (ID_CARD, "thẻ cũ của má em hết hạn rồi đổi sao", ID_CARD_EXCHANGE),
        (HOUSEHOLD_BUSINESS, "còn nghỉ bán luôn thì làm gì", HOUSEHOLD_BUSINESS_CLOSING),
        (
            HOUSEHOLD_BUSINESS_SUSPENSION,
            "còn đổi địa chỉ tiệm qua chỗ khác thì sao",
            HOUSEHOLD_BUSINESS_CHANGE,
        ),
    ],
)
def test_another_action_on_the_same_paper_is_its_sibling(
    catalogue: Catalogue, current: str, question: str, expected: str
) -> None:
    assert sibling(catalogue, current, question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "làm mất bao lâu",  # "mất" takes time: no action asked
        "lệ phí bao nhiêu",
        "nếu muốn sang tên thì sao",  # the vehicle transfer shares "chứng nhận", not the certificate
        "mất sổ hộ khẩu thì sao",  # another paper: a search of its own
    ],
)
def test_a_follow_up_without_another_action_on_the_paper_is_not_moved(
    catalogue: Catalogue, question: str
) -> None:
    assert sibling(catalogue, LAND_CERTIFICATE_REISSUE, question) is None


def test_the_topic_of_a_name_leaves_its_action_words_out() -> None:
    assert topic_words("Cấp lại Giấy chứng nhận do bị mất") == ["giay", "chung", "nhan"]
    assert topic_words("Đăng ký thành lập hộ kinh doanh") == ["ho", "kinh", "doanh"]


def test_a_paper_that_only_starts_like_the_current_one_is_another_paper(catalogue: Catalogue) -> None:
    # "giấy xác nhận" tình trạng hôn nhân is not "giấy xác nhận" khuyết tật: a new one of an expired
    # certificate is asked of the certificate itself
    assert sibling(catalogue, MARITAL_STATUS, "hết hạn rồi xin cái mới có phải nộp lại cái cũ không") is None
    assert not same_paper(topic_words("Cấp Giấy xác nhận tình trạng hôn nhân"), topic_words(DISABILITY))
    assert same_paper(topic_words("Cấp lại Giấy chứng nhận do bị mất"), topic_words(LAND_EXCHANGE_NAME))
