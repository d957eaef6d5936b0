"""Postal service requests: the service type, an address that resolves to a commune/ward (not any text), and
a real BC- ticket once the summary is confirmed."""

from __future__ import annotations

from typing import Any

from actions.confirmation import ActionSubmitRequest
from actions.postal import ValidatePostalForm
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts
from ticketing import citizen_desk as ticketing


async def test_the_postal_service_type_is_understood_with_or_without_diacritics(
    domain: dict[str, Any],
) -> None:
    cases = {
        "trả kết quả tại nhà": "delivery",
        "tôi muốn nhận kết quả qua bưu điện": "delivery",
        "nhan ho so tai nha": "pickup",
        "bưu điện đến lấy hồ sơ nộp giúp": "pickup",
        # sending the dossier by post is a pick-up; sending it back home is a delivery
        "toi muon gui ho so qua buu dien": "pickup",
        "gửi hồ sơ về nhà giúp tôi": "delivery",
    }
    for text, expected in cases.items():
        events, _ = await answer_form(ValidatePostalForm(), domain, text, "postal_service_type")
        assert slot_values(events)["postal_service_type"] == expected, text


async def test_a_first_message_without_the_type_leaves_it_to_be_asked(domain: dict[str, Any]) -> None:
    events, messages = await answer_form(
        ValidatePostalForm(), domain, "dang ky buu chinh cong ich", "postal_service_type", prefill=True
    )
    assert slot_values(events)["postal_service_type"] is None
    assert messages == []


async def test_the_address_must_name_a_commune_or_ward(domain: dict[str, Any]) -> None:
    events, messages = await answer_form(ValidatePostalForm(), domain, "nhận hồ sơ tại nhà", "postal_address")
    assert slot_values(events)["postal_address"] is None
    assert "xã/phường" in texts(messages)
    events, _ = await answer_form(
        ValidatePostalForm(), domain, "số 12 đường Lê Lợi phường Mỹ Tho", "postal_address"
    )
    assert slot_values(events)["postal_address"] == "số 12, đường Lê Lợi, Phường Mỹ Tho"


async def test_a_confirmed_postal_request_is_filed(domain: dict[str, Any]) -> None:
    slots = {
        "postal_service_type": "delivery",
        "postal_address": "12 Lê Lợi, Phường Mỹ Tho",
        "contact_phone": "0912345678",
        "request_kind": "postal",
    }
    tracker = make_tracker("đúng rồi", intent="affirm", slots=slots, sender_id="postal-1", channel="telegram")
    events, messages = await run(ActionSubmitRequest(), tracker, domain)
    code = slot_values(events)["last_ticket_code"]
    assert code.startswith("BC-")
    assert code in texts(messages)
    status = ticketing.ticket_status(code, "telegram", "postal-1", None)
    assert status is not None and status.kind == "postal"


async def test_a_first_message_with_every_field_needs_nothing_asked(domain: dict[str, Any]) -> None:
    text = (
        "Tôi là Trần Văn Bé, sđt 0939123456, muốn nhận kết quả hồ sơ 000.00.20.H19-261113-0004 qua bưu điện "
        "tại số 12 đường Nguyễn Huệ, phường Cao Lãnh"
    )
    events, messages = await answer_form(
        ValidatePostalForm(), domain, text, "postal_service_type", prefill=True, slots={"contact_phone": None}
    )
    values = slot_values(events)
    assert values["postal_service_type"] == "delivery"
    assert values["postal_address"] == "số 12, đường Nguyễn Huệ, Phường Cao Lãnh"
    assert values["contact_phone"] == "0939123456"
    assert messages == []


async def test_a_request_to_rate_mid_form_leaves_it_for_the_rating(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "cho tui đánh giá dịch vụ",
        intent="rate_service",
        confidence=0.9,
        slots={"requested_slot": "postal_service_type"},
        active_loop="postal_form",
    )
    events, _ = await run(ValidatePostalForm(), tracker, domain)
    assert slot_values(events)["form_outcome"] == "switch:rating_form"
