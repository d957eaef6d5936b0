"""Lists of tickets as a caller may see them (the agents' queues, an agency's tickets, searches)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from ticketing import sla
from ticketing.callers import Principal
from ticketing.models import Agency, Area, Category, Ticket
from ticketing.tickets import scoped
from vietnam.workdays import LOCAL_TZ


@dataclass(frozen=True)
class TicketFilter:
    status: list[str] | None = None
    kind: str | None = None
    category: str | None = None
    agency: str | None = None
    area: str | None = None
    priority: str | None = None
    channel: str | None = None
    overdue: bool | None = None
    q: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    cursor: int | None = None
    limit: int = 20


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TZ).astimezone(UTC)


@dataclass(frozen=True)
class TicketPage:
    tickets: list[Ticket]
    next_cursor: int | None  # pass it as ``cursor`` for the next page; None on the last page


def list_tickets(session: Session, caller: Principal, f: TicketFilter) -> TicketPage:
    """The tickets ``caller`` may see that match ``f``, newest first, one page (keyset pagination)."""
    stmt = select(Ticket).options(
        joinedload(Ticket.category), joinedload(Ticket.area), joinedload(Ticket.agency)
    )
    stmt = scoped(stmt, caller)
    if f.status:
        stmt = stmt.where(Ticket.status.in_(f.status))
    if f.kind:
        stmt = stmt.where(Ticket.kind == f.kind)
    if f.priority:
        stmt = stmt.where(Ticket.priority == f.priority)
    if f.channel:
        stmt = stmt.where(Ticket.channel == f.channel)
    if f.category:
        stmt = stmt.where(
            Ticket.category_id == select(Category.id).where(Category.code == f.category).scalar_subquery()
        )
    if f.area:
        stmt = stmt.where(Ticket.area_id == select(Area.id).where(Area.code == f.area).scalar_subquery())
    if f.agency:
        stmt = stmt.where(
            Ticket.agency_id == select(Agency.id).where(Agency.code == f.agency).scalar_subquery()
        )
    if f.created_from:
        stmt = stmt.where(Ticket.created_at >= local_day_start(f.created_from))
    if f.created_to:
        stmt = stmt.where(Ticket.created_at < local_day_start(f.created_to + timedelta(days=1)))
    if f.overdue is not None:
        late = sla.overdue_condition(datetime.now(UTC))
        stmt = stmt.where(late if f.overdue else ~late)
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Ticket.code == f.q.upper(), Ticket.description.ilike(pattern, escape="\\")))
    if f.cursor is not None:
        stmt = stmt.where(Ticket.id < f.cursor)
    rows = session.scalars(stmt.order_by(Ticket.id.desc()).limit(f.limit + 1)).unique().all()
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    return TicketPage(list(rows), rows[-1].id if more and rows else None)
