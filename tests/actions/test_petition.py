"""Petition intake: the form checks each answer, the summary is confirmed, a real ticket is filed."""

from __future__ import annotations

from typing import Any

from actions.petition import (
    ActionCancelPetition,
    ActionPetitionStatus,
    ActionSubmitPetition,
    ActionSummarizePetition,
    ValidatePetitionForm,
    ValidatePetitionStatusForm,
)
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts
from ticketing import citizen_desk as ticketing

PETITION = {
    "petition_description": "Đèn đường ở ấp 3 bị hư cả tháng nay, ban đêm rất tối",
    "petition_location": "ấp 3, xã Tân Phước 1",
    "contact_phone": "0912345678",
    "contact_name": "",
}


async def test_a_generic_first_message_leaves_the_description_to_be_asked(domain: dict[str, Any]) -> None:
    events, messages = await answer_form(
        ValidatePetitionForm(), domain, "tôi muốn phản ánh", "petition_description", prefill=True
    )
    assert slot_values(events)["petition_description"] is None
    assert messages == []  # no error for a question the bot has not asked yet


async def test_a_detailed_first_message_is_the_description(domain: dict[str, Any]) -> None:
    text = "cống thoát nước ở khóm 2 bị nghẹt, mưa xuống là ngập"
    events, _ = await answer_form(ValidatePetitionForm(), domain, text, "petition_description", prefill=True)
    assert slot_values(events)["petition_description"] == text


async def test_a_vague_description_is_asked_again(domain: dict[str, Any]) -> None:
    events, messages = await answer_form(ValidatePetitionForm(), domain, "có việc", "petition_description")
    assert slot_values(events) == {"petition_description": None, "form_failures": 1}
    assert "chưa rõ sự việc" in texts(messages)


async def test_phone_numbers_are_normalised_and_wrong_ones_rejected(domain: dict[str, Any]) -> None:
    events, _ = await answer_form(ValidatePetitionForm(), domain, "+84 912 345 678", "contact_phone")
    assert slot_values(events)["contact_phone"] == "0912345678"
    events, messages = await answer_form(ValidatePetitionForm(), domain, "091234", "contact_phone")
    assert slot_values(events)["contact_phone"] is None
    assert "số điện thoại chưa đúng" in texts(messages)


async def test_the_name_is_optional(domain: dict[str, Any]) -> None:
    for answer, intent in [("bỏ qua", "nlu_fallback"), ("khong", "deny"), ("Không muốn", "deny")]:
        events, _ = await answer_form(ValidatePetitionForm(), domain, answer, "contact_name", intent=intent)
        assert slot_values(events)["contact_name"] == "", answer
    events, _ = await answer_form(ValidatePetitionForm(), domain, "Nguyễn Văn An", "contact_name")
    assert slot_values(events)["contact_name"] == "Nguyễn Văn An"


async def test_three_wrong_answers_end_the_form_and_a_human_is_offered(domain: dict[str, Any]) -> None:
    slots: dict[str, Any] = {
        "petition_description": PETITION["petition_description"],
        "petition_location": "ấp 3",
    }
    failures = 0.0
    for attempt in range(1, 4):
        events, messages = await answer_form(
            ValidatePetitionForm(), domain, "abc", "contact_phone", slots={**slots, "form_failures": failures}
        )
        values = slot_values(events)
        failures = values["form_failures"]
        if attempt < 3:
            assert values["form_failures"] == attempt
            assert "requested_slot" not in values
    assert values["requested_slot"] is None  # the form stops
    assert values["form_outcome"] == "gave_up"
    assert "xin lỗi" in texts(messages)

    after = make_tracker("abc", slots={**slots, "form_outcome": "gave_up"})
    events, _ = await run(ActionSummarizePetition(), after, domain)
    assert {"event": "followup", "name": "action_offer_human", "timestamp": None} in events
    assert slot_values(events)["petition_description"] is None


