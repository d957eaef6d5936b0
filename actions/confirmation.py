"""The confirmation step of every form that creates something: petition, postal request, appointment.

When the form is complete the bot shows a summary and asks to confirm (``action_summarize_request``).
The citizen then:
- confirms ("đúng rồi", the button) -> ``action_submit_request`` files it;
- corrects one field in natural words ("ghi sai chỗ rồi, ở tổ 5 phường Sa Đéc mới đúng", "sửa số điện
  thoại thành 0912 ...") -> ``action_correct_request`` changes that field and the summary is shown again;
  a field named without its new value ("sửa lại địa chỉ") is asked again by the form, then the summary;
- asks to send it in a word the NLU may read otherwise ("gửi", "ok gửi luôn": a postal request, a new
  petition) -> ``action_correct_request`` hands it to ``action_submit_request`` (``confirms_sending``);
- confirms in words the NLU reads as a new request of the same form ("ok đặt lịch đi" at the appointment
  summary) -> the form's validation ends it at once, its answers kept
  (``AnswerValidation.confirmed_at_summary``, outcome ``confirmed``); ``action_summarize_request`` sends it;
- says formally that it is right ("Thông tin trên là chính xác, đề nghị gửi phản ánh.") -> sent, whatever the
  NLU read it as (``confirms_sending``; the answers the message's mappings overwrote are given back);
- gives only a new ending of the phone ("nhầm, 0002 mới đúng"), read as a correction or a no -> the phone's
  ending is replaced and the summary shown again (``phone_ending_fix``);
- says it is wrong without saying what -> ``action_ask_correction`` asks which field (buttons);
- stops ("thôi bỏ đi") -> ``action_cancel_request``.
Rules: bot/rules/confirmation.yml. Each kind of request is described once, in its own module
(``actions/petition.py`` ``PETITION``, ``actions/postal.py`` ``POSTAL``, ``actions/appointment.py``
``APPOINTMENT``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment import APPOINTMENT
from actions.common import (
    ASSUMED_SLOT,
    CANCELLED_MESSAGE,
    CONFIRMED,
    OUTCOME_SLOT,
    OffLoopAction,
    ended_early,
    latest_intent,
    latest_text,
    reset,
)
from actions.forms import (
    CANDIDATES_SLOT,
    DETAIL_SLOT,
    MAX_PLACE_BUTTONS,
    confirms_sending,
    earlier_answer,
    earlier_location,
    given_back,
    refers_back,
    sends_now,
)
from actions.petition import PETITION, read_phone
from actions.postal import POSTAL
from actions.procedures import asks_about_a_procedure
from actions.requests import (
    Field,
    RequestKind,
    clause_value,
    correction_value,
    fields_holding_old,
    lower_first,
    named_fields,
    spans_clauses,
)
from actions.values import read_detail, read_location, with_detail, with_place
from vietnam.text import fold, normalize_text

logger = logging.getLogger(__name__)

KIND_SLOT = "request_kind"
POSTAL_INTENT = "request_postal_service"
NOTHING_PENDING_MESSAGE = "Dạ, hiện không có yêu cầu nào đang chờ xác nhận ạ."


def kinds() -> dict[str, RequestKind]:
    return {k.form: k for k in (PETITION, POSTAL, APPOINTMENT)}


def current_kind(tracker: Tracker) -> RequestKind | None:
    """The request awaiting confirmation: the last of the three forms to run, else the slot."""
    by_form = kinds()
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name"):
            return by_form.get(event["name"])  # the last form that ran, if it creates something
    named = tracker.get_slot(KIND_SLOT)
    return next((k for k in by_form.values() if k.name == named), None)


def pending_kind(dispatcher: CollectingDispatcher, tracker: Tracker) -> RequestKind | None:
    """The request awaiting confirmation; None, after saying there is none."""
    kind = current_kind(tracker)
    if kind is None:
        dispatcher.utter_message(text=NOTHING_PENDING_MESSAGE)
    return kind


def summary_text(kind: RequestKind, tracker: Tracker) -> str:
    lines = "\n".join(f"- {line}" for line in kind.lines(tracker))
    return (
        f"Dạ, em xin tóm tắt {kind.title} của anh/chị:\n{lines}\n"
        f"Anh/chị xác nhận gửi {kind.title} này không ạ? Nếu có thông tin chưa đúng, anh/chị nhắn luôn "
        'thông tin đúng (ví dụ: "sửa số điện thoại thành 0912 345 678") ạ.'
    )


class ActionSummarizeRequest(OffLoopAction):
    def name(self) -> str:
        return "action_summarize_request"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kind = pending_kind(dispatcher, tracker)
        if kind is None:
            return []
        if tracker.get_slot(OUTCOME_SLOT) == CONFIRMED:
            # "ok đặt lịch đi" at this summary, read as a new request of the same kind: sent as it is
            return [*kind.submit(dispatcher, tracker), SlotSet(OUTCOME_SLOT, None), SlotSet(KIND_SLOT, None)]
        early = ended_early(dispatcher, tracker, *kind.slots)
        if early is not None:
            return [*early, SlotSet(KIND_SLOT, None)]
        if sends_now(tracker) and tracker.get_slot(ASSUMED_SLOT):
            # "đúng rồi, gửi đi", "ok vậy đi" at a question asked twice and left to its common case: the
            # citizen already said to send it as it is
            lines = "\n".join(f"- {line}" for line in kind.lines(tracker))
            dispatcher.utter_message(text=f"Dạ, em gửi {kind.title} với các thông tin sau:\n{lines}")
            return [*kind.submit(dispatcher, tracker), SlotSet(KIND_SLOT, None)]
        text = summary_text(kind, tracker)
        if latest_intent(tracker) == "check_petition_status":  # "ủa gửi rồi hả?" at the summary
            text = f"Dạ, {kind.title} chưa được gửi đi ạ, em chờ anh/chị xác nhận.\n" + text
        dispatcher.utter_message(
            text=text,
            buttons=[
                {"title": f"Đồng ý, gửi {kind.title}", "payload": "/affirm"},
                {"title": "Chưa đúng, sửa lại", "payload": "/deny"},
                {"title": "Hủy", "payload": "/cancel"},
            ],
        )
        return [SlotSet(KIND_SLOT, kind.name)]


class ActionSubmitRequest(OffLoopAction):
    def name(self) -> str:
        return "action_submit_request"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kind = current_kind(tracker)
        if kind is None or not all(tracker.get_slot(s) is not None for s in kind.required_slots):
            dispatcher.utter_message(
                text="Dạ, em chưa có đủ thông tin để gửi. Anh/chị nhắn lại yêu cầu giúp em nhé ạ."
            )
            return [SlotSet(KIND_SLOT, None)]
        events = kind.submit(dispatcher, tracker)
        # then the bot waits, however the message that confirmed was read ("đề nghị gửi phản ánh" reads as
        # a new petition, after which no rule says what comes next)
        return [*events, SlotSet(KIND_SLOT, None), FollowupAction("action_listen")]


def send_as_summarised(
    dispatcher: CollectingDispatcher, kind: RequestKind, tracker: Tracker
) -> list[EventType]:
    """Send the request the summary showed: a yes the NLU read as a new request sends the answers of the
    summary, given back (``given_back``), not the message."""
    return [*given_back(tracker, kind.slots), FollowupAction("action_submit_request")]


class ActionCancelRequest(OffLoopAction):
    def name(self) -> str:
        return "action_cancel_request"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kind = current_kind(tracker)
        gives_value = bool(tracker.latest_message.get("entities"))
        if kind is not None and latest_intent(tracker) == "goodbye" and gives_value:
            # a farewell at the summary that gives a value (a place's name may read as one) corrects it
            return [FollowupAction("action_correct_request")]
        # "thôi không cần nữa, cho em hỏi làm hộ chiếu cần gì": the question after the stop is answered
        then = [FollowupAction("action_answer_procedure")] if asks_about_a_procedure(tracker) else []
        if kind is None:  # a lookup or a rating stopped: nothing was being sent
            dispatcher.utter_message(text=CANCELLED_MESSAGE)
            return [SlotSet(KIND_SLOT, None), *then]
        dispatcher.utter_message(
            text=(
                f"Dạ, em đã hủy {kind.title} này, chưa có gì được gửi đi. "
                + ("" if then else "Khi cần, anh/chị cứ nhắn lại cho em nhé ạ.")
            ).strip()
        )
        return [*reset(*kind.slots), SlotSet(KIND_SLOT, None), *then]


class ActionAskCorrection(OffLoopAction):
    def name(self) -> str:
        return "action_ask_correction"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kind = pending_kind(dispatcher, tracker)
        if kind is None:
            return []
        if (ending := phone_ending_fix(kind, latest_text(tracker), tracker)) is not None:
            # "nhầm, 0002 mới đúng" read as a no: the phone's ending is corrected
            return _phone_ending_events(dispatcher, kind, *ending)
        dispatcher.utter_message(
            text=(
                "Dạ, anh/chị muốn sửa thông tin nào ạ? Anh/chị bấm chọn bên dưới, hoặc nhắn luôn thông tin "
                'đúng (ví dụ: "số điện thoại 0912 345 678").'
            ),
            buttons=[
                *(
                    {"title": f.label, "payload": f"sửa {f.label[0].lower()}{f.label[1:]}"}
                    for f in kind.fields
                ),
                {"title": "Hủy", "payload": "/cancel"},
            ],
        )
        return [SlotSet(KIND_SLOT, kind.name)]


class ActionCorrectRequest(OffLoopAction):
    def name(self) -> str:
        return "action_correct_request"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kind = pending_kind(dispatcher, tracker)
        if kind is None:
            return []
        text = latest_text(tracker)
        if confirms_sending(text):
            # "gửi", "đúng rồi gửi giùm", "Thông tin trên là chính xác, đề nghị gửi phản ánh." (read as a
            # postal request or a new petition): the confirmation
            return send_as_summarised(dispatcher, kind, tracker)
        if latest_intent(tracker) == POSTAL_INTENT and kind is not POSTAL:
            # "cho tui đăng ký bưu điện trả kết quả về nhà" at another summary: that request starts
            return [FollowupAction(POSTAL.form)]
        if (ending := phone_ending_fix(kind, text, tracker)) is not None:
            return _phone_ending_events(dispatcher, kind, *ending)
        value_text = correction_value(text)
        named = named_fields(kind, text)
        holding = fields_holding_old(kind, text, tracker)
        if len(holding) == 1:  # "số 21 chứ hông phải 12": the field that says 12, whatever "số" names
            named = holding
        order = [*named, *(f for f in kind.fields if f not in named)]
        for field in order:
            if field.location:
                current = str(tracker.get_slot(field.slot) or "")
                events = self._location(kind, field, value_text, current if field in named else None)
                if events is not None:
                    events = [*_described_place(kind, tracker, events), *events]
                    if any(
                        e.get("event") == "slot" and e.get("name") == field.slot and e.get("value")
                        for e in events
                    ):
                        dispatcher.utter_message(text=f"Dạ, em đã sửa {lower_first(field.label)} ạ.")
                    return events
                continue
            if field.read is None or (field.free_text and field not in named):
                continue
            value = field.read(value_text, tracker)
            if not field.free_text and (value is None or spans_clauses(value)):
                # none after the marker, or one across clauses ("chiều thứ 3 giùm tui, sáng thứ 2"): the
                # first clause that gives one
                value = clause_value(field, text, tracker) or value
            if value is not None:
                dispatcher.utter_message(text=f"Dạ, em đã sửa {lower_first(field.label)} ạ.")
                return [
                    SlotSet(field.slot, value),
                    SlotSet(KIND_SLOT, kind.name),
                    FollowupAction("action_summarize_request"),
                ]
        if named and refers_back(text):
            # "rồi, vậy địa chỉ như tui nói ở trên đó": the value given earlier, kept or taken again
            return self._earlier(dispatcher, kind, named[0], tracker)
        if named:
            # "sửa lại địa chỉ": the form asks that one field again, then the summary comes back.
            return [SlotSet(named[0].slot, None), SlotSet(KIND_SLOT, kind.name), FollowupAction(kind.form)]
        return [FollowupAction("action_ask_correction")]

    @staticmethod
    def _earlier(
        dispatcher: CollectingDispatcher, kind: RequestKind, field: Field, tracker: Tracker
    ) -> list[EventType]:
        """The events of a field the citizen points back to: the value recorded, else the one an earlier
        message gives; the summary again, or the form's question when there is none."""
        value = tracker.get_slot(field.slot)
        if not value:
            if field.location:
                value = earlier_location(tracker)
            elif field.read is not None:
                read = field.read
                value = earlier_answer(tracker, lambda text: read(text, tracker))
        if not value:
            return [SlotSet(field.slot, None), SlotSet(KIND_SLOT, kind.name), FollowupAction(kind.form)]
        dispatcher.utter_message(text=f"Dạ, em giữ {lower_first(field.label)}: {value} ạ.")
        return [
            SlotSet(field.slot, value),
            SlotSet(KIND_SLOT, kind.name),
            FollowupAction("action_summarize_request"),
        ]

    @staticmethod
    def _location(kind: RequestKind, field: Field, text: str, current: str | None) -> list[EventType] | None:
        """The events of a place correction; ``current``: the place recorded, when the message names the
        field (then a hamlet, street or house number alone changes that detail and keeps the unit: "ấp 5
        chứ hổng phải ấp 3")."""
        answer = read_location(text)
        if answer is None:
            detail = read_detail(text)
            if current is None or not detail:
                return None
            corrected = with_detail(current, detail)
            if corrected is None:
                return None
            return [
                SlotSet(field.slot, corrected),
                SlotSet(KIND_SLOT, kind.name),
                FollowupAction("action_summarize_request"),
            ]
        if answer.resolved:
            return [
                SlotSet(field.slot, answer.text()),
                SlotSet(KIND_SLOT, kind.name),
                FollowupAction("action_summarize_request"),
            ]
        # several possible units: the form asks which one, with buttons
        return [
            SlotSet(field.slot, None),
            SlotSet(CANDIDATES_SLOT, [p.name for p in answer.candidates[:MAX_PLACE_BUTTONS]]),
            SlotSet(DETAIL_SLOT, answer.detail or None),
            SlotSet("location_mention", answer.mention),
            SlotSet(KIND_SLOT, kind.name),
            FollowupAction(kind.form),
        ]


