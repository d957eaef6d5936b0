"""What the fresh-eyes sets dev29-dev31 asked and the catalogue did not say or did not find: state legal aid
asked after a dispute is told (2.000829, with the papers proving a war invalid), a wrong date of birth or
name on the ID card is a ground for exchanging it (1.014063, khoản 1 Điều 24 Luật Căn cước 26/2023/QH15),
and a lost vehicle registration waits 30 days for verification (1.013082); from older sets, whether a missing
condition matters ("có sao hông") asks the eligibility and a burnt liquor stamp is reported to the tax office
(1.011049), a civil servant marrying a foreigner brings the employer's confirmation (2.000806) and a child
given a foreign nationality that country's confirmation (2.000528). Each test reads the shipped catalogue."""

from __future__ import annotations

import pytest

from knowledge.aspects import detect_aspect
from knowledge.facade import answer
from knowledge.search import background_end, tokenize
from tests.knowledge.shipped import top_code

LEGAL_AID = "2.000829"  # Yêu cầu trợ giúp pháp lý
CARD_EXCHANGE = "1.014063"  # Cấp đổi thẻ căn cước
VEHICLE_REISSUE = "1.013082"  # Cấp lại chứng nhận đăng ký xe, biển số xe


# ------------------------------------------------------------------------------------ legal aid
@pytest.mark.parametrize(
    "question",
    [
        "ba tui là thương binh, đang bị tranh chấp đất với hàng xóm, "
        "nhà nước có cho luật sư giúp miễn phí hông",
        "dang kien tung chuyen dat dai, tui la ho ngheo, co duoc nha nuoc cho luat su mien phi ko",
        "mẹ tui bị công ty nợ lương, có chỗ nào tư vấn pháp luật miễn phí không",
    ],
)
def test_a_free_lawyer_asked_after_a_dispute_is_state_legal_aid(question: str) -> None:
    assert top_code(question) == LEGAL_AID


def test_what_the_state_gives_is_asked_after_the_situation_told() -> None:
    tokens = tokenize("ba tui là thương binh, bị tranh chấp đất, nhà nước có cho luật sư giúp miễn phí hông")
    assert tokens[background_end(tokens) :][:3] == ["nha", "nuoc", "co"]
    # a question that opens with it tells no situation
    assert background_end(tokenize("nhà nước có hỗ trợ tiền cho người khuyết tật không")) == 0


def test_legal_aid_names_the_papers_of_a_war_invalid_and_where_to_file() -> None:
    documents = answer(LEGAL_AID, "documents")
    assert "giấy chứng nhận thương binh" in documents
    assert "Trung tâm Trợ giúp pháp lý nhà nước" in answer(LEGAL_AID, "place")
    assert "Miễn phí" in answer(LEGAL_AID, "fee")


# ------------------------------------------------------------------------------------ ID card
@pytest.mark.parametrize(
    "question",
    [
        "can cuoc bi sai ngay sinh, di doi lai lam mat may ngay z",
        "cccd của tui in sai tên, làm sao sửa",
        "căn cước ghi sai năm sinh của má tui thì làm gì",
    ],
)
def test_a_wrong_date_of_birth_or_name_on_the_card_is_an_exchange(question: str) -> None:
    assert top_code(question) == CARD_EXCHANGE


def test_the_exchange_says_its_grounds_fee_and_time() -> None:
    conditions = answer(CARD_EXCHANGE, "eligibility")
    assert "ngày, tháng, năm sinh" in conditions and "sai sót" in conditions
    assert "25.000" in answer(CARD_EXCHANGE, "fee")
    assert "07 ngày làm việc" in answer(CARD_EXCHANGE, "time")


def test_integrating_a_licence_into_the_card_stays_the_integration() -> None:
    assert top_code("muốn tích hợp bằng lái vô căn cước") == "1.014060"


# ------------------------------------------------------------------------------------ vehicle registration
def test_a_lost_registration_waits_30_days_for_verification() -> None:
    assert detect_aspect("vậy mất giấy thì phải chờ xác minh hả") == "time"
    time = answer(VEHICLE_REISSUE, "time")
    assert "xác minh 30 ngày" in time and "02 ngày làm việc" in time


# -------------------------------------------------------------------------------- older sets (dev24, dev27)
def test_whether_a_missing_condition_matters_is_eligibility_and_filing_late_the_deadline() -> None:
    assert detect_aspect("ổng chưa rành tiếng Việt, có sao hông") == "eligibility"
    assert "vợ hoặc chồng" in answer("2.002039", "eligibility")
    assert detect_aspect("nộp trễ có sao không") == "deadline"
    assert detect_aspect("khai tử chậm có sao ko") == "deadline"


def test_a_burnt_liquor_stamp_is_reported_to_the_tax_office_on_form_04_tem() -> None:
    question = (
        "Đề nghị cho biết cơ sở sản xuất rượu thủ công để tiêu thụ trong nước bị cháy một phần tem điện tử "
        "rượu thì phải thông báo cho cơ quan nào, theo mẫu nào?"
    )
    assert top_code(question) == "1.011049"
    assert "Thuế cơ sở" in answer("1.011049", "place")
    assert "04/TEM" in answer("1.011049", "form")
    assert "05 ngày làm việc" in answer("1.011049", "deadline")
    # selling liquor in a grocery is another matter: the stamp report does not answer it
    assert top_code("tiệm tạp hóa muốn bán thêm rượu bia với thuốc lá thì có cần xin giấy phép gì hông") != (
        "1.011049"
    )


def test_a_civil_servant_marrying_a_foreigner_brings_the_employers_confirmation() -> None:
    documents = answer("2.000806", "documents")
    assert "không trái với quy định của ngành" in documents and "viên chức" in documents


def test_a_child_given_a_foreign_nationality_needs_that_countrys_confirmation() -> None:
    assert "cơ quan có thẩm quyền của nước mà trẻ được chọn mang quốc tịch" in answer("2.000528", "documents")
