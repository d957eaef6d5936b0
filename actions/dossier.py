"""Dossier (hồ sơ) status: the code, then the last 4 digits of the applicant's phone, then the lookup.

The code is read with or without its dots and spaces (``vietnam.codes``). The phone ending is taken from
the message that gives the code ("hồ sơ 000... số cuối 0004"), or from earlier in the conversation, before
it is asked; after a lookup, a corrected ending ("nhầm, 0002 mới đúng") looks the same dossier up again.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    FORM_LABELS,
    OUTCOME_SLOT,
    PROCEDURE_QUESTION,
    REQUESTED_SLOT,
    RESUME_SLOT,
    OffLoopAction,
    ended_early,
    latest_text,
    previous_action,
    reset,
)
from actions.context import is_contextual_followup, is_dossier_followup
from actions.forms import AnswerValidation, Reader
from actions.postal_info import POSTAL_DELIVERY_PAYLOAD, SERVICE_INFO
from knowledge import facade as knowledge
from vietnam.codes import find_codes, find_dossier_code, find_phone_last4, phone_last4
from vietnam.text import fold

logger = logging.getLogger(__name__)

BAD_CODE_MESSAGE = (
    "Dạ, em chưa thấy mã hồ sơ đúng định dạng. Mã in trên giấy tiếp nhận hồ sơ; nếu không còn giấy, anh/chị "
    'nhắn "gặp tổng đài viên" để được hỗ trợ ạ.'
)
LOOKUP_FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hệ thống tra cứu hồ sơ đang gián đoạn. Anh/chị vui lòng thử lại sau ít phút "
    'hoặc nhắn "gặp tổng đài viên" để được hỗ trợ ạ.'
)
DOSSIER_SLOTS = ("dossier_code", "phone_last4")
# The code of the last lookup (a corrected phone ending looks it up again) and a phone ending the citizen
# gave in this conversation (not asked again).
LAST_CODE_SLOT = "last_dossier_code"
KNOWN_LAST4_SLOT = "known_phone_last4"
PETITION_TOPIC_SLOT = "petition_topic"
# A question on the looked-up dossier's office ("cho xin số điện thoại chỗ giải quyết hồ sơ đó"): its
# contact, from the office directory.
_CONTACT_WORDS = re.compile(r"\b(?:so dien thoai|dien thoai|sdt|so dt|hotline|lien he|lien lac|goi)\b")
# A question on what the rules say ("theo quy định thì bao nhiêu ngày"): the dossier's procedure answers it,
# not the dossier's own appointment date.
_RULE_WORDS = re.compile(r"\b(?:quy dinh|theo luat|luat dinh|thong thuong|binh thuong|thoi han giai quyet)\b")


def read_dossier_code(text: str, tracker: Tracker | None = None) -> str | None:
    return find_dossier_code(text)


def read_last4(text: str, tracker: Tracker | None = None) -> str | None:
    """The last 4 digits of a phone in ``text``, never digits of a dossier or ticket code in it."""
    for match in find_codes(text):
        if match.entity != "phone_number":
            text = text[: match.start] + " " * (match.end - match.start) + text[match.end :]
    return find_phone_last4(text)


def gives_code_and_ending(text: str) -> bool:
    """Whether ``text`` gives a dossier code (in any of its forms) and a phone ending: a lookup, whatever
    else it says ("ho so 0000020H192611150004 duoi 0004 gui buu dien chua vay")."""
    return find_dossier_code(text) is not None and read_last4(text) is not None


def known_last4(tracker: Tracker) -> str | None:
    """A phone ending the citizen already gave in this conversation (or the end of a phone number)."""
    return tracker.get_slot(KNOWN_LAST4_SLOT) or phone_last4(tracker.get_slot("citizen_phone"))


def prefill_last4(tracker: Tracker) -> dict[str, Any]:
    """phone_last4 before it is asked: from the message that starts the lookup ("hồ sơ ... số cuối 0004"),
    else from earlier in the conversation."""
    if tracker.get_slot(REQUESTED_SLOT) == "phone_last4" or tracker.get_slot("phone_last4") is not None:
        return {}
    last4 = read_last4(latest_text(tracker)) or known_last4(tracker)
    return {"phone_last4": last4} if last4 else {}


def asks_dossier_office(tracker: Tracker) -> bool:
    """Whether the message asks how to reach the office handling the dossier looked up in this conversation
    ("cho xin số điện thoại chỗ giải quyết hồ sơ đó"): no code in it, contact words, a lookup done."""
    text = latest_text(tracker)
    return bool(
        tracker.get_slot(LAST_CODE_SLOT)
        and known_last4(tracker)
        and not find_codes(text)
        and _CONTACT_WORDS.search(fold(text))
    )


def asks_the_rule(text: str) -> bool:
    """Whether ``text`` asks what the rules say (the procedure's facts), not about the dossier itself."""
    return bool(_RULE_WORDS.search(fold(text)))


def procedure_events(result: knowledge.DossierAnswer) -> list[EventType]:
    """The dossier's procedure as the procedure being talked about: a follow-up on fee, time or papers."""
    code = result.procedure_code
    if not code or knowledge.get_procedure(code) is None:
        return []
    return [
        SlotSet("current_procedure", code),
        SlotSet("procedure_aspects", []),
        SlotSet("procedure_choices", None),
    ]


def office_answer(tracker: Tracker, result: knowledge.DossierAnswer) -> str | None:
    """The contact of the office handling the dossier, for a question about it; None when unknown."""
    if not result.agency:
        return None
    reply = knowledge.contact_answer(f"{latest_text(tracker)} {result.agency}", result.agency)
    return reply.message if reply.outcome == "office" else None


class ValidateDossierStatusForm(AnswerValidation):
    def name(self) -> str:
        return "validate_dossier_status_form"

    def readers(self) -> dict[str, Reader]:
        return {"dossier_code": read_dossier_code, "phone_last4": read_last4}

    def extract_dossier_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if self.is_prefill(tracker, "dossier_code") and is_contextual_followup(tracker):
            return {"dossier_code": latest_text(tracker)}  # validate_dossier_code ends the form
        if self.is_prefill(tracker, "dossier_code") and (
            is_dossier_followup(tracker) or asks_dossier_office(tracker)
        ):
            # "vậy hồ sơ cần bổ sung gì" right after a status: that dossier, its phone ending already given
            return {"dossier_code": tracker.get_slot(LAST_CODE_SLOT)}
        return self.extract_answer("dossier_code", tracker)

    def extract_phone_last4(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.extract_answer("phone_last4", tracker) or prefill_last4(tracker)

    def validate_dossier_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if cancel := self.cancel_if_asked(tracker, "dossier_code"):
            return cancel
        if self.is_prefill(tracker, "dossier_code") and is_contextual_followup(tracker):
            # "làm hồ sơ ở đâu ạ" right after a procedure answer: a question about it, not a lookup (the
            # form ends unseen, action_lookup_dossier hands the message to action_answer_procedure)
            return {"dossier_code": None, OUTCOME_SLOT: PROCEDURE_QUESTION, REQUESTED_SLOT: None}
        code = find_dossier_code(str(value or ""))
        if code:
            return self.accept("dossier_code", code)
        return self.reject(dispatcher, tracker, "dossier_code", BAD_CODE_MESSAGE)

    def validate_phone_last4(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        result = self.check_last4("phone_last4", value, dispatcher, tracker)
        if result.get("phone_last4"):
            result[KNOWN_LAST4_SLOT] = result["phone_last4"]
        return result


def resume_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After a lookup asked in the middle of a request (a petition, a postal request, an appointment), the
    request resumes where it was, its answers kept; nothing otherwise."""
    form = tracker.get_slot(RESUME_SLOT)
    if not form:
        return []
    dispatcher.utter_message(text=f"Dạ, mình tiếp tục phần {FORM_LABELS.get(form, form)} đang làm dở nhé ạ.")
    return [SlotSet(RESUME_SLOT, None), FollowupAction(form)]


class ActionLookupDossier(OffLoopAction):
    def name(self) -> str:
        return "action_lookup_dossier"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events = self.look_up(dispatcher, tracker)
        if any(e.get("event") == "followup" for e in events):
            return [SlotSet(RESUME_SLOT, None), *events]  # the lookup ended otherwise: no resuming
        return [*events, *resume_request(dispatcher, tracker)]

    def look_up(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        early = ended_early(dispatcher, tracker, *DOSSIER_SLOTS)
        if early is not None:
            return early
        code, last4 = tracker.get_slot("dossier_code"), tracker.get_slot("phone_last4")
        if not code:
            # After a lookup: "nhầm, 0002 mới đúng" looks the same dossier up with the corrected digits.
            code, last4 = tracker.get_slot(LAST_CODE_SLOT), read_last4(latest_text(tracker))
            if not code or not last4:
                dispatcher.utter_message(
                    text='Dạ, anh/chị cho em xin mã hồ sơ cần tra cứu (nhắn "tra cứu hồ sơ") ạ.'
                )
                return []
        try:
            result = knowledge.lookup_dossier(code, last4, tracker.sender_id)
        except Exception:
            logger.exception("dossier lookup failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=LOOKUP_FAILED_MESSAGE)
            return reset(*DOSSIER_SLOTS)
        same = code == tracker.get_slot(LAST_CODE_SLOT) and result.outcome == "found"
        if same and asks_dossier_office(tracker) and (office := office_answer(tracker, result)):
            dispatcher.utter_message(text=office)
            return [*reset(*DOSSIER_SLOTS), *procedure_events(result)]
        asked_next = same and is_dossier_followup(tracker)
        if asked_next and asks_the_rule(latest_text(tracker)) and (follow := procedure_events(result)):
            # "theo quy định thì bao nhiêu ngày": the dossier's procedure answers
            return [*reset(*DOSSIER_SLOTS), *follow, FollowupAction("action_answer_procedure")]
        # a question right after the status ("cần bổ sung gì"): what to do next, when the dossier came back
        dispatcher.utter_message(text=(asked_next and result.next_step) or result.message)
        events = [*reset(*DOSSIER_SLOTS), SlotSet(LAST_CODE_SLOT, code)]
        if result.outcome == "found":
            events.append(SlotSet(KNOWN_LAST4_SLOT, last4))
            events.extend(procedure_events(result))
        if result.outcome == "found" and (result.working_days_overdue or 0) > 0:
            # The answer offers to record a petition about the delay: "có" takes the citizen there, and
            # the petition is about this dossier (PETITION_TOPIC_SLOT) unless the citizen says otherwise.
            events.append(SlotSet("suggested_intent", "submit_petition"))
            events.append(
                SlotSet(
                    PETITION_TOPIC_SLOT,
                    f"Hồ sơ {code}{f' ({result.agency})' if result.agency else ''} đã quá hạn "
                    f"{result.working_days_overdue} ngày làm việc mà chưa có kết quả.",
                )
            )
        return events


# The statuses of a dossier whose result, to be collected at the counter, the post office may bring home
# instead (received, in progress, overdue, or ready at the counter).
_DELIVERABLE = ("received", "processing", "overdue", "completed")
# A question, not a request: "gửi bưu điện về nhà hay tui phải lên lấy", "có cần lên lấy không".
_ASKS = re.compile(r"\?|\b(?:hay|khong|ko|hong|hok|k|chua|sao|dau|nao|phai khong|co can)\b")


class ActionDossierDelivery(OffLoopAction):
    """Right after a dossier's status, a message read as a postal request that asks how the result comes
    ("gửi bưu điện về nhà hay tui phải lên lấy") is answered from the dossier; a request starts the form."""

    def name(self) -> str:
        return "action_dossier_delivery"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        code, last4 = tracker.get_slot(LAST_CODE_SLOT), tracker.get_slot(KNOWN_LAST4_SLOT)
        if code and last4 and _ASKS.search(fold(latest_text(tracker))):
            try:
                result = knowledge.lookup_dossier(code, last4, tracker.sender_id)
            except Exception:
                logger.exception("dossier lookup failed for conversation %s", tracker.sender_id)
                result = None
            if result is not None and result.outcome == "found" and result.delivery:
                if result.delivery_method in ("postal", "online") or result.status not in _DELIVERABLE:
                    dispatcher.utter_message(text=result.delivery)
                    return []
                # collected at the counter, ready or not: the post office can bring it home, if asked for
                dispatcher.utter_message(text=f"{result.delivery}\n{SERVICE_INFO}")
                dispatcher.utter_message(
                    text="Anh/chị có muốn em đăng ký để Bưu điện chuyển kết quả hồ sơ này về nhà không ạ?",
                    buttons=[
                        {"title": "Đăng ký gửi kết quả về nhà", "payload": POSTAL_DELIVERY_PAYLOAD},
                        {"title": "Không cần", "payload": "/deny"},
                    ],
                )
                return [SlotSet("suggested_intent", "request_postal_service")]
        return [FollowupAction("postal_form")]


def _just_looked_up(tracker: Tracker) -> knowledge.DossierAnswer | None:
    """The dossier the bot has just given the status of (looked up again, found), or None: a question
    that names no procedure right after a status is about that dossier."""
    code, last4 = tracker.get_slot(LAST_CODE_SLOT), tracker.get_slot(KNOWN_LAST4_SLOT)
    if not code or not last4 or previous_action(tracker) != "action_lookup_dossier":
        return None
    try:
        result = knowledge.lookup_dossier(code, last4, tracker.sender_id)
    except Exception:
        logger.exception("dossier lookup failed for conversation %s", tracker.sender_id)
        return None
    return result if result.outcome == "found" else None


def due_answer(tracker: Tracker) -> str | None:
    """When the dossier just looked up will be ready ("bao lâu thì có" right after its status), from its
    appointment date; None when there is no such dossier to speak of."""
    if asks_the_rule(latest_text(tracker)):
        return None  # "theo quy định thì mấy ngày": the procedure's processing time
    result = _just_looked_up(tracker)
    if result is None:
        return None
    if result.status in ("received", "processing") and result.due_date is not None:
        return (
            f"Dạ, hồ sơ {tracker.get_slot(LAST_CODE_SLOT)} có ngày hẹn trả kết quả là "
            f"{result.due_date:%d/%m/%Y}: dự kiến anh/chị nhận được kết quả vào ngày đó. Nếu hồ sơ cần bổ "
            "sung hay có thay đổi, cơ quan giải quyết sẽ báo cho anh/chị ạ."
        )
    return result.message


def next_step_answer(tracker: Tracker) -> str | None:
    """What to do next with the dossier just looked up when it came back (returned, or papers to add): a
    question that names no procedure right after its status ("vậy giờ tôi phải làm lại hồ sơ từ đầu hả?")
    is about it; None when there is no such dossier to speak of."""
    result = _just_looked_up(tracker)
    return result.next_step if result is not None else None
