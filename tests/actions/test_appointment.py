"""Appointment requests: the type, a day and time that is one (a place is not a time), a commune/ward, and a
real LH- ticket once the summary is confirmed."""

from __future__ import annotations

from typing import Any

from actions.appointment import ValidateAppointmentForm
from actions.confirmation import ActionSubmitRequest
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts
from ticketing import citizen_desk as ticketing


async def test_the_appointment_type(domain: dict[str, Any]) -> None:
    cases = {
        "tại trung tâm phục vụ hành chính công": "center",
        "len xa lam": "center",
        "cán bộ đến nhà": "home_visit",
        "nha co nguoi gia, can bo xuong tan nha duoc ko": "home_visit",
        "làm giấy tờ cho mẹ, mẹ già không đi được": "home_visit",
    }
    for text, expected in cases.items():
        events, _ = await answer_form(ValidateAppointmentForm(), domain, text, "appointment_type")
        assert slot_values(events)["appointment_type"] == expected, text


async def test_the_time_must_be_a_day_or_time(domain: dict[str, Any]) -> None:
    events, messages = await answer_form(
        ValidateAppointmentForm(), domain, "ấp 4 xã Mỹ Thọ", "appointment_time"
    )
    assert slot_values(events)["appointment_time"] is None
    assert "ngày giờ" in texts(messages)
    events, _ = await answer_form(
        ValidateAppointmentForm(), domain, "sáng thứ hai tuần sau nha", "appointment_time"
    )
    assert slot_values(events)["appointment_time"] == "sáng thứ hai tuần sau"


async def test_the_place_resolves_to_a_unit(domain: dict[str, Any]) -> None:
    events, _ = await answer_form(ValidateAppointmentForm(), domain, "ấp 4 xã Mỹ Thọ", "appointment_location")
    assert slot_values(events)["appointment_location"] == "ấp 4, Xã Mỹ Thọ"


async def test_a_confirmed_appointment_request_is_filed(domain: dict[str, Any]) -> None:
    slots = {
        "appointment_type": "home_visit",
        "appointment_purpose": "làm căn cước cho bà nội",
        "appointment_location": "ấp 4, Xã Tân Phước 1",
        "appointment_time": "chiều thứ Sáu",
        "contact_phone": "0912345678",
        "request_kind": "appointment",
    }
    tracker = make_tracker("ok", intent="affirm", slots=slots, sender_id="appointment-1", channel="zalo")
    events, messages = await run(ActionSubmitRequest(), tracker, domain)
    code = slot_values(events)["last_ticket_code"]
    assert code.startswith("LH-")
    assert code in texts(messages)
    assert "cán bộ đến tận nhà" in texts(messages)
    status = ticketing.ticket_status(code, "zalo", "appointment-1", None)
    assert status is not None and status.kind == "appointment"


async def test_a_first_message_gives_the_day_and_time_and_an_office_means_the_centre(
    domain: dict[str, Any],
) -> None:
    text = (
        "đặt lịch hẹn làm căn cước ở công an phường Mỹ Tho, 9h sáng thứ tư tuần sau, tên Châu Văn Hiền "
        "sđt 0932444666"
    )
    events, messages = await answer_form(
        ValidateAppointmentForm(), domain, text, "appointment_type", prefill=True
    )
    values = slot_values(events)
    assert values["appointment_type"] == "center"
    assert values["appointment_time"] == "9h sáng thứ tư tuần sau"
    assert values["contact_phone"] == "0932444666"
    assert messages == []


async def test_a_day_and_time_given_with_what_for_is_kept(domain: dict[str, Any]) -> None:
    events, _ = await answer_form(
        ValidateAppointmentForm(), domain, "làm giấy khai sinh cho con, sáng mai 8 giờ", "appointment_purpose"
    )
    values = slot_values(events)
    assert values["appointment_purpose"] == "làm giấy khai sinh cho con, sáng mai 8 giờ"
    assert values["appointment_time"] == "sáng mai 8 giờ"


async def test_the_procedure_an_appointment_is_for_becomes_the_topic_of_the_talk(
    domain: dict[str, Any],
) -> None:
    events, _ = await answer_form(
        ValidateAppointmentForm(), domain, "nộp hồ sơ đăng ký kết hôn", "appointment_purpose"
    )
    assert slot_values(events)["current_procedure"] == "1.000894"  # Đăng ký kết hôn


async def test_a_procedure_to_be_done_at_a_ward_means_the_centre(domain: dict[str, Any]) -> None:
    text = "cho đặt lịch hẹn làm thủ tục chứng thực ở phường Cao Lãnh"
    events, _ = await answer_form(ValidateAppointmentForm(), domain, text, "appointment_type", prefill=True)
    assert slot_values(events)["appointment_type"] == "center"
    # where someone lives is no office: the type is asked
    text = "đặt lịch làm căn cước cho mẹ ở xã An Bình"
    events, _ = await answer_form(ValidateAppointmentForm(), domain, text, "appointment_type", prefill=True)
    assert slot_values(events)["appointment_type"] is None


async def test_filing_a_dossier_means_the_centre(domain: dict[str, Any]) -> None:
    text = "Tôi cần đặt lịch hẹn nộp hồ sơ đổi giấy phép lái xe"
    events, _ = await answer_form(ValidateAppointmentForm(), domain, text, "appointment_type", prefill=True)
    assert slot_values(events)["appointment_type"] == "center"


