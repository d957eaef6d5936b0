"""Questions about an office's address, phone and hours get the directory's facts, for communes and wards
by current or old name and for the province's offices; a fact without an official source is said plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.contacts import asked_fields, asks_how_to_reach_office, contact_answer, is_contact_question
from knowledge.facade import contact_answer as facade_contact_answer
from knowledge.offices import OFFICES_FILE, load_offices

COMMUNE = """    kind: phuong
    committee: Ủy ban nhân dân NAME
    service_point: Trung tâm Phục vụ hành chính công NAME
    police: Công an NAME
    source: Trang thử NAME
    source_date: '2026-12-01'"""

DIRECTORY = """
updated: '2026-12-01'
fallback:
  hotline: {name: Tổng đài 1022 thử, phone: '1022', source: Nguồn thử, source_date: '2026-12-01',
            verified: true}
  portal: {name: Cổng Dịch vụ công quốc gia, url: https://dichvucong.gov.vn, source: Nguồn thử,
           verified: true}
hours:
  weekdays: Thứ Hai đến thứ Sáu, sáng 7 giờ - 11 giờ 30, chiều 13 giờ 30 - 17 giờ
  saturday: null
  source: Quyết định thử 2/QĐ-UBND
  source_url: https://example.gov.vn/gio
communes:
  phuong_my_phong:
    name: Phường Mỹ Phong
    address: Ấp Thử, phường Mỹ Phong
    phone: '0273 111 1111'
    hours: null
    source_url: https://example.gov.vn/my-phong
    verified: true
MY_PHONG
  phuong_my_tho:
    name: Phường Mỹ Tho
    address: null
    phone: null
    hours: null
    verified: false
MY_THO
province:
  ttphcc_tinh:
    name: Trung tâm Phục vụ hành chính công tỉnh Đồng Tháp
    address: null
    phone: '0277 3898989'
    hours: null
    sites:
      - {label: Cơ sở 1, address: "Số 1 đường Thử", source: Thông báo thử, source_url: https://example.gov.vn/a,
         verified: true}
    source: Thông báo thử
    source_url: https://example.gov.vn/a
    source_date: '2026-12-01'
    verified: true
  so_tu_phap:
    name: Sở Tư pháp tỉnh Đồng Tháp
    address: null
    phone: null
    hours: null
    source: Nghị định 45/2025/NĐ-CP
    source_date: '2026-12-01'
    verified: false
  so_xay_dung:
    name: Sở Xây dựng tỉnh Đồng Tháp
    address: null
    phone: null
    hours: null
    dossiers_at: ttphcc_tinh
    source: Nghị định 45/2025/NĐ-CP
    source_date: '2026-12-01'
    verified: false
