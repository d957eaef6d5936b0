"""A fee charged by the page (certified copies: "2.000 đồng/trang; từ trang thứ 3 trở đi 1.000 đồng/trang,
tối đa 200.000 đồng/bản", Thông tư 226/2016/TT-BTC) computed for the pages and copies a question gives
("sổ hộ nghèo có 5 trang thì tính sao" -> 2.000 + 2.000 + 3 × 1.000 = 7.000 đồng/bản).

The structure is read from the channel's fee text, written in the circular's own words; a fee text of
another shape has no per-page structure (None) and nothing is computed.
"""

from __future__ import annotations

import dataclasses
import re

from knowledge.records import ProcedureRecord
from vietnam.text import fold

__all__ = ["PageFee", "page_fee", "page_fee_line", "pages_asked"]

_AMOUNT = r"\d{1,3}(?:\.\d{3})*"
_PER_PAGE = re.compile(
    rf"(?P<first>{_AMOUNT}) đồng/trang; từ trang thứ (?P<start>\d+) trở đi (?P<next>{_AMOUNT}) đồng/trang"
    rf"(?:, tối đa (?P<cap>{_AMOUNT}) đồng/bản)?"
)
_PAGES = re.compile(r"\b(\d{1,4})\s*(?:trang|to)\b")
_COPIES = re.compile(r"\b(\d{1,3})\s*(?:ban|bo)\b")


@dataclasses.dataclass(frozen=True)
class PageFee:
    """``first`` đồng a page up to page ``start`` - 1, ``next`` from page ``start`` on, ``cap`` a copy."""

    first: int
    start: int
    next: int
    cap: int | None

    def per_copy(self, pages: int) -> int:
        full = min(pages, self.start - 1)
        total = full * self.first + max(pages - full, 0) * self.next
        return min(total, self.cap) if self.cap is not None else total


def _money(text: str) -> int:
    return int(text.replace(".", ""))


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def _parsed(match: re.Match[str]) -> PageFee:
    cap = match.group("cap")
    return PageFee(
        _money(match.group("first")),
        int(match.group("start")),
        _money(match.group("next")),
        _money(cap) if cap else None,
    )


def page_fee(record: ProcedureRecord) -> PageFee | None:
    """The per-page fee of ``record`` (the same on every channel that states one), or None."""
    fees = {_parsed(m) for c in record.channels if c.fee and (m := _PER_PAGE.search(c.fee))}
    return next(iter(fees)) if len(fees) == 1 else None


def pages_asked(question: str) -> tuple[int, int] | None:
    """(pages, copies) a question gives ("5 trang", "10 tờ, 2 bản"), or None without a page count."""
    folded = fold(question)
    pages = _PAGES.search(folded)
    if pages is None or int(pages.group(1)) == 0:
        return None
    copies = _COPIES.search(folded)
    return int(pages.group(1)), max(int(copies.group(1)), 1) if copies else 1


def page_fee_line(record: ProcedureRecord, question: str | None) -> str | None:
    """'Với 5 trang: 2.000 đồng × 2 + 1.000 đồng × 3 = 7.000 đồng/bản.' for the pages the question gives."""
    fee = page_fee(record)
    asked = pages_asked(question) if question else None
    if fee is None or asked is None:
        return None
    pages, copies = asked
    per_copy = fee.per_copy(pages)
    full = min(pages, fee.start - 1)
    terms = [f"{_vnd(fee.first)} × {full}"] + ([f"{_vnd(fee.next)} × {pages - full}"] if pages > full else [])
    line = f"Với {pages} trang: {' + '.join(terms)} = {_vnd(per_copy)}/bản"
    if fee.cap is not None and per_copy == fee.cap:
        line = f"Với {pages} trang: tính theo mức tối đa {_vnd(fee.cap)}/bản"
    if copies > 1:
        line += f"; {copies} bản: {_vnd(per_copy * copies)}"
    return line + "."
