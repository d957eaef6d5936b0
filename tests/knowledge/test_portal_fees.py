"""``audit.portal_fee``: the national portal's fee, derived for the fees the province sets without a known
amount, and kept in step with the crawl (``knowledge.portal_fees``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from knowledge.catalogue import load_shipped, validate_dir
from knowledge.facade import get_procedure
from knowledge.portal_fees import _crawl, derive_portal_fees, portal_fee_text, wants_portal_fee
from knowledge.records import AuditRecord, ChannelRecord, ProcedureRecord


def entry(fee: str | None, status: str = "not_published") -> ProcedureRecord:
    return ProcedureRecord(
        code="9.000010",
        name="Cấp lại Giấy chứng nhận do bị mất",
        origin="shipped",
        channels=[ChannelRecord("in_person", "10 ngày làm việc", 10, "working", fee, None)],
        audit=AuditRecord(dt.date(2026, 12, 2), "Cổng DVCQG 9.000010", status, "checked"),
    )


@pytest.mark.parametrize(
    ("fee", "status", "wanted"),
    [
        ("Theo Nghị quyết của HĐND tỉnh", "not_published", True),
        ("Lệ phí (nếu có) do Hội đồng nhân dân tỉnh quy định", "not_published", True),
        ("Phí theo quy định của Luật Phí và lệ phí (nếu có)", "not_published", True),
        ("Theo Nghị quyết của HĐND tỉnh", "checked", False),  # we have the amount
        ("Theo Thông tư 60/2023/TT-BTC, tùy loại xe", "not_published", False),  # a circular with amounts
        ("Mức lệ phí theo Nghị quyết 26/2025/NQ-HĐND tỉnh Đồng Tháp", "not_published", False),
        ("Do HĐND tỉnh quy định; Cổng Dịch vụ công quốc gia ghi mức 50.000 đồng", "not_published", False),
        (None, "not_published", False),  # nothing says the province sets it
    ],
)
def test_which_entries_want_the_portal_fee(fee: str | None, status: str, wanted: bool) -> None:
    assert wants_portal_fee(entry(fee, status)) is wanted


def channel(fee: str) -> ChannelRecord:
    return ChannelRecord("online", None, None, "working", fee, 0)


def test_the_portal_fee_is_the_value_and_the_first_clause_of_its_description() -> None:
    long = (
        "Miễn phí (- Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định (căn cứ quy định tại Thông tư số "
        "85/2019/TT-BTC). - Người nộp hồ sơ nộp lệ phí tại thời điểm nộp hồ sơ.)"
    )
    expected = "Miễn phí (mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định)"
    assert portal_fee_text([channel(long)]) == expected
    assert portal_fee_text([channel("Miễn phí"), channel("Miễn phí (Theo quy định của HĐND cấp tỉnh.)")]) == (
        "Miễn phí (theo quy định của HĐND cấp tỉnh)"
    )


def test_channels_that_disagree_on_the_value_give_no_portal_fee() -> None:
    assert portal_fee_text([channel("50.000 đồng (x)"), channel("150.000 đồng (x)")]) is None
    assert portal_fee_text([]) is None


def test_a_portal_fee_on_a_checked_fee_is_rejected(tmp_path: Path) -> None:
    source = Path("knowledge/data/procedures/dat_dai.yml").read_text(encoding="utf-8")
    items = yaml.safe_load(source)
    item = next(i for i in items["procedures"] if i["code"] == "1.012786")
    item["audit"]["fee"] = "checked"
    (tmp_path / "one.yml").write_text(yaml.safe_dump({"procedures": [item]}, allow_unicode=True), "utf-8")
    assert any("audit.portal_fee" in problem for problem in validate_dir(tmp_path))


def test_lost_land_certificate_carries_the_portal_figure_and_its_source() -> None:
    record = get_procedure("1.012786")
    assert record is not None and record.audit is not None
    portal_fee = record.audit.portal_fee or ""
    assert portal_fee.startswith("Miễn phí (theo quy định của Luật phí")
    assert record.audit.source.startswith("Cổng DVCQG 1.012786")


def test_the_shipped_portal_fees_are_those_the_crawl_gives(shared_crawl: Path) -> None:
    records = load_shipped()
    derived = derive_portal_fees(records, _crawl(shared_crawl))
    shipped = {r.code: r.audit.portal_fee for r in records if r.audit and r.audit.portal_fee}
    assert shipped == derived
    assert len(shipped) >= 30
