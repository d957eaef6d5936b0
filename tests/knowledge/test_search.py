"""Search finds the procedure a citizen means, however they spell it."""

from __future__ import annotations

import pytest

from knowledge.catalogue import load_shipped
from knowledge.facade import is_ambiguous, search_procedures
from knowledge.procedure_actions import name_actions, query_actions
from knowledge.records import ProcedureRecord
from knowledge.search import SearchIndex, TermEntry, load_terms, requirement_start, tokenize
from knowledge.search_cues import (
    AUTHORISE,
    CHANGE,
    COPY,
    CORRECT,
    EXCHANGE,
    NEW,
    REISSUE,
    REREGISTER,
    SIGNATURE,
    SUSPEND,
    TERMINATE,
)
from knowledge.service import Catalogue
from vietnam.text import strip_diacritics

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
        ProcedureRecord("9.000001", "Đăng ký khai sinh", "imported", ["central"]),
        ProcedureRecord("9.000002", "Đăng ký khai sinh", "shipped", ["commune"]),
    ]
    hits = SearchIndex(docs).search("đăng ký khai sinh")
    assert [h.code for h in hits] == ["9.000002", "9.000001"]


def test_synonym_table_expands_the_query_to_the_canonical_term() -> None:
    docs = [
        ProcedureRecord("9.000010", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "imported", ["commune"]),
        ProcedureRecord("9.000011", "Cấp giấy phép xây dựng", "imported", ["commune"]),
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


# ------------------------------------------------------------------------------------ sibling procedures
# Procedures on the same topic that differ by what is done (first issue / replacement / exchange /
# re-registration / change / suspension / closing / correction / authorising someone): the question's
# action decides between them.
ID_CARD_REISSUE = "1.014064"
ID_CARD_EXCHANGE = "1.014063"
DRIVING_LICENCE_REISSUE = "3.000348"
BIRTH_REREGISTRATION = "1.004884"
MARRIAGE_REREGISTRATION = "1.004746"
DEATH = "1.000656"
DEATH_REREGISTRATION = "1.005461"
CIVIL_STATUS_COPY = "2.000635"
CIVIL_STATUS_CORRECTION = "1.004859"
HOUSEHOLD_BUSINESS_CHANGE = "2.000720"
HOUSEHOLD_BUSINESS_SUSPENSION = "1.001570"
HOUSEHOLD_BUSINESS_CLOSING = "1.001266"
HOUSEHOLD_BUSINESS_REISSUE = "2.000575"
RESIDENCE_INFO_CHANGE = "1.010039"
VEHICLE_TRANSFER = "1.013076"
LAND_TRANSFER = "1.013831"
LAND_CERTIFICATE_REISSUE = "1.012786"
LAND_CERTIFICATE_EXCHANGE = "1.012783"
BENEFIT_BY_PROXY = "1.001601"
SIGNATURE_CERTIFICATION = "2.000884"
BUILDING_PERMIT_REISSUE = "1.013228"
BUILDING_PERMIT_EXTENSION = "1.013227"
BUILDING_PERMIT_NEW = "1.013225"


@pytest.mark.parametrize(
    ("name", "actions"),
    [
        ("Đăng ký khai sinh", {NEW}),
        ("Cấp lại thẻ căn cước", {REISSUE}),
        ("Cấp đổi thẻ căn cước", {EXCHANGE}),
        ("Đổi giấy phép lái xe", {EXCHANGE}),
        ("Đổi, cấp lại Giấy xác nhận khuyết tật", {EXCHANGE, REISSUE}),
        ("Đăng ký lại khai tử", {REREGISTER}),
        ("Thay đổi, cải chính, bổ sung thông tin hộ tịch", {CHANGE, CORRECT}),
        ("Đăng ký thành lập hộ kinh doanh", {NEW}),
        (
            "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
            {SUSPEND},
        ),
        ("Chấm dứt hoạt động hộ kinh doanh", {TERMINATE}),
        ("Ủy quyền lĩnh thay các chế độ bảo hiểm xã hội, trợ cấp thất nghiệp", {AUTHORISE}),
        # a list whose first item names no action starts something too
        ("Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng", {NEW, CHANGE, CORRECT, TERMINATE}),
        ("Cấp lại, đổi, điều chỉnh thông tin trên sổ BHXH", {REISSUE, EXCHANGE, CHANGE, CORRECT}),
    ],
)
def test_a_procedure_s_action_is_read_from_its_official_name(name: str, actions: set[str]) -> None:
    assert name_actions(name) - {SIGNATURE, COPY} == actions


def test_a_bare_doi_in_a_name_is_read_with_its_diacritics() -> None:
    """ "đối với" and "đổi" fold alike; in an official name only "đổi" exchanges."""
    assert EXCHANGE not in name_actions("Giải quyết hưởng trợ cấp đối với người có công")
    assert name_actions("Giải quyết hưởng trợ cấp đối với người có công") == {NEW}
    assert CHANGE in name_actions("Đăng ký biến động khi đổi tên người sử dụng đất")


def test_certifying_a_signature_and_a_copy_are_told_apart_by_name() -> None:
    assert SIGNATURE in name_actions("Chứng thực chữ ký trong các giấy tờ, văn bản (kể cả điểm chỉ)")
    assert SIGNATURE not in name_actions("Chứng thực bản sao từ bản chính giấy tờ, văn bản")


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        ("lỡ làm mất bằng lái rồi", {REISSUE}, set()),
        ("thẻ bị rách, muốn đổi thẻ khác", {EXCHANGE}, {REISSUE}),
        ("giấy tờ hết hạn thì làm sao", {EXCHANGE}, set()),
        ("lần đầu xin cấp giấy này", {NEW}, set()),
        ("ông nội tôi mất tuần trước", set(), {REISSUE}),  # died, not lost
        ("mẹ tôi đã mất năm ngoái", set(), {REISSUE}),
        ("giấy khai sinh đã mất rồi", {REISSUE}, set()),
        ("hỏi trợ cấp đối với người cao tuổi", set(), {EXCHANGE, CHANGE}),  # "đối với", not "đổi"
        ("làm mất bao lâu", set(), {REISSUE}),  # takes, not lost
        ("xin phép sửa chữa nhà", set(), {CORRECT}),  # repairs a house
        ("tạm nghỉ bán vài tháng", {SUSPEND}, {TERMINATE}),
        ("nghỉ bán luôn, dẹp tiệm", {TERMINATE}, set()),
        ("giấy ghi sai ngày sinh, sửa ra sao", {CORRECT}, set()),
        ("đổi tên chủ cơ sở", {CHANGE}, {EXCHANGE}),
        ("sổ gốc ở xã cũng bị cháy, giấy cũng mất, làm lại", {REISSUE, REREGISTER}, set()),
        ("đăng ký khai tử lại cho bà", {REREGISTER}, set()),
        ("cho con lãnh dùm được không", {AUTHORISE}, set()),
        ("không biết ký tên thì lăn tay", {SIGNATURE}, set()),
        ("hỏi thủ tục chung chung", set(), set()),
        ("thuê mặt bằng mở tiệm", {NEW}, {REISSUE}),  # premises, not a lost paper
        ("giấy chứng nhận hộ kinh doanh bị mất", {REISSUE}, {AUTHORISE}),  # "nhận hộ" inside
        ("bị móc túi mất luôn căn cước", {REISSUE}, set()),
        ("người nhà đi nhận lương hưu thay", {AUTHORISE}, set()),
        ("giấy kết hôn thất lạc, xã không còn lưu", {REISSUE, REREGISTER}, set()),
        ("mất sổ đỏ", {REISSUE}, {REREGISTER}),  # a paper, not the civil status register
        # a stop said to last a while pauses; said for good, it closes
        ("tiệm của má muốn nghỉ bán vài tuần", {SUSPEND}, {TERMINATE}),
        ("đóng cửa quán 2 tháng để sửa", {SUSPEND}, {TERMINATE}),
        ("nghỉ bán một thời gian rồi bán lại", {SUSPEND}, {TERMINATE}),
        ("nghỉ bán luôn mấy tháng nay rồi", {TERMINATE}, {SUSPEND}),
        ("sổ đỏ bị rách nát hết", {EXCHANGE}, {REISSUE}),
    ],
)
def test_the_citizen_s_action_is_read_from_cue_words(
    question: str, expected: set[str], absent: set[str]
) -> None:
    for text in (question, strip_diacritics(question)):
        actions = query_actions(tokenize(text))
        assert expected <= actions, text
        assert not absent & actions, text


