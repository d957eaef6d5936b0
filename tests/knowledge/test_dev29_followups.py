"""Issue 11 (dev29-dev32 round, follow-ups in context): a fee asked as "tốn nhiu", doing the procedure for
someone else ("làm thế cho nó được hông") read as who may apply, and a status the citizen states ("nhà thuộc
hộ nghèo") weaker than the procedure asked."""

from __future__ import annotations

import pytest

from knowledge import facade as knowledge
from knowledge.aspects import aspect_points


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("tui muốn xin thêm bản sao giấy khai sinh thì tốn nhiu", "fee"),
        ("tốn nhiêu vậy em", "fee"),
        ("làm cái này tốn nhiều ngày không", "time"),
        ("con gái tui đang ở Sài Gòn, tui làm thế cho nó được hông", "eligibility"),
        ("lam cho em trai dc ko, no dang o Dai Loan", "eligibility"),
        ("làm dùm cho má tui được hông", "eligibility"),
    ],
)
def test_stated_aspects(question: str, aspect: str) -> None:
    assert knowledge.stated_aspect(question) == aspect


def test_doing_it_for_someone_is_not_read_into_other_questions() -> None:
    assert knowledge.stated_aspect("làm cho con 10 tuổi cần giấy gì") == "documents"
    assert knowledge.stated_aspect("làm thế nào") == "steps"
    assert "eligibility" not in aspect_points("làm cho nhanh được không")


def test_a_status_stated_in_passing_is_weaker_than_the_procedure_asked() -> None:
    question = "ông nội tui mới mất, nhà thuộc hộ nghèo, đi khai tử có mất lệ phí hông"
    assert knowledge.match_catalogue(question).hits[0].name == "Đăng ký khai tử"
    # the status is what is asked for: the recognition itself
    asked = knowledge.match_catalogue("xin xác nhận nhà thuộc hộ nghèo").hits[0].name
    assert asked.startswith("Công nhận hộ nghèo")
