"""Issue 11 (dev8/dev9 round): a bare name at the contact step whatever the NLU read it as, a question that
names a day answered instead of taken for the time, a long change of mind to another form, corrections at
the summary in natural words (a hamlet alone, a name "chớ hổng phải", a time in the first clause), the unit
named in the answer to "which one?", a dossier lookup in the middle of a request that resumes it, the
purpose of an appointment from the talk, and what to do with a returned dossier."""

from __future__ import annotations

from datetime import date
from typing import Any

from actions.appointment import ValidateAppointmentForm, talk_procedure
from actions.common import RESUME_SLOT
from actions.confirmation import ActionCorrectRequest
from actions.dossier import ActionLookupDossier, next_step_answer
from actions.forms import choose_candidate, is_plain_name
from actions.petition import ValidatePetitionForm, asks_how_to
from actions.postal import ValidatePostalForm
from actions.requests import correction_clauses
from actions.values import with_detail
from knowledge import facade as knowledge
from knowledge.dossiers import default_service
from knowledge.sample_dossiers import sample_dossiers
from tests.actions.support import form_turn, make_tracker, run, slot_values, texts

PETITION = {
    "petition_description": "Cầu khỉ bắc qua kênh bị gãy mấy nhịp",
    "petition_location": "ấp 3, Xã Tân Thuận Bình",
    "contact_phone": "0935000111",
    "contact_name": "Lê Thị Bé Bảy",
}
APPOINTMENT = {
    "appointment_type": "center",
    "appointment_purpose": "Đăng ký khai tử",
    "appointment_location": "Xã Tân Phước 1",
    "appointment_time": "sáng thứ 2 tuần sau",
    "contact_phone": "0357000111",
}


_asked = form_turn


# ----------------------------------------------------------------------------------- the contact step


def test_a_plain_name_is_a_full_name_led_by_a_family_name() -> None:
    assert is_plain_name("vo thi kieu")
    assert is_plain_name("Phan Thị Lụa")
    assert is_plain_name("Lam Quoc Bao")
    assert not is_plain_name("Khai Sinh Cho Con")
    assert not is_plain_name("làm căn cước cần gì")
    assert not is_plain_name("lam cccd o dau")


async def test_a_bare_name_read_as_a_question_at_the_contact_step_is_the_name(domain: dict[str, Any]) -> None:
    filled = {"petition_description": PETITION["petition_description"], "petition_location": "Xã Mỹ Đức Tây"}
    tracker = _asked("petition_form", "contact_phone", "vo thi kieu", "ask_procedure", 0.97, **filled)
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    assert slot_values(events)["contact_name"] == "Vo Thi Kieu"
    assert "contact_phone" not in slot_values(events) or slot_values(events)["contact_phone"] is None


async def test_a_question_naming_a_day_at_the_time_step_is_not_the_time(domain: dict[str, Any]) -> None:
    filled = {k: APPOINTMENT[k] for k in ("appointment_type", "appointment_purpose", "appointment_location")}
    text = "mà bên đó làm việc mấy giờ, thứ 7 có làm không"
    tracker = _asked("appointment_form", "appointment_time", text, "ask_contact_info", 0.94, **filled)
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    assert slot_values(events).get("appointment_time") is None
    # a procedure named at the purpose step is the purpose, a place at the place step the place, whatever
    # side question the NLU read
    purpose = "làm giấy xác nhận tình trạng hôn nhân"
    tracker = _asked(
        "appointment_form", "appointment_purpose", purpose, "ask_procedure", 0.99, appointment_type="center"
    )
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    assert slot_values(events)["appointment_purpose"] == purpose
    tracker = _asked(
        "appointment_form", "appointment_location", "xã Chợ Gạo", "ask_contact_info", 0.95, **filled
    )
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    assert slot_values(events)["appointment_location"] == "Xã Chợ Gạo"
    # the same day given as an answer is the time
    tracker = _asked(
        "appointment_form", "appointment_time", "vay 8h sang thu 6 tuan sau", "inform", 0.9, **filled
    )
    events, _ = await run(ValidateAppointmentForm(), tracker, domain)
    assert slot_values(events)["appointment_time"]


