"""Handoff to a human agent: the conversation is marked in ticketing and the hub is told."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    FORM_SLOTS,
    OffLoopAction,
    channel_identity,
    declines_person,
    entity_values,
    goes_in_person,
    latest_text,
    previous_action,
    replayed_as,
    reset,
)
from actions.contact_info import ActionContactInfo
from actions.fallback import FALLBACK_MARK
from knowledge import facade as knowledge
from ticketing import citizen_desk as ticketing
from vietnam.text import fold

logger = logging.getLogger(__name__)

HANDOFF_MESSAGE = (
    "Dạ, em đã chuyển cuộc trò chuyện tới tổng đài viên của Tổng đài 1022. "
    "Anh/chị vui lòng chờ trong giây lát, tổng đài viên sẽ hỗ trợ anh/chị ngay ạ."
)
HANDOFF_FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hiện em chưa chuyển được tới tổng đài viên. "
    "Anh/chị vui lòng gọi trực tiếp số 1022 hoặc nhắn lại sau ít phút giúp em ạ."
)
IN_PERSON_MESSAGE = (
    "Dạ vâng ạ. Khi cần hỗ trợ thêm, anh/chị cứ nhắn em; nếu muốn trao đổi với tổng đài viên, anh/chị nhắn "
    '"gặp tổng đài viên" giúp em ạ.'
)
OFFER_MESSAGE = (
    "Dạ, em xin lỗi vì chưa hỗ trợ được anh/chị. "
    "Anh/chị có muốn trao đổi trực tiếp với tổng đài viên không ạ?"
)


# Citizen's messages within which a "chuyển giúp" still answers the offer to pass a question to an agent
# (actions/procedures.py ActionOfferQuestion), even after a message in between ("vậy ai lo vụ đó").
QUESTION_OFFER_TURNS = 2
_PASS_ON = re.compile(r"\b(?:chuyen|gui)\b")  # "chuyển giùm", "gửi câu hỏi giúp em"
_LIVE = re.compile(r"\b(?:gap|noi chuyen|truc tiep|goi)\b")


def accepts_question_offer(tracker: Tracker) -> bool:
    """Whether the message accepts the recent offer to pass the catalogue-less question to an agent ("ừ
    chuyển giúp"): an HD- question ticket then, not a live handoff (unless a person is asked for: "gặp")."""
    if not tracker.get_slot("pending_question"):  # actions/procedures.py PENDING_QUESTION_SLOT
        return False
    folded = fold(latest_text(tracker))
    if not _PASS_ON.search(folded) or _LIVE.search(folded):
        return False
    messages = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            messages += 1
            if messages > QUESTION_OFFER_TURNS:
                return False
        elif event.get("event") == "action" and event.get("name") == "action_offer_question":
            return True
    return False


def _reason(tracker: Tracker) -> str:
    """Why the conversation goes to a human, for the agent's queue (English, no personal data)."""
    if previous_action(tracker) == "action_offer_human":
        return "bot_could_not_help"
    return "citizen_request"


def _without_person(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A message that declines a person of the desk: replayed as the NLU's likeliest other reading (a
    procedure question when it names a procedure), else acknowledged."""
    if entity_values(tracker, "procedure"):
        return replayed_as(tracker, "ask_procedure", latest_text(tracker))
    ranking = tracker.latest_message.get("intent_ranking") or []
    other = next(
        (
            r.get("name")
            for r in ranking
            if r.get("name") not in ("request_human", "nlu_fallback") and (r.get("confidence") or 0) >= 0.05
        ),
        None,
    )
    if other in ("ask_procedure", "ask_contact_info", "check_dossier_status", "submit_petition"):
        return replayed_as(tracker, str(other), latest_text(tracker))
    dispatcher.utter_message(text=IN_PERSON_MESSAGE)
    return []


class ActionHandoff(OffLoopAction):
    def name(self) -> str:
        return "action_handoff"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if accepts_question_offer(tracker):
            return [FollowupAction("action_submit_question")]
        if declines_person(latest_text(tracker)) and _reason(tracker) == "citizen_request":
            # "ko cần gặp nhân viên đâu, hỏi cái đổi bằng lái xe thôi": what else it says is answered
            return _without_person(dispatcher, tracker)
        if goes_in_person(latest_text(tracker)) and _reason(tracker) == "citizen_request":
            # "để mai tui ra xã nói trực tiếp": the citizen goes there, no one of the desk is asked for
            dispatcher.utter_message(text=IN_PERSON_MESSAGE)
            return []
        if _reason(tracker) == "citizen_request" and knowledge.asks_how_to_reach_office(latest_text(tracker)):
            # "muốn gặp trực tiếp cán bộ tư pháp xã Cái Bè thì liên hệ ai": how to reach that office, not
            # the hotline's agent
            return ActionContactInfo.answer(dispatcher, tracker)
        channel, user_id = channel_identity(tracker)
        try:
            ticketing.request_handoff(channel, user_id, tracker.sender_id, _reason(tracker))
        except Exception:
            logger.exception("handoff request failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=HANDOFF_FAILED_MESSAGE)
            return []
        dispatcher.utter_message(text=HANDOFF_MESSAGE)
        dispatcher.utter_message(json_message={"handoff": True})
        # A form left half-filled must not prefill the next one.
        return [SlotSet("handoff", True), *reset(*FORM_SLOTS)]


class ActionOfferHuman(OffLoopAction):
    def name(self) -> str:
        return "action_offer_human"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(
            text=OFFER_MESSAGE,
            buttons=[
                {"title": "Gặp tổng đài viên", "payload": "/request_human"},
                {"title": "Không, cảm ơn", "payload": "/deny"},
            ],
        )
        dispatcher.utter_message(json_message=FALLBACK_MARK)
        return []
