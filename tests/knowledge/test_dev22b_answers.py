"""Dev22 round b: a lost paper told as a mishap moves to its sibling; a death of someone in the contributory
scheme is BHXH's, not the commune's assistance; the dead authorise no one."""

from __future__ import annotations

import pytest

from knowledge.other_action import mishap_words, other_action_sibling
from knowledge.procedure_actions import action_factor, query_actions
from knowledge.search import tokenize
from knowledge.search_cues import AUTHORISE, EXCHANGE, HEIRS, NEW, says_insured_death
from knowledge.service import Catalogue
from vietnam.text import strip_diacritics

PASSPORT = "1.001456"
PASSPORT_LOSS_REPORT = "1.010386"
ID_CARD = "1.014061"
ID_CARD_REISSUE = "1.014064"
DRIVING_LICENCE = "3.000346"
DRIVING_LICENCE_EXCHANGE = "3.000347"
DRIVING_LICENCE_REISSUE = "3.000348"
LAND_REGISTRATION = "1.013978"
LAND_CERTIFICATE_REISSUE = "1.012786"
SURVIVOR_BENEFIT = "2.000821"  # Giải quyết hưởng chế độ tử tuất
FUNERAL_ASSISTANCE = "1.001731"  # Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội
PENSION_ARREARS = "2.000717"  # Truy lĩnh lương hưu ... của người hưởng đã chết
AUTHORISED_COLLECTION = "1.001601"  # Ủy quyền lĩnh thay các chế độ BHXH


def sibling(catalogue: Catalogue, current: str, question: str) -> str | None:
    record = catalogue.get(current)
    assert record is not None
    return other_action_sibling(catalogue.index(), record, question)


@pytest.mark.parametrize(
    ("current", "question", "expected"),
    [
        (PASSPORT, "còn lỡ làm mất hộ chiếu thì sao", PASSPORT_LOSS_REPORT),
        (PASSPORT, "rủi đánh rơi hộ chiếu thì sao", PASSPORT_LOSS_REPORT),
        (PASSPORT, "nhỡ như bị mất thì sao", PASSPORT_LOSS_REPORT),
        (ID_CARD, "còn lỡ làm mất căn cước thì sao", ID_CARD_REISSUE),
        (ID_CARD, "chẳng may mất thẻ thì làm sao", ID_CARD_REISSUE),
        (DRIVING_LICENCE, "lỡ mất bằng lái thì sao", DRIVING_LICENCE_REISSUE),
        (DRIVING_LICENCE_EXCHANGE, "giấy phép lái xe mất thì sao", DRIVING_LICENCE_REISSUE),
        (LAND_REGISTRATION, "lỡ mất sổ đỏ thì sao", LAND_CERTIFICATE_REISSUE),
    ],
)
def test_a_loss_told_as_a_mishap_moves_to_the_paper_s_loss_procedure(
    catalogue: Catalogue, current: str, question: str, expected: str
) -> None:
    for text in (question, strip_diacritics(question)):
        assert sibling(catalogue, current, text) == expected, text


def test_a_damaged_passport_stays_on_the_passport(catalogue: Catalogue) -> None:
    # no procedure exchanges a passport: the issuance re-issues a damaged one itself
    assert sibling(catalogue, PASSPORT, "lỡ hộ chiếu bị rách thì sao") is None


def test_remaking_a_lost_passport_is_the_passport_not_the_loss_report(catalogue: Catalogue) -> None:
    # the report issues no paper; the passport's issuance re-issues a lost one (its fee says so)
    assert sibling(catalogue, PASSPORT, "lỡ làm mất hộ chiếu thì làm lại tốn nhiêu") is None
    assert sibling(catalogue, ID_CARD, "lỡ mất căn cước thì làm lại ở đâu") == ID_CARD_REISSUE


