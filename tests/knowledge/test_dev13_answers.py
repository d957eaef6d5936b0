"""Procedure answers of the dev13/dev14 round, asked in words other than the dev sets': colloquial and
brand names find the procedure, a negated topic is not the topic, a contract is not a copy, and the facts
added to the data (ages, dates, consent, who may act) reach the answer."""

from __future__ import annotations

import pytest

from knowledge.facade import answer as facade_answer
from knowledge.facade import match_catalogue
from knowledge.procedure_actions import action_factor, query_actions
from knowledge.search import without_negated_topics
from knowledge.search_cues import CONTRACT, COPY
from vietnam.text import fold

VEHICLE_TRANSFER = "1.013076"
PERMANENT = "1.004222"
SPLIT_HOUSEHOLD = "1.010038"
CROP_CONVERSION = "1.008004"
ESTATE_DIVISION = "2.001406"
WILL = "2.001019"
CONTRACT_CERTIFICATION = "2.001035"
CONTRACT_COPY = "2.000942"
CHANGE_CONTRACT = "2.000913"
DRIVING_LICENCE = "3.000346"
BIRTH_REREGISTRATION = "1.004884"
TEMPORARY = "1.004194"
CARD_RENEWAL = "1.014063"
CRIMINAL_RECORD = "3.000333"


def _top(question: str) -> str | None:
    match = match_catalogue(question)
    assert match.outcome == "found", (question, match.outcome, match.hits[:3])
    return match.top.code if match.top else None


@pytest.mark.parametrize(
    "question",
    [
        "tui mới mua chiếc yamaha cũ của người quen, sang tên sao",
        "mua lai con wave cua thang ban, sang ten qua minh sao",
        "mua lại chiếc toyota cũ, giờ sang tên sao",
    ],
)
def test_a_vehicle_called_by_its_brand_finds_the_vehicle_transfer(question: str) -> None:
    assert _top(question) == VEHICLE_TRANSFER


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("con gái tui lấy chồng xa giờ về ở với tui, muốn nhập khẩu vô nhà tui", PERMANENT),
        ("đi làm ở Bình Dương hai chục năm, giờ về quê nhập khẩu lại nhà ba má", PERMANENT),
        ("tách khẩu ra ở riêng thì làm sao", SPLIT_HOUSEHOLD),
    ],
)
def test_colloquial_names_of_residence_procedures(question: str, code: str) -> None:
    assert _top(question) == code


def test_imported_goods_are_not_a_household() -> None:
    assert _top("đăng ký xe nhập khẩu lần đầu") != PERMANENT


@pytest.mark.parametrize(
    "question",
    [
        "mấy công ruộng nhà tui muốn chuyển sang trồng dưa hấu có cần xin phép ai không",
        "ruong lua chuyen qua trong bap duoc khong",
    ],
)
def test_another_crop_on_a_rice_field_is_the_crop_conversion(question: str) -> None:
    assert _top(question) == CROP_CONVERSION


def test_the_crop_conversion_answer_gives_its_fee_and_time() -> None:
    both = facade_answer(CROP_CONVERSION, "fee") + facade_answer(CROP_CONVERSION, "time")
    assert "Miễn phí" in both and "05 ngày làm việc" in both


def test_a_will_said_to_be_absent_is_read_as_inheritance_by_law() -> None:
    tokens = fold("ba mất không để lại di chúc").split()
    assert "chuc" not in without_negated_topics(tokens)
    assert without_negated_topics(fold("muốn lập di chúc").split()) == fold("muốn lập di chúc").split()


@pytest.mark.parametrize(
    "question",
    [
        "má tui mất không để lại di chúc, mấy chị em thống nhất cho tui đứng tên miếng đất thì làm sao",
        "ong noi mat chua lam di chuc, con chau muon chia dat",
    ],
)
def test_inheritance_without_a_will_is_the_estate_division(question: str) -> None:
    assert _top(question) == ESTATE_DIVISION


def test_a_will_still_finds_the_will() -> None:
    assert _top("muốn làm di chúc để lại đất cho con") == WILL


