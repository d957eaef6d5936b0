"""Business and contract questions of the dev33/dev35 sets: an enterprise moving its head office (2.002041,
sourced from decision 4166/QĐ-BTC) is the provincial business-registration procedure, not the cooperative's
or the household business's change; certifying a mortgage contract is the contract certification
(2.001035), not the mortgage registration. Each test reads the shipped catalogue."""

from __future__ import annotations

import pytest

from knowledge.facade import answer, get_procedure, match_catalogue
from knowledge.search import is_ambiguous
from tests.knowledge.shipped import top_code
from vietnam.text import strip_diacritics


def test_the_head_office_change_is_sourced_with_its_papers_office_and_time() -> None:
    entry = get_procedure("2.002041")
    assert entry is not None
    assert entry.decision == "4166/QĐ-BTC" and entry.verified is False
    assert {c.days for c in entry.channels} == {3}
    papers = answer("2.002041", "documents").lower()
    assert "giấy đề nghị đăng ký thay đổi nội dung đăng ký doanh nghiệp" in papers and "nghị quyết" in papers
    assert "Sở Tài chính" in answer("2.002041", "place")


@pytest.mark.parametrize(
    "question",
    [
        "Công ty TNHH của tôi dời trụ sở từ phường Mỹ Tho qua xã Chợ Gạo thì cần hồ sơ gì",
        "công ty cổ phần chuyển trụ sở chính qua chỗ mới làm sao",
        "công ty dời trụ sở nộp ở đâu",
    ],
)
def test_an_enterprise_moving_its_head_office_finds_the_enterprise_procedure(question: str) -> None:
    for text in (question, strip_diacritics(question)):
        assert top_code(text) == "2.002041", text


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("HTX chuyển trụ sở", "1.005277"),  # a cooperative registers with the commune
        ("hợp tác xã dời trụ sở", "1.005277"),
        ("dời quán qua chỗ mới có cần đăng ký lại không", "2.000720"),  # a household business
    ],
)
def test_other_kinds_of_business_moving_keep_their_own_procedure(question: str, code: str) -> None:
    assert top_code(question) == code


@pytest.mark.parametrize("employer", ["công ty", "cty"])
def test_a_labour_law_question_about_a_company_is_no_registration(employer: str) -> None:
    """The company is who the question is about, not what is to be registered: still outside."""
    question = (
        f"cho em hỏi làm thêm giờ ngày chủ nhật thì {employer} phải trả lương bao nhiêu phần trăm vậy ạ"
    )
    assert match_catalogue(question).outcome == "not_in_catalogue"


@pytest.mark.parametrize(
    "question",
    [
        "hợp đồng thế chấp sổ đỏ vay ngân hàng nông nghiệp chứng thực ở xã tốn nhiêu",
        "làm hợp đồng thế chấp nhà đất vay ngân hàng thì chứng thực ở đâu",
    ],
)
def test_certifying_a_mortgage_contract_is_the_contract_certification(question: str) -> None:
    """Certifying a contract is the certification whatever the contract is about; registering the
    mortgage is the other procedure, and the bot does not have to ask which."""
    for text in (question, strip_diacritics(question)):
        match = match_catalogue(text)
        assert match.found and match.top is not None and match.top.code == "2.001035", (text, match.hits)
        assert not is_ambiguous(match.hits), match.hits


def test_a_contract_certified_already_leaves_the_registration_asked_for() -> None:
    assert top_code("hợp đồng thế chấp đã công chứng rồi, giờ đăng ký thế chấp ở đâu") == "1.011441"
    assert top_code("đăng ký thế chấp sổ đỏ vay ngân hàng") == "1.011441"