def test_mishap_words_are_only_the_mishap() -> None:
    assert mishap_words("còn lỡ làm mất hộ chiếu thì sao") == {"lo"}
    assert mishap_words("chẳng may mất thẻ") == {"chang", "may"}
    assert not mishap_words("mất hộ chiếu thì sao")


@pytest.mark.parametrize(
    ("question", "code"),
    [
        (
            "Ông già tui đang lãnh lương hưu thì mất tháng rồi, nghe nói có tiền mai táng phí, giờ tui muốn "
            "lãnh thì làm sao ạ",
            SURVIVOR_BENEFIT,
        ),
        ("má tui đóng bảo hiểm xã hội, mới mất, nhà có được tiền mai táng không", SURVIVOR_BENEFIT),
        ("ba tui về hưu, chết rồi, lãnh tiền tuất sao", SURVIVOR_BENEFIT),
        # outside the contributory scheme: the commune's funeral assistance, as before
        ("bà nội mất rồi, xin tiền mai táng", FUNERAL_ASSISTANCE),
        ("ba tui không có lương hưu, mới mất, xin tiền mai táng", FUNERAL_ASSISTANCE),
    ],
)
def test_a_death_in_the_contributory_scheme_is_bhxh_s(catalogue: Catalogue, question: str, code: str) -> None:
    for text in (question, strip_diacritics(question)):
        assert catalogue.search(text, limit=5)[0].code == code, text


def test_an_insured_death_needs_both_the_death_and_the_scheme() -> None:
    assert says_insured_death(tokenize("đang lãnh lương hưu thì mất, có tiền mai táng không"))
    assert not says_insured_death(tokenize("lãnh lương hưu ở bưu điện"))
    assert not says_insured_death(tokenize("không có lương hưu, xin tiền mai táng"))


@pytest.mark.parametrize(
    "question",
    [
        "ba em mat thang truoc ma con 1 thang luong huu chua lanh, gia dinh nhan thay dc ko a",
        "ba tui mất rồi, còn tiền lương hưu chưa lãnh, nhà lãnh thay được không",
        "ông nội qua đời rồi, lương hưu tháng này người nhà lãnh thay được không",
    ],
)
def test_the_dead_authorise_no_one(question: str) -> None:
    actions = query_actions(tokenize(question))
    assert AUTHORISE not in actions
    assert HEIRS in actions


def test_a_living_survivor_may_still_authorise() -> None:
    actions = query_actions(
        tokenize("má tui mất, tui lãnh tiền tuất mà ở xa, nhờ chú tui lãnh dùm được không")
    )
    assert AUTHORISE in actions
    assert AUTHORISE in query_actions(tokenize("ba tui nằm liệt giường, tui lãnh lương hưu thay ổng"))


def test_qua_doi_exchanges_nothing() -> None:
    assert EXCHANGE not in query_actions(tokenize("ông nội qua đời rồi"))


def test_an_authorisation_fits_least_when_the_owner_died() -> None:
    assert action_factor(frozenset({HEIRS}), frozenset({AUTHORISE})) < action_factor(
        frozenset(), frozenset({AUTHORISE})
    )
    assert action_factor(frozenset({HEIRS}), frozenset({NEW})) == 1.0


@pytest.mark.parametrize(
    "question",
    [
        "ba em mat thang truoc ma con 1 thang luong huu chua lanh, gia dinh nhan thay dc ko a",
        "ba tui mất rồi, còn tiền lương hưu chưa lãnh, nhà lãnh thay được không",
    ],
)
def test_a_dead_pensioner_s_unpaid_pension_is_collected_as_arrears(
    catalogue: Catalogue, question: str
) -> None:
    assert catalogue.search(question, limit=5)[0].code == PENSION_ARREARS


def test_collecting_for_a_living_pensioner_is_still_the_authorisation(catalogue: Catalogue) -> None:
    hits = catalogue.search("ba tui nằm liệt giường rồi, tui lãnh lương hưu thay ổng ở bưu điện được hông")
    assert hits[0].code == AUTHORISED_COLLECTION
