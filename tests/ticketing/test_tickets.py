"""The ticket layer without a server: the same functions the HTTP handlers and the citizen desk call,
with the caller's scope, the expected version and the codes checked once, here."""

from __future__ import annotations

import pytest

from tests.ticketing.factories import build_world
from ticketing import tickets
from ticketing.callers import Principal
from ticketing.errors import ConcurrentUpdate, NotAllowed, TicketNotFound, UnknownCode
from ticketing.lifecycle import TicketDraft
from ticketing.models import Channel, TicketKind, User


def principal(user: User, agency_code: str | None = None) -> Principal:
    return Principal(user.id, user.username, str(user.role), user.agency_id, agency_code)


def test_a_ticket_moves_from_intake_to_an_answer_through_one_layer(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    agent, officer = principal(w.agent), principal(w.officer_xd, "so_xay_dung")
    draft = TicketDraft(
        kind="petition", description="Ổ gà lớn trên đường", channel="zalo", channel_user_id="z-1"
    )
    ticket = tickets.do_create_ticket(session, agent.actor, draft, auto_route=False)
    tickets.do_triage(session, agent, ticket.code, category="giao_thong")
    tickets.do_assign(session, agent, ticket.code)  # by the routing rules: giao_thong -> Sở Xây dựng
    assert ticket.agency_id == w.so_xay_dung.id
    tickets.do_start(session, officer, ticket.code, version=ticket.version)
    tickets.do_answer(session, officer, ticket.code, body="Đã vá ổ gà.")
    assert ticket.status == "answered"
    assert [e.type for e in ticket.events] == ["created", "triaged", "assigned", "accepted", "answered"]


def test_an_officer_cannot_see_another_agencys_ticket_and_cannot_tell_it_exists(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    agent, other = principal(w.agent), principal(w.officer_my_tho, "ubnd_phuong_my_tho")
    draft = TicketDraft(kind="petition", description="Cây đổ chắn đường", channel="zalo")
    code = tickets.do_create_ticket(session, agent.actor, draft, auto_route=False).code
    tickets.do_triage(session, agent, code, category="giao_thong")
    tickets.do_assign(session, agent, code, agency="so_xay_dung")
    for attempt in (
        lambda: tickets.access_ticket(session, other, code),
        lambda: tickets.do_start(session, other, code),
        lambda: tickets.do_add_note(session, other, code, body="x"),
    ):
        with pytest.raises(TicketNotFound, match=f"Ticket {code} not found"):  # as if there were none
            attempt()


def test_a_stale_version_and_unknown_codes_are_refused_before_any_change(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    agent = principal(w.agent)
    draft = TicketDraft(kind="petition", description="Rác thải ven kênh", channel="zalo")
    ticket = tickets.do_create_ticket(session, agent.actor, draft, auto_route=False)
    with pytest.raises(ConcurrentUpdate):
        tickets.do_triage(session, agent, ticket.code, category="moi_truong", version=ticket.version + 1)
    with pytest.raises(UnknownCode):
        tickets.do_triage(session, agent, ticket.code, category="khong_co")
    with pytest.raises(UnknownCode):
        tickets.do_review_answer(session, agent, ticket.code, reply_id=999, approve=True)
    assert ticket.status == "new" and [e.type for e in ticket.events] == ["created"]


def test_an_officer_answers_only_their_agencys_tickets(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    agent = principal(w.agent)
    draft = TicketDraft(kind="petition", description="Ô nhiễm mùi hôi", channel="zalo")
    ticket = tickets.do_create_ticket(session, agent.actor, draft, auto_route=False)
    tickets.do_triage(session, agent, ticket.code, category="moi_truong", area="phuong_my_tho")
    tickets.do_assign(session, agent, ticket.code)
    # The officer's account was moved to another agency after they logged in: the layer still refuses.
    stale = Principal(w.officer_xd.id, "xd1", "agency_officer", w.ubnd_my_tho.id, "ubnd_phuong_my_tho")
    with pytest.raises(NotAllowed):
        tickets.do_answer(session, stale, ticket.code, body="Đã xử lý.")


def test_an_open311_request_is_triaged_in_its_category_and_routed(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    client = principal(w.agent)
    draft = TicketDraft(
        kind=TicketKind.PETITION, description="Rác ùn ứ", channel=Channel.API, location_text=None
    )
    ticket, route = tickets.do_file_open311_request(
        session, client, draft, category="moi_truong", area="phuong_my_tho"
    )
    assert (ticket.status, ticket.location_text) == ("assigned", "Phường Mỹ Tho")
    assert route is not None and route.agency_code == "ubnd_phuong_my_tho"
