"""First stage of the two-stage fallback: ask the citizen to rephrase, suggesting the likeliest need.

A short question the NLU could not read right after a procedure answer ("vậy ai giải quyết") is a
follow-up on that procedure: it is answered (action_answer_procedure), not clarified; one that thanks
("thôi khỏi cảm ơn") is answered as thanks.

A rating is never suggested: the rating form starts only when the citizen asks to rate.

When the citizen confirms the suggestion ("có", "đúng rồi"), `action_accept_suggestion` replaces their
"yes" by the suggested intent, as Rasa's own two-stage fallback does, so the usual rules take over.
The second stage (a second unclear message in a row, or "no") is `action_offer_human` (actions/handoff.py).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import OffLoopAction, among_likeliest, latest_text, replayed_as, to_merger_answer
from actions.dossier import gives_code_and_ending
from actions.petition import asks_how_to, is_informative
from actions.place_questions import place_reply
from actions.procedures import (
    PENDING_QUESTION_SLOT,
    UNMATCHED_PETITION_CONFIDENCE,
    is_ambiguous_procedure_question,
    is_reply_to_choices,
    is_unclear_followup,
)
from actions.values import read_location
from vietnam.text import fold

# intent -> (what the citizen may want, button payload or None when a button cannot carry the question)
SUGGESTIONS: dict[str, tuple[str, str | None]] = {
    "ask_procedure": ("hỏi về một thủ tục hành chính", None),
    "check_dossier_status": ("tra cứu tình trạng hồ sơ", "/check_dossier_status"),
    "submit_petition": ("gửi phản ánh, kiến nghị", "/submit_petition"),
    "check_petition_status": ("tra cứu kết quả xử lý phản ánh", "/check_petition_status"),
    "request_human": ("gặp tổng đài viên", "/request_human"),
    "request_postal_service": ("đăng ký dịch vụ bưu chính công ích", "/request_postal_service"),
    "book_appointment": ("đặt lịch hẹn làm thủ tục", "/book_appointment"),
    "ask_contact_info": ("hỏi địa chỉ, số điện thoại cơ quan", None),
    "ask_place_change": ("hỏi xã, phường mới của địa danh cũ sau sáp nhập", None),
}
# Thanks in a message the NLU could not read ("thôi khỏi cảm ơn", "ok cam on ad nhiu")
_THANKS = re.compile(r"\b(?:cam on|thank|thanks|tks)\b")
# A real-looking question (several words, asked: a question mark or a question word) gets the way out
# with its clarification: pass it to an agent or call 1022 (action_offer_question).
QUESTION_MIN_WORDS = 5
_ASKS = re.compile(r"\?|\b(?:khong|ko|k|hong|hok|hem|chua|sao|gi|j|nao|dau|nhieu|may|ai)\b")
# A custom payload beside the reply: the hub counts the turns the bot did not understand (its
# ``helpdesk_bot_fallback_ratio`` metric) and shows the citizen nothing of it.
FALLBACK_MARK: dict[str, Any] = {"fallback": True}
GENERIC_MESSAGE = (
    "Dạ, em chưa hiểu rõ ý anh/chị. Anh/chị nói rõ hơn giúp em được không ạ? "
    'Ví dụ: "làm giấy khai sinh cần giấy tờ gì", "tra cứu hồ sơ", "phản ánh đèn đường bị hư".'
)


def asks_a_question(text: str) -> bool:
    """Whether ``text`` looks like a real question: several words, asked (see _ASKS)."""
    folded = fold(text)
    return len(folded.split()) >= QUESTION_MIN_WORDS and bool(_ASKS.search(folded))


def in_a_form(tracker: Tracker) -> bool:
    return bool((tracker.active_loop or {}).get("name"))


# How sure the NLU must be of submit_petition, beside another intent as likely, to take a message that
# reports a problem at a place as the petition it is ("cay cau khi o khom 1 thi tran Lai Vung bi gay tay
# vin": submit_petition 0.48, ask_procedure 0.47) rather than ask whether it is one. The petition's summary
# is confirmed before anything is sent, so a wrong guess costs a "Hủy".
AMBIGUOUS_PETITION_CONFIDENCE = 0.3


def reads_as_a_report(tracker: Tracker, floor: float = AMBIGUOUS_PETITION_CONFIDENCE) -> bool:
    """Whether a message the NLU could not settle reports something at a place that resolves, asks no
    how-to question, and has submit_petition among its two likeliest intents (at least ``floor`` sure)."""
    text = latest_text(tracker)
    return (
        among_likeliest(tracker, "submit_petition", floor)
        and is_informative(text)
        and not asks_how_to(text)
        and read_location(text) is not None
    )


def _likeliest_intent(tracker: Tracker) -> str | None:
    for ranked in tracker.latest_message.get("intent_ranking") or []:
        name = ranked.get("name")
        if name in SUGGESTIONS:
            return name
        if name != "nlu_fallback":
            return None
    return None


class ActionClarify(OffLoopAction):
    def name(self) -> str:
        return "action_clarify"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if (rerouted := to_merger_answer(tracker)) is not None:
            return rerouted
        if not in_a_form(tracker) and gives_code_and_ending(latest_text(tracker)):
            # a dossier's code and the phone's ending: its status, whatever the words around them
            return replayed_as(tracker, "check_dossier_status", latest_text(tracker))
        if is_unclear_followup(tracker):
            return [FollowupAction("action_answer_procedure")]  # "vậy ai giải quyết": about that procedure
        if not in_a_form(tracker) and is_reply_to_choices(tracker):
            return [FollowupAction("action_answer_procedure")]  # "bình thường, trong nước" under the variants
        if not in_a_form(tracker) and place_reply(tracker) is not None:
            return [FollowupAction("action_answer_procedure")]  # "thị trấn Mỹ Phước cũ đó": which commune
        if not in_a_form(tracker) and is_ambiguous_procedure_question(tracker):
            return [FollowupAction("action_answer_procedure")]  # "..., đổi căn cước tốn bao nhiêu"
        # a message the NLU did read, sent here by action_answer_procedure because no procedure matches it
        # (``may_be_a_report``): the lower bar of an unmatched question
        read = tracker.latest_message.get("intent", {}).get("name") != "nlu_fallback"
        floor = UNMATCHED_PETITION_CONFIDENCE if read else AMBIGUOUS_PETITION_CONFIDENCE
        if not in_a_form(tracker) and reads_as_a_report(tracker, floor):
            return replayed_as(tracker, "submit_petition", latest_text(tracker))  # summary, confirm, cancel
        if _THANKS.search(fold(latest_text(tracker))):
            dispatcher.utter_message(response="utter_thank")  # "thôi khỏi, cảm ơn nha": a thanks all the same
            return [SlotSet("suggested_intent", None)]
        events = self._clarify(dispatcher, tracker)
        dispatcher.utter_message(json_message=FALLBACK_MARK)
        suggested = any(e.get("name") == "suggested_intent" and e.get("value") for e in events)
        if not suggested and not in_a_form(tracker) and asks_a_question(latest_text(tracker)):
            # "ngan hang chinh sach co cho vay von nuoi bo ko": offer to pass it on, as out of the catalogue
            return [
                *events,
                SlotSet(PENDING_QUESTION_SLOT, latest_text(tracker)),
                FollowupAction("action_offer_question"),
            ]
        return events

    @staticmethod
    def _clarify(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        intent = _likeliest_intent(tracker)
        if intent is None:
            dispatcher.utter_message(text=GENERIC_MESSAGE)
            return [SlotSet("suggested_intent", None)]
        label, payload = SUGGESTIONS[intent]
        text = f"Dạ, em chưa hiểu rõ ý anh/chị. Có phải anh/chị muốn {label} không ạ?"
        if payload:
            dispatcher.utter_message(
                text=text + " Nếu đúng, anh/chị bấm nút bên dưới, hoặc nói rõ hơn giúp em.",
                buttons=[{"title": label[0].upper() + label[1:], "payload": payload}],
            )
            return [SlotSet("suggested_intent", intent)]
        dispatcher.utter_message(text=text + " Anh/chị nói rõ hơn giúp em được không ạ?")
        return [SlotSet("suggested_intent", None)]


class ActionAcceptSuggestion(OffLoopAction):
    def name(self) -> str:
        return "action_accept_suggestion"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = tracker.get_slot("suggested_intent")
        if not intent:
            dispatcher.utter_message(
                text="Dạ, anh/chị nói cụ thể hơn giúp em, ví dụ tên thủ tục hoặc việc anh/chị cần hỗ trợ ạ."
            )
            return []
        # "có" to an offer whose yes-button carries words ("đăng ký bưu điện trả kết quả về nhà"): those words
        return replayed_as(tracker, intent, offered_words(tracker) or f"/{intent}")


def offered_words(tracker: Tracker) -> str | None:
    """The words of the one button that accepts the offer the bot made just before the citizen's latest
    message, when that button carries words, not an intent (a typed yes means what pressing it says)."""
    seen_user = False
    payloads: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                break
            seen_user = True
        elif seen_user and event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            payloads.extend(str(b.get("payload") or "") for b in buttons)
    worded = [p for p in payloads if p and not p.startswith("/")]
    return worded[0] if len(worded) == 1 else None
