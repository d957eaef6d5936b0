"""SLA clocks in working time: office hours, weekends, Tết and National Day, pauses and escalations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.ticketing.factories import at, build_world
from ticketing import lifecycle as lc
from ticketing import sla
from ticketing.lifecycle import TicketDraft
from ticketing.models import Priority, SlaAlert, SlaPolicy, TicketEvent

HOUR = 3600
cal = sla.WorkingCalendar()


def test_the_holiday_library_knows_tet_and_national_day():
    # Tết Bính Ngọ 2026: Lunar New Year on 17 February.
    for day in range(16, 21):
        assert cal.holiday_name(date(2026, 2, day)), f"2026-02-{day} should be a Tết holiday"
    # National Day 2/9 plus its adjacent day (1/9 in 2025 and 2026).
    assert cal.holiday_name(date(2025, 9, 1)) and cal.holiday_name(date(2025, 9, 2))
    assert cal.holiday_name(date(2026, 9, 1)) and cal.holiday_name(date(2026, 9, 2))
    assert not cal.is_working_day(date(2026, 4, 30)) and not cal.is_working_day(date(2026, 5, 1))
    assert cal.is_working_day(date(2026, 3, 2))


def test_working_time_skips_lunch_nights_and_weekends():
    assert cal.seconds_per_day == 8 * HOUR
    assert cal.working_seconds_between(at("2026-03-02 11:00"), at("2026-03-02 14:00")) == 1 * HOUR
    # Friday 16:00 + 2 working hours -> Monday 08:00.
    assert cal.add_working_seconds(at("2026-03-06 16:00"), 2 * HOUR) == at("2026-03-09 08:00")
    # Received at night: the clock starts at 07:00 next working day.
    assert cal.add_working_seconds(at("2026-03-02 21:00"), 1 * HOUR) == at("2026-03-03 08:00")
    # Received during lunch.
    assert cal.add_working_seconds(at("2026-03-02 12:00"), 1 * HOUR) == at("2026-03-02 14:30")


def test_a_deadline_across_tet_waits_for_the_holidays_to_end():
    # Friday 13 Feb 2026, 16:00: one working hour left that day, then the weekend and Tết (16-20 Feb),
    # then the weekend again. 8 working hours -> Monday 23 Feb, 16:00.
    assert cal.add_working_seconds(at("2026-02-13 16:00"), 8 * HOUR) == at("2026-02-23 16:00")
    assert cal.working_seconds_between(at("2026-02-13 16:00"), at("2026-02-23 16:00")) == 8 * HOUR


def test_a_deadline_across_national_day():
    # Friday 28 Aug 2026 16:00; 31 Aug (compensatory day off), 1 and 2 Sep are days off.
    assert cal.add_working_seconds(at("2026-08-28 16:00"), 2 * HOUR) == at("2026-09-03 08:00")


def test_add_and_between_agree():
    start = at("2026-02-12 10:17")
    for hours in (0.5, 3, 8, 17, 40, 120):
        end = cal.add_working_seconds(start, hours * HOUR)
        assert cal.working_seconds_between(start, end) == hours * HOUR


def test_calendar_rejects_naive_datetimes():
    from datetime import datetime

    with pytest.raises(ValueError):
        cal.add_working_seconds(datetime(2026, 3, 2, 8), 60)


def test_policies_are_seeded_from_the_data_file_and_looked_up_by_category_and_priority(db):
    with db.session() as s:
        w = build_world(s)
        assert sla.seed_sla_policies(s) == 0  # idempotent
        defaults = s.scalar(
            select(func.count()).select_from(SlaPolicy).where(SlaPolicy.category_id.is_(None))
        )
        assert defaults == 4
        normal = sla.targets_for(s, w.giao_thong.id, Priority.NORMAL)
        assert (normal.first_response_seconds, normal.resolution_seconds) == (8 * HOUR, 80 * HOUR)
        land = sla.targets_for(s, w.dat_dai.id, "normal")  # category-specific row
        assert land.resolution_seconds == 120 * HOUR
        assert sla.targets_for(s, w.dat_dai.id, "urgent").first_response_seconds == 2 * HOUR  # falls back


def test_due_times_follow_priority_and_intake_time(db):
    with db.session() as s:
        w = build_world(s)
        t = lc.create_ticket(
            s, TicketDraft(kind="petition", description="Cầu yếu", channel="zalo"), now=at("2026-02-13 16:00")
        )
        assert t.first_response_due_at == at("2026-02-23 16:00")  # 8 working hours, across Tết
        lc.triage(s, t, lc.Actor.system(), category_id=w.giao_thong.id, priority="urgent")
        assert t.first_response_due_at == at("2026-02-23 08:00")  # 2 working hours
        assert t.resolution_due_at == at("2026-02-24 16:00")  # 16 working hours


def test_waiting_on_the_citizen_pauses_the_resolution_clock(db):
    with db.session() as s:
        w = build_world(s)
        t = lc.create_ticket(
            s, TicketDraft(kind="petition", description="Ổ gà", channel="zalo"), now=at("2026-03-02 08:00")
        )
        lc.triage(s, t, lc.Actor.system(), category_id=w.giao_thong.id, now=at("2026-03-02 08:00"))
        lc.assign(s, t, lc.Actor.system(), agency_id=w.so_xay_dung.id, now=at("2026-03-02 08:00"))
        due = t.resolution_due_at
        assert due == at("2026-03-16 08:00")  # 80 working hours = 10 working days
        lc.ask_citizen(s, t, w.actor(w.officer_xd), question="Ổ gà ở số nhà nào?", now=at("2026-03-03 08:00"))
        assert t.first_response_at == at("2026-03-03 08:00")  # asking counts as the first response
        view = sla.sla_view(t, at("2026-03-20 08:00"))
        assert view.resolution.state == "paused" and not view.overdue
        # The citizen answers two working days (16 h) later: the due time moves by 16 working hours.
        lc.citizen_replied(s, t, now=at("2026-03-05 08:00"))
        assert t.status == "assigned"  # back where it was
        assert t.sla_paused_seconds == 16 * HOUR
        assert t.resolution_due_at == at("2026-03-18 08:00")
        assert sla.sla_view(t, at("2026-03-17 08:00")).resolution.state == "running"
        assert sla.sla_view(t, at("2026-03-18 09:00")).resolution.state == "breached"


def test_time_with_the_bot_is_not_counted(db):
    """The first-response clock starts when the ticket is created (the handover), not when the chat began."""
    with db.session() as s:
        build_world(s)
        t = lc.create_ticket(
            s,
            TicketDraft(
                kind="question",
                description="Hỏi thủ tục",
                channel="telegram",
                details={"conversation_started_at": at("2026-03-02 07:00").isoformat()},
            ),
            now=at("2026-03-02 09:00"),
        )
        assert t.first_response_started_at == at("2026-03-02 09:00")
        assert t.first_response_due_at == at("2026-03-03 09:00")


def test_escalations_warn_supervisors_before_and_at_breach_once(db):
    with db.session() as s:
        w = build_world(s)
        t = lc.create_ticket(
            s,
            TicketDraft(kind="petition", description="Cột điện nghiêng", channel="zalo"),
            now=at("2026-03-02 08:00"),
        )
        lc.triage(s, t, lc.Actor.system(), category_id=w.giao_thong.id, now=at("2026-03-02 08:00"))
        lc.assign(s, t, lc.Actor.system(), agency_id=w.so_xay_dung.id, now=at("2026-03-02 08:00"))
        # First response: 8 working hours -> due 03-03 08:00, warning at 80 % (6.4 h) -> 03-02 16:24.
        assert t.first_response_due_at == at("2026-03-03 08:00")
        assert t.first_response_warn_at == at("2026-03-02 16:24")

        assert sla.run_escalations(s, at("2026-03-02 16:00")) == []
        warned = sla.run_escalations(s, at("2026-03-02 16:30"))
        assert [(e.clock, e.level) for e in warned] == [("first_response", "warning")]
        assert sla.run_escalations(s, at("2026-03-02 16:45")) == []  # idempotent

        breached = sla.run_escalations(s, at("2026-03-03 09:00"))
        assert [(e.clock, e.level) for e in breached] == [("first_response", "breach")]
        assert sla.run_escalations(s, at("2026-03-03 09:00")) == []

        events = s.scalars(
            select(TicketEvent).where(TicketEvent.type.like("sla_%")).order_by(TicketEvent.id)
        ).all()
        assert [e.type for e in events] == ["sla_warning", "sla_breach"]
        assert events[0].payload["notify"] == "supervisors" and events[0].actor_kind == "system"
        assert s.scalar(select(func.count()).select_from(SlaAlert)) == 2

        # Once the agency accepts, the first-response clock stops; nothing more is raised for it.
        lc.accept(s, t, w.actor(w.officer_xd), now=at("2026-03-03 10:00"))
        assert sla.run_escalations(s, at("2026-03-04 10:00")) == []
        view = sla.sla_view(t, at("2026-03-04 10:00"))
        assert view.first_response.state == "breached" and view.resolution.state == "running"


def test_escalation_skips_paused_and_answered_tickets(db):
    with db.session() as s:
        w = build_world(s)
        paused = lc.create_ticket(
            s, TicketDraft(kind="petition", description="A", channel="zalo"), now=at("2026-03-02 08:00")
        )
        lc.triage(s, paused, lc.Actor.system(), category_id=w.giao_thong.id, now=at("2026-03-02 08:00"))
        lc.ask_citizen(s, paused, lc.Actor.system(), now=at("2026-03-02 08:30"))
        answered = lc.create_ticket(
            s, TicketDraft(kind="petition", description="B", channel="zalo"), now=at("2026-03-02 08:00")
        )
        lc.mark_answered(s, answered, lc.Actor.system(), now=at("2026-03-02 09:00"))
        assert sla.run_escalations(s, at("2026-04-30 10:00")) == []
        assert (
            s.scalar(select(func.count()).select_from(TicketEvent).where(TicketEvent.type.like("sla_%"))) == 0
        )


def test_an_answer_while_waiting_on_the_citizen_ends_the_pause(db):
    with db.session() as s:
        w = build_world(s)
        t = lc.create_ticket(
            s, TicketDraft(kind="petition", description="Ổ gà", channel="zalo"), now=at("2026-03-02 08:00")
        )
        lc.triage(s, t, lc.Actor.system(), category_id=w.giao_thong.id, now=at("2026-03-02 08:00"))
        lc.ask_citizen(s, t, lc.Actor.system(), now=at("2026-03-02 09:00"))
        lc.mark_answered(s, t, lc.Actor.system(), now=at("2026-03-03 09:00"))
        assert t.status == "answered" and t.sla_paused_at is None
        assert t.sla_paused_seconds == 8 * HOUR
        assert sla.sla_view(t, at("2026-03-04 09:00")).resolution.state == "met"
