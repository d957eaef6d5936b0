"""Dossier (hồ sơ) status: the code, then the last 4 digits of the applicant's phone, then the lookup."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import GuardedFormValidation, OffLoopAction, ended_early, reset
from knowledge import facade as knowledge
from vietnam.codes import find_dossier_code

logger = logging.getLogger(__name__)

BAD_CODE_MESSAGE = "Dạ, mã hồ sơ anh/chị nhập chưa đúng định dạng ạ."
LOOKUP_FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hệ thống tra cứu hồ sơ đang gián đoạn. Anh/chị vui lòng thử lại sau ít phút "
    'hoặc nhắn "gặp tổng đài viên" để được hỗ trợ ạ.'
)
DOSSIER_SLOTS = ("dossier_code", "phone_last4")


class ValidateDossierStatusForm(GuardedFormValidation):
    def name(self) -> str:
        return "validate_dossier_status_form"

    def validate_dossier_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if cancel := self.cancel_if_asked(tracker, "dossier_code"):
            return cancel
        code = find_dossier_code(str(value or ""))
        if code:
            return self.accept("dossier_code", code)
        return self.reject(dispatcher, tracker, "dossier_code", BAD_CODE_MESSAGE)

    def validate_phone_last4(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_last4("phone_last4", value, dispatcher, tracker)


class ActionLookupDossier(OffLoopAction):
    def name(self) -> str:
        return "action_lookup_dossier"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        early = ended_early(dispatcher, tracker, *DOSSIER_SLOTS)
        if early is not None:
            return early
        try:
            result = knowledge.lookup_dossier(
                tracker.get_slot("dossier_code"), tracker.get_slot("phone_last4"), tracker.sender_id
            )
        except Exception:
            logger.exception("dossier lookup failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=LOOKUP_FAILED_MESSAGE)
            return reset(*DOSSIER_SLOTS)
        dispatcher.utter_message(text=result.message)
        events = reset(*DOSSIER_SLOTS)
        if result.outcome == "found" and (result.working_days_overdue or 0) > 0:
            # The answer offers to record a petition about the delay: "có" takes the citizen there.
            events.append(SlotSet("suggested_intent", "submit_petition"))
        return events
