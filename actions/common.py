"""What every action shares: the off-loop seam, who is talking on which channel, form failure counting.

Actions stay thin: they check what the citizen typed and phrase the reply; the work is done by
``knowledge.facade`` and ``ticketing.citizen_desk``.

The action server runs every conversation on one asyncio event loop, and that work is blocking
(SQLAlchemy sessions that may wait up to SQLite's busy timeout for the write lock, urllib calls to the
one-stop system). So every action derives from :class:`OffLoopAction` (its work is ``act``, a plain
method) and every form validation from :class:`GuardedFormValidation`: both run in a worker thread, so
a slow lookup stalls only its own conversation.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    EventType,
    FollowupAction,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.values import find_time, read_detail
from channels.identity import load_key, verified_identity
from knowledge import facade as knowledge
from vietnam.codes import find_codes, find_dossier_code, find_phone_last4, normalize_phone
from vietnam.text import expand_abbreviations, expand_english_terms, fold, normalize_text

T = TypeVar("T")

REQUESTED_SLOT = "requested_slot"
FAILURES_SLOT = "form_failures"
OUTCOME_SLOT = "form_outcome"
# The slots a form filled with the common case after the citizen twice answered something else
# (actions/forms.py AnswerValidation.fallbacks): the summary says so, where it can be corrected.
ASSUMED_SLOT = "form_assumed"
GAVE_UP = "gave_up"
CANCELLED = "cancelled"
HANDOFF = "handoff"
# The message that started a form was a question about the procedure just answered ("xây mới nhà ở riêng
# lẻ" after the building permit): the form ends unseen and the question is answered.
PROCEDURE_QUESTION = "procedure_question"
# The citizen confirmed a summary in words that read as a request for the same form ("ok đặt lịch đi" at the
# appointment summary): the form ends at once, its answers kept, and the request is sent.
CONFIRMED = "confirmed"
# The citizen asked, in the middle of another form, to look a dossier up and gave its code ("à không, tra
# giùm hồ sơ 000.00.20.H19-... đi"): the form ends unseen and the lookup starts with that code.
DOSSIER_LOOKUP = "dossier_lookup"
# The form that creates something (petition, postal request, appointment) a dossier lookup interrupted: its
# answers are kept, and it resumes after the lookup (actions/dossier.py).
RESUME_SLOT = "resume_form"
RESUMABLE_FORMS = ("petition_form", "postal_form", "appointment_form")
# The citizen asked, in the middle of a form, for another one ("thôi cho đặt lịch hẹn lên xã luôn" while the
# postal request asks which service): the form ends unseen and the other starts with that message.
SWITCH_PREFIX = "switch:"
# The intents that start a form, and the form each starts (bot/rules/*.yml "start the ... form").
FORM_INTENTS = {
    "submit_petition": "petition_form",
    "request_postal_service": "postal_form",
    "book_appointment": "appointment_form",
    "check_petition_status": "petition_status_form",
    "check_dossier_status": "dossier_status_form",
    "rate_service": "rating_form",
}
# What each form is doing, as the citizen would name it.
FORM_LABELS = {
    "petition_form": "gửi phản ánh",
    "postal_form": "đăng ký dịch vụ bưu chính",
    "appointment_form": "đặt lịch hẹn",
    "dossier_status_form": "tra cứu hồ sơ",
    "petition_status_form": "tra cứu phản ánh",
    "rating_form": "đánh giá dịch vụ",
}
# A request for another form ends this one only when the NLU is this sure of it.
SWITCH_CONFIDENCE = 0.6
# ...and when it is a request, not a short answer misread as one ("ở nhà" at the address step).
SWITCH_MIN_WORDS = 4
# Folded words that ask to look something up; with a dossier code they ask for its status.
_LOOKUP_WORDS = re.compile(r"\b(?:tra|kiem tra|coi|xem|check)\b")
# Every slot a form fills: cleared when the conversation goes to a human mid-form.
FORM_SLOTS = (
    "dossier_code",
    "phone_last4",
    "petition_description",
    "petition_location",
    "contact_phone",
    "contact_name",
    "petition_code",
    "postal_service_type",
    "postal_address",
    "appointment_type",
    "appointment_purpose",
    "appointment_location",
    "appointment_time",
    "rating_score",
    "rating_comment",
    "rating_ticket_code",
    "location_candidates",
    "location_detail",
    "location_mention",
    "request_kind",
    "form_assumed",
    "resume_form",
)
# Wrong answers in a row after which a form ends politely and a human is offered.
FAILURE_LIMIT = 3
# An answer that does not fit the question ends the form only when the NLU is this sure it is a request
# for a person or a stop; a bare name or phone number read as one is just a wrong answer.
HANDOFF_CONFIDENCE = 0.6
CANCEL_CONFIDENCE = 0.5

CHANNELS = ("zalo", "telegram", "webchat", "phone", "api")
DEFAULT_CHANNEL = "webchat"
# Prefix of the identity given to a sender whose channel identity the hub did not sign.
UNVERIFIED_PREFIX = "unverified:"


# Folded phrases by which a citizen stops a form.
_CANCEL_PHRASES = (
    "huy",
    "huy bo",
    "thoi",
    "thoi khoi",
    "thoi khong can",
    "khong can nua",
    "dung lai",
    "khong lam nua",
    "thoi bo di",
)
_CANCEL_PREFIXES = (
    "huy ",
    "thoi khong",
    "thoi khoi",
    "khong can nua",
    "toi khong muon nua",
    "em khong muon nua",
)

# Going somewhere in person ("để mai tui ra xã nói trực tiếp", "tui chở ổng lên ủy ban"): no request for a
# person of the 1022 desk, whatever the NLU read, unless it names one ("ra xã rồi, cho gặp tổng đài viên").
_GOING_THERE = re.compile(
    r"\b(?:ra|len|toi|den|xuong|qua|ghe)\s+(?:tan\s+)?"
    r"(?:xa|phuong|uy ban|ubnd|trung tam|mot cua|bo phan|huyen|tinh|cong an|buu dien)\b"
)
# When the citizen is free ("mai tui rảnh", "chiều nay có người ở nhà"): a time to come by, no leave taken,
# unless the message also takes leave or says the citizen goes there ("bữa nào rảnh tui lên xã trình bày").
_FREE = re.compile(r"\b(?:ranh|o nha|co nha)\b")
_FAREWELL = re.compile(
    r"\b(?:chao|bye|bai|tam biet|thoi|khoi|gap lai|off|truc tiep|hoi tiep|hoi lai|nhan tiep)\b"
)
_DESK_PERSON = re.compile(r"\b(?:nguoi that|nhan vien|nv|tong dai|tdv|tu van|ho tro vien|admin|ad|1022)\b")
# "ko cần gặp nhân viên đâu", "khỏi chuyển tổng đài viên", "không muốn nói chuyện với người thật": a person of
# the desk named after a negation is declined, not asked for (folded).
_DECLINES_PERSON = re.compile(
    r"\b(?:khong|ko|k|kg|hong|hok|hem|cha|chang|khoi|dung|chua)\s+"
    r"(?:(?:can|muon|phai|thich)\s+)?(?:(?:gap|noi chuyen|chuyen|goi|hoi|lam phien)\s+)?"
    r"(?:(?:voi|cho|qua|sang|den|toi)\s+)?(?:nguoi that|nhan vien|nv|tong dai vien|tong dai|tdv)\b"
)
# "cho tui gặp tổng đài viên... à thôi khỏi, hỏi bot cũng được": a person of the desk asked for, then taken
# back in the same message (folded).
_RETRACTS_PERSON = re.compile(
    r"\b(?:nguoi that|nhan vien|tong dai vien|tong dai|tdv)\b.*?"
    r"(?:\b(?:a|u|uh|thoi)\s+thoi\b|\bthoi\s+(?:khoi|khong can|ko can|k can|dung)\b"
    r"|\bhoi\s+(?:bot|may|em)\s+(?:cung duoc|cung dc|la duoc)\b)"
    r"(?!\s*(?:,\s*)?(?:hoi|noi chuyen voi|chat voi)\s+(?:bot|may)\b)"
)
# "trực tiếp" alone ("để tui chở ổng ra trực tiếp") is no request either, unless it names a person
# ("nói chuyện trực tiếp với cán bộ", "gặp người hỗ trợ trực tiếp").
_IN_PERSON = re.compile(r"\btruc tiep\b")
_PERSON = re.compile(r"\b(?:nguoi|can bo)\b")

# Folded phrases by which a citizen says they do not know the answer: not a stop ("hổng biết nữa").
_DONT_KNOW = re.compile(
    r"\b(?:khong|ko|k|hong|hok|cha|chang|chua|hem)\s+(?:biet|ro|nho|chac)\b|\bbiet dau\b|\bai biet\b"
)

BAD_PHONE_MESSAGE = "Dạ, số điện thoại chưa đúng: số Việt Nam gồm 10 chữ số, ví dụ 0912 345 678 ạ."
BAD_LAST4_MESSAGE = "Dạ, em cần đúng 4 chữ số cuối của số điện thoại ạ."
GAVE_UP_MESSAGE = (
    "Dạ, em xin lỗi vì chưa ghi nhận được thông tin anh/chị cung cấp. "
    "Em xin tạm dừng yêu cầu này để anh/chị không mất thời gian."
)
CANCELLED_MESSAGE = "Dạ, em đã dừng yêu cầu này theo ý anh/chị. Anh/chị cần hỗ trợ gì khác cứ nhắn em nhé ạ."
CANCEL_HINT = ' Nếu không muốn tiếp tục, anh/chị nhắn "hủy" giúp em ạ.'


# Worker threads for the actions' blocking work. More than the default executor's min(32, cores + 4):
# on a 2-core machine six conversations waiting for SQLite's write lock would otherwise hold every
# thread and stall the rest again. Threads start lazily, so idle servers pay nothing.
ACTION_WORKERS = 32
_workers = ThreadPoolExecutor(max_workers=ACTION_WORKERS, thread_name_prefix="action")


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` in a worker thread, with the caller's context variables: the event loop (and every
    other conversation on it) goes on while the work waits for the database or the network."""
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(
        _workers, functools.partial(context.run, work, *args)
    )


