"""Public postal service (bưu chính công ích): dossier pick-up at home or delivery of results.

postal_form asks which service, the address (a place that resolves to a commune/ward, with its hamlet or
street) and a contact phone; the citizen confirms a summary (actions/confirmation.py) and the request is
filed with ``ticketing.citizen_desk.submit_ticket(kind="postal", ...)``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    DOSSIER_LOOKUP,
    FAILURES_SLOT,
    OUTCOME_SLOT,
    REQUESTED_SLOT,
    latest_intent,
    latest_text,
    reset,
)
from actions.dossier import LAST_CODE_SLOT
from actions.forms import (
    AnswerValidation,
    AskLocation,
    LocationSlotMixin,
    Reader,
    form_reminder,
    location_reader,
    volunteered_location,
)
from actions.petition import contact_name_given, read_phone
from actions.postal_info import POSTAL_DELIVERY_PAYLOAD, SERVICE_INFO
from actions.requests import CONTACT_NAME, LOCATION_WORDS, Field, RequestKind, contact_name_line, file_ticket
from vietnam.codes import find_dossier_code
from vietnam.text import expand_abbreviations, fold, normalize_text

logger = logging.getLogger(__name__)

POSTAL_SLOTS = ("postal_service_type", "postal_address", "contact_phone", "contact_name")
PICKUP = "pickup"
DELIVERY = "delivery"
LABELS = {
    PICKUP: "nhận hồ sơ tại nhà để nộp giúp",
    DELIVERY: "trả kết quả giải quyết hồ sơ tại nhà",
}
# Folded phrases, delivery first: "nhận kết quả" is a delivery although it contains "nhận".
_DELIVERY = ("ket qua", "giao tra", "tra giay", "chuyen phat", "ve nha", "ve tan nha")
# ("tới lấy hs", "đến nhận hồ sơ": the postman comes for the dossier; abbreviations are spelt out first.)
_PICKUP = (
    "nhan ho so",
    "lay ho so",
    "thu gom",
    "nop giup",
    "nop ho",
    "den lay",
    "toi lay",
    "xuong lay",
    "qua lay",
    "den nhan",
    "toi nhan",
    "nop ho so",
    "gom ho so",
    "gui ho so",
    "gui giay to",
    "nop qua buu",
)

SERVICE_INTENT = "request_postal_service"
BAD_TYPE_MESSAGE = "Dạ, em chưa rõ anh/chị cần nhận hồ sơ hay trả kết quả ạ."
FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hệ thống tạm thời chưa ghi nhận được yêu cầu. Anh/chị vui lòng thử lại sau "
    'hoặc nhắn "gặp tổng đài viên" ạ.'
)


# The citizen receives a paper a procedure gives, or has it brought to an address ("nhận giấy chứng nhận
# đăng ký hộ kinh doanh qua bưu điện", "mún nhận phiếu lý lịch tư pháp tại nhà", "giao về 45 Nguyễn Huệ"):
# the result delivered home; not the postman's "đến nhận" (a pick-up). Folded.
_RECEIVES_RESULT = re.compile(
    r"(?<!den )(?<!toi )(?<!qua )(?<!xuong )\bnhan\s+(?:lai\s+|duoc\s+)?(?:cai\s+|to\s+|ban\s+)?"
    r"(?:giay chung nhan|giay phep|giay xac nhan|phieu|the can cuoc|the cccd|the bhyt|the bao hiem|can cuoc|"
    r"cccd|bang|so do|so hong|so bao hiem|trich luc|ban sao|quyet dinh|chung chi|chung thu|ho chieu|"
    r"giay khai sinh|giay chung tu|giay ket hon)\b"
    r"|\b(?:giao|gui|tra|phat|chuyen)\s+(?:ve|toi|den)\s+(?:so\s+|dia chi\s+)?\d"
)


def service_type(text: str) -> str | None:
    folded = fold(expand_abbreviations(normalize_text(text)))
    if any(p in folded for p in _DELIVERY) or _RECEIVES_RESULT.search(folded):
        return DELIVERY
    if any(p in folded for p in _PICKUP):
        return PICKUP
    return None


def read_service_type(text: str, tracker: Tracker | None = None) -> str | None:
    return text if text in LABELS else service_type(text)


# How a Vietnamese question ends: a question mark or a sentence-final question particle ("không", "hông",
# "chưa", "hả", "sao", "nhiêu"...), typed with or without diacritics, a politeness tail after it.
_QUESTION_END = re.compile(
    r"(?:\?|\b(?:khong|ko|k|kg|hong|hok|hem|chua|ha|sao|nhieu|bao lau|gi|nao|dau)"
    r"(?:\s+(?:a|ad|ah|z|vay|v|ta|em|chi|anh))?)\s*[.!]*$"
)


def is_question(text: str) -> bool:
    """Whether ``text`` ends as a question ("bưu điện tới lấy có tính tiền hông")."""
    return bool(_QUESTION_END.search(fold(normalize_text(text))))


def starts_now(tracker: Tracker, form: str) -> bool:
    """Whether ``form`` is being activated after the latest message: it was not running when the message
    came (the validation at activation sees the activation after the message)."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif event.get("event") == "active_loop":
            return not seen_message if event.get("name") == form else True
    return True


