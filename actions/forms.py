"""Forms that take only answers: what a message in the middle of a form is, and what the form does with it.

Form slots map with ``type: custom`` while their form asks for them (``bot/domain/*.yml``); the form's
validation action extracts them here, in its ``extract_<slot>`` methods, and Rasa's form machinery does
the rest:

- an answer that fits the question (a name at the name step, a phone number, a place that resolves to a
  unit, a day and time) is taken, whatever the NLU read it as: a bare name or phone number is never a
  request for a person;
- a side question (about a procedure, an office, the bot itself) is not extracted: the
  form rejects the turn, a rule of ``bot/rules/forms.yml`` answers it, and the form asks its question
  again, the one line that says where it was (``SIDE_INTENTS`` must match those rules);
- a value that plainly belongs to another question of the same form still unanswered (a name at the phone
  step, a phone number at the place step) fills that slot without an error, and the form asks only for
  what is still missing; the message that starts the form fills every slot it plainly gives ("Tôi là Trần
  Văn Bé, sđt 0939 123 456, ... tại số 12 đường Nguyễn Huệ, phường Cao Lãnh"): see
  ``AnswerValidation.volunteers``;
- anything else is handed to ``validate_<slot>``, which cancels on a stop in natural words, hands off on a
  clear request for a person, or says what it needs and asks again (``GuardedFormValidation``).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    ASSUMED_SLOT,
    CONFIRMED,
    FORM_LABELS,
    OUTCOME_SLOT,
    REQUESTED_SLOT,
    GuardedFormValidation,
    OffLoopAction,
    asks_for_person,
    latest_confidence,
    latest_intent,
    latest_text,
    previous_action,
    says_dont_know,
)
from actions.requests import FORMAL_WORDS, Field, RequestKind, read_correction
from actions.values import FAMILY_NAMES, LocationAnswer, read_detail, read_location, read_name
from vietnam.places import Place, find_places, former_unit_notes
from vietnam.text import fold, normalize_text

# Intents answered in the middle of a form before it resumes: one rule per form and intent in
# bot/rules/forms.yml.
# out_of_scope is not one: in the middle of a petition it is most often more detail misread, which the
# form's question handles better than "ngoài phạm vi".
SIDE_INTENTS = ("ask_procedure", "ask_contact_info", "bot_challenge")
SIDE_CONFIDENCE = 0.5
# A side question read at least this sure is a question even when the reader of a slot whose answers are
# also what questions ask about (``AnswerValidation.QUESTION_WORDS_SLOTS``: a day and time) finds a value
# in it ("mà bên đó làm việc mấy giờ, thứ 7 có làm không" names a day, yet asks about office hours).
STRONG_SIDE_CONFIDENCE = 0.85
# An answer this long that another form's intent reads clearly asks for that form, even when a reader of
# this one finds a value in it ("à thôi khỏi gửi bưu điện, đặt lịch hẹn cho tui lên xã Mỹ An Hưng ...").
PLAIN_ANSWER_WORDS = 8
# Values given unasked that the bot says it heard, as the citizen would name them (the value follows).
ACKNOWLEDGED = {
    "contact_name": "họ tên",
    "contact_phone": "số điện thoại",
    "appointment_time": "thời gian hẹn",
}
# Values said back only when a message corrects them at a later step ("Dạ, em đã sửa nội dung cần làm ...").
ACKNOWLEDGED_CORRECTIONS = {**ACKNOWLEDGED, "appointment_purpose": "nội dung cần làm"}
# A place that may be one of several units is asked back with these as buttons; the hamlet, street or
# house number given with it is kept for the answer.
CANDIDATES_SLOT = "location_candidates"
DETAIL_SLOT = "location_detail"
MAX_PLACE_BUTTONS = 8

Reader = Callable[[str, Tracker], Any]

# The correction the message being extracted makes (``AnswerValidation.correction``), read once against the
# slots as they were when it came: rasa_sdk shows each extract_<slot> the values the earlier ones took.
_MESSAGE_CORRECTION: ContextVar[tuple[tuple[Field, str] | None] | None] = ContextVar(
    "message_correction", default=None
)


# Answers that were something else after which a slot takes its common case (AnswerValidation.fallbacks).
MISSES_BEFORE_FALLBACK = 2


def times_asked(tracker: Tracker, slot: str) -> int:
    """How many of the citizen's messages, the latest included, came while the form asked for ``slot``
    (the message that started the form is no answer to it)."""
    messages, answered = 0, 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            messages += 1
        elif event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT:
            if event.get("value") != slot:
                break
            answered = messages
    return answered


# "đúng rồi, gửi đi", "ok gửi luôn", "dung r gui di ad": the citizen asks to send the request as it is.
_SEND_NOW = re.compile(r"\bgui\s+(?:di|luon|lien|dum|giup|gium|nha|nhe|dc|duoc)\b|\bgui\s*(?:a|ad|ah)?$")
SEND_NOW_WORDS = 8


def sends_now(tracker: Tracker) -> bool:
    """Whether the latest message, short, asks to send the request as it is: a question it leaves open
    that has a common case (``AnswerValidation.fallbacks``) takes it at once."""
    folded = fold(normalize_text(latest_text(tracker))).strip(" .!?")
    return len(folded.split()) <= SEND_NOW_WORDS and bool(_SEND_NOW.search(folded))


# The words of a message that only says to send what the summary shows ("gửi", "gửi đi", "ok gửi", "đúng rồi
# gửi giùm", "gui luon nha ad", "gửi phản ánh này đi", "ok đặt lịch đi", "ừ chốt luôn"): folded, beside one
# of the verbs that send it.
_CONFIRM_VERBS = frozenset(("gui", "dat", "chot", "ky"))
_CONFIRM_WORDS = frozenset(
    re.findall(
        r"\w+",
        "ok oke okay oki uh u um vang da dung roi r chuan xac nhan luon di lien nha nhe nhen a ad ah "
        "gium giup dum cho em e toi tui minh mik ho voi phan anh yeu cau lich hen don nay vay z dang",
    )
)


# The formal yes of a portal-style message ("Thông tin trên là chính xác, đề nghị gửi phản ánh.", "Tôi xác
# nhận nội dung trên, đề nghị chuyển phản ánh.", "Tôi xác nhận các thông tin trên là đúng.", "Đồng ý gửi."):
# folded, a phrase that says the summary is right or asks to send it on ("nội dung" is no "đúng"), among
# words that only point back at the summary.
_FORMAL_YES = re.compile(
    r"\b(?:xac nhan|chinh xac|dung|dong y|chuyen|gui|dat|chot|tiep nhan|xu ly|giai quyet)\b"
)
FORMAL_CONFIRM_WORDS = 24


def confirms_sending(text: str) -> bool:
    """Whether ``text``, at a summary, only asks to send it ("gửi", "ok gửi", "đúng rồi gửi giùm", "ok đặt
    lịch đi", "ừ gửi luôn") or says, formally, that it is right ("Thông tin trên là chính xác, đề nghị gửi
    phản ánh.", "Tôi xác nhận các thông tin trên là đúng."), whatever the NLU read it as (a bare "gửi" reads
    as a request for the postal service, "ok đặt lịch đi" as a new appointment, a formal yes that names the
    petition as a new petition or a new description)."""
    words = re.findall(r"\w+", fold(normalize_text(text)))
    if (
        any(w in _CONFIRM_VERBS for w in words)
        and len(words) <= SEND_NOW_WORDS
        and all(w in _CONFIRM_VERBS or w in _CONFIRM_WORDS for w in words)
    ):
        return True
    return formal_confirmation(words)


def formal_confirmation(words: list[str]) -> bool:
    """Whether the folded ``words`` of a message are a formal yes at a summary (``_FORMAL_YES``): a yes
    phrase and nothing but words that point back at the summary or ask to send it on."""
    allowed = _CONFIRM_VERBS | _CONFIRM_WORDS | FORMAL_WORDS
    said = " ".join(words).replace("noi dung", " ")
    return (
        0 < len(words) <= FORMAL_CONFIRM_WORDS
        and bool(_FORMAL_YES.search(said))
        and all(w in allowed for w in words)
    )


def value_before_message(tracker: Tracker, slot: str) -> Any:
    """The value ``slot`` had when the citizen's latest message came (a slot mapping may have overwritten
    it since)."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif seen_message and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def given_back(tracker: Tracker, slots: tuple[str, ...] | list[str]) -> list[EventType]:
    """The values of ``slots`` that the latest message's slot mappings overwrote, given back (a yes at a
    summary read as a new request: a new petition's mapping takes the message as its description)."""
    overwritten = _set_by_message(tracker)
    return [SlotSet(slot, value_before_message(tracker, slot)) for slot in slots if slot in overwritten]


