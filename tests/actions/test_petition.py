"""Petition intake: the form takes only answers, a side question is left to its rule, a stop cancels, and a
confirmed petition becomes a real ticket; petition status with its second factor."""

from __future__ import annotations

from typing import Any

from actions.confirmation import ActionCancelRequest, ActionSubmitRequest, ActionSummarizeRequest
from actions.petition import (
    ActionAskPetitionLocation,
    ActionPetitionStatus,
    ValidatePetitionForm,
    ValidatePetitionStatusForm,
)
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts
from ticketing import citizen_desk as ticketing

PETITION = {
    "petition_description": "Đèn đường ở ấp 3 bị hư cả tháng nay, ban đêm rất tối",
    "petition_location": "ấp 3, Xã Tân Phước 1",
    "contact_phone": "0912345678",
    "contact_name": "",
}
IN_THE_FORM = [{"event": "active_loop", "name": "petition_form"}]


def asked(slot: str, text: str, *, intent: str = "inform", confidence: float = 1.0, **slots: Any) -> Any:
    """The citizen's message ``text`` while the form asks for ``slot``, before any extraction."""
    return make_tracker(
        text,
        intent=intent,
        confidence=confidence,
        slots={**slots, "requested_slot": slot},
        active_loop="petition_form",
    )


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
    events, messages = await run(ValidatePetitionForm(), asked("petition_description", "có việc"), domain)
    assert slot_values(events) == {"petition_description": None, "form_failures": 1}
    assert "chưa rõ sự việc" in texts(messages)


async def test_a_name_read_as_a_request_for_a_person_is_still_a_name(domain: dict[str, Any]) -> None:
    tracker = asked("contact_name", "Nguyễn Văn Tư", intent="request_human", confidence=0.72, **PETITION)
    events, messages = await run(ValidatePetitionForm(), tracker, domain)
    assert slot_values(events)["contact_name"] == "Nguyễn Văn Tư"
    assert "form_outcome" not in slot_values(events)
    assert messages == []


async def test_a_bare_phone_read_as_a_request_for_a_person_is_the_phone(domain: dict[str, Any]) -> None:
    tracker = asked("contact_phone", "0912345678", intent="request_human", confidence=0.53)
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    assert slot_values(events)["contact_phone"] == "0912345678"


async def test_phones_are_found_in_a_sentence_and_wrong_ones_rejected(domain: dict[str, Any]) -> None:
    for typed in ("+84 912 345 678", "sdt cua tui la 0912 345 678 nhen"):
        events, _ = await run(ValidatePetitionForm(), asked("contact_phone", typed), domain)
        assert slot_values(events)["contact_phone"] == "0912345678", typed
    events, messages = await run(ValidatePetitionForm(), asked("contact_phone", "091234"), domain)
    assert slot_values(events)["contact_phone"] is None
    assert "số điện thoại chưa đúng" in texts(messages)


async def test_the_name_is_optional(domain: dict[str, Any]) -> None:
    for answer, intent in [("bỏ qua", "cancel"), ("khong", "deny"), ("Không muốn", "deny")]:
        events, _ = await run(ValidatePetitionForm(), asked("contact_name", answer, intent=intent), domain)
        assert slot_values(events)["contact_name"] == "", answer
    for answer, name in [("chú Út Hiền", "chú Út Hiền"), ("anh tên Hùng", "Hùng")]:
        events, _ = await run(ValidatePetitionForm(), asked("contact_name", answer), domain)
        assert slot_values(events)["contact_name"] == name


async def test_a_clear_request_for_a_person_ends_the_form_with_a_handoff(domain: dict[str, Any]) -> None:
    tracker = asked("contact_name", "cho tôi gặp tổng đài viên", intent="request_human", **PETITION)
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    assert slot_values(events)["form_outcome"] == "handoff"
    assert slot_values(events)["requested_slot"] is None


async def test_a_side_question_is_not_taken_as_the_answer(domain: dict[str, Any]) -> None:
    """Nothing is extracted: the form rejects the turn and bot/rules/forms.yml answers the question."""
    tracker = asked(
        "petition_location", "ủa mà cho hỏi luôn làm căn cước cho con cần gì", intent="ask_procedure"
    )
    events, messages = await run(ValidatePetitionForm(), tracker, domain)
    assert "petition_location" not in slot_values(events)
    assert messages == []


