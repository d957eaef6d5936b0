"""One shape for a procedure: what the catalogue loads is what the database gives back, field for field,
and a database made before the answer fields keeps its data through the migrations."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from database import forget_databases, migrate
from knowledge.catalogue import load_shipped
from knowledge.importer import import_shipped
from knowledge.records import (
    AuditRecord,
    BenefitRecord,
    ChannelRecord,
    DeadlineRecord,
    DocumentRecord,
    FormRecord,
    LegalBasisRecord,
    PointerRecord,
    ProcedureRecord,
)
from knowledge.service import Catalogue

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def full_record() -> ProcedureRecord:
    return ProcedureRecord(
        code="DT.thu_nghiem",
        name="Thủ tục thử nghiệm",
        origin="shipped",
        levels=["commune"],
        aliases=["làm thử"],
        keywords=["thử"],
        field="Hộ tịch",
        competent_agency="Ủy ban nhân dân cấp xã",
        executing_agency="Ủy ban nhân dân xã, phường",
        place="Bộ phận Một cửa",
        applicants="Cá nhân",
        steps=["Nộp hồ sơ.", "Nhận kết quả."],
        conditions="Có nơi cư trú tại xã.",
        result="Giấy xác nhận",
        legal_basis=[LegalBasisRecord("Luật Hộ tịch", "60/2014/QH13")],
        online_level="partial",
        online_url="https://dichvucong.gov.vn",
        channels=[ChannelRecord("in_person", "03 ngày làm việc", 3, "working", "Miễn phí", 0, "Ghi chú")],
        documents=[DocumentRecord("Tờ khai", "original", 1, "Mẫu 01", None)],
        source_url="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html",
        source_date=dt.date(2025, 7, 1),
        decision="1/QĐ-UBND",
        verified=True,
        notes=None,
        kind="procedure",
        deadline=DeadlineRecord("Trong 60 ngày kể từ ngày sinh", "Điều 15 Luật Hộ tịch", 60, "calendar"),
        benefit=BenefitRecord("500.000 đồng/tháng", "Nghị định 76/2024/NĐ-CP"),
        forms=[FormRecord("Tờ khai đăng ký", "Thông tư 04/2024/TT-BTP", None)],
        audit=AuditRecord(
            dt.date(2026, 12, 2), "Cổng DVCQG 1.001193", "checked", "corrected", "ghi chú nội bộ"
        ),
        pointer=None,
    )


def test_a_record_comes_back_from_the_database_as_it_went_in(db_url: str) -> None:
    from knowledge.db import session_factory
    from knowledge.importer import ImportReport, store_records

    record = full_record()
    pointer = ProcedureRecord(
        code="DT.chi_dan_thu",
        name="Việc của Tòa án",
        origin="shipped",
        kind="pointer",
        pointer=PointerRecord(
            "Tòa án nhân dân khu vực", "Nộp đơn tại Tòa án.", "https://www.toaan.gov.vn", None
        ),
    )
    with session_factory(db_url).begin() as session:
        store_records(session, [record, pointer], ImportReport(source="test"))
    catalogue = Catalogue(db_url, sync_shipped=False)
    assert catalogue.get(record.code) == record
    assert catalogue.get(pointer.code) == pointer


def test_every_shipped_procedure_reads_back_unchanged(shipped_url: str) -> None:
    catalogue = Catalogue(shipped_url, sync_shipped=False)
    for record in load_shipped():
        assert catalogue.get(record.code) == record, record.code


def _migrate_old_database_and_read(url: str) -> None:
    migrate(url, package="knowledge", revision="kb0101")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO kb_procedures (code, name, origin, levels, aliases, keywords, steps, "
                "online_level, verified, parse_ok, parse_problems) VALUES ('9.000001', 'Thủ tục cũ', "
                "'shipped', '[\"commune\"]', '[]', '[]', '[]', 'none', true, true, '[]')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO kb_channels (procedure_id, position, channel, time_text, days, days_unit, "
                "fee_text, fee_vnd) SELECT id, 0, 'in_person', '05 ngày làm việc', 5, 'working', "
                "'50.000 đồng', 50000 FROM kb_procedures WHERE code = '9.000001'"
            )
        )
    engine.dispose()
    migrate(url)
    record = Catalogue(url, sync_shipped=False).get("9.000001")
    assert record is not None
    assert record.channels == [
        ChannelRecord("in_person", "05 ngày làm việc", 5, "working", "50.000 đồng", 50000)
    ]
    assert (record.kind, record.forms, record.deadline, record.audit, record.pointer) == (
        "procedure",
        [],
        None,
        None,
        None,
    )


def test_a_database_from_before_the_answer_fields_keeps_its_channels(db_url: str) -> None:
    _migrate_old_database_and_read(db_url)


@pytest.mark.postgres
def test_the_migrations_keep_the_data_on_postgres() -> None:
    name = "kbengine_migrations_test"
    try:
        admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:  # the server is optional for a local run
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {exc}")
    url = f"{PG_SERVER}/{name}"
    try:
        _migrate_old_database_and_read(url)
        import_shipped(database_url=url)
        assert Catalogue(url, sync_shipped=False).get("1.001193") is not None
    finally:
        forget_databases()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
