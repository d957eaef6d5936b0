"""A bare value, a correction or a stop that no form or confirmation step is waiting for.

``action_handle_reply`` reads it in the context of the conversation: a request the NLU read as a bare
value because it gives the values its form asks for (a report at a place with a phone number to call back:
a petition; a dossier's result to be delivered home with the address: a postal request), a typed choice
among the procedures just offered, a corrected phone ending after a dossier lookup, a phone number to
remember; otherwise the bot says what it can do. Forms and confirmation steps handle these intents
themselves (actions/forms.py, actions/confirmation.py); bot/rules/replies.yml sends the rest here.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    OffLoopAction,
    entity_values,
    latest_intent,
    latest_text,
    replayed_as,
    to_english_procedure_answer,
)
from actions.contact_info import ActionContactInfo
from actions.dossier import KNOWN_LAST4_SLOT, LAST_CODE_SLOT, read_last4
from actions.petition import asks_how_to, is_informative, read_phone, without_contact
from actions.postal import SERVICE_INTENT, is_question, service_type
from actions.procedures import ActionAnswerProcedure
from actions.values import read_location
from vietnam.text import fold, normalize_text

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


def reports_with_contact(text: str) -> bool:
    """Whether a message reports something at a place and gives a phone number to be called back on ("nuoc
    may o ap Binh Hoa xa Chau Thanh bi duc nhu nuoc bun 3 ngay roi, ten Pham Thi Hoa 0988000111"): a
    petition, whatever it names (the water or power company), not a question about an office."""
    place = read_location(text)
    if place is None or read_phone(text) is None or asks_how_to(text) or is_question(text):
        return False
    what = without_contact(text)  # what happened, without the contact details and the place
    for said in (place.mention, place.detail):
        what = re.sub(re.escape(said), " ", what, flags=re.IGNORECASE) if said else what
    return is_informative(what)


# Folded words that bring something home or name the post: with a service (service_type), the postal one.
_HOME_OR_POST = ("ve nha", "tai nha", "tan nha", "den nha", "toi nha", "buu dien", "buu chinh")


def asks_for_postal_service(text: str) -> bool:
    """Whether a message asks the post to bring a dossier's result home or fetch the dossier, and gives
    where or whom to call ("gửi kết quả giấy phép xây dựng về nhà giùm tui, địa chỉ 12 ấp 3 xã Phong Mỹ, tên
    Trương Văn Hậu 0945678901"), rather than asks about the service."""
    folded = fold(normalize_text(text))
    return (
        service_type(text) is not None
        and any(words in folded for words in _HOME_OR_POST)
        and (read_location(text) is not None or read_phone(text) is not None)
        and not is_question(text)
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
        if asks_for_postal_service(text):
            return replayed_as(tracker, SERVICE_INTENT, text)  # the form takes what it gives, then a summary
        if reports_with_contact(text):
            return replayed_as(tracker, "submit_petition", text)
        if tracker.get_slot("procedure_choices") or entity_values(tracker, "procedure"):
            return ActionAnswerProcedure().act(dispatcher, tracker, domain)
        if (rerouted := to_english_procedure_answer(tracker)) is not None:
            return rerouted  # "how to register temporary residence": the NLU read English as a bare value
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