async def test_a_stop_in_natural_words_cancels(domain: dict[str, Any]) -> None:
    tracker = asked("petition_location", "thôi bỏ đi, hổng gửi nữa", intent="cancel", confidence=0.97)
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    assert slot_values(events)["form_outcome"] == "cancelled"
    assert slot_values(events)["requested_slot"] is None
    after = make_tracker("thôi", slots={"form_outcome": "cancelled"}, previous_events=IN_THE_FORM)
    events, messages = await run(ActionSummarizeRequest(), after, domain)
    assert {"event": "followup", "name": "action_cancel_request", "timestamp": None} in events
    assert messages == []
    _, messages = await run(ActionCancelRequest(), after, domain)
    assert "đã hủy phản ánh" in texts(messages)


async def test_a_dossier_lookup_asked_mid_form_ends_the_petition_and_starts_the_lookup(
    domain: dict[str, Any],
) -> None:
    tracker = asked("petition_description", "à không, tra giùm hồ sơ 000.00.20.H19-261201-0001 đi")
    events, messages = await run(ValidatePetitionForm(), tracker, domain)
    values = slot_values(events)
    assert values["form_outcome"] == "dossier_lookup"
    assert values["dossier_code"] == "000.00.20.H19-261201-0001"
    assert values["requested_slot"] is None
    assert messages == []
    after = make_tracker("tra", slots={"form_outcome": "dossier_lookup"}, previous_events=IN_THE_FORM)
    events, messages = await run(ActionSummarizeRequest(), after, domain)
    assert {"event": "followup", "name": "dossier_status_form", "timestamp": None} in events
    assert messages == []


async def test_a_dossier_code_in_a_petition_without_asking_a_lookup_is_the_description(
    domain: dict[str, Any],
) -> None:
    text = "hồ sơ 000.00.20.H19-261201-0001 nộp hai tháng rồi mà chưa có kết quả"
    events, _ = await run(ValidatePetitionForm(), asked("petition_description", text), domain)
    assert slot_values(events)["petition_description"] == text


async def test_the_place_keeps_its_hamlet_and_resolves_to_a_unit(domain: dict[str, Any]) -> None:
    events, _ = await run(ValidatePetitionForm(), asked("petition_location", "ấp 7 xã Mỹ Thọ"), domain)
    assert slot_values(events)["petition_location"] == "ấp 7, Xã Mỹ Thọ"


async def test_a_name_several_former_communes_shared_is_asked_back_with_buttons(
    domain: dict[str, Any],
) -> None:
    events, messages = await run(
        ValidatePetitionForm(), asked("petition_location", "ấp 2 Bình Thạnh"), domain
    )
    values = slot_values(events)
    assert values["petition_location"] is None
    assert {"Xã Mỹ Hiệp", "Phường Hồng Ngự"} <= set(values["location_candidates"])
    assert values["location_detail"] == "ấp 2"
    assert messages == []  # the question is action_ask_petition_location's

    pending = {k: values[k] for k in ("location_candidates", "location_detail", "location_mention")}
    _, messages = await run(
        ActionAskPetitionLocation(), make_tracker("ấp 2 Bình Thạnh", slots=pending), domain
    )
    assert [b["title"] for b in messages[0]["buttons"]] == pending["location_candidates"]

    events, _ = await run(ValidatePetitionForm(), asked("petition_location", "Xã Mỹ Hiệp", **pending), domain)
    assert slot_values(events)["petition_location"] == "ấp 2, Xã Mỹ Hiệp"
    assert slot_values(events)["location_candidates"] is None


async def test_a_hamlet_alone_asks_for_its_commune(domain: dict[str, Any]) -> None:
    events, _ = await run(ValidatePetitionForm(), asked("petition_location", "ấp 7"), domain)
    assert slot_values(events)["petition_location"] is None
    assert slot_values(events)["location_detail"] == "ấp 7"
    _, messages = await run(
        ActionAskPetitionLocation(), make_tracker("ấp 7", slots={"location_detail": "ấp 7"}), domain
    )
    assert "ấp 7 thuộc xã/phường nào" in texts(messages)
    events, _ = await run(
        ValidatePetitionForm(), asked("petition_location", "Mỹ Thọ", location_detail="ấp 7"), domain
    )
    assert slot_values(events)["petition_location"] == "ấp 7, Xã Mỹ Thọ"


async def test_three_wrong_answers_end_the_form_and_a_human_is_offered(domain: dict[str, Any]) -> None:
    slots: dict[str, Any] = {
        "petition_description": PETITION["petition_description"],
        "petition_location": "ấp 3",
    }
    failures = 0.0
    for attempt in range(1, 4):
        events, messages = await run(
            ValidatePetitionForm(), asked("contact_phone", "abc", **slots, form_failures=failures), domain
        )
        values = slot_values(events)
        failures = values["form_failures"]
        if attempt < 3:
            assert values["form_failures"] == attempt
            assert "requested_slot" not in values
    assert values["requested_slot"] is None  # the form stops
    assert values["form_outcome"] == "gave_up"
    assert "xin lỗi" in texts(messages)

    after = make_tracker("abc", slots={**slots, "form_outcome": "gave_up"}, previous_events=IN_THE_FORM)
    events, _ = await run(ActionSummarizeRequest(), after, domain)
    assert {"event": "followup", "name": "action_offer_human", "timestamp": None} in events
    assert slot_values(events)["petition_description"] is None


