"""Concurrent updates: two people acting on the same ticket at once, many intakes at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from tests.ticketing.factories import at, build_world
from ticketing import lifecycle as lc
from ticketing.errors import ConcurrentUpdate, IllegalTransition
from ticketing.lifecycle import Actor, TicketDraft


def run_together(*jobs: Callable[[], object]) -> list[object]:
    """Run jobs in threads started together; returns each job's result or the exception it raised."""
    results: list[object] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(i: int, job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[i] = job()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def assigned_ticket(db) -> tuple[int, dict[str, int]]:
    with db.session() as s:
        w = build_world(s)
        t = lc.create_ticket(s, TicketDraft(kind="petition", description="Cây đổ chắn đường", channel="zalo"))
        lc.triage(s, t, Actor.system(), category_id=w.giao_thong.id)
        lc.assign(s, t, Actor.system(), agency_id=w.so_xay_dung.id)
        return t.id, {"officer": w.officer_xd.id, "agent": w.agent.id, "other_agency": w.ubnd_my_tho.id}


@pytest.mark.postgres
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_two_officers_accepting_at_once_one_wins_one_is_refused(db):
    ticket_id, ids = assigned_ticket(db)

    def accept(label: str):
        def job():
            with db.session() as s:
                t = lc.accept(s, ticket_id, Actor(kind="user", user_id=ids["officer"], label=label))
                time.sleep(0.2)  # hold the row lock a moment so the other request waits on it (not asserted)
                return t.status

        return job

    results = run_together(accept("xd1"), accept("xd2"))
    wins = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(refused) == 1
    assert isinstance(refused[0], IllegalTransition)
    with db.session() as s:
        events = lc.events_of(s, s.get(lc.Ticket, ticket_id))
        assert [e.type for e in events] == ["created", "triaged", "assigned", "accepted"]


@pytest.mark.postgres
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_accept_and_return_at_once_end_as_if_one_came_after_the_other(db):
    ticket_id, ids = assigned_ticket(db)

    def accept():
        with db.session() as s:
            t = lc.accept(s, ticket_id, Actor(kind="user", user_id=ids["officer"], label="xd1"))
            time.sleep(0.2)
            return t.status

    def return_it():
        with db.session() as s:
            actor = Actor(kind="user", user_id=ids["officer"], label="xd2")
            t = lc.return_ticket(s, ticket_id, actor, reason="Không thuộc thẩm quyền")
            time.sleep(0.2)
            return t.status

    accepted, returned = run_together(accept, return_it)
    with db.session() as s:
        ticket = s.get(lc.Ticket, ticket_id)
        types = [e.type for e in lc.events_of(s, ticket)]
        # Either order is legal (a ticket can be returned after it was accepted), but no change is lost:
        if isinstance(accepted, IllegalTransition):  # the return came first; accepting a triaged ticket fails
            assert types[3:] == ["returned"]
        else:  # the accept came first, then the return saw the accepted ticket and applied on top of it
            assert not isinstance(returned, Exception)
            assert types[3:] == ["accepted", "returned"]
        assert ticket.status == lc.TicketStatus.TRIAGED
        assert ticket.agency_id is None


@pytest.mark.postgres
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_opposite_merges_at_once_do_not_deadlock(db):
    with db.session() as s:
        build_world(s)
        a = lc.create_ticket(s, TicketDraft(kind="petition", description="Ngập nước", channel="zalo")).id
        b = lc.create_ticket(
            s, TicketDraft(kind="petition", description="Ngập nước đường", channel="zalo")
        ).id

    def merge(dup: int, into: int):
        def job():
            with db.session() as s:
                return lc.merge(s, dup, into, Actor.system()).code

        return job

    results = run_together(merge(a, b), merge(b, a))
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, IllegalTransition) for r in results if isinstance(r, Exception))


def test_concurrent_intakes_get_distinct_consecutive_codes(db):
    def intake(i: int):
        def job():
            codes = []
            for j in range(4):
                with db.session() as s:
                    t = lc.create_ticket(
                        s,
                        TicketDraft(kind="petition", description=f"Phản ánh {i}-{j}", channel="webchat"),
                        now=at("2026-03-02 09:00"),
                    )
                    codes.append(t.code)
            return codes

        return job

    results = run_together(*(intake(i) for i in range(6)))
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(c for r in results for c in r)  # type: ignore[union-attr]
    assert codes == [f"PA-260302-{n:04d}" for n in range(1, 25)]


def test_a_stale_edit_is_refused_not_silently_applied(db):
    ticket_id, ids = assigned_ticket(db)
    editor = db.sessionmaker()()
    try:
        stale = editor.get(lc.Ticket, ticket_id)  # read, then the editor's transaction ends
        editor.commit()
        with db.session() as s:  # meanwhile the officer accepts the ticket
            lc.accept(s, ticket_id, Actor(kind="user", user_id=ids["officer"], label="xd1"))
        stale.priority = "urgent"  # the editor saves based on what they read
        with pytest.raises(ConcurrentUpdate):
            lc._flush(editor)
        editor.rollback()
    finally:
        editor.close()
    with db.session() as s:
        ticket = s.get(lc.Ticket, ticket_id)
        assert ticket.status == "in_progress" and ticket.priority == "normal"


def test_first_messages_from_one_citizen_at_once_share_one_identity(db):
    from sqlalchemy import func, select

    from ticketing.models import ChannelIdentity

    def first_contact(i: int):
        def job():
            with db.session() as s:
                t = lc.create_ticket(
                    s,
                    TicketDraft(
                        kind="question",
                        description=f"Câu hỏi {i}",
                        channel="telegram",
                        channel_user_id="tg-same",
                    ),
                )
                return t.citizen_id

        return job

    results = run_together(*(first_contact(i) for i in range(4)))
    assert not [r for r in results if isinstance(r, Exception)], results
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ChannelIdentity)) == 1
        identity = s.scalars(select(ChannelIdentity)).one()
    assert set(results) == {identity.citizen_id}  # every ticket belongs to that one citizen
