"""A fee charged by the page, computed for the pages and copies a question gives (``knowledge.page_fees``)."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge.answers import render_answer
from knowledge.facade import asks_page_fee, get_procedure
from knowledge.page_fees import PageFee, page_fee, page_fee_line, pages_asked
from knowledge.records import ChannelRecord, ProcedureRecord

COPY = "2.000815"  # certified copy from the original: 2.000 đồng/trang, 1.000 from page 3, at most 200.000


def copy_record() -> ProcedureRecord:
    record = get_procedure(COPY)
    assert record is not None
    return record


def test_the_certified_copy_fee_has_a_per_page_structure() -> None:
    assert page_fee(copy_record()) == PageFee(first=2000, start=3, next=1000, cap=200000)


@pytest.mark.parametrize(
    ("pages", "amount"), [(1, 2000), (2, 4000), (3, 5000), (5, 7000), (198, 200000), (500, 200000)]
)
def test_the_fee_of_a_copy_by_its_pages(pages: int, amount: int) -> None:
    assert PageFee(2000, 3, 1000, 200000).per_copy(pages) == amount


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("sổ hộ nghèo có 5 trang thì tính sao", (5, 1)),
        ("hoc ba 10 trang, photo 3 ban thi het nhieu", (10, 3)),
        ("giấy này 2 tờ thôi", (2, 1)),
        ("phí bao nhiêu", None),
        ("chứng thực 3 bản", None),  # copies without pages: the fee already says it is per page
    ],
)
def test_pages_and_copies_asked(question: str, asked: tuple[int, int] | None) -> None:
    assert pages_asked(question) == asked


def test_the_fee_answer_computes_the_pages_asked() -> None:
    """dev22-mat-bao-lau-chung-thuc-ban-sao: 5 pages = 2.000 + 2.000 + 3 × 1.000 = 7.000 đồng a copy."""
    text = render_answer(copy_record(), "fee", "sổ hộ nghèo có 5 trang thì tính sao")
    assert "Với 5 trang: 2.000 đồng × 2 + 1.000 đồng × 3 = 7.000 đồng/bản." in text
    assert "10 trang" not in render_answer(copy_record(), "fee", "phí bao nhiêu")
    two = page_fee_line(copy_record(), "10 trang 2 bản")
    assert two == "Với 10 trang: 2.000 đồng × 2 + 1.000 đồng × 8 = 12.000 đồng/bản; 2 bản: 24.000 đồng."
    capped = page_fee_line(copy_record(), "300 trang")
    assert capped == "Với 300 trang: tính theo mức tối đa 200.000 đồng/bản."


def test_a_fee_not_charged_by_the_page_computes_nothing() -> None:
    record = dataclasses.replace(
        copy_record(), channels=[ChannelRecord("in_person", None, None, "working", "10.000 đồng/trường hợp")]
    )
    assert page_fee(record) is None
    assert not asks_page_fee("2.000884", "giấy ủy quyền 5 trang thì sao")  # signature: per case
    assert asks_page_fee(COPY, "sổ hộ nghèo có 5 trang thì tính sao")