async def test_a_long_change_of_mind_to_an_appointment_ends_the_postal_request(
    domain: dict[str, Any],
) -> None:
    text = "à thôi khỏi gửi bưu điện, đặt lịch hẹn cho tui lên xã Mỹ An Hưng nộp trực tiếp luôn"
    tracker = _asked(
        "postal_form", "postal_address", text, "book_appointment", 0.7, postal_service_type="pickup"
    )
    events, _ = await run(ValidatePostalForm(), tracker, domain)
    assert slot_values(events)["form_outcome"] == "switch:appointment_form"
    # a short address is an answer, whatever the NLU read
    tracker = _asked(
        "postal_form",
        "postal_address",
        "ấp 4 xã Mỹ An Hưng",
        "book_appointment",
        0.7,
        postal_service_type="pickup",
    )
    events, _ = await run(ValidatePostalForm(), tracker, domain)
    assert slot_values(events)["postal_address"] == "ấp 4, Xã Mỹ An Hưng"


# ------------------------------------------------------------------------------- corrections at the summary


def _at_summary(form: str, text: str, slots: dict[str, Any], intent: str = "correct_info") -> Any:
    return make_tracker(
        text, intent=intent, slots=slots, previous_events=[{"event": "active_loop", "name": form}]
    )


def test_a_hamlet_or_alley_alone_replaces_the_one_recorded_and_keeps_the_unit() -> None:
    assert with_detail("ấp 3, Xã Tân Thuận Bình", "ấp 5") == "ấp 5, Xã Tân Thuận Bình"
    assert (
        with_detail("hem 9, duong Hung Vuong, Phường Cao Lãnh", "hem 11")
        == "hem 11, duong Hung Vuong, Phường Cao Lãnh"
    )
    assert with_detail("ấp Bình Hòa, Xã Lấp Vò", "tổ 5") == "tổ 5, ấp Bình Hòa, Xã Lấp Vò"
    assert with_detail("không rõ", "ấp 5") is None


def test_the_value_of_a_correction_is_looked_for_clause_by_clause() -> None:
    clauses = correction_clauses("đổi qua chiều thứ 3 giùm tui, sáng thứ 2 bận rồi")
    assert clauses[0] == "chiều thứ 3 giùm tui"
    assert "Lê Thị Bé Ba" in correction_clauses(
        "ghi lộn tên rồi con, tên tui là Lê Thị Bé Ba chớ hổng phải Bé Bảy"
    )
    assert all(
        "hem 9" not in c for c in correction_clauses("ghi sai cho roi, hem 11 moi dung, ko phai hem 9")
    )


async def test_a_hamlet_corrected_alone_keeps_the_commune(domain: dict[str, Any]) -> None:
    tracker = _at_summary("petition_form", "ấp 5 chứ hổng phải ấp 3 nha", PETITION)
    events, _ = await run(ActionCorrectRequest(), tracker, domain)
    assert slot_values(events)["petition_location"] == "ấp 5, Xã Tân Thuận Bình"
    assert {"event": "followup", "name": "action_summarize_request", "timestamp": None} in events
    no_marks = {**PETITION, "petition_location": "hem 9, Phường Cao Lãnh"}
    tracker = _at_summary("petition_form", "ghi sai cho roi, hem 11 moi dung, ko phai hem 9", no_marks)
    events, _ = await run(ActionCorrectRequest(), tracker, domain)
    assert slot_values(events)["petition_location"] == "hem 11, Phường Cao Lãnh"


async def test_a_name_corrected_with_cho_hong_phai_is_the_name_not_a_place(domain: dict[str, Any]) -> None:
    text = "ghi lộn tên rồi con, tên tui là Lê Thị Bé Ba chớ hổng phải Bé Bảy"
    events, _ = await run(
        ActionCorrectRequest(), _at_summary("petition_form", text, PETITION, "inform"), domain
    )
    assert slot_values(events)["contact_name"] == "Lê Thị Bé Ba"


async def test_a_time_changed_in_natural_words_takes_the_new_one(domain: dict[str, Any]) -> None:
    text = "đổi qua chiều thứ 3 giùm tui, sáng thứ 2 bận rồi"
    events, _ = await run(ActionCorrectRequest(), _at_summary("appointment_form", text, APPOINTMENT), domain)
    assert slot_values(events)["appointment_time"] == "chiều thứ 3 tuần sau"  # the week said before


