"""The directory as data: agencies, areas, petition categories and routing rules of Đồng Tháp.

Loaders only (no database code): ``ticketing.seed`` writes what they return into the database, where
admins edit it. Sources are cited in the data files under ``ticketing/data/`` and ``vietnam/data/places.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from vietnam.places import Place, all_districts, all_places

__all__ = [
    "CATEGORY_CODES",
    "Agency",
    "Area",
    "Category",
    "RoutingRule",
    "load_agencies",
    "load_areas",
    "load_categories",
    "load_routing_rules",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

CATEGORY_CODES: tuple[str, ...] = (
    "giao_thong",
    "do_thi",
    "moi_truong",
    "xay_dung",
    "dat_dai",
    "an_ninh_trat_tu",
    "dien",
    "nuoc",
    "y_te",
    "giao_duc",
    "lao_dong_an_sinh",
    "thu_tuc_hanh_chinh",
    "nong_nghiep",
    "khac",
)


@dataclass(frozen=True)
class Area:
    """A commune or ward (one of the 102 units), as the ticketing side sees it."""

    code: str
    name: str
    kind: str  # xa | phuong
    former_province: str  # "Đồng Tháp" or "Tiền Giang": the province the unit's territory belonged to
    former_districts: tuple[str, ...]  # names, e.g. ("Huyện Cái Bè",)
    aliases: tuple[str, ...]  # former unit names and spelling variants


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    short_name: str
    kind: str  # department | office | inspectorate | police | service_centre | utility | post | insurance
    #            | people_committee
    level: str  # province | commune
    area_code: str | None = None  # commune-level agencies: the unit they serve
    service_area: str | None = None  # utilities: former province served
    parent: str | None = None
    handles: str = ""
    source: str = ""
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    description: str


@dataclass(frozen=True)
class RoutingRule:
    """``category`` petitions in ``area_code`` (None: no area named, province-wide default) go to
    ``agency_code``."""

    category: str
    area_code: str | None
    agency_code: str


def _read(name: str) -> dict[str, Any]:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


def _unit_phrase(place: Place) -> str:
    """'phường Mỹ Tho', 'xã Tân Phước 1': the unit's name as written inside a longer name."""
    return place.name[0].lower() + place.name[1:]


@lru_cache(maxsize=1)
def _former_province() -> dict[str, str]:
    provinces = {d.id: d.province for d in all_districts()}
    out = {}
    for place in all_places():
        found = {provinces[d] for d in place.former_districts}
        if len(found) != 1:
            raise ValueError(f"{place.code}: former districts in {found or 'no'} province")
        out[place.code] = found.pop()
    return out


def _former_alias(former, district_names: dict[str, str]) -> str:
    """Former unit name; numbered wards ("Phường 4") only make sense with their city."""
    if former.short_name.isdigit():
        return f"{former.name}, {district_names[former.district]}"
    return former.name


def load_areas() -> list[Area]:
    """The 102 communes and wards, with the names citizens still use for them."""
    district_names = {d.id: d.name for d in all_districts()}
    provinces = _former_province()
    areas = []
    for place in all_places():
        aliases = [*place.aliases, *(_former_alias(f, district_names) for f in place.former_units)]
        areas.append(
            Area(
                code=place.code,
                name=place.name,
                kind=place.kind,
                former_province=provinces[place.code],
                former_districts=tuple(district_names[d] for d in place.former_districts),
                aliases=tuple(dict.fromkeys(aliases)),
            )
        )
    return areas


@lru_cache(maxsize=1)
def _agencies() -> tuple[Agency, ...]:
    data = _read("agencies.yml")
    agencies = [
        Agency(
            code=a["code"],
            name=a["name"],
            short_name=a.get("short_name", a["name"]),
            kind=a["kind"],
            level=a.get("level", "province"),
            service_area=a.get("service_area"),
            parent=a.get("parent"),
            handles=a.get("handles", ""),
            source=a.get("source", ""),
            verified=bool(a.get("verified", False)),
            note=a.get("note", ""),
        )
        for a in data["agencies"]
    ]
    for place in all_places():
        unit = _unit_phrase(place)
        for template in data["commune_agencies"]:
            agencies.append(
                Agency(
                    code=template["code"].format(code=place.code),
                    name=template["name"].format(unit=unit),
                    short_name=template["short_name"].format(unit=unit),
                    kind=template["kind"],
                    level="commune",
                    area_code=place.code,
                    handles=template.get("handles", ""),
                    source=template.get("source", ""),
                    verified=place.verified,
                )
            )
    codes = [a.code for a in agencies]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise ValueError(f"duplicate agency codes: {sorted(duplicates)}")
    return tuple(agencies)


def load_agencies() -> list[Agency]:
    """Province agencies and utilities from agencies.yml, then one People's Committee and one public
    administration service centre for each of the 102 units."""
    return list(_agencies())


def load_categories() -> list[Category]:
    """The 14 petition categories, in the order of issue 4."""
    categories = [Category(**c) for c in _read("categories.yml")["categories"]]
    if tuple(c.code for c in categories) != CATEGORY_CODES:
        raise ValueError("categories.yml must list exactly the codes of CATEGORY_CODES, in that order")
    return categories


def _utility_for(kind_word: str, province: str, agencies: list[Agency]) -> str:
    prefixes = {"power_company": "pc_", "water_company": "cap_nuoc_"}
    for agency in agencies:
        if (
            agency.kind == "utility"
            and agency.service_area == province
            and agency.code.startswith(prefixes[kind_word])
        ):
            return agency.code
    raise ValueError(f"no {kind_word} serves {province}")


def _select(selector: str, area_code: str, agencies: list[Agency]) -> str:
    if not selector.startswith("{"):
        return selector
    name = selector.strip("{}")
    if name == "commune_committee":
        return f"ubnd_{area_code}"
    if name == "commune_service_centre":
        return f"ttphcc_{area_code}"
    if name in ("power_company", "water_company"):
        return _utility_for(name, _former_province()[area_code], agencies)
    raise ValueError(f"unknown agency selector {selector!r}")


def load_routing_rules() -> list[RoutingRule]:
    """Concrete rules: for each category, one default (``area_code=None``) and one rule per area."""
    agencies = load_agencies()
    known = {a.code for a in agencies}
    areas = [p.code for p in all_places()]
    rules: list[RoutingRule] = []
    templates = _read("routing.yml")["rules"]
    if sorted(t["category"] for t in templates) != sorted(CATEGORY_CODES):
        raise ValueError("routing.yml needs exactly one template per category")
    for template in templates:
        category = template["category"]
        rules.append(RoutingRule(category, None, template["default"]))
        for area in areas:
            rules.append(RoutingRule(category, area, _select(template["area"], area, agencies)))
    unknown = {r.agency_code for r in rules} - known
    if unknown:
        raise ValueError(f"routing rules name unknown agencies: {sorted(unknown)}")
    return rules
