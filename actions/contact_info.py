"""Where to go and whom to call: address, phone and hours of an office, from ``knowledge.facade``.

``knowledge.facade.contact_answer`` reads the office directory (sourced fields, the rest said plainly with
1022 and the portal). Here the dialogue around it: the ``location`` entity is passed as the place, and a
former district or a name several former units shared is asked back with the candidates as buttons
(``/ask_contact_info{"location": "<unit>"}``), which answer with that unit's offices.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    OffLoopAction,
    entity_values,
    latest_text,
    to_english_procedure_answer,
    to_merger_answer,
)
from knowledge import facade as knowledge
from vietnam.places import get_place

MAX_PLACE_BUTTONS = 8
# The commune/ward of the last contact answer, for a follow-up that names none.
PLACE_SLOT = "contact_place"


class ActionContactInfo(OffLoopAction):
    def name(self) -> str:
        return "action_contact_info"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if (rerouted := to_merger_answer(tracker) or to_english_procedure_answer(tracker)) is not None:
            return rerouted
        return self.answer(dispatcher, tracker)

    @staticmethod
    def answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        text = latest_text(tracker)
        place = next(iter(entity_values(tracker, "location")), None)
        reply = knowledge.contact_answer(text, place)
        if reply.outcome == "ask_place" and tracker.get_slot(PLACE_SLOT):
            # "giờ làm việc mấy giờ" after a question about a commune: the same commune
            reply = knowledge.contact_answer(text, str(tracker.get_slot(PLACE_SLOT)))
        if reply.outcome == "ambiguous_place" and reply.candidates:
            units = [get_place(code) for code in reply.candidates[:MAX_PLACE_BUTTONS]]
            dispatcher.utter_message(
                text=reply.message,
                buttons=[
                    {"title": unit.name, "payload": f'/ask_contact_info{{"location": "{unit.name}"}}'}
                    for unit in units
                    if unit is not None
                ],
            )
            return []
        dispatcher.utter_message(text=reply.message)
        return [SlotSet(PLACE_SLOT, reply.place)] if reply.place else []
