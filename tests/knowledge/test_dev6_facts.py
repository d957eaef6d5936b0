"""Facts and readings of the dev6 round (issue 12), asked in words other than the dev set's."""

from __future__ import annotations

import pytest

from knowledge.facade import answer as facade_answer
from knowledge.facade import detect_aspect, match_catalogue

QUARANTINE = "1.002338"  # kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh
PASSPORT = "1.001456"
RESIDENCE = "1.004222"


@pytest.mark.parametrize(
    "question",
    [
        "chở bò qua tỉnh khác bán thì xin giấy kiểm dịch ở đâu",
        "mình vận chuyển gà vịt đi Cần Thơ có cần kiểm dịch không",
        "xin giay kiem dich heo cho ra khoi tinh",
    ],
)
def test_moving_animals_out_of_the_province_finds_the_quarantine_procedure(question: str) -> None:
    match = match_catalogue(question)
    assert match.outcome == "found" and match.top is not None and match.top.code == QUARANTINE, question


def test_the_quarantine_record_says_its_sourced_facts_and_no_invented_amount() -> None:
    papers = facade_answer(QUARANTINE, "documents")
    assert "Đơn đăng ký kiểm dịch động vật" in papers and "1a" in papers
    assert "05 ngày làm việc" in facade_answer(QUARANTINE, "time")
    fee = facade_answer(QUARANTINE, "fee")
    assert "chưa có thông tin chính thức" in fee and "101/2020/TT-BTC" in fee


@pytest.mark.parametrize(
    "question", ["ảnh thẻ cỡ mấy vậy", "hinh the kho bao nhieu", "hình thẻ cỡ nhiêu", "phải nộp mấy tấm ảnh"]
)
def test_a_photo_question_is_a_papers_question(question: str) -> None:
    assert detect_aspect(question) == "documents", question


def test_the_passport_papers_give_the_photo_size() -> None:
    assert "4cm x 6cm" in facade_answer(PASSPORT, "documents")


def test_the_online_answer_gives_the_lower_online_fee() -> None:
    assert "10.000 đồng" in facade_answer(RESIDENCE, "online")
    # answered beside the fee, the online answer leaves the fee to it
    assert "10.000" not in facade_answer(RESIDENCE, "online", alongside=("fee",))
