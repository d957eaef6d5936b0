"""The confirmation step of the petition, postal and appointment forms: a summary, one field corrected in
natural words and the summary shown again, what to fix asked with buttons, a stop that sends nothing."""

from __future__ import annotations

from typing import Any

import pytest

from actions.confirmation import (
    ActionAskCorrection,
    ActionCancelRequest,
    ActionCorrectRequest,
    ActionSummarizeRequest,
)
from tests.actions.support import make_tracker, run, slot_values, texts

PETITION = {
    "petition_description": "Đèn đường ở ấp 3 bị hư cả tháng nay, ban đêm rất tối",
    "petition_location": "ấp 3, Xã Tân Phước 1",
    "contact_phone": "0912345678",
    "contact_name": "Nguyễn Văn Tư",
}
APPOINTMENT = {
    "appointment_type": "center",
    "appointment_purpose": "chứng thực giấy tờ",
    "appointment_location": "ấp 4, Xã Mỹ Thọ",
    "appointment_time": "sáng thứ hai tuần sau",
    "contact_phone": "0918222333",
}
POSTAL = {
    "postal_service_type": "pickup",
    "postal_address": "số 12, Phường Mỹ Tho",
    "contact_phone": "0918222333",
}


def after_form(form: str, text: str, slots: dict[str, Any], intent: str = "correct_info", **kw: Any) -> Any:
    return make_tracker(
        text, intent=intent, slots=slots, previous_events=[{"event": "active_loop", "name": form}], **kw
    )


async def test_the_summary_lists_what_will_be_sent(domain: dict[str, Any]) -> None:
    events, messages = await run(
        ActionSummarizeRequest(), after_form("petition_form", "Tư", PETITION), domain
    )
    summary = texts(messages)
    for value in PETITION.values():
        assert value in summary
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny", "/cancel"]
    assert "chưa đúng" in messages[0]["buttons"][1]["title"].lower()
    assert slot_values(events)["request_kind"] == "petition"


async def test_postal_and_appointment_requests_are_summarised_too(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionSummarizeRequest(), after_form("postal_form", "x", POSTAL), domain)
    assert "nhận hồ sơ tại nhà" in texts(messages) and "số 12, Phường Mỹ Tho" in texts(messages)
    _, messages = await run(
        ActionSummarizeRequest(), after_form("appointment_form", "x", APPOINTMENT), domain
    )
    assert "sáng thứ hai tuần sau" in texts(messages) and "chứng thực giấy tờ" in texts(messages)


async def test_a_place_corrected_in_natural_words_keeps_its_hamlet_and_the_summary_comes_back(
    domain: dict[str, Any],
) -> None:
    tracker = after_form("petition_form", "ghi sai chỗ rồi, ở tổ 5 phường Sa Đéc mới đúng", PETITION)
    events, messages = await run(ActionCorrectRequest(), tracker, domain)
    assert slot_values(events)["petition_location"] == "tổ 5, Phường Sa Đéc"
    assert {"event": "followup", "name": "action_summarize_request", "timestamp": None} in events
    assert "đã sửa" in texts(messages)


async def test_a_phone_corrected_in_natural_words(domain: dict[str, Any]) -> None:
    tracker = after_form("petition_form", "sửa giúp số điện thoại thành 0912 345 679", PETITION)
    events, _ = await run(ActionCorrectRequest(), tracker, domain)
    assert slot_values(events) == {"contact_phone": "0912345679", "request_kind": "petition"}


async def test_a_time_and_a_description_corrected_with_their_new_value(domain: dict[str, Any]) -> None:
    tracker = after_form("appointment_form", "sửa lại giờ hẹn thành chiều thứ 6", APPOINTMENT)
    events, _ = await run(ActionCorrectRequest(), tracker, domain)
    assert slot_values(events)["appointment_time"] == "chiều thứ 6 tuần sau"  # the week said before
    tracker = after_form(
        "petition_form", "sửa nội dung thành: cống thoát nước bị vỡ, nước thải tràn ra đường", PETITION
    )
    events, _ = await run(ActionCorrectRequest(), tracker, domain)
    assert slot_values(events)["petition_description"] == "cống thoát nước bị vỡ, nước thải tràn ra đường"


