"""Issue 11 (dev29-dev32 round), the forms:

- a name and a phone in one message at the contact step are taken whatever opens it: a lead-in ("rồi,
  tên tui Lý Thị Bé, số 0398 ..."), "tên tui X" without "là", a nickname then the full name ("tui là Tư,
  Nguyễn Văn Tư, gọi số 0909 ...");
- a field already given that a message corrects at a later step is replaced and the question asked again:
  by a value plainly that field's ("à thôi đổi qua thứ 6 đi, thứ 5 tui bận" while the phone is asked), or
  by saying which recorded value is wrong ("à lộn, lịch hẹn là đăng ký kết hôn chứ hổng phải khai sinh");
- a procedure to be done at a place of the directory ("đăng ký thường trú ở Vàm Láng") is an appointment at
  the centre.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions.appointment import APPOINTMENT, CENTER, ValidateAppointmentForm, appointment_type
from actions.petition import ValidatePetitionForm, name_beside_phone
from actions.requests import read_correction
from actions.values import find_introduced_name, read_name
from tests.actions.support import form_turn, run, slot_values, texts

APPOINTMENT_SLOTS = {
    "appointment_type": CENTER,
    "appointment_purpose": "Đăng ký khai sinh",
    "appointment_location": "Xã Tân Hương",
    "appointment_time": "sáng thứ 5 tuần sau",
}


# ------------------------------------------------------------------------------- name and phone together


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("rồi, tên tui Lý Thị Bé, số 0398112233", "Lý Thị Bé"),
        ("tên tui Dương Hoàng Phúc, sđt 0986543210", "Dương Hoàng Phúc"),
        ("ok tên em Lan nha", "Lan"),
        ("ten tui nguyen van tu 0909111222", "Nguyen Van Tu"),
    ],
)
def test_ten_and_a_pronoun_introduce_a_name_without_la(text: str, name: str) -> None:
    assert find_introduced_name(text) == name


@pytest.mark.parametrize("text", ["tên tôi bị ghi sai", "phản ánh tên Nguyễn Văn A xả rác"])
def test_ten_without_a_name_after_it_introduces_none(text: str) -> None:
    assert find_introduced_name(text) is None


def test_a_nickname_then_the_full_name_beside_the_phone() -> None:
    assert name_beside_phone("tui là Tư, Nguyễn Văn Tư, gọi số 0909111222") == "Nguyễn Văn Tư"


@pytest.mark.parametrize(("text", "name"), [("rồi, Lý Thị Bé", "Lý Thị Bé"), ("dạ, Út", "Út")])
def test_a_lead_in_before_a_name_answer(text: str, name: str) -> None:
    assert read_name(text, answered=True) == name


@pytest.mark.parametrize("text", ["rồi", "rồi, không"])
def test_a_lead_in_alone_is_no_name(text: str) -> None:
    assert read_name(text, answered=True) is None


@pytest.mark.parametrize(
    ("text", "name", "phone"),
    [
        ("rồi, tên tui Lý Thị Bé, số 0398112233", "Lý Thị Bé", "0398112233"),
        ("tui là Tư, Nguyễn Văn Tư, gọi số 0909111222", "Nguyễn Văn Tư", "0909111222"),
    ],
)
async def test_name_and_phone_after_a_lead_in_fill_the_contact_step(
    domain: dict[str, Any], text: str, name: str, phone: str
) -> None:
    tracker = form_turn(
        "petition_form",
        "contact_phone",
        text,
        "inform",
        petition_description="tiền hỗ trợ mai táng xã chưa chi",
        petition_location="Xã An Thạnh Thủy",
    )
    values = slot_values((await run(ValidatePetitionForm(), tracker, domain))[0])
    assert values["contact_phone"] == phone
    assert values["contact_name"] == name


# ------------------------------------------------------------------------------- a correction at a later step


def _appointment_at_phone(text: str) -> Any:
    return form_turn("appointment_form", "contact_phone", text, "inform", **APPOINTMENT_SLOTS)


def test_a_new_day_corrects_the_time_without_naming_it() -> None:
    text = "à thôi đổi qua thứ 6 đi, thứ 5 tui bận"
    found = read_correction(APPOINTMENT, text, _appointment_at_phone(text), by_value=True)
    assert found is not None
    assert found[0].slot == "appointment_time"
    assert "thứ 6" in found[1] and "thứ 5" not in found[1]


def test_a_day_without_a_correction_word_corrects_nothing() -> None:
    text = "thứ 6 tui rảnh"
    assert read_correction(APPOINTMENT, text, _appointment_at_phone(text), by_value=True) is None


def test_the_wrong_value_said_names_the_field() -> None:
    text = "à lộn, lịch hẹn là đăng ký kết hôn chứ hổng phải khai sinh"
    found = read_correction(APPOINTMENT, text, _appointment_at_phone(text))
    assert found is not None
    assert found[0].slot == "appointment_purpose"
    assert found[1] == "đăng ký kết hôn"


async def test_a_time_corrected_at_the_phone_step_is_replaced_and_the_phone_asked_again(
    domain: dict[str, Any],
) -> None:
    tracker = _appointment_at_phone("à thôi đổi qua thứ 6 đi, thứ 5 tui bận")
    events, messages = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert "thứ 6" in values["appointment_time"]
    assert values.get("contact_phone") is None
    assert "số điện thoại chưa đúng" not in texts(messages)
    assert "sửa thời gian hẹn" in texts(messages)


async def test_a_purpose_corrected_at_the_phone_step_is_replaced(domain: dict[str, Any]) -> None:
    text = "à lộn, lịch hẹn là đăng ký kết hôn chứ hổng phải khai sinh"
    tracker = _appointment_at_phone(text)
    events, messages = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values["appointment_purpose"] == "đăng ký kết hôn"
    assert values.get("contact_phone") is None
    assert "số điện thoại chưa đúng" not in texts(messages)


# ------------------------------------------------------------------------------- a procedure at a place


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("đặt lại lịch hẹn đăng ký thường trú ở Vàm Láng chiều thứ 5 giùm", CENTER),
        ("nộp hồ sơ tại xã Mỹ Hiệp", CENTER),
        ("làm khai sinh cho con ở Vàm Láng", None),  # where the child lives
        ("đăng ký kết hôn ở nhà", None),
    ],
)
def test_a_procedure_at_a_place_is_at_the_centre(text: str, kind: str | None) -> None:
    assert appointment_type(text) == kind
