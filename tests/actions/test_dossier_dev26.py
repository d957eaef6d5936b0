"""Dossier lookups and tickets already in the conversation (dev26/dev28): a message with a dossier code is a
lookup first, a follow-up after a lookup is about that dossier, and "phản ánh hồi nãy" is the ticket filed."""

from __future__ import annotations

from datetime import date
from typing import Any

from actions.dossier import ActionLookupDossier, ValidateDossierStatusForm, due_answer
from actions.petition import ValidatePetitionStatusForm
from actions.postal import ValidatePostalForm
from knowledge import facade as knowledge
from knowledge.dossiers import default_service
from knowledge.onestop import DossierRecord
from knowledge.sample_dossiers import sample_dossiers
from tests.actions.support import make_tracker, run, slot_values, texts
from ticketing import citizen_desk as ticketing

AFTER_LOOKUP = [
    {"event": "user", "text": "tra hồ sơ"},
    {"event": "action", "name": "action_lookup_dossier"},
    {"event": "action", "name": "action_listen"},
]


def _sample(status: str, procedure: str) -> DossierRecord:
    samples = sample_dossiers(date.today())
    default_service().upsert(samples, source="sample")
    return next(s for s in samples if s.status == status and s.procedure_name == procedure)


def _looked_up(sample: DossierRecord) -> dict[str, Any]:
    return {"last_dossier_code": sample.code, "known_phone_last4": sample.applicant_phone[-4:]}


async def test_a_postal_request_that_gives_a_dossier_code_is_a_lookup_first(domain: dict[str, Any]) -> None:
    code = "000.00.20.H19-261115-0004"
    for text in [
        "ho so xin phep xay nha 000.00.20.H19-261115-0004 duoi 0004 gui buu dien ve chua vay",
        "kết quả hồ sơ 0000020H192611150004 bưu điện gửi tới nhà chưa",
        "bưu điện có gửi trả hồ sơ 000 00 20 H19 261115 0004 của má tui chưa",
    ]:
        tracker = make_tracker(
            text,
            intent="request_postal_service",
            active_loop="postal_form",
            slot_events=[{"event": "active_loop", "name": "postal_form"}],
        )
        events, messages = await run(ValidatePostalForm(), tracker, domain)
        values = slot_values(events)
        assert values["dossier_code"] == code, text
        assert values["form_outcome"] == "dossier_lookup"
        assert values["requested_slot"] is None
        assert messages == []


async def test_the_office_of_the_looked_up_dossier_is_asked_for_its_phone(domain: dict[str, Any]) -> None:
    sample = _sample("processing", "Đăng ký khai sinh")
    tracker = make_tracker(
        "cho xin số điện thoại chỗ giải quyết hồ sơ đó",
        intent="check_dossier_status",
        slots=_looked_up(sample),
        active_loop="dossier_status_form",
        previous_events=AFTER_LOOKUP,
    )
    events, _ = await run(ValidateDossierStatusForm(), tracker, domain)
    assert slot_values(events)["dossier_code"] == sample.code  # not asked for
    slots = {**_looked_up(sample), "dossier_code": sample.code, "phone_last4": sample.applicant_phone[-4:]}
    tracker = make_tracker(
        "cho xin số điện thoại chỗ giải quyết hồ sơ đó",
        intent="check_dossier_status",
        slots=slots,
        previous_events=AFTER_LOOKUP,
        sender_id="dev26-office",
    )
    events, messages = await run(ActionLookupDossier(), tracker, domain)
    said = texts(messages)
    assert "điện thoại" in said and "Mỹ Tho" in said
    assert "Ngày tiếp nhận" not in said  # not the status again
    assert slot_values(events)["current_procedure"] == "1.001193"


async def test_a_lookup_makes_the_dossier_s_procedure_the_one_talked_about(domain: dict[str, Any]) -> None:
    sample = _sample("processing", "Đăng ký thường trú")
    slots = {"dossier_code": sample.code, "phone_last4": sample.applicant_phone[-4:]}
    events, _ = await run(ActionLookupDossier(), make_tracker("x", slots=slots, sender_id="dev26-p"), domain)
    assert slot_values(events)["current_procedure"] == "1.004222"


async def test_what_the_rules_say_after_a_status_is_the_procedure_s_answer(domain: dict[str, Any]) -> None:
    sample = _sample("processing", "Đăng ký thường trú")
    slots = {**_looked_up(sample), "dossier_code": sample.code, "phone_last4": sample.applicant_phone[-4:]}
    tracker = make_tracker(
        "theo quy dinh thi bao nhieu ngay",
        intent="check_dossier_status",
        aspects={"time": 0.9},
        slots=slots,
        previous_events=AFTER_LOOKUP,
        sender_id="dev26-rule",
    )
    events, messages = await run(ActionLookupDossier(), tracker, domain)
    assert messages == []
    assert slot_values(events)["current_procedure"] == "1.004222"
    assert events[-1]["name"] == "action_answer_procedure"
    # the procedure's time, not the dossier's appointment date
    assert due_answer(tracker) is None
    found = knowledge.lookup_dossier(sample.code, sample.applicant_phone[-4:], "dev26-rule-check")
    assert found.procedure_code == "1.004222"


async def test_the_petition_filed_earlier_is_the_one_asked_about(domain: dict[str, Any]) -> None:
    receipt = ticketing.submit_ticket(
        kind="petition",
        description="Cúp điện liên tục ở ấp 2, tủ điện hư",
        location_text="ấp 2 xã Hòa Long",
        phone="0376882914",
        name=None,
        channel="telegram",
        channel_user_id="dev28-earlier",
    )
    tracker = make_tracker(
        "phản ánh hồi nãy sao rồi",
        intent="check_petition_status",
        slots={"last_ticket_code": receipt.code},
        active_loop="petition_status_form",
        sender_id="dev28-earlier",
    )
    events, messages = await run(ValidatePetitionStatusForm(), tracker, domain)
    assert slot_values(events)["petition_code"] == receipt.code
    assert slot_values(events)["phone_last4"] == ""  # filed from this account: no second factor
    assert messages == []
    # no ticket in the conversation: the code is asked
    tracker = make_tracker(
        "phản ánh hồi nãy sao rồi", intent="check_petition_status", active_loop="petition_status_form"
    )
    events, _ = await run(ValidatePetitionStatusForm(), tracker, domain)
    assert not slot_values(events).get("petition_code")


async def test_a_postal_request_for_a_dossier_s_result_starts_the_form(domain: dict[str, Any]) -> None:
    text = "dang ky nhan ket qua ho so 000.00.20.H19-261203-0001 sdt duoi 0001 qua buu dien ve nha giup tui"
    tracker = make_tracker(
        text,
        intent="request_postal_service",
        active_loop="postal_form",
        slot_events=[{"event": "active_loop", "name": "postal_form"}],
    )
    events, _ = await run(ValidatePostalForm(), tracker, domain)
    assert slot_values(events).get("form_outcome") != "dossier_lookup"