class OffLoopAction(Action, ABC):
    """An action whose work (``act``) runs off the event loop; write ``act``, never override ``run``."""

    @abstractmethod
    def name(self) -> str:
        """``action_...``, as in the domain."""

    @abstractmethod
    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """What the action does; may block (database, HTTP)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return await off_loop(self.act, dispatcher, tracker, domain)


def channel_identity(tracker: Tracker) -> tuple[str, str]:
    """The citizen's channel and their id on it, trusted only when the hub signed it.

    The hub passes ``{"channel", "channel_user_id", "hub_signature"}`` as message metadata, signed for the
    tracker's sender id with the key it shares with the action server (``channels/identity.py``). Anything
    else (a client calling Rasa directly, ``rasa shell``) gets ``unverified:<sender id>``, which owns no
    ticket filed through the hub: ticket lookups then ask for the second factor.
    """
    metadata = tracker.latest_message.get("metadata") or {}
    verified = verified_identity(metadata, tracker.sender_id, load_key())
    if verified is not None and verified[0] in CHANNELS:
        return verified
    channel = str(tracker.get_latest_input_channel() or "")
    if channel not in CHANNELS:
        channel = DEFAULT_CHANNEL
    return channel, f"{UNVERIFIED_PREFIX}{tracker.sender_id}"


def latest_text(tracker: Tracker) -> str:
    return normalize_text(tracker.latest_message.get("text") or "")


def to_merger_answer(tracker: Tracker) -> list[EventType] | None:
    """ "sáp nhập rồi có phải đổi giấy tờ không", whatever the NLU read it as (a place, a contact, nothing
    clear): the procedure answer, which gives the rule for papers issued before the reorganisation."""
    if knowledge.merger_papers(latest_text(tracker)) is None:
        return None
    return [FollowupAction("action_answer_procedure")]


def to_english_procedure_answer(tracker: Tracker) -> list[EventType] | None:
    """ "how to register temporary residence, e là sv ở Sa Đéc": a procedure named in English words, which
    the NLU (taught in Vietnamese) reads as a place or a bare value. When the English terms put into
    Vietnamese (``vietnam.text.ENGLISH_TERMS``) name a procedure of the catalogue: the procedure answer,
    which asks for or gives the place's office."""
    text = latest_text(tracker)
    if expand_english_terms(text) == text or not knowledge.match_catalogue(text).found:
        return None
    return [FollowupAction("action_answer_procedure")]


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_confidence(tracker: Tracker) -> float:
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