# Words that ask where a dossier stands ("gửi về chưa", "sao rồi", "tới đâu", "xong hông"), not for a
# service; "xong rồi", "có kết quả rồi" say it is done, and the request that follows is for its result.
_ASKS_STATUS = re.compile(
    r"\b(?:chua|sao roi|toi dau|den dau|the nao roi|ra sao)\b"
    r"|\b(?:xong|co ket qua)\s*(?:\?|\b(?:khong|ko|k|hong|hok|hem)\b)"
)


def lookup_first(tracker: Tracker, form: str) -> list[EventType] | None:
    """A message that starts ``form``, carries a dossier code and asks where it stands ("hồ sơ
    000.00.20.H19-... gửi bưu điện về chưa") is a lookup first: the dossier's status says how its result
    comes. A request ("đăng ký nhận kết quả hồ sơ ... qua bưu điện giúp tui") starts the form. The events
    that end the form for the lookup (actions/common.py ``ended_early``), or None."""
    if not starts_now(tracker, form):
        return None
    text = normalize_text(tracker.latest_message.get("text") or "")
    code = find_dossier_code(text)
    if code is None or not _ASKS_STATUS.search(fold(text)):
        return None
    return [
        SlotSet("dossier_code", code),
        SlotSet(FAILURES_SLOT, 0),
        SlotSet(OUTCOME_SLOT, DOSSIER_LOOKUP),
        SlotSet(REQUESTED_SLOT, None),
    ]


