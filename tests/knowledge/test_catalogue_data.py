"""The shipped catalogue's facts: audited, sourced, no placeholder a citizen could read, pointers that
name the body, and the wrong facts reported in the issue "Answers a citizen can act on" stay fixed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from knowledge.catalogue import (
    AUDIT_STATUSES,
    ProcedureRecord,
    citizen_texts,
    find_placeholder,
    load_shipped,
    validate_dir,
)

MIN_PROCEDURES = 250


@pytest.fixture(scope="module")
def records() -> list[ProcedureRecord]:
    return load_shipped()


def by_code(records: list[ProcedureRecord], code: str) -> ProcedureRecord:
    return next(r for r in records if r.code == code)


def test_catalogue_has_enough_sourced_procedures(records: list[ProcedureRecord]) -> None:
    procedures = [r for r in records if r.kind == "procedure"]
    assert len(procedures) >= MIN_PROCEDURES, "at least 250 procedures besides the pointers"
    commune = [r for r in procedures if "commune" in r.levels]
    assert len(commune) >= len(procedures) // 2, "commune-level procedures come first"
    for record in procedures:
        assert record.legal_basis and all(lb.number for lb in record.legal_basis), record.code
        assert record.source_url or record.decision, f"{record.code}: no source_url or decision"


def test_every_entry_is_audited_with_a_date_and_a_source(records: list[ProcedureRecord]) -> None:
    today = dt.date.today()
    for record in records:
        audit = record.audit
        assert audit is not None, record.code
        assert audit.date <= today and audit.source.strip(), record.code
        assert audit.fee in AUDIT_STATUSES and audit.time in AUDIT_STATUSES, record.code
        if audit.fee == "not_published":
            assert all(c.fee_vnd is None for c in record.channels), record.code
        if audit.time == "not_published":
            assert all(c.days is None for c in record.channels), record.code


def test_no_placeholder_reaches_a_citizen(records: list[ProcedureRecord]) -> None:
    found = [
        f"{r.code} {path}: {text!r}"
        for r in records
        for path, text in citizen_texts(r)
        if find_placeholder(text)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "text",
    ["Chưa đối chiếu", "Thời hạn: chưa đối chiếu", "TODO", "?", "N/A", "Không có thông tin", "Cổng ghi '1'",
     "Cổng Dịch vụ công không ghi lệ phí", "miễn theo hiểu biết", "đang cập nhật", "Chưa rõ"],
)  # fmt: skip
def test_placeholders_are_recognised(text: str) -> None:
    assert find_placeholder(text)


@pytest.mark.parametrize(
    "text", ["05 ngày làm việc", "Miễn phí", "Nam đủ 17 tuổi", "10.000 đồng/trường hợp", "Không thu lệ phí"]
)
def test_real_facts_are_not_taken_for_placeholders(text: str) -> None:
    assert find_placeholder(text) is None


def test_pointers_name_the_body_and_what_to_do(records: list[ProcedureRecord]) -> None:
    pointers = [r for r in records if r.kind == "pointer"]
    assert len(pointers) >= 5
    for record in pointers:
        assert record.pointer and record.pointer.body and record.pointer.action, record.code
        assert record.code.startswith("DT."), record.code
        assert record.legal_basis and record.audit, record.code


def test_every_url_is_https(records: list[ProcedureRecord]) -> None:
    for record in records:
        urls = [record.source_url, record.online_url, *(f.url for f in record.forms)]
        for url in filter(None, urls):
            assert url.startswith("https://"), f"{record.code}: {url}"
        for _, text in citizen_texts(record):
            assert "http://" not in text, record.code


def test_deadlines_are_filing_deadlines_with_a_basis(records: list[ProcedureRecord]) -> None:
    with_deadline = {r.code: r.deadline for r in records if r.deadline}
    assert with_deadline["1.001193"].days == 60  # khai sinh within 60 days of birth
    assert with_deadline["1.000656"].days == 15  # khai tử within 15 days
    assert with_deadline["1.004194"].days == 30  # tạm trú from 30 days
    for code, deadline in with_deadline.items():
        assert deadline.basis and re.search(r"\d+/\d{4}/", deadline.basis), code


def test_forms_name_who_issues_them(records: list[ProcedureRecord]) -> None:
    forms = [(r.code, f) for r in records for f in r.forms]
    assert len(forms) >= 150
    for code, form in forms:
        assert form.name and form.source, code


# ----------------------------------------------------------------- the wrong facts of the issue
def test_divorce_points_to_the_regional_court_not_the_commune(records: list[ProcedureRecord]) -> None:
    divorce = by_code(records, "DT.chi_dan_ly_hon")
    assert divorce.kind == "pointer" and "Tòa án nhân dân khu vực" in divorce.pointer.body
    foreign = by_code(records, "2.000554")  # recording a divorce granted abroad stays a commune procedure
    assert "nước ngoài" in foreign.name


def test_passport_fee_is_the_full_rate_on_every_channel(records: list[ProcedureRecord]) -> None:
    passport = by_code(records, "1.001456")
    assert {c.fee_vnd for c in passport.channels} == {200000}
    assert all("160.000" not in (c.fee or "") and "180.000" not in (c.fee or "") for c in passport.channels)


def test_identity_card_home_visits_go_to_the_commune_police(records: list[ProcedureRecord]) -> None:
    home = by_code(records, "DT.chi_dan_can_cuoc_tai_nha")
    assert home.pointer.body.startswith("Công an xã, phường")
    first_card = by_code(records, "1.014061")
    assert first_card.place.startswith("Công an xã, phường") and "tại nhà" in first_card.place


# ----------------------------------------------------------------- the validator
def test_validator_requires_audit_and_rejects_placeholders(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text(
        "procedures:\n"
        '  - code: "1.000001"\n'
        "    name: Thử\n"
        "    levels: [commune]\n"
        "    field: Hộ tịch\n"
        '    legal_basis: [{number: "60/2014/QH13", title: Luật Hộ tịch}]\n'
        '    channels: [{channel: in_person, time: "Chưa đối chiếu", fee: "?", fee_vnd: 5}]\n'
        '    deadline: {text: "Trong 60 ngày"}\n'
        '    forms: [{name: Tờ khai, url: "http://example.org/a.doc"}]\n'
        "    verified: true\n"
        '  - code: "1.000002"\n'
        "    name: Thử hai\n"
        "    levels: [commune]\n"
        "    field: Hộ tịch\n"
        '    legal_basis: [{number: "60/2014/QH13", title: Luật Hộ tịch}]\n'
        '    channels: [{channel: in_person, time: "05 ngày làm việc", days: 5, fee_vnd: 5000}]\n'
        "    verified: true\n"
        "    audit: {date: 2026-01-05, source: Cổng, fee: not_published, time: maybe}\n"
        '  - code: "DT.chi_dan_thu"\n'
        "    kind: pointer\n"
        "    name: Thử ba\n"
        "    field: Tòa án\n"
        '    legal_basis: [{number: "92/2015/QH13", title: Bộ luật Tố tụng dân sự}]\n'
        "    pointer: {action: Nộp đơn}\n"
        "    verified: true\n"
        "    audit: {date: 2026-01-05, source: Luật, fee: not_published, time: not_published}\n",
        encoding="utf-8",
    )
    problems = "\n".join(validate_dir(tmp_path))
    for expected in (
        "1.000001: audit: required",
        "1.000001: channels[0].time: placeholder",
        "1.000001: channels[0].fee: placeholder",
        "1.000001: deadline.basis",
        "1.000001: forms[0].url",
        "1.000001: forms[0].source",
        "1.000002: audit.fee: not_published but a channel states fee_vnd",
        "1.000002: audit.time: 'maybe'",
        "DT.chi_dan_thu: pointer.body",
    ):
        assert expected in problems, problems
    assert "DT.chi_dan_thu: channels" not in problems and "DT.chi_dan_thu: levels" not in problems


def test_no_answer_sounds_like_the_out_of_scope_reply(records: list[ProcedureRecord]) -> None:
    # "nằm ngoài phạm vi hỗ trợ" is how the bot declines: an answer must never read like it (the residence
    # "ngoài phạm vi xã, phường nơi thường trú" is said "ở xã, phường khác với nơi đã đăng ký thường trú")
    found = [
        f"{r.code} {path}"
        for r in records
        for path, text in citizen_texts(r)
        if "ngoài phạm vi" in text.lower()
    ]
    assert not found, "\n".join(found)


def test_a_close_relative_needs_no_certified_authorisation_for_a_civil_status_copy(
    records: list[ProcedureRecord],
) -> None:
    # thành phần hồ sơ of 2.000635 on the national portal (163/QĐ-BTP)
    paper = next(d for d in by_code(records, "2.000635").documents if d.name == "Văn bản ủy quyền")
    assert "không phải chứng thực" in (paper.note or "") and "cha, mẹ" in (paper.note or "")


def test_a_lost_health_insurance_card_is_reissued_within_seven_working_days(
    records: list[ProcedureRecord],
) -> None:
    record = by_code(records, "1.002759")
    assert all("07 ngày làm việc" in (c.time or "") for c in record.channels)
