"""Search finds the procedure a citizen means, however they spell it."""

from __future__ import annotations

import pytest

from bot.normalization import strip_diacritics
from knowledge.catalogue import load_shipped
from knowledge.facade import is_ambiguous, search_procedures
from knowledge.search import IndexDoc, SearchIndex, TermEntry, load_terms
from knowledge.service import Catalogue

BIRTH = "1.001193"
BIRTH_FOREIGN = "2.000528"
MARRIAGE = "1.000894"
PERMANENT_RESIDENCE = "1.004222"
TEMPORARY_RESIDENCE = "1.004194"
ID_CARD_14_PLUS = "1.014061"
DRIVING_LICENCE_RENEWAL = "3.000347"
CERTIFIED_COPY = "2.000815"
CRIMINAL_RECORD = "3.000333"
HOUSEHOLD_BUSINESS = "1.001612"
MARITAL_STATUS = "1.004873"


def top(catalogue: Catalogue, query: str) -> str:
    hits = catalogue.search(query, limit=3)
    assert hits, f"no hit for {query!r}"
    return hits[0].code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Làm giấy khai sinh cho con cần những gì?", BIRTH),
        ("đăng ký kết hôn ở đâu", MARRIAGE),
        ("tôi muốn đăng ký tạm trú cho người thuê trọ", TEMPORARY_RESIDENCE),
        ("chứng thực bản sao giấy tờ", CERTIFIED_COPY),
        ("xin phiếu lý lịch tư pháp", CRIMINAL_RECORD),
        ("đăng ký hộ kinh doanh bán tạp hóa", HOUSEHOLD_BUSINESS),
    ],
)
def test_citizen_questions_find_the_right_procedure(catalogue: Catalogue, query: str, code: str) -> None:
    assert top(catalogue, query) == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("đổi gplx", DRIVING_LICENCE_RENEWAL),  # abbreviation
        ("làm cccd", ID_CARD_14_PLUS),  # abbreviation
        ("làm căn cước", ID_CARD_14_PLUS),
        ("nhập hộ khẩu cho vợ", PERMANENT_RESIDENCE),  # the old word for permanent residence
        ("xin giấy xác nhận độc thân", MARITAL_STATUS),  # what people call it
        ("sao y giấy tờ", CERTIFIED_COPY),
        ("mở hkd", HOUSEHOLD_BUSINESS),
    ],
)
def test_synonyms_and_abbreviations(catalogue: Catalogue, query: str, code: str) -> None:
    assert top(catalogue, query) == code


@pytest.mark.parametrize(
    "query",
    [
        "Làm giấy khai sinh cho con cần những gì?",
        "đăng ký kết hôn ở đâu",
        "nhập hộ khẩu cho vợ",
        "đổi bằng lái xe",
    ],
)
def test_diacritics_do_not_matter(catalogue: Catalogue, query: str) -> None:
    assert top(catalogue, strip_diacritics(query)) == top(catalogue, query)
    assert top(catalogue, strip_diacritics(query).upper()) == top(catalogue, query)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("khia sinh cho con", BIRTH),  # transposed letters
        ("dang ki ket hon", MARRIAGE),  # "ki" for "ký"
        ("dang ky tam tru", TEMPORARY_RESIDENCE),
        ("lam can cuoc cong dan", ID_CARD_14_PLUS),
        ("ly lich tu phapp", CRIMINAL_RECORD),  # doubled letter
        ("dangky ket hon", MARRIAGE),  # syllables typed together
    ],
)
def test_typos(catalogue: Catalogue, query: str, code: str) -> None:
    assert top(catalogue, query) == code


def test_two_close_procedures_make_the_search_ambiguous(catalogue: Catalogue) -> None:
    hits = catalogue.search("đăng ký khai sinh", limit=5)
    codes = [h.code for h in hits]
    assert BIRTH in codes[:3] and BIRTH_FOREIGN in codes[:3]
    assert is_ambiguous(hits)


