"""Petition (phản ánh, kiến nghị) intake and petition status.

petition_form asks what happened, where, a contact phone and an optional name; the citizen confirms a
summary and the ticket is created by ``ticketing.citizen_desk.submit_ticket(kind="petition", ...)``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    GuardedFormValidation,
    OffLoopAction,
    channel_identity,
    ended_early,
    latest_intent,
    reset,
)
from ticketing import citizen_desk as ticketing
from vietnam.codes import find_ticket_code
from vietnam.text import fold, normalize_text
from vietnam.workdays import format_datetime_vi

logger = logging.getLogger(__name__)

PETITION_SLOTS = ("petition_description", "petition_location", "contact_phone", "contact_name")
STATUS_SLOTS = ("petition_code", "phone_last4")
# `phone_last4` when the citizen asks from the account that filed the ticket.
NOT_NEEDED = ""

# Folded words that say "I want to file a petition" without saying what about.
_GENERIC_WORDS = frozenset(
    re.findall(
        r"\w+",
        "toi em minh anh chi co cho hoi muon can xin duoc dc gui lam nop phan anh kien nghi khieu nai to cao "
        "gop y viec su mot cai van de ve nay a ah nhe voi len tong dai 1022 ban oi ad admin ak giup",
    )
)
# Folded answers by which the citizen declines to give their name.
_SKIP_NAME = {
    "bo qua",
    "khong",
    "ko",
    "k",
    "khong muon",
    "khong can",
    "an danh",
    "giau ten",
    "thoi",
    "skip",
    "khong cung cap",
    "xin phep khong",
    "khong a",
    "khong nhe",
    "de trong",
}

SHORT_DESCRIPTION_MESSAGE = (
    "Dạ, nội dung còn ngắn nên em chưa rõ sự việc. "
    'Ví dụ: "đèn đường ở ấp 3 bị hư cả tháng nay, ban đêm rất tối".'
)
BAD_LOCATION_MESSAGE = "Dạ, em cần địa điểm cụ thể hơn để chuyển đúng cơ quan phụ trách ạ."
BAD_NAME_MESSAGE = (
    'Dạ, anh/chị cho em xin họ tên (không kèm số), hoặc nhắn "bỏ qua" nếu không muốn cung cấp ạ.'
)
BAD_TICKET_CODE_MESSAGE = "Dạ, mã phản ánh chưa đúng định dạng (mã có dạng PA-250312-0001) ạ."
SUBMIT_FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hệ thống tạm thời chưa ghi nhận được phản ánh. Anh/chị vui lòng thử lại sau ít phút "
    'hoặc nhắn "gặp tổng đài viên" để được hỗ trợ trực tiếp ạ.'
)


def is_informative(text: str) -> bool:
    """Whether a description says what happened (not just "tôi muốn phản ánh")."""
    text = normalize_text(text)
    if not text or text.startswith("/"):
        return False
    words = re.findall(r"\w+", fold(text))
    meaningful = [w for w in words if w not in _GENERIC_WORDS]
    return len(meaningful) >= 3 and len(text) >= 12


def is_skip_name(text: str, intent: str | None) -> bool:
    folded = fold(normalize_text(text)).strip(" .!?")
    return intent == "deny" or folded in _SKIP_NAME or folded.startswith(("bo qua", "khong muon"))


class ValidatePetitionForm(GuardedFormValidation):
    def name(self) -> str:
        return "validate_petition_form"

    def validate_petition_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if cancel := self.cancel_if_asked(tracker, "petition_description"):
            return cancel
        text = normalize_text(str(value or ""))
        if is_informative(text):
            return self.accept("petition_description", text)
        return self.reject(dispatcher, tracker, "petition_description", SHORT_DESCRIPTION_MESSAGE)

    def validate_petition_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if cancel := self.cancel_if_asked(tracker, "petition_location"):
            return cancel
        text = normalize_text(str(value or ""))
        if len(re.findall(r"\w", text)) >= 3 and not text.startswith("/"):
            return self.accept("petition_location", text)
        return self.reject(dispatcher, tracker, "petition_location", BAD_LOCATION_MESSAGE)

    def validate_contact_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_phone("contact_phone", value, dispatcher, tracker)

    def validate_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = normalize_text(str(value or ""))
        if is_skip_name(text, latest_intent(tracker)):
            return self.accept("contact_name", "")
        if cancel := self.cancel_if_asked(tracker, "contact_name"):
            return cancel
        if text and not re.search(r"\d", text) and len(text) <= 80 and not text.startswith("/"):
            return self.accept("contact_name", text)
        return self.reject(dispatcher, tracker, "contact_name", BAD_NAME_MESSAGE)


class ActionSummarizePetition(OffLoopAction):
    def name(self) -> str:
        return "action_summarize_petition"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        early = ended_early(dispatcher, tracker, *PETITION_SLOTS)
        if early is not None:
            return early
        name = tracker.get_slot("contact_name") or "(không cung cấp)"
        dispatcher.utter_message(
            text=(
                "Dạ, em xin tóm tắt phản ánh của anh/chị:\n"
                f"- Nội dung: {tracker.get_slot('petition_description')}\n"
                f"- Địa điểm: {tracker.get_slot('petition_location')}\n"
                f"- Số điện thoại liên hệ: {tracker.get_slot('contact_phone')}\n"
                f"- Họ tên: {name}\n"
                "Anh/chị xác nhận gửi phản ánh này không ạ?"
            ),
            buttons=[
                {"title": "Đồng ý, gửi phản ánh", "payload": "/affirm"},
                {"title": "Chưa đúng", "payload": "/deny"},
            ],
        )
        return []


class ActionSubmitPetition(OffLoopAction):
    def name(self) -> str:
        return "action_submit_petition"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        description = tracker.get_slot("petition_description")
        if not description:
            dispatcher.utter_message(
                text=(
                    'Dạ, em chưa có nội dung phản ánh. Anh/chị nhắn "gửi phản ánh" để bắt đầu lại giúp em ạ.'
                )
            )
            return reset(*PETITION_SLOTS)
        channel, user_id = channel_identity(tracker)
        try:
            receipt = ticketing.submit_ticket(
                kind="petition",
                description=description,
                location_text=tracker.get_slot("petition_location"),
                phone=tracker.get_slot("contact_phone"),
                name=tracker.get_slot("contact_name") or None,
                channel=channel,
                channel_user_id=user_id,
                conversation_id=tracker.sender_id,
            )
        except Exception:
            logger.exception("petition submission failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=SUBMIT_FAILED_MESSAGE)
            return []
        due = format_datetime_vi(receipt.due_at)
        if receipt.agency_name:
            text = (
                f"Dạ, em đã ghi nhận phản ánh của anh/chị với mã {receipt.code} "
                f"và chuyển tới {receipt.agency_name} xử lý."
            )
        else:
            text = (
                f"Dạ, em đã ghi nhận phản ánh của anh/chị với mã {receipt.code}; "
                "cán bộ Tổng đài 1022 sẽ chuyển tới cơ quan có thẩm quyền xử lý."
            )
        if due:
            text += f" Thời hạn trả lời dự kiến: trước {due}."
        text += " Anh/chị lưu lại mã này để tra cứu kết quả xử lý ạ."
        dispatcher.utter_message(text=text)
        return [*reset(*PETITION_SLOTS), SlotSet("last_ticket_code", receipt.code)]


class ActionResetPetition(OffLoopAction):
    def name(self) -> str:
        return "action_reset_petition"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text="Dạ, mình cùng nhập lại thông tin phản ánh nhé ạ.")
        return reset(*PETITION_SLOTS)


class ActionCancelPetition(OffLoopAction):
    def name(self) -> str:
        return "action_cancel_petition"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_petition_cancelled")
        return reset(*PETITION_SLOTS)


def _filed_here(tracker: Tracker, code: str) -> bool:
    """Whether the citizen filed ticket ``code`` from this channel account (no second factor needed)."""
    channel, user_id = channel_identity(tracker)
    try:
        view = ticketing.ticket_status(code, channel, user_id, None)
    except Exception:
        logger.exception("ticket status failed for conversation %s", tracker.sender_id)
        return False
    return view is not None and view.outcome == "found"


class ValidatePetitionStatusForm(GuardedFormValidation):
    def name(self) -> str:
        return "validate_petition_status_form"

    def validate_petition_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if cancel := self.cancel_if_asked(tracker, "petition_code"):
            return cancel
        code = find_ticket_code(str(value or ""))
        if not code:
            return self.reject(dispatcher, tracker, "petition_code", BAD_TICKET_CODE_MESSAGE)
        if _filed_here(tracker, code):
            return {**self.accept("petition_code", code), "phone_last4": NOT_NEEDED}
        return self.accept("petition_code", code)

    def validate_phone_last4(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_last4("phone_last4", value, dispatcher, tracker)


class ActionPetitionStatus(OffLoopAction):
    def name(self) -> str:
        return "action_petition_status"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        early = ended_early(dispatcher, tracker, *STATUS_SLOTS)
        if early is not None:
            return early
        code = tracker.get_slot("petition_code")
        channel, user_id = channel_identity(tracker)
        try:
            view = ticketing.ticket_status(code, channel, user_id, tracker.get_slot("phone_last4") or None)
        except Exception:
            logger.exception("ticket status failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=SUBMIT_FAILED_MESSAGE)
            return reset(*STATUS_SLOTS)
        if view is None or view.outcome != "found":  # unknown code and wrong digits read the same
            dispatcher.utter_message(
                text=(
                    f"Dạ, em chưa tìm thấy phản ánh mã {code} khớp với số điện thoại anh/chị cung cấp. "
                    'Anh/chị kiểm tra lại mã và số điện thoại giúp em, hoặc nhắn "gặp tổng đài viên" ạ.'
                )
            )
        else:
            dispatcher.utter_message(text=describe_status(view))
        return reset(*STATUS_SLOTS)


def describe_status(view: ticketing.TicketStatusView) -> str:
    """The citizen-facing text of a ticket's status, with the agency's answer when there is one."""
    if view.outcome == "found" and view.answer:
        return f"{view.message}\nNội dung trả lời: {view.answer}"
    return view.message
