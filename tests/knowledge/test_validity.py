"""How long the paper a procedure delivers stays valid (``validity``): read as its own aspect, not as the
processing time or the filing deadline, and answered from the sourced ``validity`` of the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.answers import render_answer
from knowledge.aspects import detect_aspect
from knowledge.catalogue import load_shipped
from knowledge.facade import answer, get_procedure
from knowledge.records import PointerRecord, ProcedureRecord, ValidityRecord

SINGLE_STATUS = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân
TEMPORARY_RESIDENCE = "1.004194"  # Đăng ký tạm trú
CRIMINAL_RECORD = "3.000333"  # Cấp Phiếu lý lịch tư pháp
LICENCE_RENEWAL = "3.000347"  # Đổi giấy phép lái xe
ID_CARD_RENEWAL = "1.014063"  # Cấp đổi thẻ căn cước
PASSPORT = "1.001456"  # Cấp hộ chiếu phổ thông ở trong nước
BUILDING_PERMIT = "1.013225"  # Cấp giấy phép xây dựng mới
HEALTH_CARD = "1.001939"  # Đăng ký đóng, cấp thẻ BHYT
CERTIFIED_COPY = "2.000815"  # Chứng thực bản sao từ bản chính
BIRTH = "1.001193"  # Đăng ký khai sinh
BIRTH_WITH_FATHER = "1.000689"  # Đăng ký khai sinh kết hợp nhận cha, mẹ, con: no validity recorded


@pytest.mark.parametrize(
    "text",
    [
        "giấy xác nhận tình trạng hôn nhân có giá trị bao lâu",
        "giay xac nhan tinh trang hon nhan co gia tri bao lau",
        "lý lịch tư pháp xài được mấy tháng",
        "ly lich tu phap xai dc may thang",
        "đăng ký tạm trú được tối đa bao lâu",
        "bằng lái B2 bao lâu phải đổi",
        "bang lai b2 bao lau phai doi",
        "căn cước tới tuổi nào phải đổi",
        "hộ chiếu hạn mấy năm",
        "giấy phép xây dựng bao lâu thì hết hạn",
        "thẻ bhyt hết hạn khi nào",
        "giấy khai sinh có hết hạn không",
        "ba tui 62 tuổi rồi căn cước còn xài dc ko",  # Southern speech, teen code
    ],
)
def test_how_long_a_paper_stays_valid_is_its_own_aspect(text: str) -> None:
    assert detect_aspect(text) == "validity"


@pytest.mark.parametrize(
    "text", ["giấy đó có thời hạn ko", "xài dc bao lâu", "giay do xai dc bao lau", "có hết hạn không"]
)
def test_a_bare_follow_up_about_validity(text: str) -> None:
    assert detect_aspect(text) == "validity"


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        # how long the office takes stays the processing time ...
        ("đăng ký tạm trú bao lâu thì có", "time"),
        ("làm hộ chiếu mấy ngày có", "time"),
        ("làm căn cước phải chờ bao lâu", "time"),
        ("thoi han bao lau", "time"),
        # ... when one must act stays the filing deadline (renewing before the stay ends too) ...
        ("ở trọ bao lâu thì phải đăng ký tạm trú", "deadline"),
        ("tam tru het han thi phai gia han truoc bao lau", "deadline"),
        # ... how long a benefit is paid is what one receives ...
        ("trợ cấp thất nghiệp được hưởng tối đa bao lâu", "eligibility"),
        # ... and an expired paper is only the situation of a question about something else.
        ("can cuoc het han roi doi o dau ad", "place"),
        ("đổi bằng lái xe ô tô hết hạn lệ phí bao nhiêu", "fee"),
        ("giấy xác nhận độc thân cũ hết hạn rồi, xin lại có phải nộp cái cũ không", "documents"),
    ],
)
def test_the_processing_time_the_deadline_and_an_expired_papers_situation_are_not_validity(
    text: str, aspect: str
) -> None:
    assert detect_aspect(text) == aspect


@pytest.mark.parametrize(
    ("code", "facts"),
    [
        (SINGLE_STATUS, ["06 tháng", "Điều 23 Nghị định 123/2015/NĐ-CP"]),
        (TEMPORARY_RESIDENCE, ["tối đa là 02 năm", "gia hạn", "Điều 27", "68/2020/QH14"]),
        (LICENCE_RENEWAL, ["10 năm", "05 năm", "không có thời hạn", "Điều 57", "36/2024/QH15"]),
        (ID_CARD_RENEWAL, ["14 tuổi, 25 tuổi, 40 tuổi và 60 tuổi", "Điều 21 Luật Căn cước 26/2023/QH15"]),
        (PASSPORT, ["10 năm", "chưa đủ 14 tuổi", "05 năm", "Điều 7", "49/2019/QH14"]),
        (BUILDING_PERMIT, ["12 tháng", "gia hạn", "Luật Xây dựng 50/2014/QH13"]),
        (CERTIFIED_COPY, ["không có thời hạn", "Điều 3 Nghị định 23/2015/NĐ-CP"]),
        (BIRTH, ["không có thời hạn", "Luật Hộ tịch 60/2014/QH13"]),
    ],
)
def test_the_answer_gives_the_validity_and_its_legal_basis(code: str, facts: list[str]) -> None:
    text = answer(code, "validity")
    assert text.startswith("Dạ, ")
    assert "(căn cứ " in text
    for fact in facts:
        assert fact in text, fact
    record = get_procedure(code)
    assert record is not None and record.channels[0].time
    assert record.channels[0].time not in text  # never the processing time


def test_the_criminal_record_says_the_law_sets_no_expiry_and_the_requester_may_want_a_recent_one() -> None:
    text = answer(CRIMINAL_RECORD, "validity")
    assert "không có thời hạn" in text and "28/2009/QH12" in text
    assert "hỏi trước nơi sẽ nộp" in text


def test_an_unchecked_validity_says_so() -> None:
    record = get_procedure(HEALTH_CARD)
    assert record is not None and record.validity is not None and record.validity.uncertain
    assert "chưa kiểm chứng được" in answer(HEALTH_CARD, "validity")
    assert "72 tháng tuổi" in answer(HEALTH_CARD, "validity")  # a child's card, state-paid under 6
    assert "chưa kiểm chứng được" not in answer(SINGLE_STATUS, "validity")


def test_without_validity_data_the_answer_says_so_and_where_to_ask_never_the_processing_time() -> None:
    record = get_procedure(BIRTH_WITH_FATHER)
    assert record is not None and record.validity is None
    text = answer(BIRTH_WITH_FATHER, "validity")
    assert "không ghi thời hạn sử dụng cố định" in text and "1022" in text
    assert not any(c.time and c.time in text for c in record.channels)
    assert "thời hạn giải quyết" not in text


def test_a_pointer_with_a_validity_answers_it_after_naming_who_handles_it() -> None:
    pointer = ProcedureRecord(
        code="DT.x",
        name="Tranh chấp mẫu – do Tòa án giải quyết",
        origin="shipped",
        kind="pointer",
        validity=ValidityRecord("Giấy mẫu có giá trị 03 tháng", "Điều 1 Luật mẫu"),
        pointer=PointerRecord(body="Tòa án nhân dân khu vực", action="Nộp đơn tại Tòa án"),
    )
    text = render_answer(pointer, "validity")
    assert text.startswith("Dạ, việc tranh chấp mẫu do Tòa án nhân dân khu vực giải quyết.")
    assert "Giấy mẫu có giá trị 03 tháng (căn cứ Điều 1 Luật mẫu)." in text


def test_a_validity_needs_its_legal_basis(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "procedures" / "ho_tich.yml"
    text = source.read_text(encoding="utf-8")
    basis = 'basis: "Điều 23 Nghị định 123/2015/NĐ-CP; khoản 2 Điều 12 Thông tư 04/2020/TT-BTP"'
    broken = text.replace(basis, "uncertain: 1", 1)
    assert broken != text
    (tmp_path / "ho_tich.yml").write_text(broken, encoding="utf-8")
    with pytest.raises(ValueError) as error:
        load_shipped(tmp_path)
    assert "validity.basis" in str(error.value) and "validity.uncertain" in str(error.value)


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("ba tui dong y cho dat roi thi lam giay to gi", "documents"),
        ("het han can cuoc co phai doi lai ko, ton tien ko", "fee"),
    ],
)
def test_everyday_words_of_consent_or_change_do_not_outweigh_the_question(question: str, aspect: str) -> None:
    # "đồng ý", "bắt buộc", "có phải đổi" lean towards eligibility without deciding it
    assert detect_aspect(question) == aspect