def test_a_distinguishing_detail_settles_the_choice(catalogue: Catalogue) -> None:
    hits = catalogue.search("đăng ký khai sinh có yếu tố nước ngoài", limit=5)
    assert hits[0].code == BIRTH_FOREIGN
    assert not is_ambiguous(hits)


def test_a_clear_question_is_not_ambiguous(catalogue: Catalogue) -> None:
    assert not is_ambiguous(catalogue.search("xin phiếu lý lịch tư pháp", limit=5))


def test_hits_carry_name_level_and_score(catalogue: Catalogue) -> None:
    hit = catalogue.search("đăng ký kết hôn", limit=1)[0]
    assert hit.code == MARRIAGE
    assert hit.name == "Đăng ký kết hôn"
    assert hit.level == "commune"
    assert hit.origin == "shipped"
    assert hit.score > 0


def test_empty_or_meaningless_queries_find_nothing(catalogue: Catalogue) -> None:
    assert catalogue.search("") == []
    assert catalogue.search("   ") == []
    assert catalogue.search("?!") == []


def test_shipped_procedures_rank_above_imported_ones_with_the_same_words() -> None:
    docs = [
        IndexDoc("9.000001", "Đăng ký khai sinh", "imported", ("central",)),
        IndexDoc("9.000002", "Đăng ký khai sinh", "shipped", ("commune",)),
    ]
    hits = SearchIndex(docs).search("đăng ký khai sinh")
    assert [h.code for h in hits] == ["9.000002", "9.000001"]


def test_synonym_table_expands_the_query_to_the_canonical_term() -> None:
    docs = [
        IndexDoc("9.000010", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "imported", ("commune",)),
        IndexDoc("9.000011", "Cấp giấy phép xây dựng", "imported", ("commune",)),
    ]
    terms = [TermEntry("Giấy chứng nhận quyền sử dụng đất", ("sổ đỏ", "sổ hồng"))]
    hits = SearchIndex(docs, terms).search("làm so hong")
    assert hits[0].code == "9.000010"


def test_facade_searches_the_configured_database(facade_db: str) -> None:
    hits = search_procedures("lam giay khai sinh", limit=3)
    assert hits[0].code == BIRTH
    assert len(hits) <= 3


@pytest.mark.parametrize(
    "follow_up", ["còn lệ phí thì sao?", "làm online được không?", "nộp ở đâu", "cần mang theo gì"]
)
def test_a_bare_follow_up_names_no_procedure(catalogue: Catalogue, follow_up: str) -> None:
    """Aspect words alone find nothing, so the conversation stays on the procedure it was about."""
    assert catalogue.search(follow_up) == []


def test_every_code_in_the_synonym_table_is_a_shipped_procedure() -> None:
    shipped = {p.code for p in load_shipped()}
    entries = load_terms()
    assert len(entries) >= 60
    assert {e.code for e in entries if e.code} <= shipped


@pytest.mark.parametrize(
    ("query", "without_place"),
    [
        ("đăng ký kết hôn ở Cao Lãnh", "đăng ký kết hôn"),
        ("lam so do o xa my phuoc tay", "lam so do"),
        ("xin phép xây nhà ở Tân Phước", "xin phép xây nhà"),
    ],
)
def test_place_names_do_not_change_the_ranking(catalogue: Catalogue, query: str, without_place: str) -> None:
    assert [h.code for h in catalogue.search(query)] == [h.code for h in catalogue.search(without_place)]


def test_a_question_full_of_everyday_detail_is_not_asked_about_a_foreign_element(
    catalogue: Catalogue,
) -> None:
    hits = catalogue.search(
        "con tui sinh ở trạm y tế xã được 3 tuần, giờ đi khai sanh trễ có bị phạt tiền không", limit=5
    )
    assert hits[0].code == BIRTH
    assert not is_ambiguous(hits)
