"""The second factor of status lookups: the last four digits of the phone on file, with a limit that holds.

One check for every package: ticket status (``ticketing``) and dossier status (``knowledge``) call
:func:`check_second_factor` on their database's engine with a *subject* (``"ticket:PA-251127-0042"``,
``"dossier:000.00..."``), the *requester* (the channel identity that asks) and the digits given.

Rules:
- A check is counted *before* it is made, by one atomic statement per counter (``INSERT ... ON CONFLICT DO
  UPDATE ... WHERE checks < cap RETURNING``), both counters in one transaction: however many guesses arrive
  at once, no more than the cap are ever compared. A right answer gives its count back.
- Caps, per window (default one hour from the first counted check): :attr:`Limits.per_pair` checks per
  (subject, requester) and :attr:`Limits.per_requester` per requester over all subjects (against sweeping
  codes). Nothing is capped per subject alone, so guesses from many requesters never lock the owner out:
  :attr:`Limits.alert_at` wrong answers for one subject within a window raise one alert instead (a
  ``security_second_factor_alerts`` row and a warning log for supervisors; ``python -m security.cli alerts``).
- An unknown subject (no phone on file) and wrong digits give the same verdict, counted the same way.
- Works on SQLite (writers serialised by ``BEGIN IMMEDIATE``) and PostgreSQL (row locks of the upsert).
- The phone never leaves the caller and is never logged; counters are keyed by a hash of what they count.

Call it outside any write transaction of your own on the same database: it commits its counts in its own
short transactions, so a later error of the caller never gives a guess back.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from security.models import SecondFactorAlert, SecondFactorCounter

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "Verdict",
    "check_second_factor",
    "last_four_digits",
    "purge_expired",
    "recent_alerts",
]


class Verdict(enum.StrEnum):
    PASSED = "passed"  # the digits match the phone on file
    FAILED = "failed"  # wrong digits, or nothing on file for this subject (the same answer on purpose)
    LIMITED = "limited"  # the requester used up its checks for now: nothing was compared


@dataclass(frozen=True)
class Limits:
    per_pair: int = 5
    per_requester: int = 20
    alert_at: int = 10
    window: timedelta = timedelta(hours=1)


DEFAULT_LIMITS = Limits()

PhoneOnFile = Callable[[], str | None] | str | None


def last_four_digits(text: str | None) -> str | None:
    """``"5 6 7 8"`` -> ``"5678"``; None unless the text holds exactly four digits."""
    digits = "".join(ch for ch in text or "" if ch.isdigit())
    return digits if len(digits) == 4 else None


def _ending(phone: str | None) -> str | None:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else None


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _seconds(now: datetime | None) -> int:
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return int(moment.timestamp())


def _count(
    conn: Connection, scope: str, key: str, now: int, window: int, cap: int | None
) -> tuple[int, int] | None:
    """Count one check for (scope, key), starting a new window when the last one has passed; with a
    ``cap``, only while fewer than ``cap`` were counted in the window. ``(checks, window_started)``, or
    None when the cap is reached (nothing counted)."""
    table = SecondFactorCounter.__table__
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    expired = table.c.window_started <= now - window
    statement = (
        insert(table)
        .values(scope=scope, key=key, window_started=now, checks=1)
        .on_conflict_do_update(
            index_elements=[table.c.scope, table.c.key],
            set_={
                "checks": case((expired, 1), else_=table.c.checks + 1),
                "window_started": case((expired, now), else_=table.c.window_started),
            },
            where=or_(expired, table.c.checks < cap) if cap is not None else None,
        )
        .returning(table.c.checks, table.c.window_started)
    )
    row = conn.execute(statement).first()
    return (row.checks, row.window_started) if row is not None else None


@dataclass(frozen=True)
class _Reservation:
    counted: tuple[tuple[str, str, int], ...]  # (scope, key, window_started) of each counter taken


def _reserve(engine: Engine, subject: str, requester: str, now: int, limits: Limits) -> _Reservation | None:
    window = int(limits.window.total_seconds())
    wanted = (
        ("pair", _key(subject, requester), limits.per_pair),
        ("requester", _key(requester), limits.per_requester),
    )
    with engine.connect() as conn, conn.begin() as transaction:
        counted = []
        for scope, key, cap in wanted:
            taken = _count(conn, scope, key, now, window, cap)
            if taken is None:
                transaction.rollback()  # no counter moves: the refused attempt is not a check
                return None
            counted.append((scope, key, taken[1]))
        return _Reservation(tuple(counted))


def _give_back(engine: Engine, reservation: _Reservation) -> None:
    table = SecondFactorCounter.__table__
    with engine.begin() as conn:
        for scope, key, window_started in reservation.counted:
            conn.execute(
                update(table)
                .where(
                    table.c.scope == scope,
                    table.c.key == key,
                    table.c.window_started == window_started,
                    table.c.checks > 0,
                )
                .values(checks=table.c.checks - 1)
            )


def _count_failure(engine: Engine, subject: str, now: int, limits: Limits) -> None:
    window = int(limits.window.total_seconds())
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    with engine.begin() as conn:
        taken = _count(conn, "subject", _key(subject), now, window, None)
        assert taken is not None  # uncapped
        failures, window_started = taken
        if failures != limits.alert_at:
            return
        conn.execute(
            insert(SecondFactorAlert.__table__)
            .values(subject=subject, window_started=window_started, failures=failures, raised_at=now)
            .on_conflict_do_nothing()
        )
    log.warning(
        "second-factor alert: %d wrong answers for %s within %s, from any requesters; its owner is not "
        "locked out, each requester is capped",
        failures,
        subject,
        limits.window,
    )


def check_second_factor(
    engine: Engine,
    *,
    subject: str,
    requester: str,
    given: str | None,
    phone_on_file: PhoneOnFile,
    now: datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Verdict:
    """Whether ``given`` is the last four digits of the phone on file for ``subject``.

    ``phone_on_file`` is the phone (None when the subject is unknown), or a function returning it, called
    only once the check has been counted (e.g. a lookup in another system).
    """
    moment = _seconds(now)
    reservation = _reserve(engine, subject, requester, moment, limits)
    if reservation is None:
        log.info("second-factor check refused: the requester's limit is reached")
        return Verdict.LIMITED
    phone = phone_on_file() if callable(phone_on_file) else phone_on_file
    expected, digits = _ending(phone), last_four_digits(given)
    if expected is not None and digits is not None and hmac.compare_digest(expected, digits):
        _give_back(engine, reservation)
        return Verdict.PASSED
    _count_failure(engine, subject, moment, limits)
    return Verdict.FAILED


def recent_alerts(engine: Engine, *, since: datetime) -> list[dict[str, Any]]:
    """Alerts raised since ``since``, newest first: ``subject``, ``failures``, ``raised_at`` (UTC)."""
    table = SecondFactorAlert.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(table)
            .where(table.c.raised_at >= _seconds(since))
            .order_by(table.c.raised_at.desc(), table.c.id.desc())
        ).all()
        return [
            {
                "subject": row.subject,
                "failures": row.failures,
                "raised_at": datetime.fromtimestamp(row.raised_at, UTC),
            }
            for row in rows
        ]


def purge_expired(engine: Engine, *, now: datetime | None = None, limits: Limits = DEFAULT_LIMITS) -> int:
    """Delete counters whose window has passed (they would restart at 1 anyway). Returns how many."""
    table = SecondFactorCounter.__table__
    cutoff = _seconds(now) - int(limits.window.total_seconds())
    with engine.begin() as conn:
        return conn.execute(delete(table).where(table.c.window_started <= cutoff)).rowcount
