"""Answers are short, exact and polite, about the aspect the citizen asked."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import pytest

from knowledge.answers import papers_asked, render_answer
from knowledge.aspects import ASPECTS, detect_aspect
from knowledge.catalogue import load_shipped
from knowledge.facade import answer, get_procedure
from knowledge.records import ChannelRecord, DocumentRecord, ProcedureRecord
from knowledge.service import Catalogue

BIRTH = "1.001193"


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("làm giấy khai sinh cần giấy tờ gì", "documents"),
        ("lam giay khai sinh can gi", "documents"),
        ("hồ sơ gồm những gì vậy", "documents"),
        ("lệ phí bao nhiêu", "fee"),
        ("còn lệ phí thì sao?", "fee"),
        ("mat bao nhieu tien", "fee"),
        ("có mất phí không", "fee"),
        ("mấy ngày thì có", "time"),
        ("bao lâu thì lấy được", "time"),
        ("nop online mat may ngay", "time"),
        ("mất bao nhiêu ngày", "time"),
        ("làm sổ đỏ lần đầu cần giấy tờ gì", "documents"),  # "đầu" is not "đâu"
        ("công chứng hợp đồng ở xã cần gì", "documents"),  # "ở xã" says where they are, not what they ask
        ("nộp ở đâu", "place"),
        ("nop ho so o dau", "place"),
        ("làm online được không", "online"),
        ("co lam qua mang duoc ko", "online"),
        ("nộp trên VNeID được không", "online"),
        ("đăng ký khai sinh", "overview"),
        ("", "overview"),
    ],
)
def test_detect_aspect(text: str, aspect: str) -> None:
    assert detect_aspect(text) == aspect


def view(**changes: object) -> ProcedureRecord:
    base = ProcedureRecord(
        code="9.000001",
        name="Đăng ký thử nghiệm",
        origin="shipped",
        levels=["commune"],
        field="Hộ tịch",
        competent_agency="Ủy ban nhân dân cấp xã",
        executing_agency="Ủy ban nhân dân xã, phường",
        place="Bộ phận Một cửa UBND xã, phường nơi cư trú",
        applicants=None,
        steps=[],
        conditions=None,
        result="Giấy xác nhận",
        online_level="partial",
        online_url="https://dichvucong.gov.vn",
        channels=[
            ChannelRecord("in_person", "03 ngày làm việc", 3, "working", "10.000 đồng/bản", 10_000, None),
            ChannelRecord("online", "03 ngày làm việc", 3, "working", "5.000 đồng/bản", 5_000, None),
        ],
        documents=[
            DocumentRecord("Tờ khai theo mẫu", "original", 1, None, None),
            DocumentRecord("Giấy tờ chứng minh nơi cư trú", "copy", 2, None, "Nếu có"),
        ],
        legal_basis=[],
        source_url=None,
        source_date=None,
        verified=True,
        notes=None,
        parse_ok=True,
    )
    return dataclasses.replace(base, **changes)


def test_documents_answer_lists_each_paper_with_original_or_copy() -> None:
    text = render_answer(view(), "documents")
    assert text.startswith("Dạ, hồ sơ đăng ký thử nghiệm gồm:")
    assert "1. Tờ khai theo mẫu (bản chính)" in text
    assert "2. Giấy tờ chứng minh nơi cư trú (02 bản sao; nếu có)" in text


def test_fee_answer_gives_each_channel_when_they_differ() -> None:
    text = render_answer(view(), "fee")
    assert "- Nộp trực tiếp: 10.000 đồng/bản" in text
    assert "- Nộp trực tuyến: 5.000 đồng/bản" in text


def test_time_answer_is_one_sentence_when_all_channels_agree() -> None:
    assert render_answer(view(), "time") == "Dạ, thời hạn giải quyết đăng ký thử nghiệm: 03 ngày làm việc."


def test_place_answer_names_the_office_and_the_online_link() -> None:
    text = render_answer(view(), "place")
    assert "Bộ phận Một cửa UBND xã, phường nơi cư trú" in text
    assert "https://dichvucong.gov.vn" in text
    assert "trực tiếp hoặc trực tuyến" in text


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("full", "trực tuyến toàn trình"),
        ("partial", "trực tuyến một phần"),
        ("none", "chưa nộp trực tuyến được"),
    ],
)
def test_online_answer_follows_the_online_level(level: str, expected: str) -> None:
    text = render_answer(
        view(online_level=level, online_url=None if level == "none" else "https://x.example"), "online"
    )
    assert expected in text
    assert ("https://x.example" in text) == (level != "none")


def test_missing_facts_are_said_plainly_not_invented() -> None:
    empty = view(channels=[], documents=[])
    assert "hiện em chưa có thông tin chính thức về lệ phí" in render_answer(empty, "fee")
    assert "hiện em chưa có thông tin chính thức về danh sách giấy tờ" in render_answer(empty, "documents")


def test_unverified_and_imported_facts_carry_a_caveat() -> None:
    assert "đang được rà soát" in render_answer(view(verified=False, notes="Chưa rõ lệ phí"), "fee")
    assert "Cổng Dịch vụ công quốc gia" in render_answer(view(origin="imported", verified=False), "time")


def test_facade_answers_from_the_shipped_catalogue(facade_db: str) -> None:
    procedure = get_procedure(BIRTH)
    assert procedure is not None and procedure.name == "Đăng ký khai sinh"
    documents = answer(BIRTH, "documents")
    assert documents.startswith("Dạ,") and "Tờ khai đăng ký khai sinh" in documents
    online = answer(BIRTH, "online")
    assert procedure.online_url and procedure.online_url in online
    assert answer(BIRTH, "no-such-aspect") == answer(BIRTH, "overview")


def test_facade_answer_for_an_unknown_code_is_polite(facade_db: str) -> None:
    assert get_procedure("0.000000") is None
    assert answer("0.000000", "fee").startswith("Dạ, em chưa tìm thấy thủ tục này")


# What must never reach a citizen: internal placeholders and reviewers' remarks, empty template slots,
# Python values. The bot's own plain statement ("hiện em chưa có thông tin chính thức về ...") is allowed.
INTERNAL_TEXT = re.compile(
    r"chưa đối chiếu|chưa xác nhận|chưa kiểm tra|chưa rõ|đang cập nhật|theo hiểu biết|cần đối chiếu"
    r"|không có thông tin|cổng(?: dịch vụ công)? (?:không |chưa )?ghi"
    r"|\b(?:todo|tbd|fixme|xxx|lorem|none|null|nan)\b|(?<!\w)n/a(?!\w)|[{}]|\?\?|: \.|\(\)|«»",
    re.IGNORECASE,
)


def test_every_shipped_procedure_answers_every_aspect_without_placeholders(catalogue: Catalogue) -> None:
    for record in load_shipped():
        procedure = catalogue.get(record.code)
        assert procedure is not None, record.code
        internal = [t for t in (procedure.notes, procedure.audit and procedure.audit.note) if t]
        for aspect in ASPECTS:
            text = render_answer(procedure, aspect)
            where = (record.code, aspect)
            assert text.startswith("Dạ,"), where
            assert len(text) < 2000, (*where, len(text))
            assert text == unicodedata.normalize("NFC", text), where
            found = INTERNAL_TEXT.search(text)
            assert found is None, (*where, found and found.group(0), text)
            assert not any(note in text for note in internal), where
        if procedure.online_url and procedure.online_level in ("full", "partial"):
            assert procedure.online_url in render_answer(procedure, "online")


def test_the_placeholder_scan_catches_what_it_is_for() -> None:
    leaked = view(channels=[ChannelRecord("in_person", "Chưa đối chiếu", None, "working", None, None, None)])
    assert INTERNAL_TEXT.search(render_answer(leaked, "time"))
    assert INTERNAL_TEXT.search("Lệ phí: None.")
    assert not INTERNAL_TEXT.search(render_answer(view(channels=[], documents=[]), "fee"))


def test_the_overview_says_what_rules_a_request_out() -> None:
    """ "bản chính bị rách nát có chứng thực được không" reads as an overview: the conditions are in it."""
    conditions = "Không chứng thực bản sao từ bản chính bị tẩy xóa, sửa chữa, hư hỏng, cũ nát."
    text = render_answer(view(conditions=conditions), "overview")
    assert f"Điều kiện: {conditions}" in text.splitlines()
    assert "Điều kiện" not in render_answer(view(), "overview")


@pytest.mark.parametrize(
    ("question", "paper"),
    [
        ("đẻ ở nhà ko có giấy chứng sinh thì sao", "Giấy chứng sinh"),
        ("ông bà đi làm thay có cần giấy ủy quyền chứng thực không", "Văn bản ủy quyền"),
        ("ảnh thì cỡ bao nhiêu", "Ảnh 4x6"),
    ],
)
def test_a_paper_the_question_names_is_said_about_whatever_the_aspect(question: str, paper: str) -> None:
    record = view(
        documents=[
            DocumentRecord("Tờ khai theo mẫu", "original", 1, None, None),
            DocumentRecord(
                "Giấy chứng sinh; nếu không có thì văn bản của người làm chứng", "original", 1, None, None
            ),
            DocumentRecord("Văn bản ủy quyền", "original", 1, None, "Không cần chứng thực nếu là ông, bà"),
            DocumentRecord("Ảnh 4x6", "original", 2, None, None),
        ]
    )
    named = papers_asked(record, question)
    assert len(named) == 1 and named[0].name.startswith(paper)
    text = render_answer(record, "fee", question)
    assert f"Về giấy tờ anh/chị hỏi: {paper[0].lower()}{paper[1:]}" in text


@pytest.mark.parametrize(
    "question",
    ["anh chị cho hỏi lệ phí bao nhiêu", "có phải ghi vào sổ hộ tịch không", "trường hợp con nhỏ thì sao"],
)
def test_no_paper_is_said_about_when_none_is_named(question: str) -> None:
    record = view(documents=[DocumentRecord("Căn cước, hộ chiếu", "present", 1, None, None)])
    assert papers_asked(record, question) == []
    assert render_answer(record, "fee", question) == render_answer(record, "fee")


def test_abbreviations_citizens_may_not_know_are_spelt_out_but_not_inside_document_numbers() -> None:
    fee = "Lệ phí do HĐND tỉnh quy định (Nghị quyết 26/2025/NQ-HĐND)"
    record = view(channels=[ChannelRecord("in_person", "03 ngày làm việc", 3, "working", fee, None, None)])
    text = render_answer(record, "fee")
    assert "do Hội đồng nhân dân tỉnh quy định (Nghị quyết 26/2025/NQ-HĐND)" in text


def test_who_is_exempt_from_the_fee_gets_the_fee_line_with_its_exemptions() -> None:
    record = view(
        applicants="Công dân Việt Nam",
        channels=[
            ChannelRecord(
                "in_person", "03 ngày làm việc", 3, "working", "10.000 đồng; miễn cho hộ nghèo", 10_000, None
            )
        ],
    )
    reply = render_answer(record, "eligibility", "trường hợp nào thì được miễn lệ phí đăng ký thử nghiệm")
    assert "Công dân Việt Nam" in reply and "miễn cho hộ nghèo" in reply
    assert "hộ nghèo" not in render_answer(record, "eligibility", "ai được đăng ký thử nghiệm")
