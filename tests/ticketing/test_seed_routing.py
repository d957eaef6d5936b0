"""The directory in the database and routing as data: seeded idempotently, edited by admins."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.ticketing.factories import build_world
from ticketing import directory, routing
from ticketing.models import Agency, AgencyKind, Area, Category, RoutingRule, SlaPolicy
from ticketing.seed import ensure_seeded, seed_all


def count(s, model) -> int:
    return s.scalar(select(func.count()).select_from(model))


def test_the_real_directory_is_seeded_once(db):
    with db.session() as s:
        report = seed_all(s)
        assert report.categories == 14 and report.areas == 102 + 1  # the 102 units + the province
        assert report.agencies == len(directory.load_agencies())
        assert report.routing_rules == len(directory.load_routing_rules())
        assert report.sla_policies >= 4
    with db.session() as s:
        assert seed_all(s).total() == 0
        assert ensure_seeded(s) is None
        assert count(s, Category) == 14 and count(s, SlaPolicy) >= 4
        my_tho = s.scalar(select(Area).where(Area.code == "phuong_my_tho"))
        assert my_tho.name == "Phường Mỹ Tho" and my_tho.parent.code == "dong_thap" and my_tho.aliases
        committee = s.scalar(select(Agency).where(Agency.code == "ubnd_phuong_my_tho"))
        assert committee.kind == AgencyKind.COMMUNE_COMMITTEE and committee.area_id == my_tho.id


def test_reseeding_keeps_what_admins_changed_unless_asked(db):
    with db.session() as s:
        seed_all(s)
        routing.set_routing_rule(
            s, category_code="giao_thong", area_code="phuong_my_tho", agency_code="so_xay_dung"
        )
    with db.session() as s:
        seed_all(s)
        assert routing.resolve_by_codes(s, "giao_thong", "phuong_my_tho").agency_code == "so_xay_dung"
    with db.session() as s:
        seed_all(s, update_existing=True)
        assert routing.resolve_by_codes(s, "giao_thong", "phuong_my_tho").agency_code == "ubnd_phuong_my_tho"


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
