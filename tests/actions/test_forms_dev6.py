"""Issue 11 (dev6 round): a how/where question read as a petition, a petition's content without the contact
details it gave, the mode of a postal request read from the request, the name on appointments and postal
requests, one line for several values heard, and a "send it" that leaves an open question to its common
case."""

from __future__ import annotations

from typing import Any

from actions.appointment import ValidateAppointmentForm
from actions.petition import ValidatePetitionForm, asks_how_to, contact_name_given, without_contact
from actions.postal import DELIVERY, PICKUP, service_type
from tests.actions.support import make_tracker, run, slot_values, texts


def test_a_how_or_where_question_that_reports_no_problem_asks_how_to() -> None:
    assert asks_how_to("nhà tôi ở phường An Bình muốn cất thêm gác, xin phép xây dựng chỗ nào")
    assert asks_how_to("con toi 6 tuoi muon hoc truong khac tuyen thi phai lam sao")
    assert asks_how_to("mở tiệm tạp hóa cần giấy tờ gì")
    # a problem reported, however it is asked, is a petition
    assert not asks_how_to("hàng xóm xây lấn qua đất nhà tui, tui phải làm sao")
    assert not asks_how_to("đèn đường hư cả tuần, báo ở đâu")
    assert not asks_how_to("cống ở ấp 3 bị nghẹt mấy tuần nay")


def test_the_written_register_asks_how_to() -> None:
    assert asks_how_to(
        "Kính gửi Tổng đài. Công ty tôi ở phường An Bình. Đề nghị cho biết hồ sơ hưởng trợ cấp ốm đau "
        "do đơn vị lập gồm những gì. Trân trọng."
    )
    assert asks_how_to("Xin hướng dẫn thủ tục đăng ký khai sinh cho con sinh ở nước ngoài")
    # the same register asking an agency to act on a wrong is a petition
    assert not asks_how_to("Kính gửi UBND xã. Đề nghị cho biết vì sao hồ sơ của tôi trễ hẹn hai tháng")
    assert not asks_how_to("Đề nghị kiểm tra, xử lý việc xả rác ra kênh ở ấp 3")


async def test_a_how_to_question_read_as_a_petition_is_answered(domain: dict[str, Any]) -> None:
    text = "nhà tôi ở phường Cao Lãnh muốn cất thêm gác lửng, giấy phép xây dựng xin ở đâu"
    tracker = make_tracker(
        text,
        intent="submit_petition",
        slots={"petition_description": text, "requested_slot": None},
        active_loop="petition_form",
        slot_events=[{"event": "slot", "name": "petition_description", "value": text}],
    )
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    values = slot_values(events)
    assert values["form_outcome"] == "procedure_question"
    assert values["petition_description"] is None


def test_the_petition_content_leaves_out_the_name_and_phone() -> None:
    text = "Phản ánh: chó thả rông cắn người ở khóm 2 phường An Bình. Tên Lê Thị Nga, điện thoại 0912333444"
    assert without_contact(text) == "Phản ánh: chó thả rông cắn người ở khóm 2 phường An Bình"
    assert without_contact("tôi là Phạm Văn Hùng sđt 0909111222, đường ấp 4 bể nát") == "đường ấp 4 bể nát"
    assert without_contact("cống ở ấp 2 xã Tân Phú bị nghẹt") == "cống ở ấp 2 xã Tân Phú bị nghẹt"


def test_the_postal_mode_is_read_from_the_request() -> None:
    assert service_type("cho e dk buu dien toi lay hs nop giup") == PICKUP
    assert service_type("bưu điện đến nhận hồ sơ tại nhà") == PICKUP
    assert service_type("gửi kết quả về nhà giùm tôi") == DELIVERY
    assert service_type("đăng ký dịch vụ bưu chính công ích") is None


def test_a_name_given_unasked_on_a_form_without_a_name_question() -> None:
    assert contact_name_given("Em tên Lâm Văn Tài, số 0923000111", None) == "Lâm Văn Tài"  # type: ignore[arg-type]
    assert contact_name_given("0388000111 nha, ten Bui Van Toan", None) == "Bui Van Toan"  # type: ignore[arg-type]
    assert contact_name_given("Tô Văn Lộc 0976000111", None) == "Tô Văn Lộc"  # type: ignore[arg-type]
    assert contact_name_given("xã Mỹ Hiệp", None) is None  # type: ignore[arg-type]


def _at(slot: str, text: str, **slots: Any) -> Any:
    return make_tracker(
        text,
        intent="inform",
        slots={**slots, "requested_slot": slot},
        active_loop="appointment_form",
    )


async def test_the_appointment_keeps_the_name_and_says_what_it_heard_in_one_line(
    domain: dict[str, Any],
) -> None:
    filled = {
        "appointment_type": "center",
        "appointment_purpose": "nộp hồ sơ đăng ký kết hôn",
        "appointment_time": "sáng thứ năm 8 giờ",
    }
    tracker = _at("appointment_location", "Em tên Lâm Văn Tài, số 0923000111", **filled)
    events, messages = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values["contact_name"] == "Lâm Văn Tài"
    assert values["contact_phone"] == "0923000111"
    assert texts(messages).count("Dạ, em đã ghi nhận") == 1
    assert "họ tên Lâm Văn Tài" in texts(messages) and "số điện thoại 0923000111" in texts(messages)


async def test_send_it_leaves_the_commune_to_the_call_back(domain: dict[str, Any]) -> None:
    filled = {
        "appointment_type": "center",
        "appointment_purpose": "nộp hồ sơ đăng ký kết hôn",
        "appointment_time": "sáng thứ năm 8 giờ",
        "contact_phone": "0923000111",
    }
    tracker = _at("appointment_location", "vậy được rồi, gửi luôn giúp em", **filled)
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values["appointment_location"] == ""
    assert "appointment_location" in values["form_assumed"]