def intent_is(tracker: Tracker, intent: str, confidence: float) -> bool:
    """Whether the latest message is ``intent`` with at least ``confidence``."""
    return latest_intent(tracker) == intent and latest_confidence(tracker) >= confidence


def among_likeliest(tracker: Tracker, intent: str, floor: float) -> bool:
    """Whether ``intent`` is one of the NLU's two likeliest readings of the latest message (past
    ``nlu_fallback``), at least ``floor`` sure: a message it could not settle between two intents."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    likeliest = [r for r in ranking if r.get("name") != "nlu_fallback"][:2]
    return any(r.get("name") == intent and (r.get("confidence") or 0) >= floor for r in likeliest)


def previous_action(tracker: Tracker) -> str | None:
    """The bot's last action before the citizen's latest message (not counting listening), if any."""
    seen_user = False
    for event in reversed(tracker.events):
        kind, name = event.get("event"), event.get("name")
        if kind == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and kind == "action" and name not in (None, "action_listen"):
            return str(name)
    return None


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    entities = tracker.latest_message.get("entities") or []
    return [str(e.get("value")) for e in entities if e.get("entity") == entity]


# The citizen's messages before the latest one in which a procedure named is still the topic.
TOPIC_MESSAGES = 3


def named_lately(tracker: Tracker, messages: int = TOPIC_MESSAGES) -> str | None:
    """The procedure the NLU read in one of the citizen's ``messages`` messages before the latest ("... hồ sơ
    đăng ký kết hôn" in the postal request given up just before), the most recent first."""
    seen = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        seen += 1
        if seen == 1:
            continue  # the latest message
        if seen > messages + 1:
            break
        entities = (event.get("parse_data") or {}).get("entities") or []
        named = next((e.get("value") for e in entities if e.get("entity") == "procedure"), None)
        if named:
            return str(named)
    return None


