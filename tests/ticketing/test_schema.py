"""The schema: migrations match the models on both backends, history is append-only, times are UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from tests.ticketing.factories import at
from ticketing import lifecycle as lc
from ticketing.db import ALEMBIC_VERSION_TABLE, Database, database_url, migrate_engine
from ticketing.models import Base, Category, Citizen, Rating, Ticket, TicketEvent, User, UserRole


def test_the_migrated_schema_matches_the_models(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": ALEMBIC_VERSION_TABLE})
        assert context.get_current_revision() == "0001"
        assert compare_metadata(context, Base.metadata) == []


def test_migrating_again_is_harmless(db):
    migrate_engine(db.engine)
    migrate_engine(db.engine)
    with db.engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {ALEMBIC_VERSION_TABLE}")).scalar() == 1


def test_ticket_events_cannot_be_changed_or_deleted_even_with_sql(db):
    with db.session() as s:
        ticket = lc.create_ticket(s, kind="petition", description="Ổ gà", channel="zalo")
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
            kind="petition",
            description="Ổ gà",
            channel="zalo",
            now=datetime(2026, 3, 2, 8, 0, tzinfo=hanoi),
        )
        ticket_id = t.id
    with db.session() as s:
        created = s.get(Ticket, ticket_id).created_at
        assert created == datetime(2026, 3, 2, 1, 0, tzinfo=UTC) and created.tzinfo is not None
        assert created == at("2026-03-02 08:00")
    with pytest.raises(ValueError, match="timezone-aware"), db.session() as s:
        lc.create_ticket(s, kind="petition", description="Ổ gà", channel="zalo", now=datetime(2026, 3, 2, 8))
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


def test_database_url_defaults_to_the_embedded_sqlite_file(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///var/helpdesk.sqlite3"
    assert database_url("postgresql://postgres@127.0.0.1/x") == "postgresql+psycopg://postgres@127.0.0.1/x"


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    database = Database.from_url(f"sqlite:///{tmp_path}/x.sqlite3")
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()
