"""Shared rules of the actions: who is talking on which channel, and the formats citizens type."""

from __future__ import annotations

from actions.common import (
    FORM_SLOTS,
    channel_identity,
    find_dossier_code,
    find_last4,
    find_ticket_code,
    normalize_phone,
)
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


def test_phone_numbers_are_stored_as_0_and_9_or_10_digits() -> None:
    assert normalize_phone("0912 345 678") == "0912345678"
    assert normalize_phone("+84 912.345.678") == "0912345678"
    assert normalize_phone("84912345678") == "0912345678"
    assert normalize_phone("0277 3851 234") == "02773851234"
    assert normalize_phone("12345") is None
    assert normalize_phone("số của tôi") is None


def test_dossier_codes_are_accepted_in_lower_case_and_with_spaces() -> None:
    assert find_dossier_code("000.00.20.h19-250312-0004") == "000.00.20.H19-250312-0004"
    assert find_dossier_code("mã hồ sơ 000.00.20.H19 - 250312 - 0004 ạ") == "000.00.20.H19-250312-0004"
    assert find_dossier_code("000.00.20-250312") is None


def test_ticket_codes_and_last_four_digits() -> None:
    assert find_ticket_code("pa-250312-0001") == "PA-250312-0001"
    assert find_ticket_code("mã BC-250312-0012") == "BC-250312-0012"
    assert find_ticket_code("PX-250312-0001") is None
    assert find_last4("5678") == "5678"
    assert find_last4("4 số cuối là 5 6 7 8") == "5678"
    assert find_last4("0912345678") == "5678"
    assert find_last4("567") is None


def test_every_form_slot_is_cleared_on_handoff(domain: dict) -> None:
    required = {slot for form in domain["forms"].values() for slot in form["required_slots"]}
    assert required <= set(FORM_SLOTS)
    assert set(FORM_SLOTS) <= set(domain["slots"])