def _set_by_message(tracker: Tracker) -> set[str]:
    """The slots the latest message's mappings set (the slot events after it)."""
    names: set[str] = set()
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return names
        if event.get("event") == "slot":
            names.add(str(event.get("name")))
    return names


def is_side_question(tracker: Tracker, confidence: float = SIDE_CONFIDENCE) -> bool:
    return latest_intent(tracker) in SIDE_INTENTS and latest_confidence(tracker) >= confidence


# The middle names that make a full name typed in lower case plainly a name ("vo thi kieu").
_MIDDLE_NAMES = frozenset(("van", "thi"))


def is_plain_name(text: str) -> bool:
    """Whether ``text`` is a person's full name and nothing else: two to four words led by a family name,
    capitalised ("Phan Thị Lụa", "Lam Quoc Bao") or with "văn"/"thị" after it ("vo thi kieu"). At the contact
    step that is the answer, whatever the NLU read it as (a name it never saw may look like a procedure's
    words to it); "làm căn cước cần gì" is not one."""
    text = normalize_text(text).strip(" .,!")
    words = text.split()
    folded = fold(text).split()
    return (
        2 <= len(words) <= 4
        and read_name(text) is not None
        and folded[0] in FAMILY_NAMES
        and (all(w[:1].isupper() for w in words) or folded[1] in _MIDDLE_NAMES)
    )


