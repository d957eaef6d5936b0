"""Routing as data: rules of category x area, fall-backs, agencies that returned a ticket, admins' edits."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.ticketing.factories import build_world
from ticketing import routing
from ticketing.models import RoutingRule


def count(s, model) -> int:
    return s.scalar(select(func.count()).select_from(model))


def test_routing_falls_back_from_area_rule_to_province_rule_to_commune_committee_to_default(db):
    with db.session() as s:
        w = build_world(s)
        area_rule = routing.resolve_agency(s, category_id=w.moi_truong.id, area_id=w.my_tho.id)
        assert (area_rule.agency_code, area_rule.via) == ("ubnd_phuong_my_tho", "area_rule")
        province_rule = routing.resolve_agency(s, category_id=w.moi_truong.id, area_id=w.cao_lanh.id)
        assert (province_rule.agency_code, province_rule.via) == (
            "so_nong_nghiep_moi_truong",
            "province_rule",
        )
        committee = routing.resolve_agency(s, category_id=w.dat_dai.id, area_id=w.cao_lanh.id)
        assert (committee.agency_code, committee.via) == ("ubnd_phuong_cao_lanh", "commune_committee")
        # No rule, no area and no province default yet: the triage queue decides.
        assert routing.resolve_agency(s, category_id=w.dat_dai.id, area_id=None) is None
        routing.set_routing_rule(s, category_code="khac", area_code=None, agency_code="so_xay_dung")
        default = routing.resolve_agency(s, category_id=w.dat_dai.id, area_id=None)
        assert (default.agency_code, default.via) == ("so_xay_dung", "province_default")
        # An agency that returned the ticket is skipped.
        skipped = routing.resolve_agency(
            s, category_id=w.moi_truong.id, area_id=w.my_tho.id, exclude=[w.ubnd_my_tho.id]
        )
        assert skipped.agency_code == "so_nong_nghiep_moi_truong"


def test_admins_edit_and_delete_routing_rules(db):
    with db.session() as s:
        w = build_world(s)
        before = count(s, RoutingRule)
        routing.set_routing_rule(
            s, category_code="giao_thong", area_code=None, agency_code="ubnd_phuong_my_tho"
        )
        assert count(s, RoutingRule) == before  # changed in place: one default per category
        assert (
            routing.resolve_agency(s, category_id=w.giao_thong.id, area_id=None).agency_code
            == "ubnd_phuong_my_tho"
        )
        assert routing.delete_routing_rule(s, category_code="giao_thong", area_code=None)
        assert not routing.delete_routing_rule(s, category_code="giao_thong", area_code=None)
        assert count(s, RoutingRule) == before - 1
