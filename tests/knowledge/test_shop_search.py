"""A shop (tiệm, cửa hàng, quán ăn) is what a household business runs; English administrative terms are read
in Vietnamese."""

from __future__ import annotations

import pytest

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
