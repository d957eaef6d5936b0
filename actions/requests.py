"""What a request that creates something (petition, postal request, appointment) is made of, for its
confirmation step (actions/confirmation.py): the fields the citizen may correct, the summary, the filing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher


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
