"""Issue 11 (dev13/dev14 round), the forms: a bare "gửi" at a summary confirms it; a report at a place with a
phone number is a petition even when it names a utility, and a dossier's result asked home with the address
is a postal request; a name just before the phone at the end of the first message is the name (not part of
what happened); a place typed at the question which unit is said back; a name typed at that question is
taken and the question asked again with its buttons."""

from __future__ import annotations

from typing import Any

from actions.confirmation import ActionCorrectRequest
from actions.forms import confirms_sending
from actions.petition import ActionAskPetitionLocation, ValidatePetitionForm, name_beside_phone
from actions.replies import ActionHandleReply, asks_for_postal_service, reports_with_contact
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts

PETITION = {
    "petition_description": "có người đổ xà bần ra bờ kênh, đề nghị xử lý",
    "petition_location": "ấp Tân Long, Xã Tân Nhuận Đông",
    "contact_phone": "0822333444",
    "contact_name": "Nguyễn Văn Tư",
}
POSTAL = {
    "postal_service_type": "delivery",
    "postal_address": "số 12, Phường Mỹ Tho",
    "contact_phone": "0918222333",
}
FOLLOWUP_SUBMIT = {"event": "followup", "name": "action_submit_request", "timestamp": None}


def at_summary(form: str, text: str, slots: dict[str, Any], intent: str) -> Any:
    return make_tracker(
        text, intent=intent, slots=slots, previous_events=[{"event": "active_loop", "name": form}]
    )


def asked(slot: str, text: str, *, intent: str = "inform", **slots: Any) -> Any:
    return make_tracker(
        text, intent=intent, slots={**slots, "requested_slot": slot}, active_loop="petition_form"
    )


# ------------------------------------------------------------------------------- "gửi" at a summary


def test_a_bare_send_in_any_spelling_confirms_and_a_postal_request_does_not() -> None:
    for typed in ("gửi", "gửi đi", "gui luon", "ok gửi", "đúng rồi gửi giùm", "Gửi phản ánh này đi ạ!"):
        assert confirms_sending(typed), typed
    for typed in ("gửi qua bưu điện", "gửi kết quả về nhà", "gửi hồ sơ giúp tui", "không gửi nữa"):
        assert not confirms_sending(typed), typed


async def test_a_bare_send_read_as_a_postal_request_sends_the_petition(domain: dict[str, Any]) -> None:
    for typed, intent in (("gửi", "request_postal_service"), ("gửi phản ánh đi", "submit_petition")):
        events, messages = await run(
            ActionCorrectRequest(), at_summary("petition_form", typed, PETITION, intent), domain
        )
        assert FOLLOWUP_SUBMIT in events, typed
        assert "petition_description" not in slot_values(events)
        assert messages == []


async def test_a_bare_send_confirms_a_postal_summary_too(domain: dict[str, Any]) -> None:
    events, _ = await run(
        ActionCorrectRequest(), at_summary("postal_form", "ok gửi", POSTAL, "request_postal_service"), domain
    )
    assert FOLLOWUP_SUBMIT in events


async def test_a_real_postal_request_at_a_petition_summary_starts_it(domain: dict[str, Any]) -> None:
    text = "à mà cho tui đăng ký bưu điện trả kết quả hồ sơ về nhà luôn"
    events, _ = await run(
        ActionCorrectRequest(), at_summary("petition_form", text, PETITION, "request_postal_service"), domain
    )
    assert {"event": "followup", "name": "postal_form", "timestamp": None} in events


async def test_a_postal_request_at_its_own_summary_corrects_the_service(domain: dict[str, Any]) -> None:
    text = "tui muốn bưu điện tới nhà lấy hồ sơ chứ không phải trả kết quả"
    events, _ = await run(
        ActionCorrectRequest(), at_summary("postal_form", text, POSTAL, "request_postal_service"), domain
    )
    assert slot_values(events)["postal_service_type"] == "pickup"


# ------------------------------------------------------------- a request the NLU read as a bare value

