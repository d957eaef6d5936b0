"""Supervisor reports: per agency, volumes, response and resolution times, SLA compliance, satisfaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from ticketing.callers import Principal
from ticketing.errors import UnknownCode
from ticketing.models import OPEN_STATUSES, Agency, Rating, Ticket
from vietnam.workdays import LOCAL_TZ


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """`YYYY-MM` -> [start, end) in UTC, the month taken in Asia/Ho_Chi_Minh."""
    year, mon = (int(part) for part in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=LOCAL_TZ)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def _seconds_between(session: Session, later: Any, earlier: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def monthly_report(session: Session, caller: Principal, month: str, agency: str | None) -> dict[str, Any]:
    """Per agency, for tickets received in `month`: volumes, response and resolution times (hours,
    wall clock), SLA compliance (share of clocks met among those decided) and satisfaction (ratings
    given in the month)."""
    start, end = month_bounds(month)
    now = datetime.now(UTC)
    first_done = Ticket.first_response_at
    resolved = Ticket.answered_at  # the resolution clock stops at the answer (ticketing.sla)
    fr_start = func.coalesce(Ticket.first_response_started_at, Ticket.created_at)
    res_start = func.coalesce(Ticket.resolution_started_at, Ticket.created_at)
    fr_seconds = _seconds_between(session, first_done, fr_start)
    res_seconds = _seconds_between(session, resolved, res_start)

    def met(due: Any, done: Any) -> Any:
        return func.sum(case((and_(due.is_not(None), done.is_not(None), done <= due), 1), else_=0))

    def breached(due: Any, done: Any) -> Any:
        late_done = and_(done.is_not(None), done > due)
        late_open = and_(done.is_(None), Ticket.sla_paused_at.is_(None), due < now)
        return func.sum(case((and_(due.is_not(None), or_(late_done, late_open)), 1), else_=0))

    stmt = (
        select(
            Ticket.agency_id,
            func.count().label("received"),
            func.sum(case((Ticket.answered_at.is_not(None), 1), else_=0)).label("answered"),
            func.sum(case((Ticket.closed_at.is_not(None), 1), else_=0)).label("closed"),
            func.sum(case((Ticket.status.in_([str(s) for s in OPEN_STATUSES]), 1), else_=0)).label("open"),
            func.avg(case((first_done.is_not(None), fr_seconds), else_=literal(None))).label("fr_avg"),
            func.avg(case((resolved.is_not(None), res_seconds), else_=literal(None))).label("res_avg"),
            met(Ticket.first_response_due_at, first_done).label("fr_met"),
            breached(Ticket.first_response_due_at, first_done).label("fr_breached"),
            met(Ticket.resolution_due_at, resolved).label("res_met"),
            breached(Ticket.resolution_due_at, resolved).label("res_breached"),
        )
        .where(Ticket.created_at >= start, Ticket.created_at < end, Ticket.merged_into_id.is_(None))
        .group_by(Ticket.agency_id)
    )
    ratings = (
        select(Rating.agency_id, func.count().label("n"), func.avg(Rating.score).label("avg"))
        .where(Rating.created_at >= start, Rating.created_at < end)
        .group_by(Rating.agency_id)
    )
    agency_filter: int | None = None
    if caller.is_agency_officer:
        agency_filter = caller.agency_id
    elif agency is not None:
        agency_filter = session.scalar(select(Agency.id).where(Agency.code == agency))
        if agency_filter is None:
            raise UnknownCode(f"unknown agency code: {agency}")
    if agency_filter is not None:
        stmt = stmt.where(Ticket.agency_id == agency_filter)
        ratings = ratings.where(Rating.agency_id == agency_filter)

    by_agency: dict[int | None, dict[str, Any]] = {}
    for row in session.execute(stmt):
        by_agency[row.agency_id] = {
            "received": row.received,
            "answered": int(row.answered or 0),
            "closed": int(row.closed or 0),
            "open": int(row.open or 0),
            "first_response_hours_avg": _hours(row.fr_avg),
            "resolution_hours_avg": _hours(row.res_avg),
            "first_response_sla": _compliance(row.fr_met, row.fr_breached),
            "resolution_sla": _compliance(row.res_met, row.res_breached),
            "satisfaction": {"ratings": 0, "average": None},
        }
    for row in session.execute(ratings):
        entry = by_agency.setdefault(row.agency_id, _empty_entry())
        entry["satisfaction"] = {"ratings": row.n, "average": round(float(row.avg), 2) if row.avg else None}
    names = {
        a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_([k for k in by_agency if k])))
    }
    agencies = []
    for agency_id, entry in by_agency.items():
        row = names.get(agency_id) if agency_id else None
        agencies.append({"agency": {"code": row.code, "name": row.name} if row else None, **entry})
    agencies.sort(key=lambda e: (e["agency"] is None, e["agency"]["name"] if e["agency"] else ""))
    return {"month": month, "timezone": "Asia/Ho_Chi_Minh", "agencies": agencies}


def _empty_entry() -> dict[str, Any]:
    return {
        "received": 0,
        "answered": 0,
        "closed": 0,
        "open": 0,
        "first_response_hours_avg": None,
        "resolution_hours_avg": None,
        "first_response_sla": _compliance(0, 0),
        "resolution_sla": _compliance(0, 0),
        "satisfaction": {"ratings": 0, "average": None},
    }


def _hours(seconds: Any) -> float | None:
    return round(float(seconds) / 3600.0, 2) if seconds is not None else None


def _compliance(met: Any, breached: Any) -> dict[str, Any]:
    met_n, breached_n = int(met or 0), int(breached or 0)
    decided = met_n + breached_n
    return {"met": met_n, "breached": breached_n, "rate": round(met_n / decided, 4) if decided else None}
