"""A bare value, a correction or a stop that no form or confirmation step is waiting for.

``action_handle_reply`` reads it in the context of the conversation: a typed choice among the procedures
just offered, a corrected phone ending after a dossier lookup, a phone number to remember; otherwise the
bot says what it can do. Forms and confirmation steps handle these intents themselves (actions/forms.py,
actions/confirmation.py); bot/rules/replies.yml sends the rest here.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import OffLoopAction, entity_values, latest_intent, latest_text
from actions.contact_info import ActionContactInfo
from actions.dossier import KNOWN_LAST4_SLOT, LAST_CODE_SLOT, read_last4
from actions.procedures import ActionAnswerProcedure

NOTHING_TO_CANCEL_MESSAGE = (
    "Dạ vâng ạ. Hiện không có yêu cầu nào đang làm dở. Anh/chị cần hỗ trợ gì cứ nhắn em nhé ạ."
)
WHAT_NEXT_MESSAGE = (
    "Dạ, em đã nhận thông tin. Anh/chị cần em hỗ trợ việc gì ạ? Ví dụ: hỏi thủ tục hành chính, tra cứu "
    "hồ sơ, gửi phản ánh, kiến nghị, đăng ký bưu chính công ích hoặc đặt lịch hẹn."
)
LAST4_NOTED_MESSAGE = (
    "Dạ, em đã ghi nhận 4 số cuối điện thoại của anh/chị. Anh/chị cần tra cứu hồ sơ nào ạ? Anh/chị cho em "
    "xin mã hồ sơ in trên giấy tiếp nhận nhé."
)
PHONE_NOTED_MESSAGE = (
    "Dạ, em đã ghi nhận số điện thoại của anh/chị. Anh/chị cần em hỗ trợ việc gì ạ? Ví dụ: tra cứu hồ sơ, "
    "gửi phản ánh, kiến nghị hoặc đặt lịch hẹn."
)


class ActionHandleReply(OffLoopAction):
    def name(self) -> str:
        return "action_handle_reply"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if latest_intent(tracker) == "cancel":
            dispatcher.utter_message(text=NOTHING_TO_CANCEL_MESSAGE)
            return []
        text = latest_text(tracker)
        if tracker.get_slot("procedure_choices") or entity_values(tracker, "procedure"):
            return ActionAnswerProcedure().act(dispatcher, tracker, domain)
        last4 = read_last4(text)
        if tracker.get_slot(LAST_CODE_SLOT) and last4:
            return [FollowupAction("action_lookup_dossier")]
        if last4 and not entity_values(tracker, "phone_number"):
            # "sđt tui đuôi 0005": kept for a dossier or petition lookup later in the conversation
            dispatcher.utter_message(text=LAST4_NOTED_MESSAGE)
            return [SlotSet(KNOWN_LAST4_SLOT, last4)]
        if entity_values(tracker, "location"):  # a place alone: where to go there
            return ActionContactInfo.answer(dispatcher, tracker)
        if entity_values(tracker, "phone_number"):
            dispatcher.utter_message(text=PHONE_NOTED_MESSAGE)
            return []
        dispatcher.utter_message(text=WHAT_NEXT_MESSAGE)
        return []