WATER_REPORT = (
    "nuoc may o ap Binh Hoa xa Chau Thanh bi duc nhu nuoc bun 3 ngay roi, ten Pham Thi Hoa 0988000111"
)
DELIVERY_REQUEST = (
    "gửi kết quả giấy phép xây dựng về nhà giùm tui, địa chỉ 12 ấp 3 xã Phong Mỹ, tên Trương Văn Hậu "
    "0945678901"
)
SA_RAI = (
    "Điện chập chờn ở khóm 1 thị trấn Sa Rài, cúp điện ngày 3-4 lần, hư tủ lạnh hết. Võ Minh Trí 0915333444"
)


def test_a_report_at_a_place_with_a_phone_is_a_petition_and_an_address_alone_is_not() -> None:
    assert reports_with_contact(WATER_REPORT)
    assert reports_with_contact("điện ở khóm 2 phường Sa Đéc cúp hoài, Lê Văn An 0909111222")
    assert not reports_with_contact("số 12 ấp 3 xã Phong Mỹ, 0945678901")  # an address and a phone
    assert not reports_with_contact("sdt cong ty cap nuoc xa Chau Thanh")  # a contact question
    assert not reports_with_contact("ubnd xa My An Hung o dau, sdt tui 0909111222")


def test_a_result_asked_home_with_an_address_is_a_postal_request_a_question_about_it_is_not() -> None:
    assert asks_for_postal_service(DELIVERY_REQUEST)
    assert not asks_for_postal_service("gửi kết quả về nhà có mất phí không")
    assert not asks_for_postal_service("kết quả hồ sơ xã Phong Mỹ 0945678901")  # nothing brought home


async def test_a_report_read_as_a_bare_value_is_replayed_as_a_petition(domain: dict[str, Any]) -> None:
    entities = [
        {"entity": "location", "value": "Xã Châu Thành"},
        {"entity": "phone_number", "value": "0988000111"},
    ]
    events, messages = await run(
        ActionHandleReply(), make_tracker(WATER_REPORT, intent="inform", entities=entities), domain
    )
    replayed = [e for e in events if e.get("event") == "user"]
    assert replayed and replayed[0]["parse_data"]["intent"]["name"] == "submit_petition"
    assert replayed[0]["text"] == WATER_REPORT
    assert messages == []  # no contact details of the water company


async def test_a_delivery_read_as_a_bare_value_is_replayed_as_a_postal_request(
    domain: dict[str, Any],
) -> None:
    entities = [{"entity": "procedure", "value": "Cấp giấy phép xây dựng"}]
    events, messages = await run(
        ActionHandleReply(), make_tracker(DELIVERY_REQUEST, intent="inform", entities=entities), domain
    )
    replayed = [e for e in events if e.get("event") == "user"]
    assert replayed and replayed[0]["parse_data"]["intent"]["name"] == "request_postal_service"
    assert messages == []  # no answer about the building permit


# --------------------------------------------------------------- a name just before the phone, at the end


def test_a_name_just_before_the_phone_ends_the_message() -> None:
    assert name_beside_phone(SA_RAI) == "Võ Minh Trí"
    assert name_beside_phone("vỉa hè bị lấn chiếm hết chỗ đi, Trần Văn Út 0909888777") == "Trần Văn Út"
    assert name_beside_phone("rác ở chợ. Lê Văn Tám, sđt: 0909 888 777.") == "Lê Văn Tám"
    # a street before the phone is no name
    assert name_beside_phone("đèn đường hư ở đường Nguyễn Huệ 0909888777") is None


async def test_the_first_message_gives_the_name_before_the_phone_and_an_old_town_resolves(
    domain: dict[str, Any],
) -> None:
    events, _ = await answer_form(
        ValidatePetitionForm(), domain, SA_RAI, "petition_description", prefill=True
    )
    values = slot_values(events)
    assert values["contact_name"] == "Võ Minh Trí"
    assert values["contact_phone"] == "0915333444"
    # thị trấn Sa Rài (NQ 1663/NQ-UBTVQH15), kept beside the new unit as the citizen named it
    assert values["petition_location"] == "khóm 1, Xã Tân Hồng (thị trấn Sa Rài cũ)"
    assert "Võ Minh Trí" not in values["petition_description"]  # the name has its own field


async def test_an_old_numbered_ward_resolves_to_its_ward(domain: dict[str, Any]) -> None:
    text = "vỉa hè đường Nguyễn Huệ phường 1 Sa Đéc bị lấn chiếm bán hàng hết chỗ đi, Trần Văn Út 0909888777"
    events, _ = await answer_form(ValidatePetitionForm(), domain, text, "petition_description", prefill=True)
    values = slot_values(events)
    assert values["contact_name"] == "Trần Văn Út"
    assert values["petition_location"] == "đường Nguyễn Huệ, Phường Sa Đéc (phường 1 Sa Đéc cũ)"