def wants_to_cancel(text: str) -> bool:
    """Whether ``text`` stops the form in so many words, teen code included ("thôi ko cần nữa")."""
    folded = fold(expand_abbreviations(normalize_text(text))).strip(" .!?")
    return folded in _CANCEL_PHRASES or folded.startswith(_CANCEL_PREFIXES)


def goes_in_person(text: str) -> bool:
    """Whether the message says the citizen will go somewhere in person ("để mai tui ra xã nói trực
    tiếp") without asking for a person of the desk: never a handoff, however the NLU read it."""
    folded = fold(normalize_text(text))
    if _DESK_PERSON.search(folded):
        return False
    return bool(_GOING_THERE.search(folded)) or (
        bool(_IN_PERSON.search(folded)) and not _PERSON.search(folded)
    )


def declines_person(text: str) -> bool:
    """Whether the message says it does not want a person of the desk ("ko cần gặp nhân viên đâu, hỏi cái
    đổi bằng lái xe thôi"): never a handoff, however the NLU read it."""
    folded = fold(expand_abbreviations(normalize_text(text)))
    return bool(_DECLINES_PERSON.search(folded) or _RETRACTS_PERSON.search(folded))


def asks_for_person(tracker: Tracker) -> bool:
    """Whether the latest message clearly asks for a person of the desk: the NLU's `request_human` with
    HANDOFF_CONFIDENCE (a button's payload included), not going there in person, nor asking how to meet
    an officer of a named office ("gặp cán bộ tư pháp xã Cái Bè thì liên hệ ai")."""
    text = tracker.latest_message.get("text") or ""
    return (
        intent_is(tracker, "request_human", HANDOFF_CONFIDENCE)
        and not goes_in_person(text)
        and not declines_person(text)
        and not knowledge.asks_how_to_reach_office(text)
    )


