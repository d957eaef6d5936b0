"""Small, real directory rows for tests that must not depend on the full directory data files.

Names are real Đồng Tháp bodies after the 1 July 2025 reorganisation (Resolution 1663/NQ-UBTVQH15 for the
communes/wards); the full, sourced directory lives in ticketing/data (helper `directory`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from ticketing.lifecycle import Actor
from ticketing.models import (
    Agency,
    AgencyKind,
    Area,
    AreaKind,
    Category,
    RoutingRule,
    User,
    UserRole,
)
from ticketing.sla import seed_sla_policies
from vietnam.workdays import LOCAL_TZ

LOCAL = LOCAL_TZ


def at(local: str) -> datetime:
    """A UTC instant from Asia/Ho_Chi_Minh wall time: ``at("2026-02-13 16:00")``."""
    return datetime.fromisoformat(local).replace(tzinfo=LOCAL).astimezone(UTC)


@dataclass
class World:
    province: Area
    my_tho: Area
    cao_lanh: Area
    so_xay_dung: Agency
    so_nn_mt: Agency
    ubnd_my_tho: Agency
    ubnd_cao_lanh: Agency
    dien_luc: Agency
    giao_thong: Category
    moi_truong: Category
    dat_dai: Category
    khac: Category
    agent: User
    officer_xd: User
    officer_my_tho: User
    supervisor: User

    def actor(self, user: User) -> Actor:
        return Actor.of(user)


def build_world(session: Session) -> World:
    province = Area(code="dong_thap", name="Tỉnh Đồng Tháp", kind=AreaKind.PROVINCE, aliases=[])
    session.add(province)
    session.flush()
    my_tho = Area(
        code="phuong_my_tho",
        name="Phường Mỹ Tho",
        kind=AreaKind.PHUONG,
        parent_id=province.id,
        aliases=["tp my tho", "thành phố Mỹ Tho"],
    )
    cao_lanh = Area(
        code="phuong_cao_lanh",
        name="Phường Cao Lãnh",
        kind=AreaKind.PHUONG,
        parent_id=province.id,
        aliases=["tp cao lanh"],
    )
    session.add_all([my_tho, cao_lanh])
    session.flush()
    so_xd = Agency(code="so_xay_dung", name="Sở Xây dựng tỉnh Đồng Tháp", kind=AgencyKind.DEPARTMENT)
    so_nn = Agency(
        code="so_nong_nghiep_moi_truong",
        name="Sở Nông nghiệp và Môi trường tỉnh Đồng Tháp",
        kind=AgencyKind.DEPARTMENT,
    )
    ubnd_mt = Agency(
        code="ubnd_phuong_my_tho",
        name="Ủy ban nhân dân phường Mỹ Tho",
        kind=AgencyKind.COMMUNE_COMMITTEE,
        area_id=my_tho.id,
    )
    ubnd_cl = Agency(
        code="ubnd_phuong_cao_lanh",
        name="Ủy ban nhân dân phường Cao Lãnh",
        kind=AgencyKind.COMMUNE_COMMITTEE,
        area_id=cao_lanh.id,
    )
    dien = Agency(
        code="cong_ty_dien_luc_dong_thap", name="Công ty Điện lực Đồng Tháp", kind=AgencyKind.UTILITY
    )
    session.add_all([so_xd, so_nn, ubnd_mt, ubnd_cl, dien])
    cats = {
        code: Category(code=code, name=name, requires_approval=approval)
        for code, name, approval in [
            ("giao_thong", "Giao thông", False),
            ("moi_truong", "Môi trường", False),
            ("dat_dai", "Đất đai", True),
            ("khac", "Khác", False),
        ]
    }
    session.add_all(cats.values())
    session.flush()
    session.add_all(
        [
            RoutingRule(category_id=cats["giao_thong"].id, area_id=None, agency_id=so_xd.id),
            RoutingRule(category_id=cats["moi_truong"].id, area_id=None, agency_id=so_nn.id),
            RoutingRule(category_id=cats["moi_truong"].id, area_id=my_tho.id, agency_id=ubnd_mt.id),
        ]
    )
    agent = User(username="agent1", display_name="Tổng đài viên 1", role=UserRole.AGENT)
    officer_xd = User(
        username="xd1", display_name="Cán bộ Sở Xây dựng", role=UserRole.AGENCY_OFFICER, agency_id=so_xd.id
    )
    officer_mt = User(
        username="mytho1",
        display_name="Cán bộ phường Mỹ Tho",
        role=UserRole.AGENCY_OFFICER,
        agency_id=ubnd_mt.id,
    )
    supervisor = User(username="sup1", display_name="Giám sát viên", role=UserRole.SUPERVISOR)
    session.add_all([agent, officer_xd, officer_mt, supervisor])
    session.flush()
    seed_sla_policies(session)
    return World(
        province,
        my_tho,
        cao_lanh,
        so_xd,
        so_nn,
        ubnd_mt,
        ubnd_cl,
        dien,
        cats["giao_thong"],
        cats["moi_truong"],
        cats["dat_dai"],
        cats["khac"],
        agent,
        officer_xd,
        officer_mt,
        supervisor,
    )
