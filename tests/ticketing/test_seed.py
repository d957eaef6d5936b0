"""The directory in the database: seeded idempotently from the data files, admins' edits kept."""

from __future__ import annotations

from sqlalchemy import func, select

from ticketing import directory, routing
from ticketing.models import Agency, AgencyKind, Area, Category, SlaPolicy
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
