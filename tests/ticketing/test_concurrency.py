"""Concurrent updates: two people acting on the same ticket at once, many intakes at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from tests.ticketing.factories import at, build_world
from ticketing import lifecycle as lc
from ticketing.lifecycle import Actor, IllegalTransition


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
        t = lc.create_ticket(s, kind="petition", description="Cây đổ chắn đường", channel="zalo")
        lc.triage(s, t, Actor.system(), category_id=w.giao_thong.id)
        lc.assign(s, t, Actor.system(), agency_id=w.so_xay_dung.id)
        return t.id, {"officer": w.officer_xd.id, "agent": w.agent.id, "other_agency": w.ubnd_my_tho.id}


@pytest.mark.postgres
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_two_concurrent_transitions_on_postgres_one_wins_one_is_refused(db):
    ticket_id, ids = assigned_ticket(db)

    def accept():
        with db.session() as s:
            t = lc.accept(s, ticket_id, Actor(kind="user", user_id=ids["officer"], label="xd1"))
            time.sleep(0.2)  # hold the row lock a moment so the other request waits on it (not asserted)
            return t.status

    def return_it():
        with db.session() as s:
            actor = Actor(kind="user", user_id=ids["officer"], label="xd2")
            t = lc.return_ticket(s, ticket_id, actor, reason="Không thuộc thẩm quyền")
            time.sleep(0.2)
            return t.status

    results = run_together(accept, return_it)
    wins = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(refused) == 1
    assert isinstance(refused[0], IllegalTransition)
    with db.session() as s:
        events = lc.events_of(s, s.get(lc.Ticket, ticket_id))
        assert [e.type for e in events][-1] in ("accepted", "returned")
        assert len(events) == 4  # created, triaged, assigned + exactly one of the two


@pytest.mark.postgres
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_opposite_merges_at_once_do_not_deadlock(db):
    with db.session() as s:
        build_world(s)
        a = lc.create_ticket(s, kind="petition", description="Ngập nước", channel="zalo").id
        b = lc.create_ticket(s, kind="petition", description="Ngập nước đường", channel="zalo").id

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
                        kind="petition",
                        description=f"Phản ánh {i}-{j}",
                        channel="webchat",
                        now=at("2026-03-02 09:00"),
                    )
                    codes.append(t.code)
            return codes

        return job

    results = run_together(*(intake(i) for i in range(6)))
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(c for r in results for c in r)  # type: ignore[union-attr]
    assert codes == [f"PA-260302-{n:04d}" for n in range(1, 25)]