def says_dont_know(text: str) -> bool:
    """Whether a short answer says "I don't know" ("hổng biết nữa", "ko rõ", "chả nhớ"): not a stop."""
    folded = fold(normalize_text(text))
    return len(folded.split()) <= 8 and bool(_DONT_KNOW.search(folded))


def reset(*slots: str) -> list[EventType]:
    """Clear the given slots and the form bookkeeping."""
    return [SlotSet(slot, None) for slot in slots] + [
        SlotSet(FAILURES_SLOT, 0),
        SlotSet(OUTCOME_SLOT, None),
        SlotSet(ASSUMED_SLOT, None),
    ]


# What the citizen already told one request that another asks too: the contact, and the place where the
# citizen is (the address of a postal request is the commune of an appointment, and the other way round;
# a petition's place is where something happened, not the citizen's).
CONTACT_SLOTS = ("contact_phone", "contact_name")
LOCATION_SLOTS = {"postal_form": "postal_address", "appointment_form": "appointment_location"}


def carried_over(tracker: Tracker, target: str) -> dict[str, EventType]:
    """slot -> the event that keeps it, for what the request being left knew that ``target`` asks too
    (its contact, its place as ``target``'s place): the citizen who changes their mind does not say it
    again."""
    kept: dict[str, EventType] = {
        slot: SlotSet(slot, tracker.get_slot(slot)) for slot in CONTACT_SLOTS if tracker.get_slot(slot)
    }
    source = next(
        (slot for form, slot in LOCATION_SLOTS.items() if form != target and tracker.get_slot(slot)), None
    )
    if source is not None and target in LOCATION_SLOTS:
        place = str(tracker.get_slot(source))
        # an appointment's commune is no address the postman can come to: a postal address needs its detail
        # (house number, hamlet, street), else it is asked
        if target != "postal_form" or read_detail(place):
            kept[source] = SlotSet(source, None)
            kept[LOCATION_SLOTS[target]] = SlotSet(LOCATION_SLOTS[target], place)
    return kept


def ended_early(dispatcher: CollectingDispatcher, tracker: Tracker, *slots: str) -> list[EventType] | None:
    """When the form that just ended early (given up, cancelled, handed off): the events that close it,
    else None."""
    outcome = tracker.get_slot(OUTCOME_SLOT)
    if outcome == GAVE_UP:
        return [*reset(*slots), FollowupAction("action_offer_human")]
    if outcome == HANDOFF:
        return [*reset(*slots), FollowupAction("action_handoff")]
    if outcome == PROCEDURE_QUESTION:
        return [*reset(*slots), FollowupAction("action_answer_procedure")]
    if outcome == DOSSIER_LOOKUP:
        if tracker.get_slot(RESUME_SLOT):  # the request's answers are kept for after the lookup
            return [*reset(), FollowupAction("dossier_status_form")]
        return [*reset(*slots), FollowupAction("dossier_status_form")]
    if isinstance(outcome, str) and outcome.startswith(SWITCH_PREFIX):
        target = outcome.removeprefix(SWITCH_PREFIX)
        dispatcher.utter_message(text=f"Dạ, em chuyển sang phần {FORM_LABELS.get(target, target)} ạ.")
        kept = carried_over(tracker, target)
        return [*reset(*(s for s in slots if s not in kept)), *kept.values(), FollowupAction(target)]
    if outcome == CANCELLED:
        # the stop is confirmed by action_cancel_request, after which the bot waits (no summary pending)
        return [*reset(*slots), FollowupAction("action_cancel_request")]
    return None


