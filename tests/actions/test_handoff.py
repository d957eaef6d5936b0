"""Handoff: the conversation is marked for a human and the hub sees {"handoff": true}."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from actions.handoff import ActionHandoff, ActionOfferHuman
from database import get_database
from tests.actions.support import make_tracker, run, slot_values, texts
from ticketing.models import Conversation, ConversationStatus


def _conversation(channel_user_id: str) -> tuple[ConversationStatus, str | None, str | None] | None:
    """(status, conversation id, handoff reason) of the citizen's conversation."""
    with get_database().session(readonly=True) as session:
        found = session.scalar(select(Conversation).where(Conversation.channel_user_id == channel_user_id))
        return (found.status, found.conversation_id, found.handoff_reason) if found else None


async def test_asking_for_a_human_marks_the_conversation_and_tells_the_hub(domain: dict[str, Any]) -> None:
    half_filled = {"petition_description": "Đèn đường ở ấp 3 bị hư cả tháng nay"}
    tracker = make_tracker(
        "cho tôi gặp tổng đài viên", intent="request_human", sender_id="handoff-1", slots=half_filled
    )
    events, messages = await run(ActionHandoff(), tracker, domain)
    assert slot_values(events)["handoff"] is True
    assert slot_values(events)["petition_description"] is None  # no stale prefill for a later petition
    assert "tổng đài viên" in texts(messages)
    assert {"handoff": True} in [m["custom"] for m in messages]
    assert _conversation("handoff-1") == (ConversationStatus.OPEN, "handoff-1", "citizen_request")


async def test_accepting_the_offer_of_a_human_says_why(domain: dict[str, Any]) -> None:
    offered = [
        {"event": "user", "text": "hmm", "parse_data": {"intent": {"name": "nlu_fallback"}}},
        {"event": "action", "name": "action_offer_human"},
        {"event": "bot", "text": "..."},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker("có", intent="affirm", sender_id="handoff-2", previous_events=offered)
    await run(ActionHandoff(), tracker, domain)
    assert _conversation("handoff-2") == (ConversationStatus.OPEN, "handoff-2", "bot_could_not_help")


async def test_the_offer_of_a_human_has_buttons(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionOfferHuman(), make_tracker("???", intent="nlu_fallback"), domain)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_human", "/deny"]


async def test_passing_on_a_question_just_offered_files_it_instead_of_a_live_handoff(
    domain: dict[str, Any],
) -> None:
    offered = [
        {"event": "user", "text": "xin phép bay flycam thì làm sao", "parse_data": {}},
        {"event": "action", "name": "action_offer_question"},
        {"event": "user", "text": "vậy ai lo vụ đó", "parse_data": {}},
        {"event": "action", "name": "utter_greet"},
    ]
    pending = {"pending_question": "xin phép bay flycam thì làm sao"}
    tracker = make_tracker(
        "ừ chuyển giúp", intent="request_human", slots=pending, previous_events=offered, sender_id="handoff-q"
    )
    events, messages = await run(ActionHandoff(), tracker, domain)
    assert {"event": "followup", "name": "action_submit_question", "timestamp": None} in events
    assert messages == []
    assert _conversation("handoff-q") is None  # no live handoff
    # asking for a person is a live handoff, the offer notwithstanding
    tracker = make_tracker(
        "cho gặp tổng đài viên", intent="request_human", slots=pending, previous_events=offered
    )
    events, _ = await run(ActionHandoff(), tracker, domain)
    assert slot_values(events)["handoff"] is True


async def test_going_to_the_commune_in_person_is_no_handoff(domain: dict[str, Any]) -> None:
    for typed in ("để mai tui ra xã nói trực tiếp", "thoi de chieu e len phuong hoi truc tiep"):
        tracker = make_tracker(typed, intent="request_human", sender_id="handoff-in-person")
        events, messages = await run(ActionHandoff(), tracker, domain)
        assert "handoff" not in slot_values(events), typed
        assert {"handoff": True} not in [m.get("custom") for m in messages], typed
        assert "gặp tổng đài viên" in texts(messages), typed  # how to ask for one, if that was meant
    assert _conversation("handoff-in-person") is None


async def test_asking_for_a_person_directly_is_a_handoff_even_with_in_person_words(
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker(
        "cho tui nói chuyện trực tiếp với tổng đài viên", intent="request_human", sender_id="handoff-direct"
    )
    events, _ = await run(ActionHandoff(), tracker, domain)
    assert slot_values(events)["handoff"] is True


async def test_meeting_an_officer_of_a_named_office_gets_its_contacts_not_the_hotline_agent(
    domain: dict[str, Any],
) -> None:
    for typed in (
        "muốn gặp trực tiếp cán bộ tư pháp xã Cái Bè thì liên hệ ai",
        "muon gap truc tiep can bo tu phap xa cai be thi lien he ai",
    ):
        tracker = make_tracker(typed, intent="request_human", sender_id="handoff-officer")
        events, messages = await run(ActionHandoff(), tracker, domain)
        assert "handoff" not in slot_values(events), typed
        assert {"handoff": True} not in [m.get("custom") for m in messages], typed
        assert "Trung tâm Phục vụ hành chính công xã Cái Bè" in texts(messages), typed
        assert slot_values(events)["contact_place"] == "xa_cai_be", typed
    assert _conversation("handoff-officer") is None


async def test_asking_for_the_hotline_agent_about_an_office_is_still_a_handoff(
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker(
        "cho em nói chuyện với tổng đài viên về chuyện ủy ban xã Cái Bè",
        intent="request_human",
        sender_id="handoff-agent-about-office",
    )
    events, _ = await run(ActionHandoff(), tracker, domain)
    assert slot_values(events)["handoff"] is True