SIBLING_QUESTIONS = [
    # replacement / exchange vs first issue
    ("đánh rơi thẻ căn cước ngoài chợ, xin cấp lại", ID_CARD_REISSUE),
    ("căn cước bị gãy đôi rồi, đổi sao", ID_CARD_EXCHANGE),
    ("bị mất bằng lái ô tô", DRIVING_LICENCE_REISSUE),
    ("bằng lái xe máy bị mât, xin cấp lia", DRIVING_LICENCE_REISSUE),  # typos in the cue words
    ("làm mất sổ đỏ xin cấp lại", LAND_CERTIFICATE_REISSUE),
    ("sổ hồng bị rách muốn đổi sổ mới", LAND_CERTIFICATE_EXCHANGE),
    ("mất giấy phép xây dựng xin cấp lại", BUILDING_PERMIT_REISSUE),
    ("giấy phép xây dựng sắp hết hạn muốn gia hạn", BUILDING_PERMIT_EXTENSION),
    ("xin giấy phép xây dựng nhà ở", BUILDING_PERMIT_NEW),
    ("xin bản sao giấy khai sinh vì bản chính bị mất", CIVIL_STATUS_COPY),
    # re-registration vs registration
    (
        "khai sinh ở xã cũ bị mất, sổ hộ tịch cũng không còn, đăng ký khai sinh lại thế nào",
        BIRTH_REREGISTRATION,
    ),
    (
        "giấy đăng ký kết hôn bị thất lạc, ủy ban xã không còn lưu sổ, làm lại thế nào",
        MARRIAGE_REREGISTRATION,
    ),
    ("đăng ký khai tử lại cho ông nội vì sổ bị cháy", DEATH_REREGISTRATION),
    ("ông ngoại mất rồi đi báo tử ở đâu", DEATH),
    # household business: opening vs changing, suspending, closing, replacing
    ("muốn mở quán cà phê đăng ký kinh doanh hộ gia đình", HOUSEHOLD_BUSINESS),
    ("hộ kinh doanh chuyển địa điểm sang xã khác", HOUSEHOLD_BUSINESS_CHANGE),
    ("tạm nghỉ bán 3 tháng thì báo hộ kinh doanh sao", HOUSEHOLD_BUSINESS_SUSPENSION),
    # a dish or a shop named before the stop ("quán bánh xèo") does not hide the pause
    ("quán bánh xèo của dì tui muốn nghỉ bán mấy tháng thì báo sao", HOUSEHOLD_BUSINESS_SUSPENSION),
    ("tiệm tạp hóa nghỉ bán luôn", HOUSEHOLD_BUSINESS_CLOSING),
    ("dẹp tiệm rồi thì trả giấy phép hộ kinh doanh sao", HOUSEHOLD_BUSINESS_CLOSING),
    ("mất giấy chứng nhận đăng ký hộ kinh doanh", HOUSEHOLD_BUSINESS_REISSUE),
    # "sang tên": household head vs vehicle vs land
    ("thay đổi chủ hộ trong sổ hộ khẩu vì ba mất", RESIDENCE_INFO_CHANGE),
    ("sang tên chủ hộ cho con trai", RESIDENCE_INFO_CHANGE),
    ("mua lại chiếc xe máy của người quen, sang tên thế nào", VEHICLE_TRANSFER),
    ("cha mẹ muốn sang tên đất cho con", LAND_TRANSFER),
    # correcting vs issuing
    ("cải chính năm sinh trong giấy khai sinh", CIVIL_STATUS_CORRECTION),
    ("đăng ký khai sinh cho con mới đẻ", BIRTH),
    # authorising someone vs the benefit itself
    ("bà già yếu, muốn ủy quyền cho cháu lãnh lương hưu", BENEFIT_BY_PROXY),
    ("nhờ người nhà nhận dùm tiền bảo hiểm xã hội được không", BENEFIT_BY_PROXY),
    # signature / thumbprint vs copy certification
    ("ông tôi không ký được, muốn điểm chỉ vào giấy tờ thì chứng thực ở đâu", SIGNATURE_CERTIFICATION),
    ("chứng thực bản sao căn cước", CERTIFIED_COPY),
]


