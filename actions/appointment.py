"""Appointments at the commune/ward public administration service centre, or an officer visiting."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import GuardedFormValidation, OffLoopAction, channel_identity, ended_early, reset
from ticketing import citizen_desk as ticketing
from vietnam.text import fold, normalize_text

logger = logging.getLogger(__name__)

APPOINTMENT_SLOTS = (
    "appointment_type",
    "appointment_purpose",
    "appointment_location",
    "appointment_time",
    "contact_phone",
)
CENTER = "center"
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
)
_CENTER = ("trung tam", "mot cua", "hanh chinh cong", "tru so", "uy ban", "ubnd", "len xa", "len phuong")

BAD_TYPE_MESSAGE = "Dạ, em chưa rõ anh/chị muốn đến Trung tâm hay cần cán bộ đến nhà ạ."
BAD_TEXT_MESSAGE = "Dạ, anh/chị nói rõ hơn giúp em ạ."
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
    return None


def _has_words(text: str, minimum: int) -> bool:
    return len(re.findall(r"\w", text)) >= minimum and not text.startswith("/")


class ValidateAppointmentForm(GuardedFormValidation):
    def name(self) -> str:
        return "validate_appointment_form"

    def validate_appointment_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value in LABELS:
            return self.accept("appointment_type", value)
        if cancel := self.cancel_if_asked(tracker, "appointment_type"):
            return cancel
        kind = appointment_type(str(value or ""))
        if kind:
            return self.accept("appointment_type", kind)
        return self.reject(dispatcher, tracker, "appointment_type", BAD_TYPE_MESSAGE)

    def _free_text(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict:
        if cancel := self.cancel_if_asked(tracker, slot):
            return cancel
        text = normalize_text(str(value or ""))
        if _has_words(text, 3):
            return self.accept(slot, text)
        return self.reject(dispatcher, tracker, slot, BAD_TEXT_MESSAGE)

    def validate_appointment_purpose(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self._free_text("appointment_purpose", value, dispatcher, tracker)

    def validate_appointment_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self._free_text("appointment_location", value, dispatcher, tracker)

    def validate_appointment_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self._free_text("appointment_time", value, dispatcher, tracker)

    def validate_contact_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_phone("contact_phone", value, dispatcher, tracker)


class ActionSubmitAppointment(OffLoopAction):
    def name(self) -> str:
        return "action_submit_appointment"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        early = ended_early(dispatcher, tracker, *APPOINTMENT_SLOTS)
        if early is not None:
            return early
        kind = tracker.get_slot("appointment_type")
        purpose = tracker.get_slot("appointment_purpose")
        when = tracker.get_slot("appointment_time")
        channel, user_id = channel_identity(tracker)
        try:
            receipt = ticketing.submit_ticket(
                kind="appointment",
                description=(
                    f"Đặt lịch hẹn ({LABELS.get(kind, kind)}): {purpose}. Thời gian mong muốn: {when}."
                ),
                location_text=tracker.get_slot("appointment_location"),
                phone=tracker.get_slot("contact_phone"),
                name=None,
                channel=channel,
                channel_user_id=user_id,
                conversation_id=tracker.sender_id,
                details={"type": kind, "purpose": purpose, "preferred_time": when},
            )
        except Exception:
            logger.exception("appointment request failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=FAILED_MESSAGE)
            return []
        dispatcher.utter_message(
            text=(
                f"Dạ, em đã ghi nhận yêu cầu đặt lịch ({LABELS.get(kind, kind)}) với mã {receipt.code}"
                + (f", chuyển tới {receipt.agency_name}" if receipt.agency_name else "")
                + ". Cán bộ sẽ gọi lại theo số điện thoại anh/chị cung cấp để xác nhận thời gian ạ."
            )
        )
        return [*reset(*APPOINTMENT_SLOTS), SlotSet("last_ticket_code", receipt.code)]