async def test_a_field_named_without_its_value_is_asked_again_by_the_form(domain: dict[str, Any]) -> None:
    events, _ = await run(ActionCorrectRequest(), after_form("postal_form", "sửa địa chỉ", POSTAL), domain)
    assert slot_values(events)["postal_address"] is None
    assert {"event": "followup", "name": "postal_form", "timestamp": None} in events


async def test_a_place_that_may_be_several_units_reopens_the_form_with_the_candidates(
    domain: dict[str, Any],
) -> None:
    tracker = after_form("petition_form", "địa chỉ đúng là ấp 2 Bình Thạnh", PETITION)
    events, _ = await run(ActionCorrectRequest(), tracker, domain)
    values = slot_values(events)
    assert values["petition_location"] is None
    assert {"Xã Mỹ Hiệp", "Phường Hồng Ngự"} <= set(values["location_candidates"])
    assert {"event": "followup", "name": "petition_form", "timestamp": None} in events


async def test_wrong_without_saying_what_asks_which_field(domain: dict[str, Any]) -> None:
    events, _ = await run(
        ActionCorrectRequest(), after_form("petition_form", "chưa đúng lắm", PETITION), domain
    )
    assert events == [{"event": "followup", "name": "action_ask_correction", "timestamp": None}]
    _, messages = await run(ActionAskCorrection(), after_form("petition_form", "chưa đúng", PETITION), domain)
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles == ["Nội dung phản ánh", "Địa điểm", "Số điện thoại", "Họ tên", "Hủy"]


async def test_a_cancelled_request_files_nothing(domain: dict[str, Any]) -> None:
    tracker = after_form("petition_form", "thôi bỏ đi", PETITION, intent="cancel", sender_id="cancel-1")
    events, messages = await run(ActionCancelRequest(), tracker, domain)
    assert "chưa có gì được gửi đi" in texts(messages)
    assert slot_values(events)["petition_description"] is None
    assert "last_ticket_code" not in slot_values(events)


async def test_a_cancel_that_asks_about_a_procedure_cancels_then_answers_it(domain: dict[str, Any]) -> None:
    passport = [{"entity": "procedure", "value": "Cấp hộ chiếu phổ thông ở trong nước"}]
    tracker = after_form(
        "petition_form",
        "thoi ko can nua, cho e hoi lam ho chieu can j",
        PETITION,
        intent="cancel",
        entities=passport,
    )
    events, messages = await run(ActionCancelRequest(), tracker, domain)
    assert "chưa có gì được gửi đi" in texts(messages)
    assert events[-1] == {"event": "followup", "name": "action_answer_procedure", "timestamp": None}
    # a plain cancel asks nothing more
    plain = after_form("petition_form", "thôi bỏ đi", PETITION, intent="cancel")
    events, _ = await run(ActionCancelRequest(), plain, domain)
    assert all(e.get("event") != "followup" for e in events)


async def test_was_it_sent_shows_the_summary_again_saying_it_was_not(domain: dict[str, Any]) -> None:
    tracker = after_form("petition_form", "ủa gửi chưa vậy", PETITION, intent="check_petition_status")
    _, messages = await run(ActionSummarizeRequest(), tracker, domain)
    assert texts(messages).startswith("Dạ, phản ánh chưa được gửi đi")


async def test_a_free_text_field_changes_only_when_named(domain: dict[str, Any]) -> None:
    """'sửa số điện thoại lại giùm' names the phone without its value: the form asks it again; a bare new
    number is the phone, never a new description."""
    events, _ = await run(
        ActionCorrectRequest(), after_form("petition_form", "sửa số điện thoại lại giùm", PETITION), domain
    )
    assert slot_values(events)["contact_phone"] is None
    assert "petition_description" not in slot_values(events)
    assert {"event": "followup", "name": "petition_form", "timestamp": None} in events
    events, _ = await run(
        ActionCorrectRequest(), after_form("petition_form", "0911 000 222", PETITION, intent="inform"), domain
    )
    assert slot_values(events) == {"contact_phone": "0911000222", "request_kind": "petition"}