@pytest.mark.parametrize(("query", "code"), SIBLING_QUESTIONS)
def test_the_wanted_action_picks_the_right_sibling(catalogue: Catalogue, query: str, code: str) -> None:
    assert top(catalogue, query) == code
    assert top(catalogue, strip_diacritics(query)) == code


SIBLINGS = [
    ProcedureRecord("9.000100", "Cấp giấy phép kinh doanh bán lẻ rượu", "shipped", ["commune"]),
    ProcedureRecord("9.000101", "Cấp lại giấy phép kinh doanh bán lẻ rượu", "shipped", ["commune"]),
    ProcedureRecord(
        "9.000102", "Cấp sửa đổi, bổ sung giấy phép kinh doanh bán lẻ rượu", "shipped", ["commune"]
    ),
    ProcedureRecord("9.000200", "Cấp giấy phép lái tàu", "shipped", ["province"]),
]


def test_an_action_cue_outweighs_repeated_topic_words() -> None:
    index = SearchIndex(SIBLINGS)
    question = "giấy phép kinh doanh rượu, bán lẻ rượu, giấy phép bán rượu bị mất"
    hits = index.search(question)
    assert hits[0].code == "9.000101"
    assert not is_ambiguous(hits)
    assert index.search("giấy phép bán rượu ghi sai địa chỉ, cần bổ sung")[0].code == "9.000102"