async def test_the_citizen_can_stop_the_form(domain: dict[str, Any]) -> None:
    events, _ = await answer_form(ValidatePetitionForm(), domain, "thôi không cần nữa", "petition_location")
    assert slot_values(events)["form_outcome"] == "cancelled"
    assert slot_values(events)["requested_slot"] is None
    events, messages = await run(
        ActionSummarizePetition(), make_tracker("thôi", slots={"form_outcome": "cancelled"}), domain
    )
    assert "dừng yêu cầu" in texts(messages)
    assert slot_values(events)["form_outcome"] is None


async def test_the_summary_lists_what_will_be_sent(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionSummarizePetition(), make_tracker("bỏ qua", slots=PETITION), domain)
    summary = texts(messages)
    assert PETITION["petition_description"] in summary
    assert "ấp 3, xã Tân Phước 1" in summary
    assert "0912345678" in summary
    assert "(không cung cấp)" in summary
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


async def test_a_confirmed_petition_becomes_a_ticket_routed_to_an_agency(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "đúng rồi", intent="affirm", slots=PETITION, sender_id="petition-1", channel="telegram"
    )
    events, messages = await run(ActionSubmitPetition(), tracker, domain)
    code = slot_values(events)["last_ticket_code"]
    assert code.startswith("PA-")
    status = ticketing.ticket_status(code, "telegram", "petition-1", None)
    assert status is not None and status.outcome == "found"
    assert status.kind == "petition"
    reply = texts(messages)
    assert code in reply
    assert status.agency_name and status.agency_name in reply
    assert "Thời hạn trả lời dự kiến" in reply
    assert slot_values(events)["petition_description"] is None  # ready for the next one


async def test_a_cancelled_petition_files_nothing(domain: dict[str, Any]) -> None:
    events, messages = await run(ActionCancelPetition(), make_tracker("hủy", slots=PETITION), domain)
    assert messages[0]["response"] == "utter_petition_cancelled"
    assert slot_values(events)["petition_description"] is None


async def test_petition_status_for_the_citizen_who_filed_it(domain: dict[str, Any]) -> None:
    receipt = ticketing.submit_ticket(
        kind="petition",
        description="Rác thải đổ bừa bãi ở đầu chợ, bốc mùi hôi",
        location_text="chợ phường Mỹ Tho",
        phone="0987654321",
        name=None,
        channel="zalo",
        channel_user_id="status-1",
    )
    # Asked from another account: the code is normalised and the phone digits will be asked.
    events, _ = await answer_form(
        ValidatePetitionStatusForm(), domain, receipt.code.lower(), "petition_code", channel="zalo"
    )
    assert slot_values(events) == {"petition_code": receipt.code, "form_failures": 0}
    # Asked from the account that filed it: no second factor.
    events, _ = await answer_form(
        ValidatePetitionStatusForm(),
        domain,
        receipt.code,
        "petition_code",
        channel="zalo",
        sender_id="status-1",
    )
    assert slot_values(events)["phone_last4"] == ""

    asked = {"petition_code": receipt.code, "phone_last4": "4321"}
    mine = make_tracker("4321", slots=asked, sender_id="status-1", channel="zalo")
    _, messages = await run(ActionPetitionStatus(), mine, domain)
    assert receipt.code in texts(messages)
    assert "Thời hạn trả lời dự kiến" in texts(messages)

    guessed = {"petition_code": receipt.code, "phone_last4": "1111"}
    stranger = make_tracker("1111", slots=guessed, sender_id="x-2", channel="zalo")
    _, messages = await run(ActionPetitionStatus(), stranger, domain)
    assert "chưa tìm thấy" in texts(messages)  # the same as an unknown code: codes cannot be probed

    unknown = make_tracker("1111", slots={"petition_code": "PA-200101-9999", "phone_last4": "1111"})
    _, messages = await run(ActionPetitionStatus(), unknown, domain)
    assert "chưa tìm thấy" in texts(messages)