@pytest.mark.parametrize(
    "text",
    [
        "ko phải ấp 7, ấp 8 mới đúng nha",
        "không phải ấp 7 mà là ấp 8",
        "ấp 8 chứ hổng phải ấp 7",
        "sai ấp rồi, ấp 8",
    ],
)
async def test_a_hamlet_corrected_alone_keeps_the_commune(domain: dict[str, Any], text: str) -> None:
    slots = {**PETITION, "petition_location": "ấp 7, Xã Mỹ Quí", "petition_description": "đèn đường tắt hết"}
    events, _ = await run(ActionCorrectRequest(), after_form("petition_form", text, slots), domain)
    assert slot_values(events)["petition_location"] == "ấp 8, Xã Mỹ Quí"
    assert {"event": "followup", "name": "action_summarize_request", "timestamp": None} in events


async def test_a_corrected_place_is_corrected_in_the_description_too(domain: dict[str, Any]) -> None:
    slots = {
        **PETITION,
        "petition_description": "duong trong khom bi ngap, nuoc ko thoat duoc, o to 5 phuong Cao Lanh",
        "petition_location": "to 5, Phường Cao Lãnh",
    }
    tracker = after_form("petition_form", "ghi sai chỗ rồi, ở tổ 5 phường Sa Đéc mới đúng", slots)
    values = slot_values((await run(ActionCorrectRequest(), tracker, domain))[0])
    assert values["petition_location"] == "tổ 5, Phường Sa Đéc"
    assert "Cao Lanh" not in values["petition_description"]
    assert values["petition_description"].endswith("o tổ 5, phường Sa Đéc")


@pytest.mark.parametrize(
    "text", ["số nhà 72 chứ ko phải 27", "à quên, số nhà 72 chứ ko phải 27", "số nhà 72 mới đúng, ko phải 27"]
)
async def test_a_house_number_corrects_the_address_not_the_phone(domain: dict[str, Any], text: str) -> None:
    slots = {**POSTAL, "postal_address": "số 27, khu phố 1, Phường Mỹ Phong"}
    values = slot_values(
        (await run(ActionCorrectRequest(), after_form("postal_form", text, slots), domain))[0]
    )
    assert values["postal_address"] == "số nhà 72, khu phố 1, Phường Mỹ Phong"
    assert "contact_phone" not in values


@pytest.mark.parametrize(
    "text", ["rồi, vậy địa chỉ như tui nói ở trên đó", "dia chi nhu tren nha", "địa chỉ như lúc nãy em nói"]
)
async def test_an_address_pointed_back_to_is_kept_and_the_summary_comes_back(
    domain: dict[str, Any], text: str
) -> None:
    events, messages = await run(ActionCorrectRequest(), after_form("postal_form", text, POSTAL), domain)
    assert slot_values(events)["postal_address"] == "số 12, Phường Mỹ Tho"
    assert {"event": "followup", "name": "action_summarize_request", "timestamp": None} in events
    assert "số 12, Phường Mỹ Tho" in texts(messages)


async def test_an_address_pointed_back_to_is_taken_from_an_earlier_message(domain: dict[str, Any]) -> None:
    earlier = [
        {"event": "active_loop", "name": "postal_form"},
        {"event": "user", "text": "nhà tui ở tổ 6 khóm 2 phường An Bình", "parse_data": {}},
    ]
    slots = {**POSTAL, "postal_address": None}
    tracker = make_tracker(
        "địa chỉ như tui nói ở trên", intent="inform", slots=slots, previous_events=earlier
    )
    events, _ = await run(ActionCorrectRequest(), tracker, domain)
    assert slot_values(events)["postal_address"] == "tổ 6, khóm 2, Phường An Bình"
