"""Appointments at the commune/ward public administration service centre, or an officer visiting.

appointment_form asks where (centre or home visit), what for, the commune/ward (with hamlet or street),
a day and time (a real time expression, not any text) and a contact phone; the citizen confirms a summary
(actions/confirmation.py) and the request is filed with
``ticketing.citizen_desk.submit_ticket(kind="appointment", ...)``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    ASSUMED_SLOT,
    REQUESTED_SLOT,
    entity_values,
    latest_intent,
    latest_text,
    named_lately,
    previous_action,
    reset,
)
from actions.forms import (
    AnswerValidation,
    AskLocation,
    LocationSlotMixin,
    Reader,
    is_plain_name,
    is_side_question,
    location_reader,
    sends_now,
    volunteered_location,
)
from actions.petition import asks_how_to, contact_name_given, read_phone, without_phone
from actions.procedures import named_procedure
from actions.requests import CONTACT_NAME, LOCATION_WORDS, Field, RequestKind, contact_name_line, file_ticket
from actions.values import find_time, merge_time, read_location, read_name
from knowledge import facade as knowledge
from vietnam.codes import find_codes
from vietnam.places import find_places
from vietnam.text import fold, normalize_text

logger = logging.getLogger(__name__)

APPOINTMENT_SLOTS = (
    "appointment_type",
    "appointment_purpose",
    "appointment_location",
    "appointment_time",
    "contact_phone",
    "contact_name",
)
CENTER = "center"
# The commune of a centre appointment, when the citizen twice answered something else: asked on the call-back.
NOT_GIVEN = ""
HOME_VISIT = "home_visit"
LABELS = {
    CENTER: "làm việc tại Trung tâm Phục vụ hành chính công",
    HOME_VISIT: "cán bộ đến tận nhà hỗ trợ",
}
_HOME = (
    "den nha",
    "tai nha",
    "tan nha",
    "toi nha",
    "ve nha",
    "tai gia",
    "tan noi",
    "can bo den",
    "can bo xuong",
    # cannot travel: an officer comes
    "khong di duoc",
    "khong di lai duoc",
    "di khong duoc",
    "di khong noi",
    "nam mot cho",
    "bi liet",
)
# An office named, or going there to file ("lên nộp", "tới nộp"): an appointment at the centre.
_CENTER = (
    "trung tam",
    "mot cua",
    "hanh chinh cong",
    "tru so",
    "uy ban",
    "ubnd",
    "cong an",
    "len xa",
    "len phuong",
    "len nop",
    "den nop",
    "toi nop",
    # filing a dossier, in person: at the centre
    "nop ho so",
    "nop truc tiep",
)

# A procedure to be done at a commune or ward ("làm thủ tục chứng thực ở phường Cao Lãnh", "nộp hồ sơ tại
# xã Mỹ Hiệp", "đăng ký thường trú ở Vàm Láng"): the citizen goes there, an appointment at its centre. The
# place is a unit's kind or a place of the directory right after "ở"/"tại" (group "at").
_AT_OFFICE = re.compile(
    r"\b(?:lam|nop|thu tuc|chung thuc|dang ky|ho so)\b[^,.;]*?\b(\w+)\s+(?:o|tai)\s+"
    r"(?P<at>(?:xa|phuong|thi tran)\b)?"
)
# "cho mẹ ở xã An Bình", "nhà tui ở phường 1": where someone lives, not where the procedure is done.
_LIVES = frozenset(
    ("me", "ba", "cha", "bo", "ong", "vo", "chong", "con", "nha", "tui", "toi", "minh", "em", "anh", "chi")
)

# Folded phrases that say nothing of what an appointment is for: the booking, going there, the office, who,
# politeness. What a message says besides them, its places, its codes and its time is what it is for.
_FILLER = (
    "dat lich hen|dat lich|dat hen|hen lich|lich hen|hen|len|ra|toi|den|xuong|qua|ghe|di|o|tai|cua|"
    "uy ban|ubnd|nhan dan|trung tam|phuc vu|hanh chinh cong|mot cua|bo phan|xa|phuong|thi tran|huyen|"
    "tinh|tp|thanh pho|"
    "muon|can|cho|duoc|dc|ko|khong|k|hong|hok|em|e|chi|anh|tui|minh|con|chu|bac|co|ong|ba|a|ah|nha|nhe|nhen|"
    "nghen|voi|vay|z|gium|giup|thoi|luon|de|sang|chieu|trua|hom nay|mai|tuan sau|xin|can bo"
)
# Doing phrases a purpose given unasked starts with ("..., lên xã nộp hồ sơ đất"), and the phrases too vague
# to say what for without more ("nộp trực tiếp", "làm giấy tờ").
_DOING = (
    "nop|lam|dang ky|xin|cap|doi|chung thuc|cong chung|sang ten|giai quyet|hoi|ky|khai|trich luc|tach|"
    "gia han|bo sung|nhan"
)
_VAGUE = "nop|lam|ho so|giay to|thu tuc|truc tiep|viec|gi"


def _marks(folded: list[str], phrases: str) -> list[bool]:
    """Which of the folded words belong to one of the ``|``-separated phrases (longest first)."""
    options = sorted((p.split() for p in phrases.split("|")), key=len, reverse=True)
    marked = [False] * len(folded)
    i = 0
    while i < len(folded):
        size = next((len(o) for o in options if folded[i : i + len(o)] == o), 0)
        marked[i : i + size] = [True] * size
        i += max(size, 1)
    return marked


UNKNOWN_PLACE = "(chưa rõ xã/phường; cán bộ sẽ hỏi khi gọi lại xác nhận lịch)"
BAD_TYPE_MESSAGE = "Dạ, em chưa rõ anh/chị muốn đến Trung tâm hay cần cán bộ đến nhà ạ."
BAD_PURPOSE_MESSAGE = (
    "Dạ, anh/chị cho em biết cần làm thủ tục hay việc gì (ví dụ: đăng ký khai sinh cho con) ạ."
)
BAD_TIME_MESSAGE = "Dạ, anh/chị cho em xin ngày giờ muốn hẹn (ví dụ: sáng thứ Hai, 9 giờ ngày 15/12) ạ."
FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hệ thống tạm thời chưa ghi nhận được lịch hẹn. Anh/chị vui lòng thử lại sau "
    'hoặc nhắn "gặp tổng đài viên" ạ.'
)


def appointment_type(text: str) -> str | None:
    folded = fold(normalize_text(text))
    if any(p in folded for p in _HOME):
        return HOME_VISIT
    if any(p in folded for p in _CENTER):
        return CENTER
    places = None
    for at_office in _AT_OFFICE.finditer(folded):
        if at_office.group(1) in _LIVES:
            continue
        if at_office.group("at"):
            return CENTER
        places = find_places(normalize_text(text)) if places is None else places
        if any(match.start == at_office.end() for match in places):
            return CENTER
    return None


def read_appointment_type(text: str, tracker: Tracker | None = None) -> str | None:
    return text if text in LABELS else appointment_type(text)


def _besides(text: str) -> str:
    """``text`` without its places, codes (phone numbers) and day and time."""
    spans = [(m.start, m.end) for m in find_places(text)] + [(c.start, c.end) for c in find_codes(text)]
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    if when := find_time(text):
        text = text.replace(when, " ")
    return text


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def read_purpose(text: str, tracker: Tracker) -> str | None:
    """What the appointment is for: a few words that are not a stop or a request for a person, nor only a
    place, a day and time or who to call ("UBND xã Mỹ Hòa, Tháp Mười" answers where)."""
    if (
        len(re.findall(r"\w", text)) < 3
        or text.startswith("/")
        or latest_intent(tracker) in ("cancel", "request_human")
    ):
        return None
    rest = without_phone(text)
    if not rest or (rest != text and read_name(rest) is not None) or is_plain_name(rest):
        return None  # "Tô Văn Đức 0976543210", "Lê Văn Tèo": who to call, not what for
    if all(_marks([fold(word) for word in _words(_besides(text))], _FILLER)):
        return None
    return text


def talk_procedure(tracker: Tracker) -> str | None:
    """The procedure the talk is about when an appointment is asked for without saying what for ("vậy đặt
    giúp tôi lịch hẹn nộp hồ sơ ..." right after its answer, or after giving up its postal request): the
    one named in one of the citizen's last messages, else the one just answered."""
    named = named_lately(tracker)
    if named:
        return named
    code = tracker.get_slot("current_procedure")
    if code and previous_action(tracker) == "action_answer_procedure":
        view = knowledge.get_procedure(str(code))
        return view.name if view is not None else None
    return None


def volunteered_purpose(text: str, tracker: Tracker) -> str | None:
    """What a message says the appointment is for unasked: the procedure the NLU read in it ("..., để nộp
    hồ sơ đăng ký kết hôn"), or the words from a doing word on ("đặt lịch hẹn lên xã nộp hồ sơ đất, sáng
    thứ 5" -> "nộp hồ sơ đất"), when they say more than going there ("nộp trực tiếp")."""
    if named := next(iter(entity_values(tracker, "procedure")), None):
        return named
    if text in LABELS or text.startswith("/"):
        return None
    for clause in re.split(r"[,;.!?]", _besides(text)):  # "..., tên Châu Văn Hiền": another clause
        words = _words(clause)
        folded = [fold(word) for word in words]
        filler, doing = _marks(folded, _FILLER), _marks(folded, _DOING)
        start = next((i for i, mark in enumerate(doing) if mark), None)
        if start is None:
            continue
        end = max((i + 1 for i, mark in enumerate(filler) if not mark), default=0)
        if end <= start or all(_marks(folded[start:end], _VAGUE + "|" + _FILLER)):
            continue
        purpose = " ".join(words[start:end])
        # "Phan Thị Kim": who to call ("Lâm" is a family name too: "làm căn cước" is no name)
        if not (all(word[0].isupper() for word in words[start:end]) and read_name(purpose) is not None):
            return purpose
    if tracker.get_slot(REQUESTED_SLOT) is None:  # the message that books says nothing of what for
        return talk_procedure(tracker)
    return None


def purpose_for_type(tracker: Tracker) -> str | None:
    """What for, when the answer to "at the centre or at home?" says that instead and is no question
    ("làm căn cước cho con", not "làm căn cước cần gì"): the whole answer; None otherwise."""
    text = normalize_text(latest_text(tracker))
    if (
        tracker.get_slot(REQUESTED_SLOT) != "appointment_type"
        or tracker.get_slot("appointment_purpose") is not None
        or appointment_type(text) is not None
        or asks_how_to(text)
        or "?" in text
        or volunteered_purpose(text, tracker) is None
    ):
        return None
    return read_purpose(text, tracker)


def place_for_type(tracker: Tracker) -> bool:
    """Whether the latest message, at the question centre or home, names a place of the directory and no
    kind of appointment ("ấp 3 xã Mỹ Long"): an answer to the place's question, given first."""
    text = latest_text(tracker)
    return (
        tracker.get_slot(REQUESTED_SLOT) == "appointment_type"
        and tracker.get_slot("appointment_type") is None
        and tracker.get_slot("appointment_location") is None
        and appointment_type(text) is None
        and not is_side_question(tracker)
        and read_location(text) is not None
    )


def read_appointment_time(text: str, tracker: Tracker | None = None) -> str | None:
    return find_time(text)


def corrected_time(text: str, tracker: Tracker) -> str | None:
    """The day and time a correction gives ("dời qua 2 giờ chiều giùm"): an hour alone keeps the day given
    before, a day alone keeps the hour (``merge_time``)."""
    when = find_time(text)
    return merge_time(tracker.get_slot("appointment_time"), when) if when else None


class ValidateAppointmentForm(AnswerValidation, LocationSlotMixin):
    QUESTION_WORDS_SLOTS = ("appointment_time",)  # "thứ 7 có làm không" asks about office hours

    def name(self) -> str:
        return "validate_appointment_form"

    def readers(self) -> dict[str, Reader]:
        return {
            "appointment_type": read_appointment_type,
            "appointment_purpose": read_purpose,
            "appointment_location": location_reader,
            "appointment_time": read_appointment_time,
            "contact_phone": read_phone,
        }

    def request_kind(self) -> RequestKind:
        return APPOINTMENT

    def fallbacks(self, tracker: Tracker) -> dict[str, Any]:
        common: dict[str, Any] = {"appointment_type": CENTER}  # the common case: the citizen goes there
        if tracker.get_slot("appointment_type") != HOME_VISIT:
            # the centre of the citizen's commune: the officer who calls back to confirm asks which one
            common["appointment_location"] = NOT_GIVEN
        return common

    def volunteers(self) -> dict[str, Reader]:
        return {
            "appointment_type": lambda text, tracker: appointment_type(text),
            "appointment_purpose": volunteered_purpose,
            "appointment_location": volunteered_location,
            "appointment_time": read_appointment_time,
            "contact_phone": read_phone,
            "contact_name": contact_name_given,
        }

    def optional_slots(self) -> tuple[str, ...]:
        return ("contact_name",)

    def extract_answer(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        """At the step that asks where ("Tại Trung tâm | Cán bộ đến nhà"), an answer that says what for
        instead ("làm căn cước cho con") is the purpose, and the appointment is at the centre, where
        procedures are done (the common case, said in the summary)."""
        if slot in ("appointment_type", "appointment_purpose") and (purpose := purpose_for_type(tracker)):
            return {slot: CENTER if slot == "appointment_type" else purpose}
        if slot == "appointment_type" and place_for_type(tracker):
            # "ấp 3 xã Mỹ Long": where, not which kind; the place is kept for its question (extract of the
            # location) and the appointment takes the common case, said in the summary where it can change
            return {slot: CENTER}
        return super().extract_answer(slot, tracker)

    def validate_appointment_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value in LABELS:
            if self.is_prefill(tracker, "appointment_type") or appointment_type(latest_text(tracker)):
                return self.accept("appointment_type", value)
            return self.assume("appointment_type", value, tracker)  # the common case (missed)
        if cancel := self.cancel_if_asked(tracker, "appointment_type"):
            return cancel
        kind = appointment_type(str(value or ""))
        if kind:
            return self.accept("appointment_type", kind)
        if not self.is_prefill(tracker, "appointment_type") and (
            common := self.missed("appointment_type", tracker)
        ):
            return self.assume("appointment_type", common["appointment_type"], tracker)
        return self.reject(dispatcher, tracker, "appointment_type", BAD_TYPE_MESSAGE)

    def validate_appointment_purpose(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if cancel := self.cancel_if_asked(tracker, "appointment_purpose"):
            return cancel
        text = normalize_text(str(value or ""))
        if read_purpose(text, tracker) is not None:
            # the procedure it is for is the topic of the talk: "vậy nộp trực tiếp ở đâu" after a cancel
            topic = {"current_procedure": code} if (code := named_procedure(text)) else {}
            return {**self.accept("appointment_purpose", text), **topic}
        return self.reject(dispatcher, tracker, "appointment_purpose", BAD_PURPOSE_MESSAGE)

    def validate_appointment_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value == NOT_GIVEN and (
            not self.is_prefill(tracker, "appointment_location") or sends_now(tracker)
        ):
            return self.assume("appointment_location", NOT_GIVEN, tracker)  # the common case (missed)
        return self.check_location("appointment_location", value, dispatcher, tracker)

    def validate_appointment_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if cancel := self.cancel_if_asked(tracker, "appointment_time"):
            return cancel
        when = find_time(normalize_text(str(value or "")))
        if when:
            return self.accept("appointment_time", when)
        return self.reject(dispatcher, tracker, "appointment_time", BAD_TIME_MESSAGE)

    def validate_contact_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_phone("contact_phone", value, dispatcher, tracker)


class ActionAskAppointmentLocation(AskLocation):
    slot = "appointment_location"


def _appointment_lines(tracker: Tracker) -> list[str]:
    kind = tracker.get_slot("appointment_type")
    label = LABELS.get(kind, kind)
    if kind == CENTER and "appointment_type" in (tracker.get_slot(ASSUMED_SLOT) or []):
        label += (
            ' (em tạm ghi theo trường hợp thường gặp; nếu cần cán bộ đến nhà, anh/chị nhắn "cán bộ đến nhà")'
        )
    return [
        f"Hình thức: {label}",
        f"Nội dung cần làm: {tracker.get_slot('appointment_purpose')}",
        f"Địa điểm: {tracker.get_slot('appointment_location') or UNKNOWN_PLACE}",
        f"Thời gian mong muốn: {tracker.get_slot('appointment_time')}",
        f"Số điện thoại liên hệ: {tracker.get_slot('contact_phone')}",
        contact_name_line(tracker),
    ]


def _submit_appointment(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    kind = tracker.get_slot("appointment_type")
    purpose = tracker.get_slot("appointment_purpose")
    when = tracker.get_slot("appointment_time")
    receipt = file_ticket(
        dispatcher,
        tracker,
        FAILED_MESSAGE,
        kind="appointment",
        description=f"Đặt lịch hẹn ({LABELS.get(kind, kind)}): {purpose}. Thời gian mong muốn: {when}.",
        location_text=tracker.get_slot("appointment_location") or None,
        phone=tracker.get_slot("contact_phone"),
        name=tracker.get_slot("contact_name") or None,
        details={"type": kind, "purpose": purpose, "preferred_time": when},
    )
    if receipt is None:
        return []
    dispatcher.utter_message(
        text=(
            f"Dạ, em đã ghi nhận yêu cầu đặt lịch ({LABELS.get(kind, kind)}) với mã {receipt.code}"
            + (f", chuyển tới {receipt.agency_name}" if receipt.agency_name else "")
            + ". Cán bộ sẽ gọi lại theo số điện thoại anh/chị cung cấp để xác nhận thời gian ạ."
        )
    )
    return [*reset(*APPOINTMENT_SLOTS), SlotSet("last_ticket_code", receipt.code)]


APPOINTMENT = RequestKind(
    name="appointment",
    form="appointment_form",
    title="lịch hẹn",
    fields=(
        Field(
            "appointment_type",
            "Hình thức",
            ("hinh thuc", "den nha", "tai nha", "trung tam"),
            lambda text, tracker: appointment_type(text),
            by_value=True,
        ),
        Field(
            "appointment_purpose",
            "Nội dung cần làm",
            ("noi dung", "viec can lam", "thu tuc", "muc dich"),
            read_purpose,
            free_text=True,
        ),
        Field(
            "appointment_location",
            "Địa điểm",
            LOCATION_WORDS,
            location=True,
        ),
        Field(
            "appointment_time",
            "Thời gian",
            ("thoi gian", "gio", "ngay", "lich", "buoi"),
            lambda text, tracker: corrected_time(text, tracker),
            by_value=True,
        ),
        Field("contact_phone", "Số điện thoại", ("so dien thoai", "dien thoai", "so dt", "so"), read_phone),
        CONTACT_NAME,
    ),
    lines=_appointment_lines,
    submit=_submit_appointment,
)