# ----------------------------------------------------------------------- at the question which unit

CAI_LAY = {
    "petition_description": "ngập nước 2 ngày chưa rút",
    "location_candidates": ["Phường Cai Lậy", "Xã Tân Phú", "Phường Mỹ Phước Tây"],
    "location_mention": "Cai Lay",
}


async def test_a_place_typed_at_the_question_which_unit_is_said_back(domain: dict[str, Any]) -> None:
    events, messages = await run(
        ValidatePetitionForm(), asked("petition_location", "ở ấp 4 xã Ngũ Hiệp", **CAI_LAY), domain
    )
    assert slot_values(events)["petition_location"] == "ấp 4, Xã Ngũ Hiệp"
    assert "em ghi nhận địa điểm: ấp 4, Xã Ngũ Hiệp" in texts(messages)


async def test_a_former_name_typed_at_the_question_which_unit_is_said_with_the_unit(
    domain: dict[str, Any],
) -> None:
    slots = {**CAI_LAY, "location_candidates": ["Xã Tân Hồng", "Phường Hồng Ngự"], "location_mention": "Hồng"}
    events, messages = await run(
        ValidatePetitionForm(), asked("petition_location", "khóm 1 thị trấn Sa Rài", **slots), domain
    )
    assert slot_values(events)["petition_location"] == "khóm 1, Xã Tân Hồng (thị trấn Sa Rài cũ)"
    assert "khóm 1, Xã Tân Hồng (thị trấn Sa Rài cũ)" in texts(messages)


async def test_a_button_pressed_is_not_said_back(domain: dict[str, Any]) -> None:
    events, messages = await run(
        ValidatePetitionForm(), asked("petition_location", "Xã Tân Phú", **CAI_LAY), domain
    )
    assert slot_values(events)["petition_location"] == "Xã Tân Phú"
    assert "ghi nhận địa điểm" not in texts(messages)


async def test_a_name_typed_at_the_question_which_unit_is_taken_and_the_buttons_stay(
    domain: dict[str, Any],
) -> None:
    for typed in ("Trần Thị Mỹ Linh", "Út Em"):
        events, messages = await run(
            ValidatePetitionForm(), asked("petition_location", typed, **CAI_LAY), domain
        )
        values = slot_values(events)
        assert values["contact_name"] == typed
        assert values.get("petition_location") is None
        assert (
            values.get("location_candidates", CAI_LAY["location_candidates"])
            == CAI_LAY["location_candidates"]
        )
        assert f"họ tên {typed}" in texts(messages)
    _, messages = await run(ActionAskPetitionLocation(), make_tracker("Út Em", slots=CAI_LAY), domain)
    assert [b["title"] for b in messages[0]["buttons"]] == CAI_LAY["location_candidates"]


async def test_an_answer_that_is_no_place_keeps_the_buttons_of_the_question_which_unit(
    domain: dict[str, Any],
) -> None:
    events, messages = await run(
        ValidatePetitionForm(), asked("petition_location", "dung", **CAI_LAY), domain
    )
    values = slot_values(events)
    assert values["petition_location"] is None
    assert values["location_candidates"] == CAI_LAY["location_candidates"]
    assert "xã/phường" in texts(messages)


async def test_the_choice_of_unit_for_a_shared_old_name_says_which_old_commune_each_is(
    domain: dict[str, Any],
) -> None:
    slots = {"location_candidates": ["Xã Mỹ Hiệp", "Xã Long Tiên"], "location_mention": "xa My Long"}
    _, messages = await run(
        ActionAskPetitionLocation(), asked("petition_location", "xa My Long", **slots), domain
    )
    said = texts(messages)
    assert "xã Mỹ Long (huyện Cao Lãnh cũ) nay thuộc Xã Mỹ Hiệp" in said
    assert "xã Mỹ Long (huyện Cai Lậy cũ) nay thuộc Xã Long Tiên" in said
    assert [b["title"] for b in messages[0]["buttons"]] == ["Xã Mỹ Hiệp", "Xã Long Tiên"]
