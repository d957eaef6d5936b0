"""Issue 11 (dev10/dev11 round): a name given as one item of a list beside the phone, a name corrected in
a clause of its own ("sai tên rồi, X chớ hông phải Y"), taking leave in the middle of a form stops it, the
postal service said when its request starts and when it is asked about mid-form, the postal option offered
after a dossier collected at the counter, what one request knew kept by the one the citizen switches to,
and the appointment's purpose given at the step that asks where (and a bare name never taken for it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from actions.appointment import ValidateAppointmentForm, purpose_for_type, read_purpose
from actions.common import OUTCOME_SLOT, carried_over
from actions.confirmation import ActionCancelRequest, ActionCorrectRequest
from actions.dossier import ActionDossierDelivery
from actions.petition import PETITION, ValidatePetitionForm, contact_name_given, name_beside_phone
from actions.postal import ValidatePostalForm
from actions.postal_info import SERVICE_INFO
from actions.requests import named_fields
from knowledge import facade as knowledge
from knowledge.dossiers import default_service
from knowledge.sample_dossiers import sample_dossiers
from tests.actions.support import form_turn, make_tracker, run, slot_values, texts


def _asked(form: str, slot: str, text: str, intent: str, confidence: float = 0.95, **slots: Any) -> Any:
    return form_turn(form, slot, text, intent, confidence, form_started=True, **slots)


# ---------------------------------------------------------------------------------- a name in a list


def test_a_full_name_beside_the_phone_in_a_list_is_the_name() -> None:
    assert name_beside_phone("Ho Thi Lan, 0961 222 333, ap Phu Hoa xa Cai Be") == "Ho Thi Lan"
    text = "gửi kết quả về nhà giúp tôi: Trần Thị Mến, 0907 111 222, số 4 đường Nguyễn Huệ, phường Sa Đéc"
    assert name_beside_phone(text) == "Trần Thị Mến"
    assert name_beside_phone("0912000111, Phan Văn Út") == "Phan Văn Út"
    # a street or a hamlet in the list is no name; nor is a name with no phone beside it
    assert name_beside_phone("số 5, Lê Lợi, phường 1") is None
    assert name_beside_phone("ấp Tân Hòa, 0901234567, xã Mỹ An Hưng") is None


async def test_the_name_of_a_list_given_at_the_address_step_is_kept(domain: dict[str, Any]) -> None:
    text = "Huynh Van Bay, 0918 333 444, ap Tan Hoa xa My An Hung"
    tracker = _asked("postal_form", "postal_address", text, "inform", postal_service_type="delivery")
    events, _ = await run(ValidatePostalForm(), tracker, domain)
    values = slot_values(events)
    assert values["contact_name"] == "Huynh Van Bay"
    assert values["contact_phone"] == "0918333444"
    assert "Xã Mỹ An Hưng" in values["postal_address"]


def test_a_bare_full_name_is_the_contact_name_at_any_step() -> None:
    tracker = _asked("appointment_form", "appointment_purpose", "Lê Văn Tèo", "inform")
    assert contact_name_given("Lê Văn Tèo", tracker) == "Lê Văn Tèo"
    assert read_purpose("Lê Văn Tèo", tracker) is None
    assert read_purpose("làm căn cước cho con", tracker) == "làm căn cước cho con"


async def test_a_bare_name_at_the_purpose_step_is_not_the_purpose(domain: dict[str, Any]) -> None:
    tracker = _asked(
        "appointment_form", "appointment_purpose", "Lê Văn Tèo", "inform", appointment_type="center"
    )
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values.get("appointment_purpose") is None
    assert values["contact_name"] == "Lê Văn Tèo"


# ------------------------------------------------------------------------------------- corrections


def test_the_old_value_after_cho_hong_phai_names_no_field() -> None:
    fields = named_fields(PETITION, "sai tên rồi, Đỗ Văn Thắm chớ hông phải Tám")
    assert [f.slot for f in fields] == ["contact_name"]


async def test_a_name_corrected_in_a_clause_of_its_own(domain: dict[str, Any]) -> None:
    slots = {
        "petition_description": "Xe ben chạy ban đêm bụi mù",
        "petition_location": "tổ 3, khóm 2, Phường Cao Lãnh",
        "contact_phone": "0356789012",
        "contact_name": "Đỗ Văn Tám",
    }
    tracker = make_tracker(
        "sai tên rồi, Đỗ Văn Thắm chớ hông phải Tám",
        intent="correct_info",
        slots=slots,
        previous_events=[{"event": "active_loop", "name": "petition_form"}],
    )
    events, _ = await run(ActionCorrectRequest(), tracker, domain)
    values = slot_values(events)
    assert values["contact_name"] == "Đỗ Văn Thắm"
    assert "petition_location" not in values
    # the same correction in the middle of the form, while it asks for something else
    filled = {**slots, "petition_location": None}
    tracker = _asked(
        "petition_form", "petition_location", "ghi nhầm tên, Đỗ Văn Thắm mới đúng", "correct_info", **filled
    )
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    assert slot_values(events)["contact_name"] == "Đỗ Văn Thắm"


# ------------------------------------------------------------------------------------------ leaving


async def test_taking_leave_in_the_middle_of_a_form_stops_it(domain: dict[str, Any]) -> None:
    text = "thôi để bữa nào tui lên xã nói trực tiếp"
    tracker = _asked("postal_form", "postal_address", text, "goodbye", 0.8, postal_service_type="pickup")
    events, _ = await run(ValidatePostalForm(), tracker, domain)
    assert slot_values(events)[OUTCOME_SLOT] == "cancelled"


# ------------------------------------------------------------------------------------ postal service


async def test_the_postal_service_is_said_when_its_request_starts(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "gửi về nhà qua bưu điện được hông",
        intent="request_postal_service",
        slots={"postal_service_type": "gửi về nhà qua bưu điện được hông", "requested_slot": None},
        slot_events=[
            # Rasa's validation at activation sees the activation after the message
            {"event": "active_loop", "name": "postal_form"},
            {"event": "slot", "name": "postal_service_type", "value": "gửi về nhà qua bưu điện được hông"},
        ],
    )
    _, messages = await run(ValidatePostalForm(), tracker, domain)
    assert SERVICE_INFO in texts(messages)
    # once the form runs, not again
    tracker = make_tracker(
        "ấp 4 xã Mỹ An Hưng",
        intent="inform",
        slots={"postal_service_type": "pickup", "requested_slot": "postal_address"},
        active_loop="postal_form",
        previous_events=[{"event": "active_loop", "name": "postal_form"}],
    )
    _, messages = await run(ValidatePostalForm(), tracker, domain)
    assert SERVICE_INFO not in texts(messages)


async def test_a_question_about_the_postal_service_mid_form_is_answered(domain: dict[str, Any]) -> None:
    text = "vậy bưu điện tới lấy có tính tiền hông"
    tracker = _asked(
        "postal_form", "postal_address", text, "request_postal_service", 0.99, postal_service_type="pickup"
    )
    events, messages = await run(ValidatePostalForm(), tracker, domain)
    said = texts(messages)
    assert "Cước dịch vụ" in said and "45/2016/QĐ-TTg" in said
    assert "tiếp tục" in said  # the form resumes
    values = slot_values(events)
    assert values["postal_address"] is None and not values.get("form_failures")


async def test_a_dossier_collected_at_the_counter_may_come_by_post(domain: dict[str, Any]) -> None:
    samples = sample_dossiers(date.today())
    default_service().upsert(samples, source="sample")
    counter = next(
        s
        for s in samples
        if s.delivery_method == "counter"
        and knowledge.lookup_dossier(s.code, s.applicant_phone[-4:], "c").status in ("received", "processing")
    )
    slots = {"last_dossier_code": counter.code, "known_phone_last4": counter.applicant_phone[-4:]}
    tracker = make_tracker(
        "có kết quả rồi thì gửi bưu điện về nhà được hông", intent="request_postal_service", slots=slots
    )
    events, messages = await run(ActionDossierDelivery(), tracker, domain)
    assert "bưu chính công ích" in texts(messages)
    assert any(m.get("buttons") for m in messages)
    assert slot_values(events)["suggested_intent"] == "request_postal_service"


# ------------------------------------------------------------------------------ changing the request


def test_a_switch_keeps_the_contact_and_the_place_of_the_citizen() -> None:
    slots = {
        "postal_address": "số 3, Phường Cao Lãnh",
        "contact_phone": "0901000222",
        "contact_name": "Lý Văn Chín",
    }
    tracker = _asked("postal_form", "postal_address", "thôi đặt lịch hẹn đi", "book_appointment", **slots)
    kept = {slot: event["value"] for slot, event in carried_over(tracker, "appointment_form").items()}
    assert kept == {
        "contact_phone": "0901000222",
        "contact_name": "Lý Văn Chín",
        "postal_address": None,
        "appointment_location": "số 3, Phường Cao Lãnh",
    }
    # a petition's place is where something happened: not carried to the citizen's requests
    petition = _asked(
        "petition_form", "contact_phone", "x", "book_appointment", petition_location="Xã Mỹ Thọ"
    )
    assert "appointment_location" not in carried_over(petition, "appointment_form")


def test_an_appointment_commune_alone_is_no_postal_address() -> None:
    """The postman needs a house, hamlet or street: a bare commune is asked for again, one with its detail
    is kept."""
    bare = _asked(
        "appointment_form",
        "contact_phone",
        "cho bưu điện gửi về nhà",
        "request_postal_service",
        appointment_location="Phường Cao Lãnh",
    )
    assert "postal_address" not in carried_over(bare, "postal_form")
    detailed = _asked(
        "appointment_form",
        "contact_phone",
        "cho bưu điện gửi về nhà",
        "request_postal_service",
        appointment_location="ấp 3, Xã Mỹ Hiệp",
    )
    assert carried_over(detailed, "postal_form")["postal_address"]["value"] == "ấp 3, Xã Mỹ Hiệp"


# -------------------------------------------------------------------------- the appointment's purpose


async def test_what_for_given_at_the_where_step_is_the_purpose_at_the_centre(domain: dict[str, Any]) -> None:
    tracker = _asked("appointment_form", "appointment_type", "làm căn cước cho con", "ask_procedure", 0.98)
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    values = slot_values(events)
    assert values["appointment_type"] == "center"
    assert values["appointment_purpose"] == "làm căn cước cho con"
    # a question is answered instead (the side-question rule), and home words still say where
    question = _asked("appointment_form", "appointment_type", "làm căn cước cần gì", "ask_procedure", 0.98)
    assert purpose_for_type(question) is None
    home = _asked(
        "appointment_form", "appointment_type", "cán bộ đến nhà làm căn cước cho ông", "book_appointment"
    )
    assert purpose_for_type(home) is None


async def test_a_place_read_as_a_farewell_is_no_leave_taken(domain: dict[str, Any]) -> None:
    tracker = _asked(
        "postal_form",
        "postal_address",
        "Xã Hội Cư",
        "goodbye",
        0.55,
        postal_service_type="pickup",
    )
    tracker.latest_message["entities"] = [{"entity": "location", "value": "Xã Hội Cư"}]
    events, _ = await run(ValidatePostalForm(), tracker, domain)
    values = slot_values(events)
    assert values.get(OUTCOME_SLOT) != "cancelled"
    assert values["postal_address"] == "Xã Hội Cư"


async def test_leave_taken_at_the_summary_cancels_unless_it_gives_a_value(domain: dict[str, Any]) -> None:
    slots = {
        "petition_description": "Nước thải đổ ra mương hôi thối",
        "petition_location": "khóm 1, Phường An Bình",
        "contact_phone": "0868000111",
        "contact_name": "Đặng Văn Ba",
    }
    previous = [{"event": "active_loop", "name": "petition_form"}]
    tracker = make_tracker(
        "thôi khỏi, mai tui ra phường nói luôn", intent="goodbye", slots=slots, previous_events=previous
    )
    events, messages = await run(ActionCancelRequest(), tracker, domain)
    assert "đã hủy phản ánh" in texts(messages) and "chưa có gì được gửi" in texts(messages)
    place = make_tracker(
        "Xã Hội Cư",
        intent="goodbye",
        entities=[{"entity": "location", "value": "Xã Hội Cư"}],
        slots=slots,
        previous_events=previous,
    )
    events, _ = await run(ActionCancelRequest(), place, domain)
    assert {"event": "followup", "name": "action_correct_request", "timestamp": None} in events


async def test_the_service_named_again_at_the_address_step_is_no_address(domain: dict[str, Any]) -> None:
    tracker = _asked(
        "postal_form",
        "postal_address",
        "nhận hồ sơ tại nhà",
        "request_postal_service",
        0.99,
        postal_service_type="pickup",
    )
    events, messages = await run(ValidatePostalForm(), tracker, domain)
    assert SERVICE_INFO not in texts(messages) and "xã/phường" in texts(messages)
    assert slot_values(events)["postal_address"] is None