class ValidatePostalForm(AnswerValidation, LocationSlotMixin):
    BAD_LOCATION_MESSAGE = (
        "Dạ, em cần địa chỉ có xã/phường (kèm số nhà, ấp/khóm, tên đường) để bưu điện đến đúng nơi ạ."
    )

    def name(self) -> str:
        return "validate_postal_form"

    def _validate_in_worker(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if (lookup := lookup_first(tracker, self.form_name())) is not None:
            return lookup
        events = super()._validate_in_worker(dispatcher, tracker, domain)
        # "hồ sơ 000.00.20.H19-... có kết quả rồi, gửi về nhà giùm tui": the dossier whose result is asked for
        code = find_dossier_code(normalize_text(tracker.latest_message.get("text") or ""))
        if code is not None and code != tracker.get_slot(LAST_CODE_SLOT):
            events.append(SlotSet(LAST_CODE_SLOT, code))
        return events

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """At the form's start (Rasa validates once when it activates it), say first what the service is:
        the citizen may have asked whether it exists ("gửi về nhà qua bưu điện được không")."""
        said = latest_text(tracker)  # a button's payload follows an offer that said it already
        if (
            latest_intent(tracker) == SERVICE_INTENT
            and not said.startswith("/")
            and said != POSTAL_DELIVERY_PAYLOAD
            and starts_now(tracker, self.form_name())
        ):
            dispatcher.utter_message(text=SERVICE_INFO)
        return await super().get_extraction_events(dispatcher, tracker, domain)

    def reject(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str,
        message: str,
        *,
        may_stop: bool = True,
    ) -> dict[str, Any]:
        """A message about the postal service itself that answers nothing ("gửi bưu điện có mất phí ko"):
        what the service is and costs, then the question again; anything else as AnswerValidation."""
        if (
            not self.is_prefill(tracker, slot)
            and latest_intent(tracker) == SERVICE_INTENT
            # "nhận hồ sơ tại nhà" names the service again: no address, said so
            and (service_type(latest_text(tracker)) is None or is_question(latest_text(tracker)))
            and not (may_stop and self.cancel_if_asked(tracker, slot))
        ):
            dispatcher.utter_message(text=SERVICE_INFO)
            if reminder := form_reminder(tracker):
                dispatcher.utter_message(text=reminder)
            return {slot: None}
        return super().reject(dispatcher, tracker, slot, message, may_stop=may_stop)

    def readers(self) -> dict[str, Reader]:
        return {
            "postal_service_type": read_service_type,
            "postal_address": location_reader,
            "contact_phone": read_phone,
        }

    def request_kind(self) -> RequestKind:
        return POSTAL

    def volunteers(self) -> dict[str, Reader]:
        return {
            "postal_service_type": lambda text, tracker: service_type(text),
            "postal_address": volunteered_location,
            "contact_phone": read_phone,
            "contact_name": contact_name_given,
        }

    def optional_slots(self) -> tuple[str, ...]:
        return ("contact_name",)

    def validate_postal_service_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value in LABELS:
            return self.accept("postal_service_type", value)
        if cancel := self.cancel_if_asked(tracker, "postal_service_type"):
            return cancel
        kind = service_type(str(value or ""))
        if kind:
            return self.accept("postal_service_type", kind)
        return self.reject(dispatcher, tracker, "postal_service_type", BAD_TYPE_MESSAGE)

    def validate_postal_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_location("postal_address", value, dispatcher, tracker)

    def validate_contact_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_phone("contact_phone", value, dispatcher, tracker)


class ActionAskPostalAddress(AskLocation):
    slot = "postal_address"


def delivered_dossier(tracker: Tracker) -> str | None:
    """The code of the dossier whose result a delivery request brings home: the one named or looked up in
    this conversation (the post office collects that result at the office), None for a pick-up."""
    if tracker.get_slot("postal_service_type") != DELIVERY:
        return None
    return tracker.get_slot(LAST_CODE_SLOT) or None


def _postal_lines(tracker: Tracker) -> list[str]:
    kind = tracker.get_slot("postal_service_type")
    dossier = delivered_dossier(tracker)
    return [
        f"Dịch vụ: {LABELS.get(kind, kind)}",
        *([f"Mã hồ sơ: {dossier}"] if dossier else []),
        f"Địa chỉ: {tracker.get_slot('postal_address')}",
        f"Số điện thoại liên hệ: {tracker.get_slot('contact_phone')}",
        contact_name_line(tracker),
    ]


def _submit_postal(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    kind = tracker.get_slot("postal_service_type")
    address = tracker.get_slot("postal_address")
    dossier = delivered_dossier(tracker)
    receipt = file_ticket(
        dispatcher,
        tracker,
        FAILED_MESSAGE,
        kind="postal",
        description=f"Yêu cầu dịch vụ bưu chính công ích: {LABELS.get(kind, kind)}"
        + (f" (hồ sơ {dossier})." if dossier else "."),
        location_text=address,
        phone=tracker.get_slot("contact_phone"),
        name=tracker.get_slot("contact_name") or None,
        details={"service": kind, "address": address, **({"dossier_code": dossier} if dossier else {})},
    )
    if receipt is None:
        return []
    dispatcher.utter_message(
        text=(
            f"Dạ, em đã ghi nhận yêu cầu {LABELS.get(kind, kind)} với mã {receipt.code}. "
            "Nhân viên bưu điện sẽ liên hệ theo số điện thoại anh/chị cung cấp để hẹn thời gian; "
            "cước dịch vụ do người dân chi trả theo bảng giá của bưu điện ạ."
        )
    )
    return [*reset(*POSTAL_SLOTS), SlotSet("last_ticket_code", receipt.code)]


POSTAL = RequestKind(
    name="postal",
    form="postal_form",
    title="yêu cầu bưu chính công ích",
    fields=(
        Field(
            "postal_service_type",
            "Dịch vụ",
            ("dich vu", "loai", "nhan ho so", "tra ket qua"),
            lambda text, tracker: service_type(text),
            by_value=True,
        ),
        Field(
            "postal_address",
            "Địa chỉ",
            LOCATION_WORDS,
            location=True,
        ),
        Field("contact_phone", "Số điện thoại", ("so dien thoai", "dien thoai", "so dt", "so"), read_phone),
        CONTACT_NAME,
    ),
    lines=_postal_lines,
    submit=_submit_postal,
)
