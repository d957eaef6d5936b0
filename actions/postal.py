"""Public postal service (bưu chính công ích): dossier pick-up at home or delivery of results."""

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

POSTAL_SLOTS = ("postal_service_type", "postal_address", "contact_phone")
PICKUP = "pickup"
DELIVERY = "delivery"
LABELS = {
    PICKUP: "nhận hồ sơ tại nhà để nộp giúp",
    DELIVERY: "trả kết quả giải quyết hồ sơ tại nhà",
}
# Folded phrases, delivery first: "nhận kết quả" is a delivery although it contains "nhận".
_DELIVERY = ("ket qua", "giao tra", "tra giay", "chuyen phat", "gui ve nha", "gui ve tan nha", "tra ve nha")
_PICKUP = ("nhan ho so", "lay ho so", "thu gom", "nop giup", "nop ho", "den lay", "nop ho so", "gom ho so")

BAD_TYPE_MESSAGE = "Dạ, em chưa rõ anh/chị cần nhận hồ sơ hay trả kết quả ạ."
BAD_ADDRESS_MESSAGE = "Dạ, địa chỉ còn thiếu, em cần số nhà hoặc ấp/khóm và xã/phường ạ."
FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hệ thống tạm thời chưa ghi nhận được yêu cầu. Anh/chị vui lòng thử lại sau "
    'hoặc nhắn "gặp tổng đài viên" ạ.'
)


def service_type(text: str) -> str | None:
    folded = fold(normalize_text(text))
    if any(p in folded for p in _DELIVERY):
        return DELIVERY
    if any(p in folded for p in _PICKUP):
        return PICKUP
    return None


class ValidatePostalForm(GuardedFormValidation):
    def name(self) -> str:
        return "validate_postal_form"

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
        if cancel := self.cancel_if_asked(tracker, "postal_address"):
            return cancel
        text = normalize_text(str(value or ""))
        if len(re.findall(r"\w", text)) >= 5 and not text.startswith("/"):
            return self.accept("postal_address", text)
        return self.reject(dispatcher, tracker, "postal_address", BAD_ADDRESS_MESSAGE)

    def validate_contact_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_phone("contact_phone", value, dispatcher, tracker)


class ActionSubmitPostal(OffLoopAction):
    def name(self) -> str:
        return "action_submit_postal"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        early = ended_early(dispatcher, tracker, *POSTAL_SLOTS)
        if early is not None:
            return early
        kind = tracker.get_slot("postal_service_type")
        address = tracker.get_slot("postal_address")
        channel, user_id = channel_identity(tracker)
        try:
            receipt = ticketing.submit_ticket(
                kind="postal",
                description=f"Yêu cầu dịch vụ bưu chính công ích: {LABELS.get(kind, kind)}.",
                location_text=address,
                phone=tracker.get_slot("contact_phone"),
                name=None,
                channel=channel,
                channel_user_id=user_id,
                conversation_id=tracker.sender_id,
                details={"service": kind, "address": address},
            )
        except Exception:
            logger.exception("postal request failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=FAILED_MESSAGE)
            return []
        dispatcher.utter_message(
            text=(
                f"Dạ, em đã ghi nhận yêu cầu {LABELS.get(kind, kind)} với mã {receipt.code}. "
                "Nhân viên bưu điện sẽ liên hệ theo số điện thoại anh/chị cung cấp để hẹn thời gian; "
                "cước dịch vụ do người dân chi trả theo bảng giá của bưu điện ạ."
            )
        )
        return [*reset(*POSTAL_SLOTS), SlotSet("last_ticket_code", receipt.code)]
