"""Procedures the fresh-eyes sets dev23/dev24 asked about and the catalogue lacked, added from the national
portal crawl: the fishing-vessel registration re-issue (1.003634) and the approval of a billboard in the road
protection zone (2.001921). Each test reads the shipped catalogue and what a citizen's question finds."""

from __future__ import annotations

import pytest

from knowledge.facade import answer, match_catalogue
from tests.knowledge.shipped import record


# ------------------------------------------------------ fishing-vessel registration re-issue (1.003634)
def test_the_fishing_vessel_reissue_is_a_sourced_free_province_procedure() -> None:
    reissue = record("1.003634")
    assert list(reissue.levels) == ["province"]
    assert reissue.decision == "68/QĐ-BNNMT" and not reissue.verified
    assert reissue.audit is not None and "1.003634" in reissue.audit.source
    assert {c.fee_vnd for c in reissue.channels} == {0}
    assert {c.days for c in reissue.channels} == {2}
    assert "07.ĐKT" in " ".join(f.source for f in reissue.forms)
    assert "nêu rõ lý do" in answer("1.003634", "documents")


@pytest.mark.parametrize(
    "question",
    [
        "chu tau bi mat giay chung nhan dang ky tau ca, xin cap lai sao",
        "giấy đăng ký tàu cá bị rách thì xin cấp lại sao",
        "tàu cá của tôi bị mất giấy đăng ký, làm lại ở đâu",
    ],
)
def test_a_fishing_vessel_reissue_question_prefers_fisheries_over_inland_waterway(question: str) -> None:
    match = match_catalogue(question)
    assert match.found and match.top is not None and match.top.code == "1.003634", question


def test_a_boat_without_fishing_still_finds_the_inland_waterway_reissue() -> None:
    match = match_catalogue("ghe chở hàng bị mất giấy đăng ký phương tiện thủy nội địa")
    assert match.found and match.top is not None and match.top.code == "1.003930"


def test_registering_a_new_fishing_vessel_stays_on_the_first_registration() -> None:
    match = match_catalogue("đăng ký tàu cá mới đóng")
    assert match.found and match.top is not None and match.top.code == "1.003650"


# ------------------------------------------------ billboard in the road protection zone (2.001921)
def test_the_billboard_approval_names_the_road_authorities_and_seven_working_days() -> None:
    approval = record("2.001921")
    assert set(approval.levels) == {"province", "commune"}
    assert approval.decision == "871/QĐ-BXD" and not approval.verified
    assert {c.days for c in approval.channels} == {7}
    assert all(c.fee_vnd is None for c in approval.channels)
    assert "Sở Xây dựng" in approval.competent_agency and "UBND xã" in approval.competent_agency
    assert "07 ngày làm việc" in answer("2.001921", "time")


@pytest.mark.parametrize(
    "question",
    [
        "Cơ quan nào có thẩm quyền chấp thuận vị trí, quy mô, kích thước biển quảng cáo đặt trong phạm vi "
        "bảo vệ kết cấu hạ tầng đường bộ? Thời hạn giải quyết là bao nhiêu ngày?",
        "muốn dựng bảng quảng cáo sát quốc lộ có phải xin phép không",
    ],
)
def test_a_billboard_question_finds_the_approval_not_the_temporary_connection(question: str) -> None:
    match = match_catalogue(question)
    assert match.found and match.top is not None and match.top.code == "2.001921", question


def test_a_temporary_road_connection_stays_on_its_procedure() -> None:
    match = match_catalogue("xin đấu nối tạm đường vào công trình từ quốc lộ")
    assert match.found and match.top is not None and match.top.code == "1.000314"