"""


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    path = tmp_path / "offices.yml"
    text = DIRECTORY.replace("MY_PHONG", COMMUNE.replace("NAME", "phường Mỹ Phong")).replace(
        "MY_THO", COMMUNE.replace("NAME", "phường Mỹ Tho")
    )
    path.write_text(text, encoding="utf-8")
    load_offices(path)  # the fixture follows the directory's format
    return path


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        ("số điện thoại UBND phường Mỹ Phong", True),
        ("ubnd xa tan my chanh may gio mo cua", True),
        ("thứ 7 ủy ban có làm việc không", True),
        ("địa chỉ trung tâm phục vụ hành chính công tỉnh ở đâu", True),
        ("sdt so tu phap", True),
        ("nộp hồ sơ khai sinh ở đâu", False),
        ("đăng ký kết hôn mất mấy ngày", False),
        ("làm căn cước cần giấy tờ gì", False),
        ("số tổng đài hỗ trợ thủ tục hành chính", True),
        ("đóng cửa tiệm thì chấm dứt hộ kinh doanh có mất phí ko", False),
        ("đóng cửa hàng rồi có phải báo ai không", False),
        ("làm giấy tờ ở phường Mỹ Tho thì đến đâu", True),
        ("ở phường Mỹ Tho nộp hồ sơ khai sinh ở đâu", False),
        ("uy ban phuong my tho lam viec thu may", True),
        ("email sở tư pháp", True),
        ("liên hệ ủy ban phường Mỹ Tho bằng cách nào", True),
        ("muốn liên hệ công an xã để làm căn cước", False),
        ("trung tâm hành chính công huyện Cao Lãnh", True),
        ("nộp hồ sơ khai sinh ở bộ phận một cửa được không", False),
    ],
)
def test_contact_questions_are_told_from_procedure_questions(text: str, contact: bool) -> None:
    assert is_contact_question(text) is contact


def test_the_fields_asked_are_read_from_the_question() -> None:
    assert asked_fields("số điện thoại ubnd phường") == ("phone",)
    assert asked_fields("mấy giờ mở cửa") == ("hours",)
    assert asked_fields("địa chỉ và số điện thoại") == ("address", "phone")
    assert asked_fields("ubnd phường Mỹ Phong") == ("address", "phone", "hours")


def test_a_ward_by_its_current_name_gets_its_sourced_facts(directory: Path) -> None:
    reply = contact_answer("số điện thoại UBND phường Mỹ Phong", path=directory)
    assert reply.outcome == "office" and reply.place == "phuong_my_phong"
    assert reply.message.splitlines() == [
        "Dạ, thủ tục hành chính của Phường Mỹ Phong được tiếp nhận tại Trung tâm Phục vụ hành chính công "
        "phường Mỹ Phong (Ủy ban nhân dân phường Mỹ Phong); căn cước, cư trú tại Công an phường Mỹ Phong.",
        "Thông tin liên hệ của Trung tâm Phục vụ hành chính công phường Mỹ Phong:",
        "- Điện thoại: 0273 111 1111.",
    ]


def test_an_old_commune_name_is_answered_for_the_ward_it_now_belongs_to(directory: Path) -> None:
    reply = contact_answer("ubnd xa Tan My Chanh may gio lam viec", path=directory)
    assert reply.place == "phuong_my_phong"
    assert reply.message.startswith("Dạ, Xã Tân Mỹ Chánh (cũ) nay thuộc Phường Mỹ Phong;")
    assert reply.message.splitlines()[-1] == (
        "- Giờ làm việc các ngày trong tuần: Thứ Hai đến thứ Sáu, sáng 7 giờ - 11 giờ 30, chiều 13 giờ 30 - "
        "17 giờ."
    )


def test_a_former_district_spanning_several_units_is_asked_back(directory: Path) -> None:
    reply = contact_answer("địa chỉ UBND huyện Cái Bè", path=directory)
    assert reply.outcome == "ambiguous_place"
    assert "xa_cai_be" in reply.candidates and len(reply.candidates) > 1
    assert reply.message.endswith("ạ?")
    assert "không còn cấp huyện" in reply.message and "(số 1022)" in reply.message
    chosen = contact_answer("địa chỉ UBND huyện Cái Bè", "xa_cai_be", path=directory)
    assert chosen.outcome == "office" and chosen.place == "xa_cai_be"


def test_a_province_office_is_found_by_its_name_or_its_former_name(directory: Path) -> None:
    centre = contact_answer("địa chỉ trung tâm phục vụ hành chính công tỉnh", path=directory)
    assert centre.offices == ("ttphcc_tinh",)
    assert "  + Cơ sở 1: Số 1 đường Thử." in centre.message
    transport = contact_answer("sở giao thông vận tải ở đâu", path=directory)
    assert transport.offices == ("so_xay_dung",)


def test_an_unsourced_field_is_said_plainly_with_the_hotline_and_the_portal(directory: Path) -> None:
    department = contact_answer("số điện thoại sở tư pháp", path=directory)
    assert department.message == (
        "Dạ, hiện em chưa có thông tin chính thức về số điện thoại của Sở Tư pháp tỉnh Đồng Tháp, anh/chị "
        "gọi Tổng đài 1022 thử (số 1022) hoặc xem Cổng Dịch vụ công quốc gia (https://dichvucong.gov.vn) để "
        "được hướng dẫn ạ."
    )
    ward = contact_answer("địa chỉ, số điện thoại ubnd phường Mỹ Tho", path=directory)
    assert "Hiện em chưa có thông tin chính thức về địa chỉ, số điện thoại" in ward.message
    assert "(số 1022)" in ward.message and "https://dichvucong.gov.vn" in ward.message


def test_no_office_named_gives_the_province_centre_and_asks_the_commune(directory: Path) -> None:
    reply = contact_answer("cho hỏi số điện thoại", path=directory)
    assert reply.outcome == "ask_place"
    assert "- Điện thoại: 0277 3898989." in reply.message
    assert reply.message.endswith("Anh/chị cho em biết xã, phường của mình để em báo đúng nơi ạ.")


@pytest.mark.parametrize(
    "question",
    [
        "số điện thoại tổng đài hỗ trợ thủ tục hành chính",
        "muốn hỏi cán bộ về thủ tục thì gọi đâu",
        "phản ánh thủ tục hành chính gọi số nào",
        "cho em xin số hotline",
        "nộp hồ sơ xong muốn hỏi tiến độ thì gọi đâu",
    ],
)
def test_whom_to_call_about_procedures_in_general_gets_the_hotline_and_the_portal(
    question: str, directory: Path
) -> None:
    reply = contact_answer(question, path=directory)
    assert reply.outcome == "hotline"
    assert "Tổng đài 1022 thử (số 1022)" in reply.message and "https://dichvucong.gov.vn" in reply.message
    assert "Lưu ý" not in reply.message  # the fixture's hotline is verified


def test_a_commune_office_is_not_taken_for_the_province_office_of_the_same_name() -> None:
    assert facade_contact_answer("công an phường Mỹ Tho ở chỗ nào").place == "phuong_my_tho"
    assert "cong_an_tinh" not in facade_contact_answer("số điện thoại công an phường").offices
    assert facade_contact_answer("số điện thoại công an tỉnh").offices == ("cong_an_tinh",)


def test_an_unconfirmed_hotline_number_is_said_to_be_unconfirmed() -> None:
    shipped = load_offices(OFFICES_FILE)
    reply = facade_contact_answer("số tổng đài hỗ trợ thủ tục hành chính")
    assert reply.outcome == "hotline" and "(số 1022)" in reply.message
    if not shipped.fallback_verified:
        assert "chưa tìm được thông báo mới xác nhận lại" in reply.message


def test_a_phone_question_without_a_verified_number_also_gets_the_hotline(directory: Path) -> None:
    department = contact_answer("số điện thoại sở tư pháp", path=directory)
    assert "(số 1022)" in department.message
    general = contact_answer("cho hỏi số điện thoại", path=directory)
    assert "(số 1022)" in general.message and "0277 3898989" in general.message


def test_every_unit_of_the_shipped_directory_gets_an_answer_without_invented_facts() -> None:
    shipped = load_offices(OFFICES_FILE)
    for code, office in shipped.communes.items():
        reply = facade_contact_answer("địa chỉ, số điện thoại, giờ làm việc", code)
        assert reply.place == code and reply.message.startswith("Dạ,")
        if office.phone is None:
            assert "chưa có thông tin chính thức" in reply.message
        else:
            assert office.phone in reply.message
    for code, office in shipped.province.items():
        if office.phone:
            assert office.phone in facade_contact_answer(f"số điện thoại {office.name}").message, code


@pytest.mark.parametrize(
    ("question", "phone"),
    [
        ("cúp điện thì gọi số nào", "1900 1006"),
        ("nhà mất điện từ sáng gọi ai", "1900 1006"),
        ("sdt dien luc", "1900 9000"),
    ],
)
def test_a_utility_is_found_by_what_went_wrong(question: str, phone: str) -> None:
    assert is_contact_question(question)
    reply = facade_contact_answer(question)
    assert reply.offices == ("pc_dong_thap", "pc_tien_giang") and phone in reply.message


def test_working_days_are_given_and_unpublished_clock_hours_are_said_plainly() -> None:
    """The shipped directory has the working days (Quyết định 188/1999/QĐ-TTg) but no clock hours."""
    shipped = load_offices(OFFICES_FILE)
    assert shipped.weekday_hours and "giờ hành chính" in shipped.weekday_hours
    lines = facade_contact_answer("ubnd phường Mỹ Tho mấy giờ mở cửa").message.splitlines()
    days = (
        "- Giờ làm việc các ngày trong tuần: Từ thứ 2 đến thứ 6 (thứ Hai đến thứ Sáu), trong giờ hành chính"
    )
    assert any(line.startswith(days) for line in lines)
    opening = next(line for line in lines if line.startswith("- Giờ mở cửa cụ thể:"))
    assert "chưa có thông tin chính thức" in opening and "1022" in opening
    assert any(line.startswith("- Sáng thứ Bảy") for line in lines)


@pytest.mark.parametrize(
    "text",
    [
        # A commune named in a question about a procedure says where the citizen lives.
        "đăng ký kết hôn ở đâu, ở phường Mỹ Tho được không",
        "lam can cuoc cho con o dau, xa Tan Hong lam duoc khong",
        # "Mẫu số mấy" asks which numbered form ("số máy" folds the same).
        "tờ khai đăng ký thường trú là mẫu số mấy",
    ],
)
def test_a_procedure_question_naming_a_commune_or_a_form_number_is_not_a_contact_question(text: str) -> None:
    assert is_contact_question(text) is False


def test_a_commune_office_asked_for_alone_is_still_a_contact_question() -> None:
    assert is_contact_question("ủy ban phường Mỹ Tho ở đâu")
    assert is_contact_question("số máy của ủy ban xã Tân Hồng")


def test_a_place_the_nlu_read_from_the_text_is_not_said_twice() -> None:
    # "ở chợ gạo" with the entity "chợ gạo": one mention, not "chợ gạo ở chợ gạo" (commune in district)
    answer = contact_answer("o cho gao", place="cho gao")
    assert answer.outcome == "ambiguous_place"
    assert '"cho gao"' in answer.message
    assert answer.candidates[0] == "xa_cho_gao"


@pytest.mark.parametrize(
    ("text", "reach"),
    [
        # Meeting or reaching an officer of a named office, field or place: a contact question.
        ("muốn gặp trực tiếp cán bộ tư pháp xã Cái Bè thì liên hệ ai", True),
        ("muon gap truc tiep can bo tu phap xa cai be thi lien he ai", True),
        ("gap can bo mot cua dc ko", True),
        ("tui muốn gặp cán bộ địa chính phường Mỹ Tho", True),
        ("cho gặp cán bộ sở tư pháp", True),
        ("làm sao gặp được chủ tịch xã Tân Hồng", True),
        ("muốn hỏi trực tiếp người phụ trách ở Sa Đéc thì gặp ai", True),
        # The hotline's own agent, or a person with no office named: a handoff.
        ("cho em nói chuyện với tổng đài viên", False),
        ("cho gặp người thật", False),
        ("gặp nhân viên tư vấn", False),
        ("cho mình gặp nhân viên tư vấn về chuyện ủy ban xã", False),
        ("chuyển cho cán bộ giúp em", False),
        ("cho tui gặp cán bộ", False),
        ("tui muốn gặp trực tiếp tổng đài 1022", False),
        # To talk with an officer now, in this chat, asking no way to reach the office: the desk's agent.
        ("cho tui noi chuyen voi can bo dia chinh xa duoc hong, hoi may cai nay phuc tap lam", False),
        ("cho em nói chuyện với cán bộ tư pháp được không, chuyện hộ tịch nhà em rối quá", False),
        ("muốn nói chuyện trực tiếp với cán bộ tư pháp xã thì liên hệ ở đâu", True),
        ("hồ sơ tui phức tạp quá, cho tui nói chuyện trực tiếp với cán bộ hộ tịch đi", False),
    ],
)
def test_meeting_an_officer_of_a_named_office_is_told_from_asking_for_the_hotline_agent(
    text: str, reach: bool
) -> None:
    assert asks_how_to_reach_office(text) is reach


def test_a_department_without_published_contacts_leads_with_where_its_dossiers_are_received(
    directory: Path,
) -> None:
    reply = contact_answer("số điện thoại sở xây dựng", path=directory)
    assert reply.offices == ("so_xay_dung",)
    lines = reply.message.splitlines()
    assert lines[0].startswith("Dạ, hồ sơ thủ tục hành chính thuộc thẩm quyền của Sở Xây dựng tỉnh Đồng Tháp")
    assert "Trung tâm Phục vụ hành chính công tỉnh Đồng Tháp" in lines[0]
    assert "- Điện thoại: 0277 3898989." in lines  # the known fact comes first
    assert lines[-1].startswith("Riêng số điện thoại của Sở Xây dựng tỉnh Đồng Tháp: hiện em chưa có")
    assert "(số 1022)" in lines[-1] and "https://dichvucong.gov.vn" in lines[-1]


def test_an_email_question_says_plainly_that_no_email_is_known(directory: Path) -> None:
    department = contact_answer("email sở xây dựng", path=directory)
    assert "địa chỉ thư điện tử (email) của Sở Xây dựng tỉnh Đồng Tháp" in department.message
    assert department.message.splitlines()[-1].endswith("(https://dichvucong.gov.vn) ạ.")
    centre = contact_answer("email trung tâm phục vụ hành chính công tỉnh", path=directory)
    assert "0277 3898989" in centre.message
    assert (
        "Địa chỉ thư điện tử (email) của Trung tâm Phục vụ hành chính công tỉnh Đồng Tháp" in centre.message
    )
    ward = contact_answer("email ubnd phường Mỹ Phong", path=directory)
    assert "Ấp Thử, phường Mỹ Phong" in ward.message and "email" in ward.message.splitlines()[-1]


def test_every_shipped_department_points_to_an_office_with_a_published_contact() -> None:
    shipped = load_offices(OFFICES_FILE)
    departments = [code for code in shipped.province if code.startswith("so_")]
    assert departments
    for code in departments:
        office = shipped.province[code]
        if office.address or office.phone:
            continue
        reply = facade_contact_answer(f"địa chỉ {office.name}")
        assert reply.offices == (code,), code
        assert "Số 377 đường Hùng Vương" in reply.message, code  # the centre's published site


def test_a_former_town_and_its_ward_named_apart_give_the_one_office_with_the_old_names() -> None:
    answer = contact_answer("thi xa Cai Lay cu do, phuong 1, gan cho")
    assert answer.place == "phuong_my_phuoc_tay"
    assert "Phường 1 (Thị xã Cai Lậy cũ) nay thuộc Phường Mỹ Phước Tây" in answer.message
