"""On first use the facade migrates an empty database and loads the shipped catalogue by itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge.catalogue import SHIPPED_DIR, load_shipped
from knowledge.db import session_factory
from knowledge.facade import search_procedures
from knowledge.importer import import_shipped
from knowledge.models import Procedure
from knowledge.service import Catalogue, reset_catalogues


def shipped_count(url: str) -> int:
    with session_factory(url)() as session:
        return session.scalar(select(func.count(Procedure.id)).where(Procedure.origin == "shipped")) or 0


def test_first_search_on_an_empty_database_loads_the_shipped_catalogue(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    reset_catalogues()
    try:
        hits = search_procedures("đăng ký kết hôn")
    finally:
        reset_catalogues()
    assert hits and hits[0].code == "1.000894"
    assert shipped_count(db_url) == len(load_shipped())


def test_changed_shipped_files_are_reimported_and_removed_ones_leave(db_url: str, tmp_path: Path) -> None:
    shipped = tmp_path / "procedures"
    shutil.copytree(SHIPPED_DIR, shipped)
    Catalogue(db_url, shipped_dir=shipped).search("khai sinh")
    before = shipped_count(db_url)

    removed = sorted(shipped.glob("*.yml"))[0]
    removed_codes = _codes(removed)
    removed.unlink()
    Catalogue(db_url, shipped_dir=shipped).search("khai sinh")

    assert shipped_count(db_url) == before - len(removed_codes)


def _codes(path: Path) -> set[str]:
    import yaml

    return {str(p["code"]) for p in yaml.safe_load(path.read_text(encoding="utf-8"))["procedures"]}


def test_search_sees_procedures_imported_by_another_process(db_url: str, tmp_path: Path) -> None:
    catalogue = Catalogue(db_url, recheck_seconds=0)
    before = catalogue.search("cấp giấy phép nuôi chim yến")
    assert all(hit.code != "DT.nuoi_chim_yen" for hit in before)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "extra.yml").write_text(
        "procedures:\n"
        '  - code: "DT.nuoi_chim_yen"\n'
        "    name: Cấp giấy phép nuôi chim yến\n"
        "    levels: [commune]\n"
        "    field: Nông nghiệp\n"
        '    legal_basis: [{number: "13/2020/NĐ-CP", title: "Nghị định hướng dẫn Luật Chăn nuôi"}]\n'
        "    channels: [{channel: in_person, time: 05 ngày làm việc, days: 5}]\n"
        "    verified: false\n"
        "    notes: Thủ tục thử nghiệm trong kiểm thử.\n"
        "    audit: {date: 2026-01-05, source: kiểm thử, fee: not_published, time: checked}\n",
        encoding="utf-8",
    )
    import_shipped(extra / "extra.yml", db_url)
    assert catalogue.search("cấp giấy phép nuôi chim yến")[0].code == "DT.nuoi_chim_yen"
