"""Facts the fresh-eyes sets dev22-25 asked for and the catalogue lacked."""

from __future__ import annotations

from knowledge.answers import render_answer
from knowledge.facade import answer, detect_aspect, get_procedure


def test_a_lost_passport_must_be_reported_within_two_working_days() -> None:
    """dev25-mat-ho-chieu-trinh-bao: "trong bao lâu phải báo" is the filing deadline, with its basis."""
    record = get_procedure("1.010386")
    assert record is not None and record.deadline is not None
    assert record.deadline.days == 2 and record.deadline.days_unit == "working"
    text = render_answer(record, "deadline")
    assert "02 ngày làm việc kể từ ngày phát hiện mất hộ chiếu" in text
    assert "Điều 28 Luật Xuất cảnh, nhập cảnh của công dân Việt Nam 49/2019/QH14" in text
    assert "01 ngày làm việc" in text  # the processing time, said apart


def test_the_lost_passport_deadline_question_reaches_the_deadline() -> None:
    assert detect_aspect("trong bao lâu phải báo") == "deadline"
    assert "02 ngày làm việc" in answer("1.010386", "deadline", "trong bao lâu phải báo")
