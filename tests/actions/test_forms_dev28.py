"""Issue 11 (dev26-dev28 round), the forms:

- a formal yes at a summary ("Thông tin trên là chính xác, đề nghị gửi phản ánh.", "Tôi xác nhận nội dung
  trên, đề nghị chuyển phản ánh.") confirms it on every form, and sends the answers of the summary, not the
  message (a new petition's mapping takes it as the description); the request's own name is no correction;
- labelled contact details ("Người phản ánh: ...", "Họ tên: ...") and a name between "tên" and the phone
  ("... lúc 8 giờ tên Võ Thị Lài số 0939 111 222") are read;
- a place given at the appointment's question centre or home is kept for the place and the common case taken;
- a short number at a summary ("nhầm, 0002 mới đúng") replaces the ending of the phone recorded.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions.appointment import CENTER, ValidateAppointmentForm
from actions.confirmation import ActionAskCorrection, ActionCorrectRequest, phone_ending_fix
from actions.forms import confirms_sending
from actions.petition import PETITION, ValidatePetitionForm, without_contact
from actions.requests import named_fields
from actions.values import find_introduced_name
from tests.actions.support import form_turn, make_tracker, run, slot_values, texts

SLOTS = {
    "petition_description": "bãi rác tự phát ở đầu cầu ấp Phú Thuận gây ô nhiễm",
    "petition_location": "ấp Phú Thuận, Xã Lấp Vò",
    "contact_phone": "0912340001",
    "contact_name": "Trương Công Danh",
}
FOLLOWUP_SUBMIT = {"event": "followup", "name": "action_submit_request", "timestamp": None}
SUMMARY = {"event": "followup", "name": "action_summarize_request", "timestamp": None}


def at_summary(text: str, intent: str, *, overwritten: dict[str, Any] | None = None) -> Any:
    """A tracker at the petition summary when the citizen says ``text``; ``overwritten``: the slots the
    message's mappings set (a new petition takes the message as its description)."""
    before = [{"event": "slot", "name": s, "value": v} for s, v in SLOTS.items()]
    return make_tracker(
        text,
        intent=intent,
        slots={**SLOTS, **(overwritten or {})},
        previous_events=[
            {"event": "active_loop", "name": "petition_form"},
            *before,
            {"event": "active_loop", "name": None},
            {"event": "action", "name": "action_summarize_request"},
            {"event": "slot", "name": "request_kind", "value": "petition"},
        ],
        slot_events=[{"event": "slot", "name": s, "value": v} for s, v in (overwritten or {}).items()],
    )


# ------------------------------------------------------------------------------- a formal yes


@pytest.mark.parametrize(
    "text",
    [
        "Thông tin trên là chính xác, đề nghị gửi phản ánh.",
        "Tôi xác nhận nội dung trên, đề nghị chuyển phản ánh.",
        "Tôi xác nhận các thông tin trên là đúng.",
        "Đồng ý gửi.",
        "Các nội dung đã nêu hoàn toàn chính xác, kính đề nghị chuyển cơ quan có thẩm quyền xử lý.",
        "dạ đúng hết rồi",
    ],
)
def test_a_formal_yes_confirms_a_summary(text: str) -> None:
    assert confirms_sending(text)


@pytest.mark.parametrize(
    "text",
    [
        "chưa chính xác",
        "không đúng",
        "nội dung phản ánh",
        "sửa nội dung",
        "đúng rồi nhưng sửa số điện thoại thành 0912 345 678",
        "xác nhận địa chỉ là ấp 3 xã Mỹ Hiệp",
    ],
)
def test_a_no_or_a_correction_is_no_formal_yes(text: str) -> None:
    assert not confirms_sending(text)


async def test_a_formal_yes_read_as_a_new_petition_sends_the_summary_not_the_message(
    domain: dict[str, Any],
) -> None:
    text = "Thông tin trên là chính xác, đề nghị gửi phản ánh."
    tracker = at_summary(text, "submit_petition", overwritten={"petition_description": text})
    events, messages = await run(ActionCorrectRequest(), tracker, domain)
    assert FOLLOWUP_SUBMIT in events
    assert slot_values(events)["petition_description"] == SLOTS["petition_description"]
    assert messages == []


async def test_a_formal_yes_read_as_a_correction_is_no_new_description(domain: dict[str, Any]) -> None:
    tracker = at_summary("Tôi xác nhận nội dung trên, đề nghị chuyển phản ánh.", "correct_info")
    events, _ = await run(ActionCorrectRequest(), tracker, domain)
    assert FOLLOWUP_SUBMIT in events
    assert "petition_description" not in slot_values(events)


