"""Appointment requests: a short form that files a real LH- ticket."""

from __future__ import annotations

from typing import Any

from actions.appointment import ActionSubmitAppointment, ValidateAppointmentForm
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts
from ticketing import citizen_desk as ticketing


async def test_the_appointment_type(domain: dict[str, Any]) -> None:
    cases = {
        "tại trung tâm phục vụ hành chính công": "center",
        "len xa lam": "center",
        "cán bộ đến nhà": "home_visit",
        "nha co nguoi gia, can bo xuong tan nha duoc ko": "home_visit",
    }
    for text, expected in cases.items():
        events, _ = await answer_form(ValidateAppointmentForm(), domain, text, "appointment_type")
        assert slot_values(events)["appointment_type"] == expected, text


async def test_an_appointment_request_is_filed(domain: dict[str, Any]) -> None:
    slots = {
        "appointment_type": "home_visit",
        "appointment_purpose": "làm căn cước cho bà nội",
        "appointment_location": "ấp 4, xã Tân Phước 1",
        "appointment_time": "chiều thứ Sáu",
        "contact_phone": "0912345678",
    }
    tracker = make_tracker("0912345678", slots=slots, sender_id="appointment-1", channel="zalo")
    events, messages = await run(ActionSubmitAppointment(), tracker, domain)
    code = slot_values(events)["last_ticket_code"]
    assert code.startswith("LH-")
    assert code in texts(messages)
    assert "cán bộ đến tận nhà" in texts(messages)
    status = ticketing.ticket_status(code, "zalo", "appointment-1", None)
    assert status is not None and status.kind == "appointment"