def _described_place(kind: RequestKind, tracker: Tracker, events: list[EventType]) -> list[EventType]:
    """A place corrected at the summary, in the free-text fields too: a description that names the place
    ("..., ở tổ 5 phường Cao Lãnh") names the corrected one instead, so that the summary and the ticket
    do not say two places."""
    location = next(
        (
            str(e.get("value"))
            for e in events
            if e.get("event") == "slot"
            and e.get("value")
            and any(f.location and f.slot == e.get("name") for f in kind.fields)
        ),
        None,
    )
    if location is None:
        return []
    updated = []
    for field in kind.fields:
        text = tracker.get_slot(field.slot)
        if field.free_text and isinstance(text, str) and text:
            new = with_place(text, location)
            if new != text:
                updated.append(SlotSet(field.slot, new))
    return updated


# A short group of digits in a correction ("nhầm, 0002 mới đúng", "đuôi 987 chứ không phải 978"): the new
# ending of the phone recorded. Folded words that may come with it and give no other field.
_SHORT_DIGITS = re.compile(r"(?<![\d.,/:-])\d{3,4}(?![\d.,/:-]\d)")
_ENDING_WORDS = frozenset(
    re.findall(
        r"\w+",
        "nham sai roi r ghi lai sua doi thanh la moi dung phai chu cho khong ko k hong hok duoi cuoi so "
        "dien thoai sdt dt so cuoi con em tui toi minh a ad ah nha nhe di gium giup dum chua e oi",
    )
)


