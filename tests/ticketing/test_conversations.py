"""Handoff to a human: the conversation waits in the agents' queue, is taken, answered, resolved."""

from __future__ import annotations

import pytest

from tests.ticketing.factories import at, build_world
from ticketing import conversations as conv
from ticketing.errors import InvalidInput


def test_a_handoff_is_queued_taken_answered_and_resolved(db):
    with db.session() as s:
        w = build_world(s)
        c = conv.handoff(
            s,
            channel="zalo",
            channel_user_id="z-1",
            conversation_id="r-1",
            reason="Gặp tổng đài viên",
            now=at("2026-03-02 08:00"),
        )
        later = conv.handoff(
            s,
            channel="zalo",
            channel_user_id="z-2",
            conversation_id="r-2",
            reason=None,
            now=at("2026-03-02 08:05"),
        )
        assert c.status == "open" and c.handoff_requested_at == at("2026-03-02 08:00")
        assert conv.handoff_queue(s) == [c, later]  # longest waiting first

        # Asking again while open changes nothing.
        again = conv.handoff(
            s,
            channel="zalo",
            channel_user_id="z-1",
            conversation_id="r-1",
            reason="Nhanh giúp",
            now=at("2026-03-02 08:10"),
        )
        assert again.id == c.id and c.handoff_requested_at == at("2026-03-02 08:00")

        conv.take(s, c, w.agent, now=at("2026-03-02 08:12"))
        assert conv.handoff_queue(s) == [later]
        with pytest.raises(InvalidInput):
            conv.take(s, c, w.supervisor)  # someone already has it
        with pytest.raises(InvalidInput):
            conv.take(s, later, w.officer_xd)  # agency officers do not staff the hotline

        conv.record_agent_reply(s, c, now=at("2026-03-02 08:15"))
        conv.record_agent_reply(s, c, now=at("2026-03-02 08:20"))
        assert conv.first_response_seconds(c) == 15 * 60  # from the handoff, not from the chat's start

        conv.resolve(s, c, now=at("2026-03-02 08:30"))
        assert c.status == "resolved"
        with pytest.raises(InvalidInput):
            conv.record_agent_reply(s, c)

        # A new request after resolution is a new conversation record.
        fresh = conv.handoff(
            s,
            channel="zalo",
            channel_user_id="z-1",
            conversation_id="r-1",
            reason="Hỏi tiếp",
            now=at("2026-03-03 09:00"),
        )
        assert fresh.id != c.id and fresh.status == "open"


def test_a_handoff_needs_a_known_channel_and_user(db):
    with db.session() as s:
        with pytest.raises(InvalidInput):
            conv.handoff(s, channel="fax", channel_user_id="x", conversation_id=None, reason=None)
        with pytest.raises(InvalidInput):
            conv.handoff(s, channel="zalo", channel_user_id="", conversation_id=None, reason=None)
