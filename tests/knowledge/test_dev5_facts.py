"""Facts added in the dev5 round (issue 12), asked in words other than the dev set's."""

from __future__ import annotations

import pytest

from knowledge.facade import answer as facade_answer
from knowledge.facade import match_catalogue


@pytest.mark.parametrize(
    ("question", "code", "aspect", "fact"),
    [
        ("xin dựng rạp đám tang trên vỉa hè thì mất mấy ngày", "1.013274", "time", "01 ngày đối với đám"),
        ("cấp đổi thẻ căn cước ở công an phường khác được không", "1.014063", "place", "không phụ thuộc"),
        ("giấy tờ bị tẩy xóa thì chứng thực bản sao thế nào", "2.000815", "eligibility", "không được"),
        ("chú ruột nhận cháu làm con nuôi cần điều kiện gì", "2.001263", "eligibility", "dì, chú, bác ruột"),
        ("khai báo tạm vắng thì khai những gì", "1.003677", "documents", "lý do tạm vắng"),
    ],
)
def test_the_record_carries_the_sourced_fact(question: str, code: str, aspect: str, fact: str) -> None:
    match = match_catalogue(question)
    assert match.top is not None and match.top.code == code, question
    assert fact in facade_answer(code, aspect, question)


def test_a_cooperative_group_question_finds_the_group_not_the_cooperative() -> None:
    match = match_catalogue("thành lập tổ hợp tác có phải nộp lệ phí không")
    assert match.top is not None and match.top.code == "2.002637"
    assert "Không thu lệ phí" in facade_answer("2.002637", "fee")
