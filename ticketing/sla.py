"""SLA clocks in working time: the one place for deadline arithmetic.

Working time
    The shared calendar of :mod:`vietnam.workdays` (office hours, weekends and Vietnamese public holidays;
    data ``vietnam/data/working_calendar.yml``).

Two clocks per ticket
    first response  starts when the ticket is created (the moment the bot hands over: time spent with the
                    bot is never counted) and stops at the agency's first response: accepting the ticket
                    (``in_progress``), asking the citizen something, or answering. When a ticket is returned
                    and re-routed, the first-response clock RESTARTS for the new agency.
    resolution      starts at intake and stops when the ticket is answered. It keeps running across returns
                    and re-routes (the citizen has been waiting since intake). While the ticket waits on the
                    citizen (``waiting_citizen``) it is paused; the paused working time extends the due time.
                    A reopen starts a fresh resolution clock from the reopen time.

Escalation
    ``run_escalations(session, now)`` writes one ``sla_warning`` event when ``warn_at_fraction`` (0.8) of a
    clock's working time is used and one ``sla_breach`` event at the due time, addressed to supervisors.
    It is idempotent: a ``sla_alerts`` row (unique per ticket, clock, level and due time) records each one.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import and_, event, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ticketing.models import (
    ActorKind,
    Category,
    Priority,
    SlaAlert,
    SlaAlertLevel,
    SlaClock,
    SlaPolicy,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from vietnam.workdays import WorkingCalendar, load_calendar

SLA_DATA_FILE = Path(__file__).resolve().parent / "data" / "sla_policies.yml"

# Used only when the database has no policy row at all for a priority (e.g. an unseeded database).
FALLBACK_TARGETS_MINUTES: dict[Priority, tuple[int, int]] = {
    Priority.URGENT: (120, 960),
    Priority.HIGH: (240, 1440),
    Priority.NORMAL: (480, 4800),
    Priority.LOW: (960, 7200),
}


# ---------------------------------------------------------------------------------------------
# Configuration (data file)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicySpec:
    category: str | None
    priority: Priority
    first_response_minutes: int
    resolution_minutes: int


@dataclass(frozen=True)
class SlaConfig:
    calendar: WorkingCalendar
    warn_at_fraction: float
    policies: tuple[PolicySpec, ...]
    source: str


def load_sla_config(path: Path | str | None = None, calendar_path: Path | str | None = None) -> SlaConfig:
    path = Path(path or os.environ.get("TICKETING_SLA_FILE") or SLA_DATA_FILE)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    calendar = load_calendar(calendar_path)
    policies = tuple(
        PolicySpec(
            category=p.get("category"),
            priority=Priority(p["priority"]),
            first_response_minutes=int(p["first_response_minutes"]),
            resolution_minutes=int(p["resolution_minutes"]),
        )
        for p in raw.get("policies") or []
    )
    fraction = float((raw.get("escalation") or {}).get("warn_at_fraction", 0.8))
    if not 0 < fraction < 1:
        raise ValueError("escalation.warn_at_fraction must be between 0 and 1")
    return SlaConfig(calendar=calendar, warn_at_fraction=fraction, policies=policies, source=str(path))


@functools.cache
def default_config() -> SlaConfig:
    return load_sla_config()


def calendar() -> WorkingCalendar:
    return default_config().calendar


def seed_sla_policies(
    session: Session, config: SlaConfig | None = None, *, update_existing: bool = False
) -> int:
    """Insert the missing policy rows from the data file (``update_existing``: also rewrite edited rows).
    Idempotent; returns rows written."""
    config = config or default_config()
    session.info.pop(_POLICY_CACHE, None)
    categories = {c.code: c.id for c in session.scalars(select(Category))}
    written = 0
    for spec in config.policies:
        category_id = None
        if spec.category is not None:
            if spec.category not in categories:
                continue  # category not seeded (yet): skip rather than invent it
            category_id = categories[spec.category]
        cond = (
            SlaPolicy.category_id.is_(None) if category_id is None else SlaPolicy.category_id == category_id
        )
        row = session.scalar(select(SlaPolicy).where(cond, SlaPolicy.priority == spec.priority))
        if row is None:
            row = SlaPolicy(category_id=category_id, priority=spec.priority)
            session.add(row)
        elif not update_existing:
            continue
        if (row.first_response_minutes, row.resolution_minutes) != (
            spec.first_response_minutes,
            spec.resolution_minutes,
        ):
            row.first_response_minutes = spec.first_response_minutes
            row.resolution_minutes = spec.resolution_minutes
            row.source = config.source.rsplit("/", 1)[-1]
            written += 1
    session.flush()
    session.info.pop(_POLICY_CACHE, None)
    return written


# ---------------------------------------------------------------------------------------------
# Targets and due times on tickets
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    first_response_seconds: int
    resolution_seconds: int


_POLICY_CACHE = "ticketing_sla_policies"


@event.listens_for(Session, "after_transaction_end")
def _forget_policies(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_POLICY_CACHE, None)


def _policies(session: Session) -> dict[tuple[int | None, Priority], tuple[int, int]]:
    """All policy rows, read once per transaction (a small table)."""
    cached = session.info.get(_POLICY_CACHE)
    if cached is None:
        with session.no_autoflush:
            rows = session.execute(
                select(
                    SlaPolicy.category_id,
                    SlaPolicy.priority,
                    SlaPolicy.first_response_minutes,
                    SlaPolicy.resolution_minutes,
                )
            ).all()
        cached = {
            (r.category_id, Priority(r.priority)): (r.first_response_minutes, r.resolution_minutes)
            for r in rows
        }
        session.info[_POLICY_CACHE] = cached
    return cached


def targets_for(session: Session, category_id: int | None, priority: Priority | str) -> Targets:
    """Category-specific policy for the priority, else the default row, else the built-in fallback."""
    priority = Priority(priority)
    policies = _policies(session)
    found = policies.get((category_id, priority)) if category_id is not None else None
    if found is None:
        found = policies.get((None, priority))
    fr, res = found if found is not None else FALLBACK_TARGETS_MINUTES[priority]
    return Targets(first_response_seconds=fr * 60, resolution_seconds=res * 60)


def start_clocks(session: Session, ticket: Ticket, now: datetime) -> None:
    """Start both clocks at intake."""
    ticket.first_response_started_at = now
    ticket.resolution_started_at = now
    ticket.sla_paused_seconds = 0
    ticket.sla_paused_at = None
    recompute_due(session, ticket)


def restart_first_response(session: Session, ticket: Ticket, now: datetime) -> None:
    """A re-routed ticket: the new agency gets a full first-response target from now."""
    ticket.first_response_at = None
    ticket.first_response_started_at = now
    recompute_due(session, ticket)


def restart_resolution(session: Session, ticket: Ticket, now: datetime) -> None:
    """A reopened ticket: a fresh resolution clock from the reopen time."""
    ticket.resolution_started_at = now
    ticket.sla_paused_seconds = 0
    ticket.sla_paused_at = None
    recompute_due(session, ticket)


def recompute_due(session: Session, ticket: Ticket, config: SlaConfig | None = None) -> None:
    """Due and warning instants from the clock starts, the policy and paused time."""
    config = config or default_config()
    cal = config.calendar
    targets = targets_for(session, ticket.category_id, ticket.priority or Priority.NORMAL)
    fraction = config.warn_at_fraction
    if ticket.first_response_started_at is not None:
        start = ticket.first_response_started_at
        ticket.first_response_due_at = cal.add_working_seconds(start, targets.first_response_seconds)
        ticket.first_response_warn_at = cal.add_working_seconds(
            start, targets.first_response_seconds * fraction
        )
    if ticket.resolution_started_at is not None:
        start = ticket.resolution_started_at
        paused = ticket.sla_paused_seconds or 0
        ticket.resolution_due_at = cal.add_working_seconds(start, targets.resolution_seconds + paused)
        ticket.resolution_warn_at = cal.add_working_seconds(
            start, targets.resolution_seconds * fraction + paused
        )


def pause(ticket: Ticket, now: datetime) -> None:
    if ticket.sla_paused_at is None:
        ticket.sla_paused_at = now


def resume(session: Session, ticket: Ticket, now: datetime) -> int:
    """End a pause; returns the working seconds it lasted (added to the resolution clock)."""
    if ticket.sla_paused_at is None:
        return 0
    paused = calendar().working_seconds_between(ticket.sla_paused_at, now)
    ticket.sla_paused_seconds = (ticket.sla_paused_seconds or 0) + paused
    ticket.sla_paused_at = None
    recompute_due(session, ticket)
    return paused


# ---------------------------------------------------------------------------------------------
# Reading the clocks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockView:
    clock: SlaClock
    state: str  # running | paused | met | breached | not_started
    due_at: datetime | None
    stopped_at: datetime | None
    remaining_working_seconds: int | None  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.state == "breached"


@dataclass(frozen=True)
class SlaView:
    first_response: ClockView
    resolution: ClockView

    @property
    def overdue(self) -> bool:
        return self.first_response.overdue or self.resolution.overdue


def _clock_view(
    clock: SlaClock, due: datetime | None, stopped: datetime | None, paused_at: datetime | None, now: datetime
) -> ClockView:
    cal = calendar()
    if due is None:
        return ClockView(clock, "not_started", None, stopped, None)
    if stopped is not None:
        return ClockView(clock, "met" if stopped <= due else "breached", due, stopped, None)
    if paused_at is not None:
        remaining = (
            cal.working_seconds_between(paused_at, due)
            if paused_at < due
            else -cal.working_seconds_between(due, paused_at)
        )
        return ClockView(clock, "paused", due, None, remaining)
    if now <= due:
        return ClockView(clock, "running", due, None, cal.working_seconds_between(now, due))
    return ClockView(clock, "breached", due, None, -cal.working_seconds_between(due, now))


def sla_view(ticket: Ticket, now: datetime) -> SlaView:
    """Where each clock stands at ``now``."""
    fr_paused = ticket.sla_paused_at if ticket.first_response_at is None else None
    return SlaView(
        first_response=_clock_view(
            SlaClock.FIRST_RESPONSE, ticket.first_response_due_at, ticket.first_response_at, fr_paused, now
        ),
        resolution=_clock_view(
            SlaClock.RESOLUTION, ticket.resolution_due_at, ticket.answered_at, ticket.sla_paused_at, now
        ),
    )


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """SQL condition for tickets whose resolution (or first response) is overdue at ``now``."""
    running = and_(Ticket.status.in_(_RUNNING_STATUSES), Ticket.sla_paused_at.is_(None))
    return and_(
        running,
        or_(
            Ticket.resolution_due_at < now,
            and_(Ticket.first_response_at.is_(None), Ticket.first_response_due_at < now),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Escalation
# ---------------------------------------------------------------------------------------------

_RUNNING_STATUSES = (TicketStatus.NEW, TicketStatus.TRIAGED, TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS)


@dataclass(frozen=True)
class Escalation:
    ticket_id: int
    ticket_code: str
    clock: SlaClock
    level: SlaAlertLevel
    due_at: datetime
    agency_id: int | None


def run_escalations(session: Session, now: datetime, *, batch_size: int = 500) -> list[Escalation]:
    """Write warning/breach events (to supervisors) for clocks past 80 % or past due. Idempotent.

    Returns the escalations newly raised by this call. The caller commits.
    """
    if now.tzinfo is None:
        raise ValueError("naive datetime: SLA arithmetic needs timezone-aware datetimes")
    candidates = session.scalars(
        select(Ticket)
        .where(
            Ticket.status.in_(_RUNNING_STATUSES),
            Ticket.sla_paused_at.is_(None),
            or_(
                and_(
                    Ticket.first_response_at.is_(None),
                    _clock_needs_alert(
                        SlaClock.FIRST_RESPONSE,
                        Ticket.first_response_warn_at,
                        Ticket.first_response_due_at,
                        now,
                    ),
                ),
                _clock_needs_alert(
                    SlaClock.RESOLUTION, Ticket.resolution_warn_at, Ticket.resolution_due_at, now
                ),
            ),
        )
        .order_by(Ticket.id)
        .execution_options(yield_per=batch_size)
    )
    raised: list[Escalation] = []
    for ticket in candidates:
        for clock, warn_at, due_at, stopped in (
            (
                SlaClock.FIRST_RESPONSE,
                ticket.first_response_warn_at,
                ticket.first_response_due_at,
                ticket.first_response_at,
            ),
            (SlaClock.RESOLUTION, ticket.resolution_warn_at, ticket.resolution_due_at, ticket.answered_at),
        ):
            if stopped is not None or warn_at is None or due_at is None or now < warn_at:
                continue
            level = SlaAlertLevel.BREACH if now >= due_at else SlaAlertLevel.WARNING
            if _insert_alert_once(session, ticket, clock, level, due_at):
                session.add(
                    TicketEvent(
                        ticket_id=ticket.id,
                        at=now,
                        type=f"sla_{level.value}",
                        actor_kind=ActorKind.SYSTEM,
                        actor_label="sla",
                        from_status=ticket.status,
                        to_status=ticket.status,
                        payload={
                            "clock": clock.value,
                            "due_at": due_at.isoformat(),
                            "agency_id": ticket.agency_id,
                            "notify": "supervisors",
                        },
                    )
                )
                raised.append(Escalation(ticket.id, ticket.code, clock, level, due_at, ticket.agency_id))
    session.flush()
    return raised


def _alert_missing(clock: SlaClock, level: SlaAlertLevel, due: Any) -> ColumnElement[bool]:
    return ~exists().where(
        SlaAlert.ticket_id == Ticket.id,
        SlaAlert.clock == clock,
        SlaAlert.level == level,
        SlaAlert.due_at == due,
    )


def _clock_needs_alert(clock: SlaClock, warn: Any, due: Any, now: datetime) -> ColumnElement[bool]:
    """SQL: this clock has reached a level not alerted yet (so repeated runs touch only new work)."""
    return or_(
        and_(warn <= now, due > now, _alert_missing(clock, SlaAlertLevel.WARNING, due)),
        and_(due <= now, _alert_missing(clock, SlaAlertLevel.BREACH, due)),
    )


def _insert_alert_once(
    session: Session, ticket: Ticket, clock: SlaClock, level: SlaAlertLevel, due_at: datetime
) -> bool:
    values: dict[str, Any] = {
        "ticket_id": ticket.id,
        "clock": clock,
        "level": level,
        "due_at": due_at,
        "agency_id": ticket.agency_id,
        "created_at": datetime.now(UTC),
    }
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert_fn(SlaAlert).values(**values).on_conflict_do_nothing().returning(SlaAlert.id)
    return session.execute(stmt).scalar() is not None
