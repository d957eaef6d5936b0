"""The ticketing schema keeps its rules on both backends: append-only history, UTC times, constraints.

(That every package's migrations match its models: tests/database/test_migrations.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from tests.ticketing.factories import at
from ticketing import lifecycle as lc
from ticketing.lifecycle import TicketDraft
from ticketing.models import Category, Citizen, Rating, Ticket, TicketEvent, User, UserRole


def test_ticket_events_cannot_be_changed_or_deleted_even_with_sql(db):
    with db.session() as s:
        ticket = lc.create_ticket(s, TicketDraft(kind="petition", description="Ổ gà", channel="zalo"))
        ticket_id = ticket.id
    for statement in ("UPDATE ticket_events SET type = 'forged'", "DELETE FROM ticket_events"):
        with pytest.raises(DBAPIError), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.session() as s:
        event = s.query(TicketEvent).filter_by(ticket_id=ticket_id).one()
        assert event.type == "created"
        event.type = "forged"
        with pytest.raises(RuntimeError, match="append-only"):
            s.flush()
        s.rollback()


def test_times_are_stored_in_utc_and_naive_times_are_refused(db):
    hanoi = timezone(timedelta(hours=7))
    with db.session() as s:
        t = lc.create_ticket(
            s,
            TicketDraft(kind="petition", description="Ổ gà", channel="zalo"),
            now=datetime(2026, 3, 2, 8, 0, tzinfo=hanoi),
        )
        ticket_id = t.id
    with db.session() as s:
        created = s.get(Ticket, ticket_id).created_at
        assert created == datetime(2026, 3, 2, 1, 0, tzinfo=UTC) and created.tzinfo is not None
        assert created == at("2026-03-02 08:00")
    with pytest.raises(ValueError, match="timezone-aware"), db.session() as s:
        lc.create_ticket(
            s, TicketDraft(kind="petition", description="Ổ gà", channel="zalo"), now=datetime(2026, 3, 2, 8)
        )
    with pytest.raises(StatementError, match="naive datetime"), db.session() as s:
        s.add(Citizen(created_at=datetime(2026, 3, 2, 8)))


def test_database_constraints_hold(db):
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(User(username="o", display_name="Cán bộ", role=UserRole.AGENCY_OFFICER))  # no agency
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Rating(channel="zalo", channel_user_id="u", score=7))
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Category(code="x", name="X"))
        s.flush()
        s.add(Category(code="x", name="Y"))