def phone_ending_fix(kind: RequestKind, text: str, tracker: Tracker) -> tuple[Field, str, str] | None:
    """A correction at a summary that gives only the phone's ending ("nhầm, 0002 mới đúng"): a group of 3 or
    4 digits, the last of the message's numbers, and no other field's words; with the phone field, its
    value and its new value (the ending replaced). None otherwise."""
    field = next((f for f in kind.fields if f.slot == "contact_phone"), None)
    current = str(tracker.get_slot("contact_phone") or "") if field is not None else ""
    if field is None or not current.isdigit() or len(current) < 9:
        return None
    folded = fold(normalize_text(text))
    if read_location(text) is not None or read_detail(text):
        return None  # "số nhà 123", "tổ 12 mới đúng": the place's detail
    if read_phone(text):
        return None  # a whole number ("0911 000 222"): the phone itself
    groups = _SHORT_DIGITS.findall(folded)
    others = re.findall(r"\d+", _SHORT_DIGITS.sub(" ", folded))
    words = re.findall(r"[^\W\d]+", folded)
    if not groups or others or not all(w in _ENDING_WORDS for w in words):
        return None
    ending = groups[-1]  # "0001 chứ không phải, 0002 mới đúng": the last one given
    if ending == current[-len(ending) :]:
        if len(groups) < 2:
            return None  # the ending already recorded: nothing to change
        ending = next((g for g in groups if g != current[-len(g) :]), ending)
    return field, current, current[: -len(ending)] + ending


def _phone_ending_events(
    dispatcher: CollectingDispatcher, kind: RequestKind, field: Field, old: str, new: str
) -> list[EventType]:
    if new == old:
        return [SlotSet(KIND_SLOT, kind.name), FollowupAction("action_summarize_request")]
    dispatcher.utter_message(text=f"Dạ, em đã sửa {lower_first(field.label)} thành {new} ạ.")
    return [
        SlotSet(field.slot, new),
        SlotSet(KIND_SLOT, kind.name),
        FollowupAction("action_summarize_request"),
    ]
