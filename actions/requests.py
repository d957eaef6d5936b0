"""What a request that creates something (petition, postal request, appointment) is made of, for its
confirmation step (actions/confirmation.py): the fields the citizen may correct, the summary, the filing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_identity
from ticketing import citizen_desk as ticketing

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Field:
    """One thing a request records, as the citizen names it when correcting it."""

    slot: str
    label: str  # "Số điện thoại liên hệ"
    words: tuple[str, ...]  # folded words that name the field ("so dien thoai", "sdt")
    # The new value a correction message gives this field, or None. Location fields take a place.
    read: Callable[[str, Tracker], str | None] | None = None
    location: bool = False
    # Free text (what happened, what for) is taken only when the correction names the field: any message
    # would pass for it ("0911 000 222" is no new description).
    free_text: bool = False


@dataclass(frozen=True)
class RequestKind:
    name: str  # "petition", "postal", "appointment"
    form: str
    title: str  # what the citizen is sending: "phản ánh", "yêu cầu bưu chính công ích", "lịch hẹn"
    fields: tuple[Field, ...]
    lines: Callable[[Tracker], list[str]]  # the summary lines
    submit: Callable[[CollectingDispatcher, Tracker], list[EventType]]

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(f.slot for f in self.fields)


def file_ticket(
    dispatcher: CollectingDispatcher, tracker: Tracker, failed_message: str, **draft: Any
) -> ticketing.TicketReceipt | None:
    """File ``draft`` (``ticketing.citizen_desk.submit_ticket`` fields but the citizen's identity) for the
    citizen of this conversation; None, with ``failed_message`` said, when it could not be filed."""
    channel, user_id = channel_identity(tracker)
    try:
        return ticketing.submit_ticket(
            **draft, channel=channel, channel_user_id=user_id, conversation_id=tracker.sender_id
        )
    except Exception:
        logger.exception("%s ticket failed for conversation %s", draft.get("kind"), tracker.sender_id)
        dispatcher.utter_message(text=failed_message)
        return None