def test_the_estate_division_answer_leads_on_to_the_land_registration() -> None:
    steps = facade_answer(ESTATE_DIVISION, "steps")
    assert "đăng ký biến động" in steps and "30 ngày" in steps
    assert "khai nhận di sản" in facade_answer(ESTATE_DIVISION, "eligibility")


def test_a_contract_is_not_a_certified_copy() -> None:
    assert CONTRACT in query_actions(fold("hợp đồng đó chứng thực ở xã").split())
    assert action_factor(frozenset({CONTRACT}), frozenset({COPY})) < 1.0
    # a contract counts only when certifying it is asked ("cắt hợp đồng" and unemployment) ...
    assert CONTRACT not in query_actions(fold("bị cắt hợp đồng lao động rồi lãnh thất nghiệp sao").split())
    # ... and then a procedure that certifies nothing (the mortgage registration) does not fit
    assert action_factor(frozenset({CONTRACT}), frozenset({"new"})) < 1.0
    assert _top("cái hợp đồng tặng cho đó chứng thực ở ủy ban thì tốn bao nhiêu") == CONTRACT_CERTIFICATION
    assert _top("hop dong chung thuc o xa het bao nhieu tien") == CONTRACT_CERTIFICATION


def test_a_copy_of_a_contract_and_its_cancellation_are_still_found() -> None:
    assert _top("xin bản sao hợp đồng mua bán đất đã chứng thực ở xã") == CONTRACT_COPY
    assert _top("muốn hủy bỏ hợp đồng tặng cho đã chứng thực ở xã") == CHANGE_CONTRACT


@pytest.mark.parametrize(
    ("code", "aspect", "fact"),
    [
        (DRIVING_LICENCE, "eligibility", "đủ 21 tuổi: C"),
        (DRIVING_LICENCE, "eligibility", "đủ 16 tuổi"),
        (BIRTH_REREGISTRATION, "eligibility", "01/01/2016"),
        (TEMPORARY, "eligibility", "đồng ý của cha, mẹ hoặc người giám hộ"),
        (CARD_RENEWAL, "eligibility", "02 năm trước tuổi"),
    ],
)
def test_sourced_conditions_reach_the_answer(code: str, aspect: str, fact: str) -> None:
    assert fact in facade_answer(code, aspect)


def test_the_criminal_record_papers_say_when_no_authorisation_is_needed() -> None:
    assert "không cần văn bản ủy quyền" in facade_answer(CRIMINAL_RECORD, "documents")


@pytest.mark.parametrize(
    "question",
    [
        "làm căn cước cho con thì lên ủy ban hay công an",
        "sao y giấy tờ ra ủy ban được không hay phải ra phòng công chứng",
    ],
)
def test_naming_two_offices_asks_where(question: str) -> None:
    from knowledge.facade import detect_aspect

    assert detect_aspect(question) == "place", question


@pytest.mark.parametrize(
    "question",
    ["lam hop dong lao dong co phai dong bhxh", "mua nha co hop dong mua ban roi lam so hong sao"],
)
def test_a_contract_that_is_only_the_case_asks_for_no_certification(question: str) -> None:
    # the contract tells certifications apart only when certifying is asked ("chứng thực", "công chứng")
    assert CONTRACT not in query_actions(fold(question).split())
    hits = match_catalogue(question, 3).hits
    assert hits[0].code != CONTRACT_CERTIFICATION or hits[1].score >= 0.9 * hits[0].score


def test_a_contract_to_certify_still_asks_for_the_contract_certification() -> None:
    assert CONTRACT in query_actions(fold("hop dong do chung thuc o xa thi ton bao nhieu").split())


REPAIR_PERMIT = "1.013229"  # Cấp giấy phép xây dựng sửa chữa, cải tạo ...


@pytest.mark.parametrize(
    "question",
    [
        "không xây mới, sửa lại nhà cũ thôi",
        "sửa lại nhà cũ có cần giấy phép không",
        "ko xay moi, chi cai tao",
    ],
)
def test_not_building_anew_is_the_repair_permit(question: str) -> None:
    assert _top(question) == REPAIR_PERMIT