async def test_the_mode_asked_twice_and_answered_otherwise_is_the_centre_said_in_the_summary(
    domain: dict[str, Any],
) -> None:
    asking = {"event": "slot", "name": "requested_slot", "value": "appointment_type"}
    first = [asking, {"event": "user", "text": "chiều thứ 5, 14h"}, asking]
    tracker = make_tracker(
        "0901234500",
        intent="inform",
        slots={"requested_slot": "appointment_type", "appointment_time": "chiều thứ 5, 14h"},
        active_loop="appointment_form",
        previous_events=first,
    )
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values["appointment_type"] == "center"
    assert values["form_assumed"] == ["appointment_type"]
    assert values["contact_phone"] == "0901234500"
    once = make_tracker(
        "0901234500",
        intent="inform",
        slots={"requested_slot": "appointment_type"},
        active_loop="appointment_form",
        previous_events=[asking],
    )
    events, _ = await run(ValidateAppointmentForm(), once, domain)
    assert slot_values(events).get("appointment_type") is None  # asked once: asked again


async def test_the_commune_of_a_centre_appointment_asked_twice_is_left_to_the_call_back(
    domain: dict[str, Any],
) -> None:
    asking = {"event": "slot", "name": "requested_slot", "value": "appointment_location"}
    given = {"appointment_type": "center", "appointment_purpose": "đổi giấy phép lái xe"}
    tracker = make_tracker(
        "Mai Thanh Phong, sđt 0901234500",
        intent="inform",
        slots={**given, "requested_slot": "appointment_location", "appointment_time": "chiều thứ 5, 14h"},
        active_loop="appointment_form",
        previous_events=[asking, {"event": "user", "text": "chiều thứ 5, 14h"}, asking],
    )
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values["appointment_location"] == ""
    assert values["form_assumed"] == ["appointment_location"]
    assert values["contact_phone"] == "0901234500"
    assert values.get("appointment_time") in (None, "chiều thứ 5, 14h")  # "Mai" is no time here


async def test_a_name_and_phone_at_the_purpose_step_is_no_purpose(domain: dict[str, Any]) -> None:
    given = {"appointment_type": "center"}
    tracker = make_tracker(
        "Tô Văn Đức 0976543210",
        intent="inform",
        slots={**given, "requested_slot": "appointment_purpose"},
        active_loop="appointment_form",
    )
    events, messages = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values.get("appointment_purpose") is None
    assert values["contact_phone"] == "0976543210"
    assert "chưa" not in texts(messages)
    for purpose in ("làm căn cước cho con", "Đăng ký khai sinh"):
        tracker = make_tracker(
            purpose,
            intent="inform",
            slots={**given, "requested_slot": "appointment_purpose"},
            active_loop="appointment_form",
        )
        events, _ = await run(ValidateAppointmentForm(), tracker, domain)
        assert slot_values(events)["appointment_purpose"] == purpose


async def test_the_first_message_gives_what_for_and_when_and_only_the_rest_is_asked(
    domain: dict[str, Any],
) -> None:
    text = "chị muốn đặt lịch hẹn lên xã nộp hồ sơ đất, sáng thứ 5 tuần sau được ko em"
    events, messages = await answer_form(
        ValidateAppointmentForm(), domain, text, "appointment_type", prefill=True
    )
    values = slot_values(events)
    assert values["appointment_type"] == "center"
    assert values["appointment_purpose"] == "nộp hồ sơ đất"
    assert values["appointment_time"] == "sáng thứ 5 tuần sau"
    assert messages == []


async def test_going_there_is_no_purpose_given(domain: dict[str, Any]) -> None:
    text = "cho đặt lịch hẹn lên phường nộp trực tiếp luôn, sáng thứ 2 tuần sau 8h30"
    events, _ = await answer_form(ValidateAppointmentForm(), domain, text, "appointment_type", prefill=True)
    assert slot_values(events).get("appointment_purpose") is None


async def test_a_commune_at_the_purpose_step_is_the_commune_not_the_purpose(domain: dict[str, Any]) -> None:
    for typed in ("UBND xã Mỹ Hòa, Tháp Mười", "ở ủy ban phường Cao Lãnh nha em"):
        tracker = make_tracker(
            typed,
            intent="inform",
            slots={"appointment_type": "center", "requested_slot": "appointment_purpose"},
            active_loop="appointment_form",
        )
        events, messages = await run(ValidateAppointmentForm(), tracker, domain)
        values = slot_values(events)
        assert values.get("appointment_purpose") is None, typed
        assert values["appointment_location"], typed
        assert "chưa" not in texts(messages), typed


async def test_what_for_given_at_another_step_fills_it(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "xã Mỹ Hiệp, tui lên làm giấy chứng tử cho ông nội",
        intent="inform",
        slots={"appointment_type": "center", "requested_slot": "appointment_location"},
        active_loop="appointment_form",
    )
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values["appointment_purpose"] == "làm giấy chứng tử cho ông nội"
    assert values["appointment_location"] == "Xã Mỹ Hiệp"


async def test_never_mind_i_will_take_him_there_cancels(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "thôi khỏi, để tui chở ổng ra trực tiếp",
        intent="request_human",
        confidence=0.8,
        slots={"requested_slot": "appointment_type"},
        active_loop="appointment_form",
    )
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    assert slot_values(events)["form_outcome"] == "cancelled"


async def test_a_bare_name_at_the_phone_step_is_the_name_and_the_phone_is_asked_again(
    domain: dict[str, Any],
) -> None:
    given = {
        "appointment_type": "center",
        "appointment_purpose": "nộp hồ sơ đất",
        "appointment_location": "Phường Cao Lãnh",
        "appointment_time": "chiều mai",
    }
    tracker = make_tracker(
        "Vo Van Tam",
        intent="inform",
        slots={**given, "requested_slot": "contact_phone"},
        active_loop="appointment_form",
    )
    events, messages = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values["contact_name"] == "Vo Van Tam"
    assert values.get("contact_phone") is None
    assert "chưa đúng" not in texts(messages)
