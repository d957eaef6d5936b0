"""The second factor of status lookups: right digits pass, guesses are capped per requester, concurrent
guesses never check more than the cap, and many guesses on one code alert supervisors without locking
its owner out. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from database import Database
from security.models import SecondFactorAlert, SecondFactorCounter
from security.second_factor import (
    DEFAULT_LIMITS,
    Verdict,
    check_second_factor,
    last_four_digits,
    purge_expired,
    recent_alerts,
)

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
PHONE = "0912345678"
TICKET = "ticket:PA-261127-0001"


def check(db: Database, given: str | None, requester: str = "zalo:guest", subject: str = TICKET, **kw):  # type: ignore[no-untyped-def]
    return check_second_factor(
        db.engine,
        subject=subject,
        requester=requester,
        given=given,
        phone_on_file=kw.pop("phone_on_file", PHONE),
        now=kw.pop("now", NOW),
        **kw,
    )


def test_the_last_four_digits_of_the_phone_on_file_pass(db: Database) -> None:
    assert check(db, "5678") == Verdict.PASSED
    assert check(db, "5 6 7 8") == Verdict.PASSED
    assert check(db, "1111") == Verdict.FAILED
    assert check(db, "678") == Verdict.FAILED
    assert last_four_digits("số cuối 5-6-7-8") == "5678" and last_four_digits("12345") is None


def test_an_unknown_code_and_wrong_digits_get_the_same_verdict_and_count_the_same(db: Database) -> None:
    assert check(db, "5678", subject="ticket:PA-261127-9999", phone_on_file=None) == Verdict.FAILED
    assert check(db, "1111") == Verdict.FAILED
    with db.session(readonly=True) as s:
        pairs = s.scalars(select(SecondFactorCounter.checks).where(SecondFactorCounter.scope == "pair")).all()
    assert sorted(pairs) == [1, 1]


def test_wrong_guesses_are_capped_per_code_and_requester_for_a_window(db: Database) -> None:
    for guess in range(DEFAULT_LIMITS.per_pair):
        assert check(db, f"{guess:04d}", "web:guesser") == Verdict.FAILED
    # The cap holds even for the right digits: guessing cannot be finished.
    assert check(db, "5678", "web:guesser") == Verdict.LIMITED
    assert check(db, "5678", "zalo:owner") == Verdict.PASSED  # nobody else is locked out
    later = NOW + DEFAULT_LIMITS.window + timedelta(seconds=1)
    assert check(db, "5678", "web:guesser", now=later) == Verdict.PASSED


def test_right_answers_are_not_counted(db: Database) -> None:
    for _ in range(3 * DEFAULT_LIMITS.per_pair):
        assert check(db, "5678", "zalo:owner") == Verdict.PASSED
    assert check(db, "1111", "zalo:owner") == Verdict.FAILED


def test_one_requester_sweeping_codes_is_capped_over_all_codes(db: Database) -> None:
    verdicts = [
        check(db, "0000", "web:sweeper", subject=f"ticket:PA-261127-{n:04d}")
        for n in range(DEFAULT_LIMITS.per_requester + 3)
    ]
    assert verdicts.count(Verdict.FAILED) == DEFAULT_LIMITS.per_requester
    assert verdicts[-3:] == [Verdict.LIMITED] * 3


def test_guesses_on_one_code_from_many_requesters_alert_supervisors_and_never_lock_the_owner_out(
    db: Database, caplog
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO)
    for n in range(2 * DEFAULT_LIMITS.alert_at):
        assert check(db, "0000", f"web:bot-{n}") == Verdict.FAILED
    assert check(db, "5678", "zalo:owner") == Verdict.PASSED
    alerts = recent_alerts(db.engine, since=NOW - timedelta(minutes=1))
    assert [(a["subject"], a["failures"]) for a in alerts] == [(TICKET, DEFAULT_LIMITS.alert_at)]
    assert "second-factor alert" in caplog.text and PHONE not in caplog.text


def test_nothing_personal_is_stored(db: Database) -> None:
    check(db, "1111", "zalo:1234567")
    with db.engine.connect() as conn:
        stored = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM security_second_factor_counters")) for v in row
        )
    assert "zalo" not in stored and "PA-" not in stored and "5678" not in stored


def test_expired_counters_can_be_purged(db: Database) -> None:
    check(db, "1111")
    assert purge_expired(db.engine, now=NOW) == 0
    assert purge_expired(db.engine, now=NOW + DEFAULT_LIMITS.window) == 3  # pair, requester, subject
    assert check(db, "1111") == Verdict.FAILED


# ---- concurrency: the check-and-count is one atomic step ----------------------------------------------


def guess_at_once(db: Database, requesters: list[str], given: str) -> tuple[Counter[Verdict], int]:
    """Every requester guesses at the same moment; (verdicts, how many guesses were compared)."""
    compared = 0
    lock = threading.Lock()

    def phone_on_file() -> str:
        nonlocal compared
        with lock:
            compared += 1
        return PHONE

    verdicts: list[Verdict | BaseException] = []
    barrier = threading.Barrier(len(requesters))

    def guess(requester: str) -> None:
        barrier.wait()
        try:
            verdict: Verdict | BaseException = check(db, given, requester, phone_on_file=phone_on_file)
        except BaseException as exc:  # asserted below: no guess may fail with an error
            verdict = exc
        with lock:
            verdicts.append(verdict)

    threads = [threading.Thread(target=guess, args=(r,)) for r in requesters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    errors = [v for v in verdicts if isinstance(v, BaseException)]
    assert not errors, errors[:3]
    return Counter(v for v in verdicts if isinstance(v, Verdict)), compared


def test_300_concurrent_guesses_from_one_requester_never_check_more_than_the_cap(db: Database) -> None:
    verdicts, compared = guess_at_once(db, ["web:guesser"] * 300, "0000")
    assert compared == DEFAULT_LIMITS.per_pair
    assert verdicts == {
        Verdict.FAILED: DEFAULT_LIMITS.per_pair,
        Verdict.LIMITED: 300 - DEFAULT_LIMITS.per_pair,
    }
    assert check(db, "5678", "zalo:owner") == Verdict.PASSED


def test_300_concurrent_guesses_from_300_requesters_raise_one_alert_and_lock_nobody_out(db: Database) -> None:
    verdicts, compared = guess_at_once(db, [f"web:bot-{n}" for n in range(300)], "0000")
    assert verdicts == {Verdict.FAILED: 300} and compared == 300
    with db.session(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(SecondFactorAlert)) == 1
        subject = s.scalar(select(SecondFactorCounter.checks).where(SecondFactorCounter.scope == "subject"))
    assert subject == 300
    assert check(db, "5678", "zalo:owner") == Verdict.PASSED