def test_the_request_name_alone_names_no_field_but_a_correction_or_new_content_does() -> None:
    assert named_fields(PETITION, "đề nghị chuyển phản ánh sớm") == []
    assert named_fields(PETITION, "sửa phản ánh lại") != []
    assert [f.slot for f in named_fields(PETITION, "phản ánh thêm là cống cũng bị nghẹt")] == [
        "petition_description"
    ]


# ------------------------------------------------------------------------------- labelled contact details


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Người phản ánh: Trương Công Danh. Điện thoại: 0914770385.", "Trương Công Danh"),
        ("Người gửi: Lê Thị Mai, Địa chỉ: ấp 2 xã Mỹ Hiệp, SĐT: 0909 111 222", "Lê Thị Mai"),
        ("Họ tên: Nguyễn Văn Bảy. SĐT: 0912345678", "Nguyễn Văn Bảy"),
        ("sáng thứ hai tuần sau lúc 8 giờ tên Võ Thị Lài số 0939 111 222", "Võ Thị Lài"),
        ("chiều mai 2 giờ ten tran van hai sdt 0909111222", "Tran Van Hai"),
    ],
)
def test_a_labelled_name_or_one_between_ten_and_the_phone_is_read(text: str, name: str) -> None:
    assert find_introduced_name(text) == name


def test_a_name_before_the_house_number_is_no_contact() -> None:
    assert find_introduced_name("xả rác ở ngay đầu hẻm tên đường Lý Thường Kiệt số nhà 5") is None


def test_labelled_contact_details_leave_the_description() -> None:
    text = "Rác ùn ứ ở chợ ấp 2. Người phản ánh: Trương Công Danh. Điện thoại: 0914770385."
    assert without_contact(text) == "Rác ùn ứ ở chợ ấp 2."


async def test_labelled_name_and_phone_fill_the_contact_step(domain: dict[str, Any]) -> None:
    tracker = form_turn(
        "petition_form",
        "contact_phone",
        "Người phản ánh: Trương Công Danh. Điện thoại: 0914770385.",
        "inform",
        petition_description=SLOTS["petition_description"],
        petition_location=SLOTS["petition_location"],
    )
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    values = slot_values(events)
    assert values["contact_phone"] == "0914770385"
    assert values["contact_name"] == "Trương Công Danh"


# ------------------------------------------------------------------------------- a place at "centre or home?"


async def test_a_place_at_the_appointment_type_question_is_kept_and_the_common_case_taken(
    domain: dict[str, Any],
) -> None:
    tracker = form_turn(
        "appointment_form",
        "appointment_type",
        "ấp 3 xã Mỹ Hiệp",
        "inform",
        appointment_purpose="làm căn cước cho má",
    )
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values["appointment_type"] == CENTER
    assert "appointment_type" in values["form_assumed"]
    assert "ấp 3" in values["appointment_location"]


# ------------------------------------------------------------------------------- a phone's ending


class _Slots:
    def __init__(self, **slots: Any) -> None:
        self.slots = slots

    def get_slot(self, name: str) -> Any:
        return self.slots.get(name)


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("nhầm, 0002 mới đúng", "0912340002"),
        ("đuôi 0009 nha", "0912340009"),
        ("số cuối 998 chứ ko phải 001", "0912340998"),
    ],
)
def test_a_short_number_replaces_the_phone_ending(text: str, phone: str) -> None:
    found = phone_ending_fix(PETITION, text, _Slots(contact_phone="0912340001"))  # type: ignore[arg-type]
    assert found is not None and found[2] == phone


@pytest.mark.parametrize("text", ["số nhà 123", "ấp 3 mới đúng", "tổ 12 mới đúng", "sửa số 12", "0912340002"])
def test_a_place_detail_or_a_whole_number_is_no_phone_ending(text: str) -> None:
    assert phone_ending_fix(PETITION, text, _Slots(contact_phone="0912340001")) is None  # type: ignore[arg-type]


async def test_a_phone_ending_read_as_a_no_is_corrected_and_the_summary_shown(domain: dict[str, Any]) -> None:
    tracker = at_summary("nhầm, 0002 mới đúng", "deny")
    events, messages = await run(ActionAskCorrection(), tracker, domain)
    assert slot_values(events)["contact_phone"] == "0912340002"
    assert SUMMARY in events
    assert "0912340002" in texts(messages)
    events, _ = await run(ActionCorrectRequest(), at_summary("nhầm, 0002 mới đúng", "correct_info"), domain)
    assert slot_values(events)["contact_phone"] == "0912340002"
