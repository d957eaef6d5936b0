"""Satisfaction rating (1-5) about the service, saved through ``ticketing.citizen_desk.rate_service``."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    OffLoopAction,
    channel_identity,
    ended_early,
    entity_values,
    latest_text,
    replayed_as,
    reset,
)
from actions.forms import AnswerValidation, Reader
from ticketing import citizen_desk as ticketing
from vietnam.codes import TICKET_CODE_PATTERN, find_ticket_code
from vietnam.text import fold, normalize_text

logger = logging.getLogger(__name__)

RATING_SLOTS = ("rating_score", "rating_comment", "rating_ticket_code")
_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5}
_DIGIT = re.compile(r"(?<!\d)([1-5])(?:\s*(?:/\s*5|sao|diem|d)\b)?(?!\d)")
_WORD = re.compile(r"\b(mot|hai|ba|bon|tu|nam)\s*(?:sao|diem)\b")
# Phrases that carry a rating without a number.
_PHRASES = (
    ("rat hai long", 5),
    ("rat tot", 5),
    ("tuyet voi", 5),
    ("rat te", 1),
    ("rat kem", 1),
    ("khong hai long", 2),
    ("hai long", 4),
)
BAD_SCORE_MESSAGE = "Dạ, em cần một số từ 1 đến 5 ạ."


def find_score(text: str) -> int | None:
    """A 1-5 score in the citizen's words: "5", "4/5", "5 sao", "năm sao", "⭐⭐⭐⭐", "rất hài lòng"."""
    text = re.sub(TICKET_CODE_PATTERN, " ", normalize_text(text), flags=re.IGNORECASE)  # "PA-250312-0001"
    stars = text.count("⭐") + text.count("★")
    if 1 <= stars <= 5:
        return stars
    folded = fold(text)
    if match := _WORD.search(folded):
        return _WORDS[match.group(1)]
    if match := _DIGIT.search(folded):
        return int(match.group(1))
    for phrase, score in _PHRASES:
        if phrase in folded:
            return score
    return None


def rated_ticket_code(tracker: Tracker) -> str | None:
    """The ticket the rating is about when the citizen names its code in the message that starts the
    rating; else the rating is about the service in general."""
    return next(
        (find_ticket_code(v) for v in entity_values(tracker, "petition_code") if find_ticket_code(v)), None
    )


# A thanks that also asks to rate ("ok cảm ơn, cho mik đánh giá", "cảm ơn em, tui chấm 5 sao"), folded: the
# rating, not a goodbye.
_ASKS_TO_RATE = re.compile(
    r"\b(?:danh gia|cham diem|cham (?:[1-5]|mot|hai|ba|bon|nam) sao|cho (?:[1-5]|nam) sao|vote|rate)\b"
)
_NOT_RATING = re.compile(r"\b(?:khong|ko|k|hong|khoi|chua)\s+(?:can\s+|muon\s+)?(?:danh gia|cham diem)\b")


def asks_to_rate(text: str) -> bool:
    """Whether a message asks to rate the service ("cho mik đánh giá"), not declines it ("khỏi đánh giá")."""
    folded = fold(normalize_text(text))
    return bool(_ASKS_TO_RATE.search(folded)) and not _NOT_RATING.search(folded)


class ActionThank(OffLoopAction):
    """A thanks: the rating when it also asks to rate ("ok cảm ơn, cho mik đánh giá": the message is read
    again as ``rate_service``), else ``utter_thank``."""

    def name(self) -> str:
        return "action_thank"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = latest_text(tracker)
        if asks_to_rate(text):
            return replayed_as(tracker, "rate_service", text)
        dispatcher.utter_message(response="utter_thank")
        return []


class ValidateRatingForm(AnswerValidation):
    def name(self) -> str:
        return "validate_rating_form"

    def readers(self) -> dict[str, Reader]:
        return {"rating_score": lambda text, tracker: find_score(text)}

    def validate_rating_score(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = normalize_text(str(value or ""))
        result: dict[str, Any] = {}
        if self.is_prefill(tracker, "rating_score"):
            if len(text.split()) >= 3 and not text.startswith("/"):
                result["rating_comment"] = text  # the message that started the rating is the comment
            if code := rated_ticket_code(tracker):
                result["rating_ticket_code"] = code
        if cancel := self.cancel_if_asked(tracker, "rating_score"):
            return cancel
        score = find_score(text)
        if score is not None:
            return {**result, **self.accept("rating_score", str(score))}
        return {**result, **self.reject(dispatcher, tracker, "rating_score", BAD_SCORE_MESSAGE)}


NOT_THEIRS_NOTE = (
    "Dạ, em chưa tìm thấy phản ánh có mã này trong các phản ánh anh/chị đã gửi từ tài khoản này, "
    "nên em ghi nhận đây là đánh giá chung về dịch vụ của Tổng đài 1022 ạ."
)
NOT_ANSWERED_NOTE = (
    "Dạ, phản ánh này chưa có trả lời nên chưa đánh giá được kết quả xử lý; "
    "em ghi nhận đây là đánh giá chung về dịch vụ của Tổng đài 1022 ạ."
)


class ActionSubmitRating(OffLoopAction):
    def name(self) -> str:
        return "action_submit_rating"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        early = ended_early(dispatcher, tracker, *RATING_SLOTS)
        if early is not None:
            return early
        score = int(tracker.get_slot("rating_score"))
        channel, user_id = channel_identity(tracker)
        comment = tracker.get_slot("rating_comment")
        ticket_code = tracker.get_slot("rating_ticket_code")
        note = None
        try:
            try:
                ticketing.rate_service(score, comment, channel, user_id, ticket_code)
            except (ticketing.TicketNotFound, ticketing.NotAllowed, ticketing.IllegalTransition) as problem:
                # The citizen's opinion still counts: keep it as a rating of the hotline in general.
                note = (
                    NOT_ANSWERED_NOTE if isinstance(problem, ticketing.IllegalTransition) else NOT_THEIRS_NOTE
                )
                ticketing.rate_service(score, comment, channel, user_id, None)
        except Exception:
            logger.exception("rating failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(
                text=(
                    "Dạ, em cảm ơn anh/chị. Hệ thống tạm thời chưa lưu được đánh giá, "
                    "anh/chị vui lòng gửi lại sau ít phút ạ."
                )
            )
            return reset(*RATING_SLOTS)
        if note:
            dispatcher.utter_message(text=note)
        if score <= 2:
            text = (
                f"Dạ, em ghi nhận đánh giá {score}/5 của anh/chị. Em rất tiếc vì anh/chị chưa hài lòng; "
                "ý kiến của anh/chị sẽ được chuyển tới bộ phận phụ trách để cải thiện ạ."
            )
        else:
            text = (
                f"Dạ, em cảm ơn anh/chị đã đánh giá {score}/5. "
                "Ý kiến của anh/chị giúp Tổng đài 1022 phục vụ tốt hơn ạ."
            )
        dispatcher.utter_message(text=text)
        return reset(*RATING_SLOTS)