# ------------------------------------------------------------------------------------------------- places


def test_a_unit_named_in_the_answer_wins_over_the_ambiguous_name_repeated() -> None:
    candidates = ["Xã Phú Hựu", "Xã Tân Hương", "Xã Châu Thành", "Xã Long Hưng", "Xã Long Định"]
    assert choose_candidate("Châu Thành bên Tiền Giang cũ, giờ là xã Long Hưng", candidates) == "Xã Long Hưng"
    shared = ["Xã Tân Phú", "Xã Thanh Bình", "Xã Tân Phú Trung", "Xã Tân Thới"]
    assert choose_candidate("Tân Phú thuộc huyện Châu Thành cũ đó", shared) == "Xã Tân Phú Trung"


def test_o_dau_before_a_hamlet_or_alley_is_a_place_not_where() -> None:
    assert not asks_how_to("cay cot dien o dau khom 4 phuong My Tra nghieng qua duong roi")
    assert asks_how_to("xin giay phep xay dung o dau")


# ------------------------------------------------------------------------------------ the talk's context


def test_an_appointment_without_a_purpose_is_for_the_procedure_of_the_talk() -> None:
    previous = [
        {
            "event": "user",
            "text": "đăng ký hộ kinh doanh cần giấy tờ gì",
            "parse_data": {"entities": [{"entity": "procedure", "value": "Đăng ký thành lập hộ kinh doanh"}]},
        },
        {"event": "action", "name": "action_answer_procedure"},
        {"event": "user", "text": "mấy ngày thì có", "parse_data": {"entities": []}},
        {"event": "action", "name": "action_answer_procedure"},
    ]
    tracker = make_tracker("vậy đặt lịch hẹn nộp hồ sơ 8 giờ sáng thứ Hai", previous_events=previous)
    assert talk_procedure(tracker) == "Đăng ký thành lập hộ kinh doanh"
    assert talk_procedure(make_tracker("đặt lịch hẹn 8 giờ sáng thứ Hai")) is None


async def test_a_lookup_in_the_middle_of_a_petition_resumes_it(domain: dict[str, Any]) -> None:
    samples = sample_dossiers(date.today())
    default_service().upsert(samples, source="sample")
    sample = samples[0]
    filled = {k: PETITION[k] for k in ("petition_description", "petition_location")}
    text = f"mà khoan, hồ sơ {sample.code} của tui, sđt đuôi {sample.applicant_phone[-4:]}, tới đâu rồi"
    tracker = _asked("petition_form", "contact_phone", text, "check_dossier_status", 0.99, **filled)
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    values = slot_values(events)
    assert values["form_outcome"] == "dossier_lookup" and values[RESUME_SLOT] == "petition_form"
    slots = {
        **filled,
        "dossier_code": sample.code,
        "phone_last4": sample.applicant_phone[-4:],
        RESUME_SLOT: "petition_form",
    }
    events, messages = await run(
        ActionLookupDossier(), make_tracker(text, slots=slots, sender_id="r-1"), domain
    )
    assert {"event": "followup", "name": "petition_form", "timestamp": None} in events
    assert "petition_description" not in slot_values(events)  # the petition's answers are kept
    assert "tiếp tục phần gửi phản ánh" in texts(messages)


async def test_what_to_do_with_a_returned_dossier_right_after_its_status(domain: dict[str, Any]) -> None:
    samples = sample_dossiers(date.today())
    default_service().upsert(samples, source="sample")
    returned = next(
        s
        for s in samples
        if knowledge.lookup_dossier(s.code, s.applicant_phone[-4:], f"ret-{s.code}").status == "returned"
    )
    previous = [
        {"event": "user", "text": returned.code},
        {"event": "action", "name": "action_lookup_dossier"},
        {"event": "action", "name": "action_listen"},
    ]
    slots = {"last_dossier_code": returned.code, "known_phone_last4": returned.applicant_phone[-4:]}
    tracker = make_tracker("Vậy giờ tôi phải làm lại hồ sơ từ đầu hả?", slots=slots, previous_events=previous)
    answer = next_step_answer(tracker)
    assert answer is not None and "nộp lại" in answer and returned.code in answer
    assert next_step_answer(make_tracker("Vậy giờ tôi phải làm lại hồ sơ từ đầu hả?", slots=slots)) is None
