"""A shop (tiệm, cửa hàng, quán ăn) is what a household business runs; English administrative terms are read
in Vietnamese."""

from __future__ import annotations

import pytest

from knowledge.answers import render_answer
from knowledge.catalogue_match import match_catalogue
from knowledge.search_cues import shop_spans
from knowledge.service import Catalogue


@pytest.fixture(scope="module")
def shipped(shipped_url: str) -> Catalogue:
    return Catalogue(shipped_url, sync_shipped=False)


def test_shop_spans_cover_the_shop_and_its_trade() -> None:
    tokens = ["tiem", "sua", "xe", "cua", "tui", "doi", "qua", "cho", "moi"]
    assert shop_spans(tokens) == [(0, 3)]
    assert shop_spans(["cua", "hang", "tap", "hoa", "doi", "dia", "chi"]) == [(0, 4)]
    assert shop_spans(["co", "quan", "thue"]) == []


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("tiệm sửa xe của tui dời qua chỗ mới cách 1 cây số, vẫn trong xã, phải làm thủ tục gì", "2.000720"),
        ("cửa hàng tạp hóa đổi địa chỉ làm sao", "2.000720"),
        ("quán ăn đóng thuế bao nhiêu", "1.011022"),
        ("how to register temporary residence, e là sv ở Sa Đéc, need gấp", "1.004194"),
    ],
)
def test_found_via_household_business_or_english(shipped: Catalogue, question: str, code: str) -> None:
    match = match_catalogue(shipped.index(), question)
    assert match.found
    assert match.top is not None and match.top.code == code


def test_how_much_tax_is_answered_with_who_sets_it(shipped: Catalogue) -> None:
    question = "tiệm bún bò của tui bán mỗi tháng chừng 40 triệu thì đóng thuế nhiêu vậy"
    match = match_catalogue(shipped.index(), question)
    assert match.found and match.top is not None and match.top.code == "1.011022"
    record = shipped.get("1.011022")
    assert record is not None
    answer = render_answer(record, "fee", question)
    assert "cơ quan thuế" in answer and "Thuế cơ sở" in answer
    assert "không phải lệ phí" in render_answer(record, "fee", "quán ăn đóng thuế bao nhiêu")
    assert "không phải lệ phí" not in render_answer(record, "fee", "khai thuế lệ phí bao nhiêu")


def test_a_shop_named_as_a_place_is_no_household_business() -> None:
    assert shop_spans(["treo", "bang", "truoc", "cua", "hang"]) == []
