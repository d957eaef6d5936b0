"""A question about a procedure outside the catalogue is never answered with a neighbour: the bot says it
is not in the catalogue and offers an agent; questions about catalogue procedures are never refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.catalogue_match import match_catalogue
from knowledge.facade import match_catalogue as facade_match
from knowledge.service import Catalogue
from vietnam.text import strip_diacritics

DATA = Path(__file__).resolve().parents[1] / "data"


def questions(name: str) -> list[str]:
    return [str(q["text"]) for q in yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["questions"]]


@pytest.fixture(scope="module")
def shipped(shipped_url: str) -> Catalogue:
    return Catalogue(shipped_url, sync_shipped=False)


@pytest.mark.parametrize(
    "question",
    [
        "xin visa di nhat lam o dau",
        "đăng ký nhãn hiệu cho bánh tráng nhà làm thì làm sao",
        "xin giay phep karaoke can nhung giay to gi",
        "mat bang tot nghiep dai hoc xin lai o dau",  # not "cấp lại giấy phép lái xe"
        "xin giấy phép treo bảng quảng cáo trước cửa hàng",  # not "giấy phép xây dựng", nor the road zone's
        "xin giấy phép treo biển hiệu trước cửa hàng",
        "xin phép bay flycam quay đám cưới thì làm thủ tục gì",  # a foreign word no procedure accounts for
        # a permit no procedure issues, found through the employer's words ("công ty", "người lao động")
        "Công ty chúng tôi dự kiến tuyển một kỹ sư quốc tịch Hàn Quốc. Xin hỏi hồ sơ đề nghị cấp giấy phép"
        " lao động cho người lao động nước ngoài nộp tại cơ quan nào?",
    ],
)
def test_a_procedure_outside_the_catalogue_is_said_to_be_outside(shipped: Catalogue, question: str) -> None:
    for text in (question, strip_diacritics(question)):
        match = match_catalogue(shipped.index(), text)
        assert match.outcome == "not_in_catalogue", (text, match.top, match.coverage)
        assert match.message is not None
        assert "chưa có trong danh mục" in match.message and "HD-" in match.message


def test_no_question_about_a_catalogue_procedure_is_refused(shipped: Catalogue) -> None:
    refused = [
        text
        for question in questions("procedure_questions.yml") + questions("procedure_questions_dev.yml")
        for text in (question, strip_diacritics(question))
        if match_catalogue(shipped.index(), text).outcome != "found"
    ]
    assert refused == []


def test_at_least_half_of_the_out_of_catalogue_questions_are_caught(shipped: Catalogue) -> None:
    texts = questions("out_of_catalogue_questions.yml")
    caught = [t for t in texts if match_catalogue(shipped.index(), t).outcome == "not_in_catalogue"]
    assert len(caught) >= 0.5 * len(texts), sorted(set(texts) - set(caught))


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("bị trộm xe thì báo ở đâu", "DT.chi_dan_to_giac_toi_pham"),  # short: it scores low
        ("chồng say rượu đánh vợ con thì báo ai", "DT.chi_dan_bao_luc_gia_dinh"),  # far ahead of the rest
        ("muốn ly hôn thì nộp đơn ở đâu", "DT.chi_dan_ly_hon"),
    ],
)
def test_questions_for_another_body_find_their_pointer(shipped: Catalogue, question: str, code: str) -> None:
    match = match_catalogue(shipped.index(), question)
    assert match.found and match.top is not None and match.top.code == code, (match.top, match.coverage)


@pytest.mark.parametrize(
    "follow_up", ["còn lệ phí thì sao?", "làm online được không?", "nộp ở đâu", "bao lâu"]
)
def test_a_follow_up_names_no_topic_it_is_not_refused(shipped: Catalogue, follow_up: str) -> None:
    assert match_catalogue(shipped.index(), follow_up).outcome == "no_topic"


def test_the_facade_decides_on_the_configured_database(facade_db: str) -> None:
    found = facade_match("lam giay khai sinh cho con")
    assert found.found and found.top is not None and found.top.code == "1.001193"
    assert found.message is None
    assert facade_match("xin visa đi Hàn Quốc").outcome == "not_in_catalogue"


@pytest.mark.parametrize(
    ("question", "code"),
    [
        # What the question asks ("trường hợp nào", "miễn lệ phí") does not count against the procedure.
        ("đăng ký kết hôn trường hợp nào thì được miễn lệ phí", "1.000894"),
        # "Bằng xe máy", "bằng ô tô": how citizens name a driving licence.
        ("bằng ô tô đổi sang mẫu mới có cần giấy khám sức khỏe không", "3.000347"),
    ],
)
def test_questions_about_catalogue_procedures_in_other_words_are_not_refused(
    shipped: Catalogue, question: str, code: str
) -> None:
    for text in (question, strip_diacritics(question)):
        match = match_catalogue(shipped.index(), text)
        assert match.found and match.top is not None and match.top.code == code, (
            text,
            match.top,
            match.coverage,
        )


@pytest.mark.parametrize(
    "question",
    [
        "xin giấy phép xây dựng nhà ở nông thôn",
        "giấy phép lái xe bị mất làm lại ở đâu",
        "công ty đóng bảo hiểm xã hội cho người lao động",
    ],
)
def test_a_permit_the_procedure_issues_is_found(shipped: Catalogue, question: str) -> None:
    assert match_catalogue(shipped.index(), question).outcome == "found"
