"""Helpers for the action tests: a ``Tracker`` like the one Rasa sends, and running an action."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from channels.identity import signed_metadata

# The key the hub and the action server share in these tests (set in the environment by conftest.py).
HUB_KEY = "test-hub-key"


def hub_metadata(sender_id: str, channel: str, channel_user_id: str | None = None) -> dict[str, str]:
    """The metadata the hub sends with a message: the citizen's channel identity, signed."""
    return signed_metadata(HUB_KEY.encode(), sender_id, channel, channel_user_id or sender_id)


def make_tracker(
    text: str = "",
    *,
    intent: str = "",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    sender_id: str = "citizen-1",
    channel: str = "telegram",
    metadata: dict[str, Any] | None = None,
    active_loop: str | None = None,
    intent_ranking: list[dict[str, Any]] | None = None,
    previous_events: list[dict[str, Any]] | None = None,
    slot_events: list[dict[str, Any]] | None = None,
    confidence: float = 1.0,
    aspects: dict[str, float] | None = None,
    followup: float | None = None,
) -> Tracker:
    """A tracker whose latest event is the citizen's message ``text`` (then ``slot_events``).

    Without ``metadata`` the message comes through the hub: the citizen is ``sender_id`` on ``channel``
    (web chat for a channel that is not ours), signed as the hub signs it.
    ``aspects``/``followup``: what the NLU's aspect classifier read (parse keys ``aspects``, ``followup``);
    left out, the parse has no such reading (a button payload)."""
    if metadata is None:
        ours = channel if channel in ("zalo", "telegram", "webchat", "phone", "api") else "webchat"
        metadata = hub_metadata(sender_id, ours)
    latest: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "intent_ranking": intent_ranking or [{"name": intent, "confidence": confidence}],
        "metadata": metadata,
    }
    if aspects is not None:
        latest["aspects"] = [{"name": n, "confidence": c} for n, c in aspects.items()]
    if followup is not None:
        latest["followup"] = {"confidence": followup}
    user_event = {"event": "user", "text": text, "parse_data": latest, "input_channel": channel}
    events = [*(previous_events or []), user_event, *(slot_events or [])]
    all_slots = {"form_failures": 0.0, **(slots or {})}
    return Tracker(
        sender_id=sender_id,
        slots=all_slots,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


async def run(action: Action, tracker: Tracker, domain: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """Run an action; returns (events, messages)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return list(events), dispatcher.messages


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The last value each slot is set to by ``events``."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


async def answer_form(
    validator: Action,
    domain: dict[str, Any],
    text: str,
    slot: str,
    *,
    value: Any = None,
    slots: dict[str, Any] | None = None,
    prefill: bool = False,
    **tracker_args: Any,
) -> tuple[list[dict], list[dict]]:
    """The citizen's message ``text`` fills ``slot`` of the validator's form (``value``: the extracted
    candidate, default the text); ``prefill``: the message that started the form (no slot asked yet)."""
    candidate = text if value is None else value
    current = {**(slots or {}), slot: candidate, "requested_slot": None if prefill else slot}
    tracker = make_tracker(
        text,
        slots=current,
        active_loop=validator.form_name(),
        slot_events=[{"event": "slot", "name": slot, "value": candidate}],
        **tracker_args,
    )
    return await run(validator, tracker, domain)


def form_turn(
    form: str,
    slot: str,
    text: str,
    intent: str,
    confidence: float = 0.95,
    *,
    form_started: bool = False,
    **slots: Any,
) -> Any:
    """A tracker in the middle of ``form``, which asks for ``slot``, when the citizen says ``text`` (read
    as ``intent``); ``form_started``: the form's activation is among the earlier events."""
    return make_tracker(
        text,
        intent=intent,
        confidence=confidence,
        slots={**slots, "requested_slot": slot},
        active_loop=form,
        previous_events=[{"event": "active_loop", "name": form}] if form_started else None,
    )