async def test_a_confirmed_petition_becomes_a_ticket_routed_to_an_agency(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "đúng rồi",
        intent="affirm",
        slots={**PETITION, "request_kind": "petition"},
        sender_id="petition-1",
        channel="telegram",
    )
    events, messages = await run(ActionSubmitRequest(), tracker, domain)
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

    asked_code = {"petition_code": receipt.code, "phone_last4": "4321"}
    mine = make_tracker("4321", slots=asked_code, sender_id="status-1", channel="zalo")
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


async def test_a_name_at_the_phone_step_is_the_name_and_the_phone_is_asked_again_without_error(
    domain: dict[str, Any],
) -> None:
    for typed, name in [
        ("Nguyễn Văn Tư", "Nguyễn Văn Tư"),
        ("tran thi be nam", "Tran Thi Be Nam"),
        ("tui tên Võ Văn Hai", "Võ Văn Hai"),
    ]:
        slots = {k: v for k, v in PETITION.items() if k not in ("contact_phone", "contact_name")}
        events, messages = await run(ValidatePetitionForm(), asked("contact_phone", typed, **slots), domain)
        values = slot_values(events)
        assert values["contact_name"] == name, typed
        assert "contact_phone" not in values or values["contact_phone"] is None, typed
        assert texts(messages) == f"Dạ, em đã ghi nhận họ tên {name} ạ.", typed  # not "chưa đúng"


async def test_a_phone_at_the_place_step_is_the_phone_and_the_place_is_asked_again(
    domain: dict[str, Any],
) -> None:
    slots = {"petition_description": PETITION["petition_description"]}
    events, messages = await run(
        ValidatePetitionForm(), asked("petition_location", "0913 456 789", **slots), domain
    )
    assert slot_values(events)["contact_phone"] == "0913456789"
    assert slot_values(events).get("petition_location") is None
    assert texts(messages) == "Dạ, em đã ghi nhận số điện thoại 0913456789 ạ."


async def test_the_first_message_fills_every_field_it_gives(domain: dict[str, Any]) -> None:
    text = "Tôi là Trần Văn Bé, sđt 0939123456, phản ánh đèn đường ở tổ 5 phường Sa Đéc hư cả tháng nay"
    events, messages = await answer_form(
        ValidatePetitionForm(), domain, text, "petition_description", prefill=True
    )
    values = slot_values(events)
    # the name and phone have their own fields: the content is what happened (issue 11, dev6)
    assert values["petition_description"] == "phản ánh đèn đường ở tổ 5 phường Sa Đéc hư cả tháng nay"
    assert values["contact_name"] == "Trần Văn Bé"
    assert values["contact_phone"] == "0939123456"
    assert values["petition_location"] == "tổ 5, Phường Sa Đéc"
    assert messages == []


async def test_not_knowing_the_place_is_no_stop_an_approximate_area_is_asked(domain: dict[str, Any]) -> None:
    slots = {"petition_description": PETITION["petition_description"]}
    for typed in ("hổng biết nữa", "ko rõ lắm"):
        tracker = asked("petition_location", typed, intent="cancel", confidence=0.8, **slots)
        events, messages = await run(ValidatePetitionForm(), tracker, domain)
        values = slot_values(events)
        assert "form_outcome" not in values, typed
        assert values["petition_location"] is None
        assert "khu vực gần đúng" in texts(messages)


async def test_a_variant_typed_right_after_a_procedure_answer_ends_the_petition_unseen(
    domain: dict[str, Any],
) -> None:
    previous = [
        {"event": "user", "text": "xin giấy phép xây dựng"},
        {"event": "action", "name": "action_answer_procedure"},
        {"event": "action", "name": "action_listen"},
    ]
    events, messages = await answer_form(
        ValidatePetitionForm(),
        domain,
        "xây mới nhà ở riêng lẻ",
        "petition_description",
        prefill=True,
        intent="submit_petition",
        slots={"current_procedure": "1.013225"},
        previous_events=previous,
    )
    values = slot_values(events)
    assert values["form_outcome"] == "procedure_question"
    assert values["requested_slot"] is None
    assert messages == []
    events, _ = await run(
        ActionSummarizeRequest(),
        make_tracker(
            "xây mới nhà ở riêng lẻ",
            slots={"form_outcome": "procedure_question"},
            previous_events=[{"event": "active_loop", "name": "petition_form"}],
        ),
        domain,
    )
    assert {"event": "followup", "name": "action_answer_procedure", "timestamp": None} in events


