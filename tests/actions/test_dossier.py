"""Dossier status: the code (any case, stray spaces) and the second factor are checked before the lookup."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from actions.dossier import ActionDossierDelivery, ActionLookupDossier, ValidateDossierStatusForm
from actions.procedures import ActionAnswerProcedure
from knowledge import facade as knowledge
from knowledge.dossiers import default_service
from knowledge.onestop import DossierRecord
from knowledge.sample_dossiers import sample_dossiers
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts

CODE = "000.00.20.H19-250312-0004"


async def test_a_dossier_code_is_normalised(domain: dict[str, Any]) -> None:
    for typed in ["000.00.20.h19-250312-0004", "mã 000.00.20.H19 - 250312 - 0004 ạ", CODE]:
        events, messages = await answer_form(ValidateDossierStatusForm(), domain, typed, "dossier_code")
        assert slot_values(events)["dossier_code"] == CODE, typed
        assert messages == []


async def test_a_wrong_code_is_explained_and_counted(domain: dict[str, Any]) -> None:
    events, messages = await answer_form(ValidateDossierStatusForm(), domain, "HS12345", "dossier_code")
    assert slot_values(events) == {"dossier_code": None, "form_failures": 1}
    assert "chưa thấy mã hồ sơ đúng định dạng" in texts(messages)  # the question asked again shows an example


async def test_the_last_four_digits_of_the_phone(domain: dict[str, Any]) -> None:
    events, _ = await answer_form(ValidateDossierStatusForm(), domain, "5 6 7 8", "phone_last4")
    assert slot_values(events)["phone_last4"] == "5678"
    events, messages = await answer_form(ValidateDossierStatusForm(), domain, "56", "phone_last4")
    assert slot_values(events)["phone_last4"] is None
    assert "4 chữ số cuối" in texts(messages)


async def test_the_third_wrong_code_ends_the_form_and_offers_a_human(domain: dict[str, Any]) -> None:
    events, _ = await answer_form(
        ValidateDossierStatusForm(), domain, "không nhớ", "dossier_code", slots={"form_failures": 2.0}
    )
    assert slot_values(events)["requested_slot"] is None
    assert slot_values(events)["form_outcome"] == "gave_up"
    events, messages = await run(
        ActionLookupDossier(), make_tracker("x", slots={"form_outcome": "gave_up"}), domain
    )
    assert events[-1] == {"event": "followup", "name": "action_offer_human", "timestamp": None}
    assert messages == []


@pytest.fixture
def sample_dossier() -> DossierRecord:
    """One of the fictitious sample dossiers, loaded into the test database."""
    samples = sample_dossiers(date.today())
    default_service().upsert(samples, source="sample")
    return samples[0]


async def test_the_lookup_tells_the_status_and_forgets_the_code(
    domain: dict[str, Any], sample_dossier: DossierRecord
) -> None:
    last4 = sample_dossier.applicant_phone[-4:]
    slots = {"dossier_code": sample_dossier.code, "phone_last4": last4}
    events, messages = await run(
        ActionLookupDossier(), make_tracker(last4, slots=slots, sender_id="d-1"), domain
    )
    expected = knowledge.lookup_dossier(sample_dossier.code, last4, "d-1-expected")
    assert expected.outcome == "found"
    assert texts(messages) == expected.message
    assert slot_values(events)["dossier_code"] is None
    assert slot_values(events)["phone_last4"] is None


async def test_wrong_digits_get_the_facade_answer_without_details(
    domain: dict[str, Any], sample_dossier: DossierRecord
) -> None:
    wrong = "0000" if not sample_dossier.applicant_phone.endswith("0000") else "1111"
    slots = {"dossier_code": sample_dossier.code, "phone_last4": wrong}
    _, messages = await run(ActionLookupDossier(), make_tracker(wrong, slots=slots, sender_id="d-2"), domain)
    assert texts(messages) == knowledge.lookup_dossier(sample_dossier.code, wrong, "d-2-expected").message
    assert sample_dossier.procedure_name not in texts(messages)


async def test_asking_for_a_human_instead_of_the_code_hands_off(domain: dict[str, Any]) -> None:
    events, messages = await answer_form(
        ValidateDossierStatusForm(),
        domain,
        "cho tôi gặp tổng đài viên",
        "dossier_code",
        intent="request_human",
    )
    assert slot_values(events)["form_outcome"] == "handoff"
    assert slot_values(events)["requested_slot"] is None
    assert messages == []
    events, _ = await run(ActionLookupDossier(), make_tracker("x", slots={"form_outcome": "handoff"}), domain)
    assert events[-1] == {"event": "followup", "name": "action_handoff", "timestamp": None}


async def test_a_phone_number_is_never_taken_for_a_request_for_a_human(domain: dict[str, Any]) -> None:
    # The NLU may label a bare number request_human; a valid answer wins over the intent.
    events, _ = await answer_form(
        ValidateDossierStatusForm(), domain, "5678", "phone_last4", intent="request_human"
    )
    assert slot_values(events)["phone_last4"] == "5678"


async def test_an_overdue_dossier_offers_a_petition_about_the_delay(domain: dict[str, Any]) -> None:
    samples = sample_dossiers(date.today())
    default_service().upsert(samples, source="sample")
    overdue = next(
        s
        for s in samples
        if (
            knowledge.lookup_dossier(s.code, s.applicant_phone[-4:], f"probe-{s.code}").working_days_overdue
            or 0
        )
        > 0
    )
    slots = {"dossier_code": overdue.code, "phone_last4": overdue.applicant_phone[-4:]}
    events, _ = await run(ActionLookupDossier(), make_tracker("0002", slots=slots, sender_id="d-3"), domain)
    assert slot_values(events)["suggested_intent"] == "submit_petition"  # "có" then starts the petition
    assert overdue.code in slot_values(events)["petition_topic"]  # the petition is about this dossier


def _activation(text: str, **slots: Any) -> Any:
    """The message that starts the lookup: the form is not asking anything yet."""
    code_entities = (
        [{"entity": "dossier_code", "value": slots["dossier_code"]}] if "dossier_code" in slots else []
    )
    return make_tracker(
        text,
        intent="check_dossier_status",
        entities=code_entities,
        slots=slots,
        active_loop="dossier_status_form",
        slot_events=[
            {"event": "slot", "name": k, "value": v} for k, v in slots.items() if k == "dossier_code"
        ],
    )


async def test_the_phone_ending_given_with_the_code_is_not_asked_again(domain: dict[str, Any]) -> None:
    text = f"cho tui hỏi hồ sơ {CODE.replace('.', '').replace('-', '')} sao rồi, số đt đuôi 5678 nhen"
    events, _ = await run(ValidateDossierStatusForm(), _activation(text, dossier_code=CODE), domain)
    assert slot_values(events)["phone_last4"] == "5678"
    assert slot_values(events)["known_phone_last4"] == "5678"


async def test_digits_of_the_code_are_not_taken_for_the_phone_ending(domain: dict[str, Any]) -> None:
    events, _ = await run(
        ValidateDossierStatusForm(), _activation(f"hồ sơ {CODE} tới đâu rồi", dossier_code=CODE), domain
    )
    assert "phone_last4" not in slot_values(events)


async def test_a_phone_ending_given_earlier_in_the_conversation_is_used(domain: dict[str, Any]) -> None:
    tracker = _activation(f"tra hồ sơ {CODE}", dossier_code=CODE, known_phone_last4="4321")
    events, _ = await run(ValidateDossierStatusForm(), tracker, domain)
    assert slot_values(events)["phone_last4"] == "4321"
    tracker = _activation(f"tra hồ sơ {CODE}", dossier_code=CODE, citizen_phone="0912345678")
    events, _ = await run(ValidateDossierStatusForm(), tracker, domain)
    assert slot_values(events)["phone_last4"] == "5678"


async def test_a_corrected_ending_after_the_lookup_looks_the_same_dossier_up_again(
    domain: dict[str, Any], sample_dossier: DossierRecord
) -> None:
    last4 = sample_dossier.applicant_phone[-4:]
    wrong = "0000" if last4 != "0000" else "1111"
    slots = {"dossier_code": sample_dossier.code, "phone_last4": wrong}
    events, _ = await run(ActionLookupDossier(), make_tracker(wrong, slots=slots, sender_id="d-4"), domain)
    assert slot_values(events)["last_dossier_code"] == sample_dossier.code
    correction = make_tracker(
        f"nhầm, {last4} mới đúng",
        intent="correct_info",
        slots={"last_dossier_code": sample_dossier.code},
        sender_id="d-4",
    )
    _, messages = await run(ActionLookupDossier(), correction, domain)
    assert texts(messages) == knowledge.lookup_dossier(sample_dossier.code, last4, "d-4-expected").message


async def test_when_it_will_be_ready_right_after_a_status_is_the_dossier_s_appointment_date(
    domain: dict[str, Any],
) -> None:
    samples = sample_dossiers(date.today())
    default_service().upsert(samples, source="sample")
    pending = next(
        (s, answer)
        for s in samples
        for answer in [knowledge.lookup_dossier(s.code, s.applicant_phone[-4:], f"due-{s.code}")]
        if answer.status in ("received", "processing") and answer.due_date is not None
    )
    sample, answer = pending
    previous = [
        {"event": "user", "text": sample.applicant_phone[-4:]},
        {"event": "action", "name": "action_lookup_dossier"},
        {"event": "action", "name": "action_listen"},
    ]
    slots = {"last_dossier_code": sample.code, "known_phone_last4": sample.applicant_phone[-4:]}
    tracker = make_tracker(
        "bao lâu thì có",
        intent="ask_procedure",
        aspects={"time": 0.9},
        followup=0.9,
        slots=slots,
        previous_events=previous,
    )
    _, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert f"{answer.due_date:%d/%m/%Y}" in texts(messages)
    # later in the talk, the same question is about a procedure again
    tracker = make_tracker(
        "bao lâu thì có", intent="ask_procedure", aspects={"time": 0.9}, followup=0.9, slots=slots
    )
    _, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert "thủ tục nào" in texts(messages)


async def test_a_question_on_a_looked_up_dossiers_delivery_is_answered_from_it(
    domain: dict[str, Any],
) -> None:
    samples = sample_dossiers(date.today())
    default_service().upsert(samples, source="sample")
    by_post = next(s for s in samples if s.status == "completed" and s.delivery_method == "postal")
    at_office = next(s for s in samples if s.status == "completed" and s.delivery_method == "counter")
    slots = {"last_dossier_code": by_post.code, "known_phone_last4": by_post.applicant_phone[-4:]}
    tracker = make_tracker(
        "kết quả gửi về nhà hay tui phải lên lấy", intent="request_postal_service", slots=slots
    )
    events, messages = await run(ActionDossierDelivery(), tracker, domain)
    assert "Bưu điện" in texts(messages)
    assert events == []  # no postal form
    # a result waiting at the counter: where it is, and the offer to have it brought home by post
    slots = {"last_dossier_code": at_office.code, "known_phone_last4": at_office.applicant_phone[-4:]}
    for question in ("kết quả gửi về nhà hay tui phải lên lấy", "gửi kết quả qua bưu điện về nhà dc hông"):
        tracker = make_tracker(question, intent="request_postal_service", slots=slots)
        events, messages = await run(ActionDossierDelivery(), tracker, domain)
        assert "giấy tiếp nhận hồ sơ" in texts(messages) and "bưu chính công ích" in texts(messages)
        assert slot_values(events)["suggested_intent"] == "request_postal_service"
    # a request, not a question: the postal service form
    slots = {"last_dossier_code": by_post.code, "known_phone_last4": by_post.applicant_phone[-4:]}
    tracker = make_tracker(
        "đăng ký gửi kết quả về nhà giùm tui", intent="request_postal_service", slots=slots
    )
    events, messages = await run(ActionDossierDelivery(), tracker, domain)
    assert messages == [] and events[-1]["name"] == "postal_form"


async def test_a_procedure_question_right_after_its_answer_is_no_lookup(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "làm hồ sơ chỗ nào ạ",
        intent="check_dossier_status",
        slots={"current_procedure": "1.001193"},
        active_loop="dossier_status_form",
        aspects={"place": 0.99},
        previous_events=[
            {"event": "user", "text": "đăng ký khai sinh cần gì"},
            {"event": "action", "name": "action_answer_procedure"},
            {"event": "action", "name": "action_listen"},
        ],
    )
    events, messages = await run(ValidateDossierStatusForm(), tracker, domain)
    assert slot_values(events)["form_outcome"] == "procedure_question"
    assert slot_values(events)["requested_slot"] is None
    assert messages == []