def test_without_an_action_cue_the_first_issue_leads_and_the_bot_may_ask() -> None:
    hits = SearchIndex(SIBLINGS).search("giấy phép kinh doanh bán lẻ rượu")
    assert hits[0].code == "9.000100"
    assert {h.code for h in hits[:2]} <= {"9.000100", "9.000101", "9.000102"}
    assert is_ambiguous(hits)


def test_the_action_does_not_pull_in_a_procedure_on_another_topic() -> None:
    hits = SearchIndex(SIBLINGS).search("mất giấy phép lái tàu")
    assert hits[0].code == "9.000200"


@pytest.mark.parametrize(
    ("query", "code", "required"),
    [
        ("ông bà nội đi khai sinh cho cháu có cần giấy ủy quyền chứng thực không", "1.001193", "2.000884"),
        ("đổi bằng lái xe máy có cần giấy khám sức khỏe không", "3.000347", None),
    ],
)
def test_what_a_procedure_requires_does_not_take_its_place(
    catalogue: Catalogue, query: str, code: str, required: str | None
) -> None:
    """ "làm A có cần B không": A is the topic, B a requirement of it (a paper, another procedure)."""
    assert catalogue.search(query, limit=1)[0].code == code
    if required:  # asked alone, the requirement is the topic
        assert catalogue.search("có cần chứng thực giấy ủy quyền không", limit=1)[0].code == required