class AnswerValidation(GuardedFormValidation):
    """A form validation whose slots are extracted only from answers (see the module docstring).

    Subclasses list, per slot, a reader: ``reader(text, tracker)`` returns the value the text gives that
    slot, or None when the text is no answer to its question."""

    # Slots whose answers are words questions also ask about (a day, an hour): a clear side question is
    # answered even when their reader finds a value in it (STRONG_SIDE_CONFIDENCE).
    QUESTION_WORDS_SLOTS: tuple[str, ...] = ()

    @abstractmethod
    def readers(self) -> dict[str, Reader]:
        """slot -> reader for every slot the form asks for."""

    def volunteers(self) -> dict[str, Reader]:
        """slot -> strict reader of a value the citizen may give for that slot unasked: in the message that
        starts the form, or while the form asks for another slot. It returns the value only when the text
        plainly gives one (a phone number, a place of the directory, an introduced name), never for free
        text."""
        return {}

    def volunteered(self, slot: str, text: str, tracker: Tracker) -> Any:
        """The value ``text`` gives ``slot`` unasked, or None (the slot is filled, or has no such reader)."""
        reader = self.volunteers().get(slot)
        if reader is None or tracker.get_slot(slot) is not None:
            return None
        return reader(text, tracker)

    def request_kind(self) -> RequestKind | None:
        """What the form creates, if anything: its fields, for a correction in natural words at any step."""
        return None

    def fallbacks(self, tracker: Tracker) -> dict[str, Any]:
        """slot -> the common case, taken when the citizen was asked for the slot twice and answered
        something else both times (said in the summary, where it can be corrected)."""
        return {}

    def takes_answer(self, slot: str, text: str, tracker: Tracker) -> bool:
        """Whether ``text`` is an answer to the question for ``slot`` rather than a request for another
        form: a reader takes it and it is short (a long message that another form's intent reads clearly
        changes the request, its place or time going to the new form)."""
        reader = self.readers().get(slot)
        return (
            reader is not None
            and reader(text, tracker) is not None
            and len(text.split()) <= PLAIN_ANSWER_WORDS
        )

    def correction(self, tracker: Tracker) -> tuple[Field, str] | None:
        """A field already given that the latest message corrects ("sửa số điện thoại thành ...", "à lộn, đăng
        ký kết hôn chứ hổng phải khai sinh"), with its new value; never the field being asked for (that is
        an answer). A message that is no answer to the question asked may correct a field without naming
        it, by a value plainly that field's ("à thôi đổi qua thứ 6 đi" while the phone is asked)."""
        kind = self.request_kind()
        if kind is None:
            return None
        text = latest_text(tracker)
        requested = tracker.get_slot(REQUESTED_SLOT)
        reader = self.readers().get(requested) if requested else None
        by_value = requested is not None and (reader is None or reader(text, tracker) is None)
        found = read_correction(kind, text, tracker, by_value=by_value)
        if found is None or found[0].slot == requested:
            return None
        return found if tracker.get_slot(found[0].slot) is not None else None

    def missed(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        """What a message that does not answer the question for ``slot`` gives it: the common case after
        the second such message when the slot has one (``fallbacks``), else nothing (asked again)."""
        fallbacks = self.fallbacks(tracker)
        if slot not in fallbacks or (
            times_asked(tracker, slot) < MISSES_BEFORE_FALLBACK and not sends_now(tracker)
        ):
            return {}
        return {slot: fallbacks[slot]}

    def reject(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str,
        message: str,
        *,
        may_stop: bool = True,
    ) -> dict[str, Any]:
        """As GuardedFormValidation.reject, but a slot with a common case takes it after the second
        answer that does not give it (or at once when the citizen asks to send as it is), unless the
        answer is a stop or a request for a person."""
        if not self.is_prefill(tracker, slot):
            stop = self.cancel_if_asked(tracker, slot) if may_stop else None
            if stop:
                return stop
            if not asks_for_person(tracker) and (common := self.missed(slot, tracker)):
                return self.assume(slot, common[slot], tracker)
        return super().reject(dispatcher, tracker, slot, message, may_stop=may_stop)

    def assume(self, slot: str, value: Any, tracker: Tracker) -> dict[str, Any]:
        """``validate_<slot>`` of the common case ``missed`` took: the slot, marked as assumed."""
        assumed = [str(s) for s in tracker.get_slot(ASSUMED_SLOT) or [] if s != slot]
        return {**self.accept(slot, value), ASSUMED_SLOT: [*assumed, slot]}

    def _validate_in_worker(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        confirmed = self.confirmed_at_summary(tracker)
        if confirmed is not None:
            return confirmed
        return super()._validate_in_worker(dispatcher, tracker, domain)

    def confirmed_at_summary(self, tracker: Tracker) -> list[EventType] | None:
        """The events that end the form at once and send its request, when the citizen confirmed its
        summary in words the NLU read as a request for the same form ("ok đặt lịch đi" at the appointment
        summary): the answers the new start overwrote are given back. None otherwise."""
        kind = self.request_kind()
        if (
            kind is None
            or tracker.get_slot(REQUESTED_SLOT) is not None
            or previous_action(tracker) != "action_summarize_request"
            or tracker.get_slot("request_kind") != kind.name
            or not confirms_sending(latest_text(tracker))
        ):
            return None
        return [
            *given_back(tracker, kind.slots),
            SlotSet(OUTCOME_SLOT, CONFIRMED),
            SlotSet(REQUESTED_SLOT, None),
        ]

    def extract_answer(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        if tracker.latest_message.get("text") is None:
            return {}
        text = latest_text(tracker)
        requested = tracker.get_slot(REQUESTED_SLOT)
        computed = _MESSAGE_CORRECTION.get()
        correction = computed[0] if computed is not None else self.correction(tracker)
        if requested != slot:
            if correction is not None and correction[0].slot == slot:
                return {slot: correction[1]}
            if requested is not None and tracker.get_slot(slot) is None and sends_now(tracker):
                # "đúng rồi, gửi đi": the questions still open that have a common case take it
                return self.missed(slot, tracker)
            if requested is None or not is_side_question(tracker) or self.plain_contact(slot, text, tracker):
                value = self.volunteered(slot, text, tracker)
                if value is not None:
                    return {slot: value}
            return {}
        if correction is not None:
            return {}  # another field corrected (extract_<other> takes it): this one is asked again
        if self.switch_target(tracker, slot):
            return {slot: text}  # validate_<slot> ends this form for the one asked for
        if slot in self.QUESTION_WORDS_SLOTS and is_side_question(tracker, STRONG_SIDE_CONFIDENCE):
            return {}  # a question that happens to name a day or an hour: answered, then asked again
        if self.readers()[slot](text, tracker) is not None:
            return {slot: text}
        if is_side_question(tracker):
            # rejected: the side-question rule answers, then the form asks again (a bare name at the
            # contact step is taken by extract_contact_name: plain_contact)
            return {}
        others = (other for other in (*self.readers(), *self.optional_slots()) if other != slot)
        if any(self.volunteered(other, text, tracker) is not None for other in others):
            # the answer to another question (extract_<other> takes it): this one is asked again
            return self.missed(slot, tracker)
        return {slot: text}  # validate_<slot> decides: cancel, handoff, or ask again

    def plain_contact(self, slot: str, text: str, tracker: Tracker) -> bool:
        """Whether ``text``, at the step that asks for the name and the phone together, is the citizen's
        name and nothing else (``is_plain_name``) and ``slot`` is the name's, still empty."""
        return (
            slot == "contact_name"
            and tracker.get_slot(REQUESTED_SLOT) == "contact_phone"
            and tracker.get_slot(slot) is None
            and is_plain_name(text)
        )

    # Each extract_<slot> delegates to extract_answer (rasa_sdk looks the methods up by name).
    def __getattr__(self, name: str) -> Any:
        if name.startswith("extract_"):
            slot = name.removeprefix("extract_")
            if slot in self.readers():

                def extract(
                    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
                ) -> dict[str, Any]:
                    return self.extract_answer(slot, tracker)

                return extract
        raise AttributeError(name)

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """The form's slots (rasa_sdk), then its optional ones a message gives; the values given unasked
        are acknowledged in one line (``acknowledge``)."""
        before = dict(tracker.slots)
        correction = self.correction(tracker)
        token = _MESSAGE_CORRECTION.set((correction,))
        try:
            events = await super().get_extraction_events(dispatcher, tracker, domain)
            for slot in self.optional_slots():
                if tracker.get_slot(slot) is None:
                    value = self.extract_answer(slot, tracker).get(slot)
                else:  # "ghi sai tên rồi, Phạm Văn Tới mới đúng" at any step: the name given is corrected
                    value = correction[1] if correction is not None and correction[0].slot == slot else None
                if value is not None:
                    events.append(SlotSet(slot, value))
                    tracker.slots[slot] = value
        finally:
            _MESSAGE_CORRECTION.reset(token)
        required = self.domain_slots(domain)
        self.acknowledge(dispatcher, tracker, before, events, required)
        return events

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """rasa_sdk validates (and keeps) only the required slots: the optional ones taken are kept too."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        candidates = tracker.slots_to_validate()
        validated = {e.get("name") for e in events}
        for slot in self.optional_slots():
            if candidates.get(slot) is not None and slot not in validated:
                events.append(SlotSet(slot, candidates[slot]))
        return events

    def optional_slots(self) -> tuple[str, ...]:
        """Slots never asked for but taken when a message gives them plainly (``volunteers``): the
        citizen's name on an appointment or a postal request."""
        return ()

    def acknowledge(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        before: dict[str, Any],
        events: list[EventType],
        required: list[str],
    ) -> None:
        """Say, in one line, the values a message gave unasked before the form asks what is missing
        ("Dạ, em đã ghi nhận: họ tên ..., số điện thoại ..., thời gian hẹn ... ạ."): while the form asks
        for another slot, or, in the message that starts the form, when it gives several and the form
        still has a question to ask."""
        requested = tracker.get_slot(REQUESTED_SLOT)
        given = [(e.get("name"), e.get("value")) for e in events]
        if requested is None:
            # the message that starts the form: the values Rasa took from its entities count too
            prefilled = tracker.slots_to_validate()
            given = [*((s, v) for s, v in prefilled.items() if s not in dict(given)), *given]
            before = {**before, **{s: None for s in prefilled}}
        heard: list[tuple[bool, str]] = []  # (corrected, "họ tên Lâm Quốc Huy")
        for slot, value in given:
            corrected = before.get(slot) is not None
            labels = ACKNOWLEDGED_CORRECTIONS if corrected else ACKNOWLEDGED
            if slot in labels and value and slot != requested:
                heard.append((corrected, f"{labels[slot]} {value}"))
        if not heard:
            return
        if requested is None and (len(heard) < 2 or all(tracker.get_slot(s) is not None for s in required)):
            return  # the summary follows, or one value the question to come makes plain
        parts = [text for corrected, text in heard if not corrected]
        fixes = [text for corrected, text in heard if corrected]
        said = []
        if parts:
            said.append("ghi nhận" + (": " if len(parts) > 1 else " ") + ", ".join(parts))
        if fixes:
            said.append("sửa " + ", ".join(fixes))
        dispatcher.utter_message(text=f"Dạ, em đã {'; '.join(said)} ạ.")


# ------------------------------------------------------------------------------------------ places


def pending_candidates(tracker: Tracker) -> list[str]:
    return [str(name) for name in tracker.get_slot(CANDIDATES_SLOT) or []]


def choose_candidate(text: str, candidates: list[str]) -> str | None:
    """The unit among ``candidates`` (official names) that ``text`` picks: by name ("Mỹ Hiệp", a button's
    payload), or by position ("cái đầu", "số 2")."""
    matches = find_places(text)
    for match in matches:  # a unit named ("giờ là xã Long Hưng")
        if match.place is not None and match.place.name in candidates:
            return match.place.name
    for match in matches:  # a former name that leaves only one of them ("Tân Phú thuộc huyện Châu Thành cũ")
        among = {place.name for place in match.candidates if place.name in candidates}
        if len(among) == 1:
            return among.pop()
    folded = fold(text)
    for name in candidates:
        short = fold(name).split(" ", 1)[-1]
        if short and short in folded:
            return name
    position = ordinal(folded)
    if position is not None and -len(candidates) <= position < len(candidates):
        return candidates[position]
    return None


_ORDINALS = {
    ("dau", "dau tien", "thu nhat", "so 1", "1", "mot"): 0,
    ("thu hai", "thu 2", "so 2", "2", "hai"): 1,
    ("thu ba", "thu 3", "so 3", "3", "ba"): 2,
    ("thu tu", "thu 4", "so 4", "4"): 3,
    ("cuoi", "cuoi cung"): -1,
}


def ordinal(folded: str) -> int | None:
    """A position said in words ("cái đầu", "thứ 2", "số 3", "cái cuối"), 0-based; -1 for the last."""
    words = (
        " "
        + " ".join(w for w in folded.replace(",", " ").split() if w not in ("cai", "cho", "nha", "a"))
        + " "
    )
    for phrases, position in _ORDINALS.items():
        if any(f" {p} " in words for p in phrases) and len(words.split()) <= 4:
            return position
    return None


def location_reader(text: str, tracker: Tracker) -> Any:
    """A place answer: resolves to a unit, may be one of several, picks a pending candidate, or names the
    hamlet/street only (then the unit is asked)."""
    candidates = pending_candidates(tracker)
    if candidates and choose_candidate(text, candidates):
        return text
    return read_location(text) or (read_detail(text) or None)


def volunteered_location(text: str, tracker: Tracker) -> Any:
    """A place of the directory given unasked (the whole text: validate_<slot> keeps its detail)."""
    return text if read_location(text) else None


# "như tui nói ở trên", "như trên", "như lúc nãy", "như cũ" (folded): a value the citizen gave before.
_REFERS_BACK = re.compile(
    r"\bnhu\s+(?:(?:tui|toi|em|minh|anh|chi|con|chau)\s+)?(?:da\s+)?"
    r"(?:noi|ghi|nhan|gui|khai|dua|cho|bao|tren|cu|luc nay|hoi nay|ban dau)\b"
    r"|\b(?:o tren|hoi nay)\b"  # "lúc nãy" folds as "lúc này" (now): only after "như"
)


def refers_back(text: str) -> bool:
    """Whether ``text`` points to a value said earlier instead of giving it ("địa chỉ như tui nói ở trên")."""
    return bool(_REFERS_BACK.search(fold(normalize_text(text))))


def earlier_answer(tracker: Tracker, read: Callable[[str], Any]) -> Any:
    """The value ``read`` finds in the citizen's earlier messages, the latest first (the current one
    skipped): what "như tui nói ở trên" points to. None when no earlier message gives one."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(users[:-1]):
        value = read(normalize_text(event.get("text") or ""))
        if value is not None:
            return value
    return None


def earlier_location(tracker: Tracker) -> str | None:
    """The place, with its detail, of the latest earlier message that names one resolved to a unit."""

    def resolved(text: str) -> str | None:
        answer = read_location(text)
        return answer.text() if answer is not None and answer.resolved else None

    return earlier_answer(tracker, resolved)


class LocationSlotMixin:
    """validate_<location slot> for petitions, postal requests and appointments."""

    BAD_LOCATION_MESSAGE = (
        "Dạ, em cần biết xã/phường (có thể kèm ấp/khóm, số nhà) để chuyển đúng cơ quan phụ trách ạ."
    )
    APPROXIMATE_LOCATION_MESSAGE = (
        "Dạ, không sao ạ. Anh/chị cho em biết khu vực gần đúng cũng được: xã/phường, ấp/khóm, hoặc một chỗ "
        "dễ nhận ra gần đó (chợ, trường học, cây cầu...) ạ."
    )

    def check_location(
        self: Any, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        text = str(value or "")
        if says_dont_know(text) and not self.is_prefill(tracker, slot) and not read_location(text):
            # "hổng biết nữa" is no stop: an approximate area is enough
            message = self.APPROXIMATE_LOCATION_MESSAGE
            return {**self.reject(dispatcher, tracker, slot, message, may_stop=False), CANDIDATES_SLOT: None}
        if cancel := self.cancel_if_asked(tracker, slot):
            return cancel
        candidates = pending_candidates(tracker)
        kept_detail = str(tracker.get_slot(DETAIL_SLOT) or "")
        if candidates:
            chosen = choose_candidate(text, candidates)
            if chosen:
                place = _place_named(chosen)
                detail = read_detail(text) or kept_detail
                answer = ", ".join(p for p in (detail, place.name if place else chosen) if p)
                if text.strip() != chosen:  # typed, not the button: say which unit it was taken as
                    typed = read_location(text)
                    same = typed is not None and typed.place is not None and typed.place.name == chosen
                    if same and typed is not None:  # the former unit named is kept beside the new one
                        answer = replace(typed, detail=detail).text()
                    acknowledge_place(dispatcher, answer, typed if same else None)
                return {**self.accept(slot, answer), CANDIDATES_SLOT: None, DETAIL_SLOT: None}
        # At the question which unit (``candidates``), an answer that is none keeps its buttons.
        still_asked = candidates or None
        answer: LocationAnswer | None = read_location(text)
        if answer is None and refers_back(text) and (earlier := earlier_location(tracker)):
            # "địa chỉ như tui nói ở trên": the place given earlier in the conversation
            acknowledge_place(dispatcher, earlier, None)
            return {**self.accept(slot, earlier), CANDIDATES_SLOT: None, DETAIL_SLOT: None}
        if answer is None:
            detail = read_detail(text)
            if detail and not self.is_prefill(tracker, slot):
                # "ấp 7": keep it and ask which commune or ward (action_ask_<slot>)
                return {slot: None, DETAIL_SLOT: detail, CANDIDATES_SLOT: still_asked}
            return {
                **self.reject(dispatcher, tracker, slot, self.BAD_LOCATION_MESSAGE),
                CANDIDATES_SLOT: still_asked,
            }
        # Prefilled from an entity of the message that started the form: the detail is in the whole message
        # ("phản ánh đường bể ở ấp 3 huyện Cái Bè"), whose place the entity may spell otherwise ("Xã Mỹ Thọ").
        latest = latest_text(tracker)
        if self.is_prefill(tracker, slot) and text and not answer.detail:
            whole = read_location(latest)
            if whole is not None and (text in latest or (whole.resolved and whole.place == answer.place)):
                answer = whole
        detail = answer.detail or kept_detail
        if answer.resolved:
            value_text = replace(answer, detail=detail).text()
            if candidates:  # typed at the question which unit: say which unit it was taken as
                acknowledge_place(dispatcher, value_text, answer)
            return {**self.accept(slot, value_text), CANDIDATES_SLOT: None, DETAIL_SLOT: None}
        # A former district or a name several former communes shared: ask which unit, with buttons.
        return {
            slot: None,
            CANDIDATES_SLOT: [p.name for p in answer.candidates[:MAX_PLACE_BUTTONS]],
            DETAIL_SLOT: detail or None,
            "location_mention": answer.mention,
        }


def acknowledge_place(dispatcher: CollectingDispatcher, value: str, answer: LocationAnswer | None) -> None:
    """Say the place taken from an answer typed at the question which unit ("ở ấp 4 xã Ngũ Hiệp"), as a
    name or a phone given unasked is said, with the former name it was given by when the unit is now
    called otherwise ("khóm 1, Xã Tân Hồng (thị trấn Sa Rài cũ)")."""
    mention = answer.mention if answer is not None and answer.resolved else ""
    place = answer.place.name if answer is not None and answer.place is not None else ""
    differs = mention and _unit_core(mention) != _unit_core(place) and not value.endswith(" cũ)")
    former = f" ({mention} cũ)" if differs else ""
    dispatcher.utter_message(text=f"Dạ, em ghi nhận địa điểm: {value}{former} ạ.")


_UNIT_KIND = re.compile(r"^(?:xa|phuong|thi tran|tt|p|x)\s+")


def _unit_core(name: str) -> str:
    """A unit's name without its kind ("Xã Ngũ Hiệp", "ngũ hiệp" -> "ngu hiep")."""
    return _UNIT_KIND.sub("", fold(name).strip())


def _place_named(name: str) -> Place | None:
    return next((m.place for m in find_places(name) if m.place is not None and m.place.name == name), None)


class AskLocation(OffLoopAction, ABC):
    """``action_ask_<slot>`` for a location slot: the candidates as buttons when a place was ambiguous,
    the unit when only the hamlet was given, else the form's usual question (``utter_ask_<slot>``)."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The location slot the form asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return ask_location(dispatcher, tracker, f"utter_ask_{self.slot}")


def ask_location(dispatcher: CollectingDispatcher, tracker: Tracker, response: str) -> list[EventType]:
    """What action_ask_<location slot> says (see AskLocation)."""
    candidates = pending_candidates(tracker)
    detail = tracker.get_slot(DETAIL_SLOT)
    if candidates:
        mention = tracker.get_slot("location_mention")
        said = f'"{mention}"' if mention else "địa danh anh/chị nêu"
        # the address detail already taken is said back, so the citizen sees it is kept ("số 8, hẻm 3")
        kept = f"em đã ghi {detail}; " if detail else ""
        text = f"Dạ, {kept}{said} có thể ứng với nhiều xã/phường hiện nay. "
        # an old name shared by former communes of several districts: which old commune each choice is
        notes = former_unit_notes(mention) if mention else {}
        lines = [f"\n- {notes[name]}" for name in candidates if name in notes]
        text += "".join(lines) + ("\n" if lines else "") + "Anh/chị chọn giúp em xã/phường đúng ạ."
        dispatcher.utter_message(
            text=text,
            buttons=[{"title": name, "payload": name} for name in candidates],
        )
    elif detail:
        dispatcher.utter_message(text=f"Dạ, {detail} thuộc xã/phường nào ạ?")
    else:
        dispatcher.utter_message(response=response)
    return []


def clear_location_choice() -> list[EventType]:
    return [SlotSet(CANDIDATES_SLOT, None), SlotSet(DETAIL_SLOT, None), SlotSet("location_mention", None)]


# ------------------------------------------------------------------------------------- side questions


def form_reminder(tracker: Tracker) -> str | None:
    """The line said after answering a side question in the middle of a form, before it asks again."""
    label = FORM_LABELS.get((tracker.active_loop or {}).get("name") or "")
    return f"Dạ, mình tiếp tục phần {label} đang làm dở nhé ạ." if label else None
