"""Shared rules of the actions: who is talking on which channel, and what a form clears."""

from __future__ import annotations

from actions.common import FORM_SLOTS, channel_identity
from tests.actions.support import make_tracker


def test_the_hub_metadata_names_the_channel_and_the_user() -> None:
    tracker = make_tracker(
        "xin chào",
        sender_id="conv-9",
        channel="rest",
        metadata={"channel": "zalo", "channel_user_id": "z-123"},
    )
    assert channel_identity(tracker) == ("zalo", "z-123")


def test_without_metadata_a_known_rasa_channel_and_the_sender_id_are_used() -> None:
    assert channel_identity(make_tracker("hi", sender_id="tg-5", channel="telegram")) == ("telegram", "tg-5")


def test_an_unknown_rasa_channel_counts_as_web_chat() -> None:
    assert channel_identity(make_tracker("hi", sender_id="web-1", channel="rest")) == ("webchat", "web-1")


def test_every_form_slot_is_cleared_on_handoff(domain: dict) -> None:
    required = {slot for form in domain["forms"].values() for slot in form["required_slots"]}
    assert required <= set(FORM_SLOTS)
    assert set(FORM_SLOTS) <= set(domain["slots"])
