"""Issue 11 (dev22-25 round): forms that hold up.

- a correction of a value already given, in natural words, is applied at any step of any form, the citizen's
  name included (optional on the appointment and postal request);
- a correction that gives only an hour keeps the day given before, and the other way round;
- a clear yes at a summary confirms it, in words the NLU reads as a new request of the same form ("ok đặt
  lịch đi") too; a plain yes at a question asked twice that has a common case sends the request as it is;
- a postal request that says the citizen receives a paper ("nhận phiếu lý lịch tư pháp qua bưu điện") is a
  delivery of the result, and "giao về 45 Nguyễn Huệ" keeps the house number and street;
- a hamlet named like a commune without diacritics ("ap Binh Thanh") is kept whole, and the former commune
  the citizen named stays beside the new unit;
- a name introduced with teen code ("tên mik là ...") is taken on every form;
- a thanks that asks to rate starts the rating; a person of the desk declined is no handoff.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions.appointment import ValidateAppointmentForm, corrected_time
from actions.common import CONFIRMED, OUTCOME_SLOT, asks_for_person, declines_person
from actions.confirmation import ActionSummarizeRequest
from actions.forms import confirms_sending
from actions.handoff import ActionHandoff
from actions.petition import ValidatePetitionForm
from actions.postal import DELIVERY, PICKUP, service_type
from actions.rating import ActionThank, asks_to_rate
from actions.values import find_introduced_name, merge_time, read_location
from tests.actions.support import form_turn, make_tracker, run, slot_values, texts

APPOINTMENT = {
    "appointment_type": "center",
    "appointment_purpose": "Chứng thực di chúc",
    "appointment_location": "Xã Thường Phước",
    "appointment_time": "8 giờ sáng thứ hai tuần sau",
    "contact_phone": "0945123987",
    "contact_name": "Đặng Văn Mười",
}


# ------------------------------------------------------------------------------ corrections at any step


async def test_a_name_corrected_while_the_appointment_asks_the_place_is_applied(
    domain: dict[str, Any],
) -> None:
    tracker = form_turn(
        "appointment_form",
        "appointment_location",
        "ghi sai ten roi, Pham Van Toi moi dung",
        "correct_info",
        form_started=True,
        appointment_type="center",
        appointment_purpose="cham dut ho kinh doanh",
        appointment_time="8 gio sang thu hai tuan sau",
        contact_phone="0918765432",
        contact_name="Pham Van Toai",
    )
    events, messages = await run(ValidateAppointmentForm(), tracker, domain)
    assert slot_values(events)["contact_name"] == "Pham Van Toi"
    assert "Pham Van Toi" in texts(messages)


@pytest.mark.parametrize(
    ("before", "after", "meant"),
    [
        ("9 giờ sáng thứ năm tuần sau", "2 giờ chiều", "2 giờ chiều thứ năm tuần sau"),
        ("9 giờ sáng thứ năm tuần sau", "thứ sáu", "9 giờ sáng thứ sáu tuần sau"),
        ("sáng thứ 5 tuần sau", "thứ 6", "sáng thứ 6 tuần sau"),
        ("sáng thứ 5 tuần sau", "chiều thứ 6", "chiều thứ 6 tuần sau"),
        ("sáng thứ 5 tuần sau", "thứ 6 tuần này", "sáng thứ 6 tuần này"),
        ("sáng thứ 5 tuần sau", "ngày 15/12", "sáng ngày 15/12"),
        ("sáng mai", "thứ 6", "sáng thứ 6"),
        ("sáng mai", "chiều", "chiều mai"),
        ("9 giờ sáng thứ năm", "chiều thứ 6", "chiều thứ 6"),
        (None, "2 giờ chiều", "2 giờ chiều"),
    ],
)
def test_a_corrected_time_keeps_what_it_does_not_change(before: str | None, after: str, meant: str) -> None:
    assert merge_time(before, after) == meant


def test_an_hour_moved_in_natural_words_keeps_the_day() -> None:
    tracker = make_tracker(
        "à sáng đó tui kẹt rồi, dời qua 2 giờ chiều giùm",
        slots={"appointment_time": "9 giờ sáng thứ năm tuần sau"},
    )
    assert corrected_time("2 giờ chiều giùm", tracker) == "2 giờ chiều thứ năm tuần sau"


def test_a_day_moved_to_another_weekday_stays_in_the_week_said() -> None:
    tracker = make_tracker("đổi qua thứ 6 nha", slots={"appointment_time": "sáng thứ 5 tuần sau"})
    assert corrected_time("đổi qua thứ 6 nha", tracker) == "sáng thứ 6 tuần sau"


# ------------------------------------------------------------------------------------- yes at a summary


@pytest.mark.parametrize(
    "text", ["ok dat lich di", "ok đặt lịch đi", "ok gửi đi", "ừ gửi luôn", "đúng rồi, gửi đi", "chốt luôn"]
)
def test_a_clear_yes_confirms_a_summary(text: str) -> None:
    assert confirms_sending(text)


@pytest.mark.parametrize("text", ["đặt lại lịch khác", "gửi bưu điện", "đặt lịch 3 giờ chiều"])
def test_a_new_value_or_request_is_no_confirmation(text: str) -> None:
    assert not confirms_sending(text)


async def test_a_new_appointment_request_at_its_summary_confirms_it(domain: dict[str, Any]) -> None:
    summary = [
        *({"event": "slot", "name": s, "value": v} for s, v in APPOINTMENT.items()),
        {"event": "action", "name": "action_summarize_request"},
        {"event": "slot", "name": "request_kind", "value": "appointment"},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker(
        "ok dat lich di",
        intent="book_appointment",
        confidence=0.73,
        slots={**APPOINTMENT, "appointment_type": "ok dat lich di", "request_kind": "appointment"},
        active_loop="appointment_form",
        previous_events=summary,
        slot_events=[{"event": "slot", "name": "appointment_type", "value": "ok dat lich di"}],
    )
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values["appointment_type"] == "center"  # given back, not the message
    assert values[OUTCOME_SLOT] == CONFIRMED
    assert values["requested_slot"] is None


async def test_a_plain_yes_at_a_question_left_to_its_common_case_shows_the_summary_first(
    domain: dict[str, Any],
) -> None:
    # "ok vậy đi" is no word to send: the citizen has not seen the fields together yet ("gửi đi" sends)
    slots = {**APPOINTMENT, "appointment_location": "", "form_assumed": ["appointment_location"]}
    tracker = make_tracker(
        "ok vậy đi",
        intent="affirm",
        slots=slots,
        previous_events=[{"event": "active_loop", "name": "appointment_form"}],
    )
    _, messages = await run(ActionSummarizeRequest(), tracker, domain)
    assert "em xin tóm tắt lịch hẹn" in texts(messages)
    assert "Dạ, em gửi lịch hẹn" not in texts(messages)


# ---------------------------------------------------------------------------------------------- postal


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("tui muốn đăng ký nhận giấy chứng nhận đăng ký hộ kinh doanh qua bưu điện", DELIVERY),
        ("mik mún nhận phiếu lý lịch tư pháp qua bưu điện tại nhà dc ko", DELIVERY),
        ("nhận căn cước qua bưu điện", DELIVERY),
        ("đăng ký bưu điện giao về 12 Lê Lợi phường Mỹ Phong", DELIVERY),
        ("nhận hồ sơ tại nhà", PICKUP),
        ("bưu điện đến nhận bằng tốt nghiệp để nộp giùm", PICKUP),
        ("gửi hồ sơ qua bưu điện", PICKUP),
    ],
)
def test_the_words_settle_the_postal_service(text: str, service: str) -> None:
    assert service_type(text) == service


def test_a_house_number_and_street_inside_a_message_are_kept() -> None:
    text = "..., sđt 0918234567, giao về 45 Nguyễn Huệ, phường 1, Cao Lãnh"
    answer = read_location(text)
    assert answer is not None and answer.detail == "45 Nguyễn Huệ"
    assert answer.text().startswith("45 Nguyễn Huệ, Phường Cao Lãnh")


# ---------------------------------------------------------------------------------------------- places


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("so 12 ap Binh Thanh, xa Binh Nhi, Go Cong Tay", "so 12, ap Binh Thanh"),
        ("số 12 ấp Bình Thạnh thị trấn Sa Rài", "số 12, ấp Bình Thạnh"),
        ("ấp Tân Thạnh thành phố Cao Lãnh", "ấp Tân Thạnh"),
    ],
)
def test_a_hamlet_named_like_a_commune_is_kept_whole(text: str, detail: str) -> None:
    answer = read_location(text)
    assert answer is not None and answer.detail == detail


def test_the_former_commune_named_stays_beside_the_new_unit() -> None:
    answer = read_location("so 12 ap Binh Thanh, xa Binh Nhi, Go Cong Tay")
    assert answer is not None
    assert answer.text() == "so 12, ap Binh Thanh, Xã Đồng Sơn (xã Bình Nhì cũ)"
    assert read_location("ấp 4 xã Thường Phước").text() == "ấp 4, Xã Thường Phước"  # type: ignore[union-attr]


# ----------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "text", ["tên mik là Trần Thị Mỹ Duyên", "ten mk la Tran Thi My Duyen", "mik tên Trần Thị Mỹ Duyên"]
)
def test_a_name_introduced_in_teen_code(text: str) -> None:
    assert find_introduced_name(text) in ("Trần Thị Mỹ Duyên", "Tran Thi My Duyen")


async def test_a_name_given_at_the_petition_place_step_is_kept(domain: dict[str, Any]) -> None:
    tracker = form_turn(
        "petition_form",
        "petition_location",
        "tên mik là Trần Thị Mỹ Duyên",
        "inform",
        form_started=True,
        petition_description="nộp hs tạm trú ở công an phường bên Mỹ Tho 2 tuần chưa xong",
        location_candidates=["Phường Mỹ Tho", "Phường Đạo Thạnh"],
    )
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    assert slot_values(events)["contact_name"] == "Trần Thị Mỹ Duyên"


# --------------------------------------------------------------------------------- rating and handoff


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("ok cảm ơn, cho mik đánh giá", True),
        ("cảm ơn em, tui chấm 5 sao", True),
        ("cảm ơn, khỏi đánh giá nha", False),
        ("cảm ơn em nhiều", False),
    ],
)
def test_a_thanks_that_asks_to_rate(text: str, rate: bool) -> None:
    assert asks_to_rate(text) is rate


async def test_a_thanks_that_asks_to_rate_is_read_again_as_the_rating(domain: dict[str, Any]) -> None:
    events, _ = await run(ActionThank(), make_tracker("ok cảm ơn, cho mik đánh giá", intent="thank"), domain)
    replayed = [e for e in events if e.get("event") == "user"]
    assert replayed and replayed[0]["parse_data"]["intent"]["name"] == "rate_service"


async def test_a_plain_thanks_is_answered(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionThank(), make_tracker("cảm ơn em nhiều nha", intent="thank"), domain)
    assert messages[0]["response"] == "utter_thank"


@pytest.mark.parametrize(
    ("text", "declined"),
    [
        ("ko cần gặp nhân viên đâu, hỏi cái đổi bằng lái xe thôi", True),
        ("khỏi chuyển tổng đài viên, em hỏi thôi", True),
        ("ko muon noi chuyen voi nguoi that", True),
        ("cho gặp nhân viên", False),
        ("không, cho tui gặp người thật", False),
        ("không có nhân viên nào trả lời, cho gặp tổng đài viên", False),
    ],
)
def test_a_person_of_the_desk_declined(text: str, declined: bool) -> None:
    assert declines_person(text) is declined


async def test_a_declined_person_is_no_handoff_and_the_question_is_answered(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "ko cần gặp nhân viên đâu, hỏi cái đổi bằng lái xe thôi",
        intent="request_human",
        confidence=0.9,
        entities=[{"entity": "procedure", "value": "Cấp, đổi giấy phép lái xe"}],
    )
    assert not asks_for_person(tracker)
    events, messages = await run(ActionHandoff(), tracker, domain)
    assert not any(m.get("custom") == {"handoff": True} for m in messages)
    replayed = [e for e in events if e.get("event") == "user"]
    assert replayed and replayed[0]["parse_data"]["intent"]["name"] == "ask_procedure"
