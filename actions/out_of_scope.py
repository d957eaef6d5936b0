"""Out of scope, read in context: the message may be a question on the procedure just answered, a reply
naming one of its variants, or the yes to the offer to pass a question to an agent."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.common import OffLoopAction
from actions.context import is_contextual_followup
from actions.handoff import accepts_question_offer
from actions.procedures import is_procedure_reply


class ActionOutOfScope(OffLoopAction):
    """Out of scope, unless a question about the procedure just answered ("bao nhiêu tiền 1 bản":
    ``is_contextual_followup``), a short reply naming it or a variant offered with it ("xây mới nhà ở
    riêng lẻ" after the building permit: ``is_procedure_reply``), or the citizen's yes to the recent offer
    to pass a catalogue-less question ("ừ chuyển giùm tui đi": ``accepts_question_offer``)."""

    def name(self) -> str:
        return "action_out_of_scope"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if is_contextual_followup(tracker) or is_procedure_reply(tracker):
            return [FollowupAction("action_answer_procedure")]
        if accepts_question_offer(tracker):
            return [FollowupAction("action_submit_question")]
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