def test_a_requirement_clause_needs_a_procedure_before_it() -> None:
    assert requirement_start(tokenize("đi khai sinh có cần giấy ủy quyền không")) == 3
    assert requirement_start(tokenize("có cần chứng thực không")) == len(tokenize("có cần chứng thực không"))


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("ba em mất hôm qua giờ cần làm giấy tờ gì", DEATH),  # died: "hôm" is no typo of "hộ"
        ("mẹ tôi mất rồi làm giấy gì", DEATH),
        ("lỡ làm mất hộ chiếu rồi giờ phải sao", "1.010386"),  # lost
        ("chị mất cccd hôm qua", ID_CARD_REISSUE),  # a paper after "mất": lost
    ],
)
def test_mat_after_a_relative_is_a_death(catalogue: Catalogue, query: str, code: str) -> None:
    assert top(catalogue, query) == code


@pytest.mark.parametrize(
    "query", ["phản ánh vỉa hè bị lấn chiếm bán hàng", "phan anh via he bi lan chiem ban hang"]
)
def test_coverage_of_a_question_whose_words_the_typo_correction_regroups(
    catalogue: Catalogue, query: str
) -> None:
    # The corrected words no longer line up with the typed ones: coverage still answers (it raised
    # IndexError, which the bot would have shown as an error).
    hits = catalogue.index().search(query)
    coverage = catalogue.index().coverage(query, hits[0].code if hits else "")
    assert "via" in coverage.content and 0.0 <= coverage.share <= 1.0


def test_question_words_are_not_read_as_typos_of_procedure_words(catalogue: Catalogue) -> None:
    # "gồm" is no procedure's word but a question word: not corrected into "gốc" ("bản sao từ sổ gốc").
    assert top(catalogue, "chuyển khẩu về nhà ba mẹ thì hồ sơ gồm những gì") == PERMANENT_RESIDENCE


def test_the_common_case_wins_over_a_special_case_the_question_does_not_name(catalogue: Catalogue) -> None:
    # "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân" is a special case of "Đăng ký khai sinh".
    assert top(catalogue, "khai sinh cho con trễ hạn thì có sao không") == BIRTH
    assert top(catalogue, "người lớn chưa từng làm khai sinh, đã có giấy tờ cá nhân") == "1.004772"


def test_a_classifier_is_not_read_as_a_typo_of_a_catalogue_word(catalogue: Catalogue) -> None:
    # "cuốn sổ" is a book ("cuốn"), never "buôn" (bán): everyday words are kept as written
    index = catalogue.index()
    assert index._correct(tokenize("cuon so bi rach")) == ["cuon", "so", "bi", "rach"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        # dev22: the will and its certification, not "chia đất" (land division)
        (
            "ông nội tui 90 tuổi rồi, muốn lập di chúc chia đất cho mấy đứa cháu, ra xã chứng thực được hông",
            "2.001019",
        ),
        # dev23: a step done already ("lên thổ cư rồi") is background; the permit is asked now
        ("dat len tho cu roi, gio xin giay phep xay nha o rieng le can chuan bi gi", "1.013225"),
        # dev23: a boat carrying passengers is registered as a vessel in use
        ("dang ky ghe xuong cho khach tren song thi phi bao nhieu", "1.004047"),
        # dev22/dev24: Southern "lãnh ... thay" is collecting on someone's behalf
        (
            "ba tui nằm liệt giường rồi, tui lãnh lương hưu thay ổng ở bưu điện được hông, cần giấy gì",
            "1.001601",
        ),
        ("cho má lãnh thay tiền trợ cấp thất nghiệp được hông", "1.001601"),
        # dev24: a new owner of a household business after the owner died is a change of its registration
        (
            "ba tui đứng tên hộ kinh doanh tiệm vàng mới mất tháng rồi, giờ tui muốn đứng tên thay "
            "thì làm sao",
            "2.000720",
        ),
    ],
)
def test_dev22_questions_find_the_procedure_asked_now(catalogue: Catalogue, query: str, code: str) -> None:
    assert top(catalogue, query) == code


def test_collecting_on_someones_behalf_is_authorising() -> None:
    assert AUTHORISE in query_actions(tokenize("tui lãnh lương hưu thay ổng"))
    assert AUTHORISE not in query_actions(tokenize("tui lãnh lương hưu ở bưu điện"))
