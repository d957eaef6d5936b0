"""The office directory (knowledge/data/offices.yml): every commune and province agency has an entry, every
phone looks like a Vietnamese number, every address is https, nothing unknown is written as a placeholder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from knowledge.offices import (
    OFFICES_FILE,
    Office,
    OfficeDirectory,
    OfficeError,
    is_phone,
    load_offices,
    validate_offices,
)
from vietnam.places import all_places

AGENCIES_FILE = Path(__file__).resolve().parents[2] / "ticketing" / "data" / "agencies.yml"


@pytest.fixture(scope="module")
def directory() -> OfficeDirectory:
    return load_offices()


def _offices(directory: OfficeDirectory) -> list[Office]:
    return [*directory.communes.values(), *directory.province.values()]


def test_shipped_directory_is_valid() -> None:
    assert validate_offices() == []


def test_every_commune_and_ward_has_an_entry(directory: OfficeDirectory) -> None:
    places = {p.code: p for p in all_places()}
    assert len(places) == 102
    assert set(directory.communes) == set(places)
    for code, office in directory.communes.items():
        place = places[code]
        assert office.name == place.name, code
        assert office.kind == place.kind, code
        unit = office.name.split(" ", 1)[1]
        assert office.committee.endswith(unit) and office.committee.startswith("Ủy ban nhân dân"), code
        assert office.service_point.endswith(unit), code
        assert office.police.endswith(unit), code


def test_every_province_agency_has_an_entry(directory: OfficeDirectory) -> None:
    agencies = yaml.safe_load(AGENCIES_FILE.read_text(encoding="utf-8"))["agencies"]
    names = {a["code"]: a["name"] for a in agencies}
    assert set(directory.province) == set(names)
    for code, office in directory.province.items():
        assert office.name == names[code], code


def test_phones_look_vietnamese(directory: OfficeDirectory) -> None:
    assert is_phone(directory.fallback_phone)
    for office in _offices(directory):
        numbers = [office.phone, *(h.phone for h in office.hotlines)]
        for number in filter(None, numbers):
            assert is_phone(number), f"{office.key}: {number}"


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("0277 3898989", True),
        ("0907.793.789", True),
        ("1900 1006", True),
        ("1022", True),
        ("113", True),
        ("277 3898989", False),
        ("0277-3898989", False),
        ("+84 277 3898989", False),
        ("chưa có", False),
        ("", False),
    ],
)
def test_is_phone(number: str, ok: bool) -> None:
    assert is_phone(number) is ok


def test_every_url_is_https() -> None:
    def urls(node: object) -> list[str]:
        if isinstance(node, dict):
            found = [v for k, v in node.items() if k in ("url", "source_url") and v is not None]
            return found + [u for v in node.values() for u in urls(v)]
        if isinstance(node, list):
            return [u for v in node for u in urls(v)]
        return []

    found = urls(yaml.safe_load(OFFICES_FILE.read_text(encoding="utf-8")))
    assert found
    assert all(isinstance(u, str) and u.startswith("https://") for u in found), found


def test_entries_are_dated_and_honest(directory: OfficeDirectory) -> None:
    assert directory.portal_url.startswith("https://")
    for office in _offices(directory):
        assert office.source and office.source_date > dt.date(2025, 7, 1), office.key
        if office.verified:
            assert office.has_contact and office.source_url, office.key
        if office.has_contact:
            assert office.source_url, office.key


def test_province_centre_contact_is_the_published_one(directory: OfficeDirectory) -> None:
    centre = directory.agency("ttphcc_tinh")
    assert centre and centre.phone == "0277 3898989"
    assert any("377 đường Hùng Vương" in s.address for s in centre.sites)


def test_placeholders_and_bad_phones_are_rejected(tmp_path: Path) -> None:
    data = yaml.safe_load(OFFICES_FILE.read_text(encoding="utf-8"))
    entry = data["communes"]["phuong_my_tho"]
    entry["address"] = "Chưa đối chiếu"
    entry["phone"] = "0277-xxx"
    entry["source_url"] = "http://example.vn"
    data["province"]["so_tu_phap"]["verified"] = True
    data["province"]["so_y_te"]["dossiers_at"] = "so_khong_co"
    path = tmp_path / "offices.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = "\n".join(validate_offices(path))
    assert "phuong_my_tho: address: placeholder" in problems
    assert "phuong_my_tho: phone:" in problems
    assert "phuong_my_tho: source_url: an https://" in problems
    assert "so_tu_phap: verified: true needs" in problems
    assert "so_y_te: dossiers_at: 'so_khong_co' is not a province office" in problems
    with pytest.raises(OfficeError):
        load_offices(path)