async def test_a_name_and_a_phone_in_one_answer_fill_both(domain: dict[str, Any]) -> None:
    slots = {k: v for k, v in PETITION.items() if k not in ("contact_phone", "contact_name")}
    tracker = asked("contact_phone", "Nguyễn Văn Tư, sđt 0913 456 789", **slots)
    events, messages = await run(ValidatePetitionForm(), tracker, domain)
    values = slot_values(events)
    assert values["contact_phone"] == "0913456789"
    assert values["contact_name"] == "Nguyễn Văn Tư"
    assert "chưa đúng" not in texts(messages)


async def test_words_that_look_like_a_name_are_no_name_away_from_the_phone_step(
    domain: dict[str, Any],
) -> None:
    tracker = asked("petition_description", "ông hàng xóm xả rác")
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    assert slot_values(events).get("contact_name") is None
    tracker = asked("petition_location", "Hồ Sen", petition_description=PETITION["petition_description"])
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    assert slot_values(events).get("contact_name") is None


async def test_the_hamlet_of_the_first_message_is_kept_whatever_the_entity_spelling(
    domain: dict[str, Any],
) -> None:
    text = "phản ánh đèn đường hư ở ấp 3 xã Mỹ Thọ cả tháng nay"
    events, _ = await answer_form(
        ValidatePetitionForm(), domain, text, "petition_location", value="Xã Mỹ Thọ", prefill=True
    )
    assert slot_values(events)["petition_location"] == "ấp 3, Xã Mỹ Thọ"


async def test_a_name_without_diacritics_or_like_a_street_at_the_phone_step_is_the_name(
    domain: dict[str, Any],
) -> None:
    # "Duong"/"Truong" are also "đường"/"trường" without diacritics; written with them they are family names
    for typed in ("Duong Van Lam", "Trương Công Định", "Dương Thị Hồng"):
        slots = {k: v for k, v in PETITION.items() if k not in ("contact_phone", "contact_name")}
        events, messages = await run(ValidatePetitionForm(), asked("contact_phone", typed, **slots), domain)
        assert slot_values(events)["contact_name"] == typed, typed
        assert "chưa đúng" not in texts(messages), typed
    slots = {k: v for k, v in PETITION.items() if k not in ("contact_phone", "contact_name")}
    events, _ = await run(ValidatePetitionForm(), asked("contact_phone", "Đường Lê Lợi", **slots), domain)
    assert slot_values(events).get("contact_name") is None  # a street, written as one


async def test_a_phone_corrected_while_the_name_is_asked_is_changed_and_the_name_asked_again(
    domain: dict[str, Any],
) -> None:
    slots = {k: v for k, v in PETITION.items() if k != "contact_name"}
    tracker = asked("contact_name", "sửa số điện thoại thành 0912000222", intent="correct_info", **slots)
    events, messages = await run(ValidatePetitionForm(), tracker, domain)
    values = slot_values(events)
    assert values["contact_phone"] == "0912000222"
    assert values.get("contact_name") is None
    assert texts(messages) == "Dạ, em đã sửa số điện thoại 0912000222 ạ."


async def test_a_name_introduced_in_other_words_at_the_phone_step_is_the_name(domain: dict[str, Any]) -> None:
    for typed, name in [("e ten Huynh Ngoc Anh", "Huynh Ngoc Anh"), ("tên tui là lê văn tám", "Lê Văn Tám")]:
        slots = {k: v for k, v in PETITION.items() if k not in ("contact_phone", "contact_name")}
        events, messages = await run(ValidatePetitionForm(), asked("contact_phone", typed, **slots), domain)
        values = slot_values(events)
        assert values["contact_name"] == name, typed
        assert "contact_phone" not in values or values["contact_phone"] is None, typed
        assert "chưa đúng" not in texts(messages), typed


async def test_a_name_introduced_at_the_place_step_is_the_name(domain: dict[str, Any]) -> None:
    slots = {"petition_description": PETITION["petition_description"]}
    events, _ = await run(
        ValidatePetitionForm(), asked("petition_location", "chú tên Trần Văn Út nha", **slots), domain
    )
    values = slot_values(events)
    assert values["contact_name"] == "Trần Văn Út"
    assert values.get("petition_location") is None
