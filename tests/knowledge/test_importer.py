"""The importer turns the national portal's flattened tables back into rows and never loses a record."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from knowledge.catalogue import load_shipped, validate_dir
from knowledge.cli import main
from knowledge.db import get_engine, session_factory
from knowledge.importer import import_portal_file, import_shipped
from knowledge.models import Channel, Document, Procedure
from knowledge.portal_format import parse_channels, parse_documents, parse_legal_basis, parse_result
from tests.knowledge.conftest import CrawlDatabase

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOC_HEADER = "--Tên giấy tờMẫu đơn, tờ khaiSố lượng"


def portal_record(code: str, **fields: str) -> dict[str, str]:
    record = {
        "ma_thu_tuc": code,
        "ten_thu_tuc": f"Thủ tục thử {code}",
        "cap_thuc_hien": "Cấp tỉnh, Cấp xã",
        "linh_vuc": "Hộ tịch",
        "cach_thuc_thuc_hien": f"{HEADER}Trực tiếp5 Ngày làm việcMiễn phí",
        "thanh_phan_ho_so": f"{DOC_HEADER}Tờ khai1 bản chính",
        "can_cu_phap_ly": "Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13",
        "ket_qua_xu_ly": "Giấy khai sinhMã: KQ.G17.000101Từ khóaKhông có thông tinMô tảKhông có thông tin",
        "detail_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x",
    }
    record.update(fields)
    return record


# ------------------------------------------------------------------------------------ cell parsing
def test_channel_cells_become_rows_with_time_and_fee() -> None:
    rows, problems = parse_channels(
        f"{HEADER}Trực tuyến1 Ngày làm việcMiễn phíNộp qua Cổng Dịch vụ côngTrực tiếp15 Ngày"
        "2,000,000 Việt Nam Đồng(Phí thẩm định: 2.000.000 đồng/hồ sơ)Dịch vụ bưu chính4 GiờKhông có thông tin"
    )
    assert [r.channel for r in rows] == ["online", "in_person", "postal"]
    online, in_person, postal = rows
    assert (online.days, online.days_unit, online.fee_vnd) == (1, "working", 0)
    assert online.note == "Nộp qua Cổng Dịch vụ công"
    assert (in_person.days, in_person.days_unit, in_person.fee_vnd) == (15, "calendar", 2_000_000)
    assert "Phí thẩm định" in (in_person.fee or "")
    assert postal.time == "4 giờ" and postal.fee_vnd is None
    assert problems == []


def test_description_mentioning_a_channel_is_not_a_new_row() -> None:
    rows, _ = parse_channels(f"{HEADER}Trực tiếp3 Ngày làm việcMiễn phí- Trực tiếp: nộp tại Bộ phận Một cửa.")
    assert len(rows) == 1
    assert rows[0].note == "Trực tiếp: nộp tại Bộ phận Một cửa"


def test_time_and_fee_that_ran_together_are_split_using_the_fee_detail() -> None:
    rows, problems = parse_channels(
        f"{HEADER}Trực tuyến1100 VNĐ(Phí công bố nội dung đăng ký doanh nghiệp: 100.000 đồng/lần)"
    )
    assert (rows[0].days, rows[0].fee_vnd) == (1, 100_000)
    assert problems == []


def test_fee_in_foreign_currency_has_no_vnd_amount() -> None:
    rows, _ = parse_channels(f"{HEADER}Trực tiếp5 Ngày làm việc10 USD(/lần)")
    assert rows[0].fee_vnd is None and rows[0].fee is not None and rows[0].fee.startswith("10 USD")


def test_unparsable_channel_cell_is_reported() -> None:
    rows, problems = parse_channels("Nộp hồ sơ tại trụ sở cơ quan")
    assert rows == []
    assert problems[0].startswith("channels_unparsed")


def test_document_cells_become_rows_with_kind_copies_and_form() -> None:
    docs, problems = parse_documents(
        f"{DOC_HEADER}Đơn đề nghị theo Mẫu số 01 ban hành kèm theo Thông tư 02/2026/TT-BNNMT ngày 01/01/2026;"
        "Mẫu số 01.docx1 bản chínhGiấy chứng nhận đăng ký doanh nghiệp0 bản chính,1 bản sao"
        "Văn bản thành lập1 bản chính,1 bản saoBiên bản nghiệm thu ngày 01/01/20261 bản chính"
    )
    assert problems == []
    assert [d.kind for d in docs] == ["original", "copy", "original_and_copy", "original"]
    assert docs[0].form == "Mẫu số 01.docx"
    assert docs[0].name.endswith("ngày 01/01/2026;")
    assert docs[2].copies == 2
    assert docs[3].name == "Biên bản nghiệm thu ngày 01/01/2026"


def test_document_count_inside_prose_does_not_split_the_row() -> None:
    docs, _ = parse_documents(
        f"{DOC_HEADER}Tờ khai, người khai nộp 02 bản chính tờ khai hàng hóa;1 bản chính"
    )
    assert len(docs) == 1
    assert docs[0].name.startswith("Tờ khai, người khai nộp 02 bản chính")


def test_a_count_repeated_in_the_name_cell_stays_in_the_name() -> None:
    docs, problems = parse_documents(
        f"{DOC_HEADER}Giấy phép nhập khẩu: 01 bản chính;1 bản chínhHóa đơn0 bản chính,1 bản sao"
    )
    assert problems == []
    assert [(d.name, d.kind) for d in docs] == [
        ("Giấy phép nhập khẩu: 01 bản chính", "original"),
        ("Hóa đơn", "copy"),
    ]


def test_document_groups_keep_their_heading_as_note() -> None:
    docs, _ = parse_documents(
        "Hồ sơ cấp mới:Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị1 bản chính"
        "Hồ sơ cấp lại:Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị cấp lại1 bản chính"
    )
    assert [(d.name, d.note) for d in docs] == [
        ("Đơn đề nghị", "Hồ sơ cấp mới:"),
        ("Đơn đề nghị cấp lại", "Hồ sơ cấp lại:"),
    ]


def test_legal_basis_rows_end_with_their_number() -> None:
    rows, _ = parse_legal_basis(
        "Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13Nghị định 123/2015/NĐ-CP123/2015/NĐ-CP"
        "Quyết định 1234/QĐ-TTg sửa đổi1234/2020/QĐ-TTg"
    )
    assert [(r.title, r.number) for r in rows] == [
        ("Luật Hộ tịch", "60/2014/QH13"),
        ("Nghị định 123/2015/NĐ-CP", "123/2015/NĐ-CP"),
        ("Quyết định 1234/QĐ-TTg sửa đổi", "1234/2020/QĐ-TTg"),
    ]


def test_result_names_and_keywords() -> None:
    result, keywords = parse_result(
        "Thẻ căn cướcMã: KQ.G01.000023Thông báo từ chốiMã: KQ.G01.000024Từ khóaCấp lại thẻ căn cướcMô tả..."
    )
    assert result == "Thẻ căn cước; Thông báo từ chối"
    assert keywords == ["Cấp lại thẻ căn cước"]


# ------------------------------------------------------------------------------------ whole imports
def write_jsonl(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def test_import_stores_every_record_and_flags_what_it_could_not_parse(tmp_path: Path, db_url: str) -> None:
    crawl = write_jsonl(
        tmp_path / "crawl.jsonl.gz",
        [
            json.dumps(portal_record("1.000001"), ensure_ascii=False),
            json.dumps(portal_record("1.000002", cach_thuc_thuc_hien="Liên hệ cơ quan"), ensure_ascii=False),
            '{"ma_thu_tuc": "1.000003", broken json',
        ],
    )
    report = import_portal_file(crawl, db_url)

    assert (report.lines, report.records, report.unreadable, report.stored) == (3, 2, 1, 3)
    assert report.problems["channels_unparsed"] == 1 and report.problems["unreadable_line"] == 1
    with session_factory(db_url)() as session:
        rows = {p.code: p for p in session.scalars(select(Procedure))}
        assert len(rows) == 3
        good = rows["1.000001"]
        assert good.parse_ok and good.levels == ["province", "commune"]
        assert [(c.channel, c.days, c.fee_vnd) for c in good.channels] == [("in_person", 5, 0)]
        assert [(d.name, d.kind) for d in good.documents] == [("Tờ khai", "original")]
        assert good.legal_basis[0].number == "60/2014/QH13"
        unparsed = rows["1.000002"]
        assert not unparsed.parse_ok and unparsed.raw == {"cach_thuc_thuc_hien": "Liên hệ cơ quan"}
        broken = next(p for code, p in rows.items() if code.startswith("raw."))
        assert not broken.parse_ok and "broken json" in broken.raw["text"]
    assert "channels_unparsed: 1" in report.format()


def test_reimport_replaces_rows_instead_of_duplicating(tmp_path: Path, db_url: str) -> None:
    crawl = write_jsonl(tmp_path / "c.jsonl.gz", [json.dumps(portal_record("1.000001"), ensure_ascii=False)])
    import_portal_file(crawl, db_url)
    report = import_portal_file(crawl, db_url)
    assert report.replaced_imported == 1
    with session_factory(db_url)() as session:
        assert session.scalar(select(func.count(Procedure.id))) == 1
        assert session.scalar(select(func.count(Channel.id))) == 1
        assert session.scalar(select(func.count(Document.id))) == 1


def test_shipped_records_win_over_imported_ones_in_either_order(tmp_path: Path, db_url: str) -> None:
    shipped_code = load_shipped()[0].code
    crawl = write_jsonl(
        tmp_path / "c.jsonl.gz", [json.dumps(portal_record(shipped_code), ensure_ascii=False)]
    )

    import_portal_file(crawl, db_url)
    import_shipped(database_url=db_url)
    report = import_portal_file(crawl, db_url)

    assert report.kept_shipped == 1 and report.stored == 0
    with session_factory(db_url)() as session:
        row = session.scalars(select(Procedure).where(Procedure.code == shipped_code)).one()
        assert row.origin == "shipped"


def test_schema_is_versioned_in_its_own_alembic_table(db_url: str) -> None:
    session_factory(db_url)
    tables = set(inspect(get_engine(db_url)).get_table_names())
    assert {
        "kb_procedures",
        "kb_channels",
        "kb_documents",
        "kb_legal_bases",
        "knowledge_alembic_version",
    } <= tables
    assert "alembic_version" not in tables


def test_command_line_imports_and_prints_the_report(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl = write_jsonl(tmp_path / "c.jsonl.gz", [json.dumps(portal_record("1.000009"), ensure_ascii=False)])
    assert main(["import", str(crawl), "--database-url", db_url]) == 0
    out = capsys.readouterr().out
    assert "records: 1" in out and "stored: 1" in out


def test_command_line_refuses_a_missing_file(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "/nonexistent/crawl.jsonl.gz", "--database-url", db_url]) == 2
    assert "does not exist" in capsys.readouterr().err


# ------------------------------------------------------------------------------ the shipped YAML
def test_shipped_catalogue_is_valid() -> None:
    assert validate_dir() == []


def test_validator_reports_broken_entries(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text(
        "procedures:\n"
        "  - code: 1001193\n"
        "    name: Thử\n"
        "    levels: [district]\n"
        "    field: Hộ tịch\n"
        "    legal_basis: [{title: Luật}]\n"
        "    online: {level: full}\n"
        "    channels: [{channel: fax, fee_vnd: -1}]\n"
        "    verified: false\n",
        encoding="utf-8",
    )
    problems = "\n".join(validate_dir(tmp_path))
    for expected in (
        "quoted string",
        "'district'",
        "legal_basis[0].number",
        "online.url",
        "'fax'",
        "fee_vnd",
        "notes",
    ):
        assert expected in problems


# ------------------------------------------------------------------------- the real national crawl
def test_full_crawl_is_imported_without_losing_a_record(shared_crawl: Path, crawl_db: CrawlDatabase) -> None:
    with gzip.open(shared_crawl, "rt", encoding="utf-8") as handle:
        lines = sum(1 for line in handle if line.strip())
    report = crawl_db.report

    assert report.records + report.unreadable == lines
    assert report.stored == lines
    assert report.channel_parse_rate >= 0.99
    assert report.document_parse_rate >= 0.97
    assert report.channel_rows >= 2 * report.records
    assert report.document_rows >= 4 * report.records
    with session_factory(crawl_db.url)() as session:
        assert session.scalar(select(func.count(Procedure.id))) == lines
        flagged = list(session.scalars(select(Procedure).where(Procedure.parse_ok.is_(False))))
        assert len(flagged) == report.flagged
        assert all(p.raw for p in flagged), "every flagged record keeps the raw text it came from"
        birth = session.scalars(select(Procedure).where(Procedure.code == "1.001193")).one()
        assert birth.channels and birth.documents