def says_when_free(text: str) -> bool:
    """Whether a message says when the citizen is free ("mai tui rảnh", "chiều nay có người ở nhà"): a time
    to come by, not leave taken, though the NLU may read "mai" as "see you tomorrow"; a message that also
    takes leave or goes there itself ("bữa nào rảnh tui lên xã trình bày trực tiếp") is no such answer."""
    folded = fold(normalize_text(text))
    return (
        bool(_FREE.search(folded))
        and find_time(text) is not None
        and not _FAREWELL.search(folded)
        and not _GOING_THERE.search(folded)
    )


class GuardedFormValidation(FormValidationAction, ABC):
    """Form validation that counts wrong answers and ends the form politely after FAILURE_LIMIT.

    Slots prefilled from the message that started the form are checked silently (the citizen did not
    answer a question yet): a value that does not fit is simply asked for.

    The whole validation (``validate_<slot>`` and ``extract_<slot>`` methods, which may query the
    database) runs in a worker thread with its own event loop, off the server's loop.
    """

    @abstractmethod
    def name(self) -> str:
        """``validate_<form name>``."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return await off_loop(self._validate_in_worker, dispatcher, tracker, domain)

    def _validate_in_worker(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return asyncio.run(super().run(dispatcher, tracker, domain))

    def is_prefill(self, tracker: Tracker, slot: str) -> bool:
        return tracker.get_slot(REQUESTED_SLOT) != slot

    def cancel_if_asked(self, tracker: Tracker, slot: str) -> dict[str, Any] | None:
        """The events that stop the form when the citizen's answer says to stop ("thôi bỏ đi, hổng gửi
        nữa", "hủy"): the NLU's `cancel` intent, leave taken (``takes_leave``), or one of the shortest stop
        words."""
        if self.is_prefill(tracker, slot):
            return None
        if switch := self.lookup_if_asked(tracker, slot):
            return switch
        if switch := self.switch_if_asked(tracker, slot):
            return switch
        if (
            intent_is(tracker, "cancel", CANCEL_CONFIDENCE)
            or self.takes_leave(tracker, slot)
            or wants_to_cancel(tracker.latest_message.get("text") or "")
        ):
            return {slot: None, FAILURES_SLOT: 0, OUTCOME_SLOT: CANCELLED, REQUESTED_SLOT: None}
        return None

    def takes_leave(self, tracker: Tracker, slot: str) -> bool:
        """Whether the answer takes leave instead of answering ("thôi khỏi, để tui lên phường nói trực
        tiếp"): the NLU's `goodbye`, with no value in it (a place's name may read as a farewell) and no
        answer to the question."""
        text = latest_text(tracker)
        return (
            intent_is(tracker, "goodbye", CANCEL_CONFIDENCE)
            and not tracker.latest_message.get("entities")
            and not self.takes_answer(slot, text, tracker)
            and not says_when_free(text)
        )

    def takes_answer(self, slot: str, text: str, tracker: Tracker) -> bool:
        """Whether ``text`` answers the question for ``slot`` (then it is no request for another form)."""
        return False

    def switch_target(self, tracker: Tracker, slot: str) -> str | None:
        """The other form the citizen's answer clearly asks for instead of answering ("thôi cho đặt lịch
        hẹn lên xã luôn" while a postal request asks which service), or None."""
        target = FORM_INTENTS.get(latest_intent(tracker) or "")
        if (
            target is None
            or target == self.name().removeprefix("validate_")
            or latest_confidence(tracker) < SWITCH_CONFIDENCE
            or len(latest_text(tracker).split()) < SWITCH_MIN_WORDS
            or self.takes_answer(slot, latest_text(tracker), tracker)
        ):
            return None
        return target

    def switch_if_asked(self, tracker: Tracker, slot: str) -> dict[str, Any] | None:
        """The events that end this form for the other one the answer asks for (see switch_target)."""
        target = self.switch_target(tracker, slot)
        if target is None:
            return None
        return {slot: None, FAILURES_SLOT: 0, OUTCOME_SLOT: SWITCH_PREFIX + target, REQUESTED_SLOT: None}

    def lookup_if_asked(self, tracker: Tracker, slot: str) -> dict[str, Any] | None:
        """The events that end this form for a dossier lookup when the answer asks to look a dossier up
        and gives its code ("à không, tra giùm hồ sơ 000.00.20.H19-261201-0001 đi"); never in the lookup
        itself, nor for a code quoted without a word that asks to look it up (a petition about the
        dossier)."""
        if self.name() == "validate_dossier_status_form":
            return None
        text = normalize_text(tracker.latest_message.get("text") or "")
        code = find_dossier_code(text)
        if code is None:
            return None
        if not (
            intent_is(tracker, "check_dossier_status", CANCEL_CONFIDENCE) or _LOOKUP_WORDS.search(fold(text))
        ):
            return None
        form = self.name().removeprefix("validate_")
        return {
            slot: None,
            FAILURES_SLOT: 0,
            OUTCOME_SLOT: DOSSIER_LOOKUP,
            REQUESTED_SLOT: None,
            "dossier_code": code,
            RESUME_SLOT: form if form in RESUMABLE_FORMS else None,
        }

    def accept(self, slot: str, value: Any) -> dict[str, Any]:
        return {slot: value, FAILURES_SLOT: 0}

    def reject(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str,
        message: str,
        *,
        may_stop: bool = True,
    ) -> dict[str, Any]:
        """Ask for ``slot`` again after ``message``; ``may_stop``: a stop in natural words cancels."""
        if self.is_prefill(tracker, slot):
            return {slot: None}
        cancel = self.cancel_if_asked(tracker, slot) if may_stop else None
        if cancel:
            return cancel
        if asks_for_person(tracker):
            # Not an answer but a clear request for a person: the form ends and the handoff follows.
            return {slot: None, FAILURES_SLOT: 0, OUTCOME_SLOT: HANDOFF, REQUESTED_SLOT: None}
        failures = int(tracker.get_slot(FAILURES_SLOT) or 0) + 1
        if failures >= FAILURE_LIMIT:
            dispatcher.utter_message(text=GAVE_UP_MESSAGE)
            return {slot: None, FAILURES_SLOT: 0, OUTCOME_SLOT: GAVE_UP, REQUESTED_SLOT: None}
        if latest_intent(tracker) == "deny":  # "không": say how to stop, if that is what they mean
            message += CANCEL_HINT
        dispatcher.utter_message(text=message)
        return {slot: None, FAILURES_SLOT: failures}

    def check_phone(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """A contact phone number, stored as ``0xxxxxxxxx``."""
        if cancel := self.cancel_if_asked(tracker, slot):
            return cancel
        text = normalize_text(str(value or ""))
        phone = normalize_phone(text) or next(
            (c.value for c in find_codes(text) if c.entity == "phone_number"), None
        )
        if phone:
            return self.accept(slot, phone)
        return self.reject(dispatcher, tracker, slot, BAD_PHONE_MESSAGE)

    def check_last4(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """The last 4 digits of the phone on file (the second factor of a lookup)."""
        if cancel := self.cancel_if_asked(tracker, slot):
            return cancel
        last4 = find_phone_last4(normalize_text(str(value or "")))
        if last4:
            return self.accept(slot, last4)
        return self.reject(dispatcher, tracker, slot, BAD_LAST4_MESSAGE)


def replayed_as(tracker: Tracker, intent: str, text: str) -> list[EventType]:
    """The citizen's last message again, read as ``intent`` (Rasa's own two-stage fallback does the same
    with the intent the citizen confirms): the usual rules take over, with the message's own text."""
    parse_data = {
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": tracker.latest_message.get("entities") or [],
        "text": text,
    }
    replayed = UserUttered(text=text, parse_data=parse_data, input_channel=tracker.get_latest_input_channel())
    replayed["metadata"] = tracker.latest_message.get("metadata") or {}  # the hub's channel identity
    # The rewind also takes back the action_listen before the message: listen again, then replay.
    return [
        UserUtteranceReverted(),
        SlotSet("suggested_intent", None),
        ActionExecuted("action_listen"),
        replayed,
    ]
