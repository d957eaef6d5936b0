"""What the bot's actions get from ticketing.citizen_desk, on the real Đồng Tháp directory."""

from __future__ import annotations

import logging
import threading
import uuid

import pytest
from sqlalchemy import select

from security.second_factor import DEFAULT_LIMITS
from ticketing import citizen_desk as desk
from ticketing import lifecycle as lc
from ticketing.errors import IllegalTransition, InvalidInput, NotAllowed, TicketNotFound
from ticketing.models import (
    AgencyKind,
    Conversation,
    ConversationStatus,
    Rating,
    Ticket,
    User,
    UserRole,
)
from ticketing.replies import answer
from ticketing.routing import resolve_by_codes


def submit(text: str, location: str | None = None, kind: str = "petition", user: str = "zalo-42", **kw):
    return desk.submit_ticket(
        kind=kind,
        description=text,
        location_text=location,
        phone=kw.pop("phone", "0987654321"),
        name=kw.pop("name", "Nguyễn Văn A"),
        channel=kw.pop("channel", "zalo"),
        channel_user_id=user,
        conversation_id=kw.pop("conversation_id", "conv-1"),
        **kw,
    )


def test_a_clear_petition_is_triaged_and_routed_to_the_responsible_agency(db):
    receipt = submit("Mất điện từ sáng tới giờ chưa có lại", "phường Mỹ Tho")

    assert receipt.code.startswith("PA-") and receipt.status == "assigned"
    assert receipt.category == "dien" and receipt.category_name == "Điện"
    assert receipt.due_at is not None and receipt.due_at.utcoffset().total_seconds() == 7 * 3600
    assert receipt.due_text and " ngày " in receipt.due_text
    with db.session() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.code == receipt.code))
        expected = resolve_by_codes(s, "dien", "phuong_my_tho")
        assert ticket.agency.code == expected.agency_code and ticket.agency.kind == AgencyKind.UTILITY
        assert receipt.agency_name == ticket.agency.name
        assert ticket.area.code == "phuong_my_tho"
        assert (ticket.channel, ticket.channel_user_id, ticket.conversation_id) == (
            "zalo",
            "zalo-42",
            "conv-1",
        )
        assert ticket.citizen.phone == "0987654321"
        trail = [(e.type, e.actor_kind, e.actor_label) for e in lc.events_of(s, ticket)]
        assert trail == [
            ("created", "bot", "bot"),
            ("triaged", "system", "triage"),
            ("assigned", "system", "routing"),
        ]


def test_the_same_petition_without_diacritics_is_routed_the_same_way(db):
    written = submit("Mất điện từ sáng tới giờ chưa có lại", "phường Mỹ Tho")
    stripped = submit("mat dien tu sang toi gio chua co lai", "phuong my tho")
    assert (stripped.category, stripped.agency_name) == (written.category, written.agency_name)


def test_an_unclear_petition_waits_in_the_triage_queue_without_a_guess(db):
    receipt = submit("abc xyz", None)
    assert receipt.status == "new" and receipt.category is None and receipt.agency_name is None
    with db.session() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.code == receipt.code))
        assert ticket.agency_id is None and ticket.category_id is None
        assert "triage_suggestion" in ticket.details  # for the agent, never acted on


def test_postal_and_appointment_requests_go_to_the_post_office_and_the_commune_service_centre(db):
    postal = submit("Tôi muốn nhận kết quả hồ sơ qua bưu điện", "xã Tân Phước 1", kind="postal")
    appointment = submit("Đặt lịch làm căn cước cho con", "xã Tân Phước 1", kind="appointment")
    assert postal.code.startswith("BC-") and appointment.code.startswith("LH-")
    with db.session() as s:
        post = s.scalar(select(Ticket).where(Ticket.code == postal.code)).agency
        centre = s.scalar(select(Ticket).where(Ticket.code == appointment.code)).agency
        assert post.kind == AgencyKind.POST
        assert centre.kind == AgencyKind.SERVICE_CENTRE and centre.area.code == "xa_tan_phuoc_1"
    nowhere = submit("Đặt lịch hẹn", None, kind="appointment")
    assert nowhere.status == "new" and nowhere.agency_name is None


def test_a_question_from_the_bot_stays_with_the_hotline_agents(db):
    receipt = submit("Cho hỏi làm giấy khai sinh cần gì", None, kind="question")
    assert receipt.code.startswith("HD-") and receipt.agency_name is None
    assert receipt.status in ("new", "triaged")


def test_the_citizen_checks_the_status_of_their_ticket(db):
    receipt = submit("Đèn đường hư cả tuần nay", "phường Cao Lãnh", phone="+84 912 345 678")

    mine = desk.ticket_status(receipt.code.lower(), "zalo", "zalo-42", None)
    assert mine is not None and mine.outcome == "found" and mine.status == "assigned"
    assert mine.message.startswith(f"Dạ, yêu cầu mã {receipt.code} của anh/chị đã được chuyển đến ")
    assert "Thời hạn trả lời dự kiến" in mine.message

    other = desk.ticket_status(receipt.code, "telegram", "tg-7", None)
    assert other.outcome == "need_second_factor" and other.status is None and "4 số cuối" in other.message
    wrong = desk.ticket_status(receipt.code, "telegram", "tg-7", "1111")
    assert wrong.outcome == "wrong_second_factor" and wrong.agency_name is None
    right = desk.ticket_status(receipt.code, "telegram", "tg-7", "5678")
    assert right.outcome == "found" and right.agency_name == receipt.agency_name

    guesser = f"tg-guesser-{uuid.uuid4()}"
    for _ in range(DEFAULT_LIMITS.per_pair):
        assert desk.ticket_status(receipt.code, "telegram", guesser, "0000").outcome == "wrong_second_factor"
    blocked = desk.ticket_status(receipt.code, "telegram", guesser, "5678")
    assert blocked.outcome == "rate_limited" and blocked.status is None
    assert desk.ticket_status(receipt.code, "zalo", "zalo-42", None).outcome == "found"  # the owner is not

    # An unknown code reads exactly like a known one: codes cannot be probed.
    unknown = desk.ticket_status("PA-991231-9999", "zalo", "zalo-42", None)
    assert (unknown.outcome, unknown.message) == (other.outcome, other.message)
    unknown = desk.ticket_status("PA-991231-9999", "zalo", "zalo-42", "5678")
    assert (unknown.outcome, unknown.message) == (wrong.outcome, wrong.message)
    assert desk.ticket_status("not a code", "zalo", "zalo-42", None) is None


def test_the_citizen_rates_an_answered_ticket(db):
    receipt = submit("Rác thải bốc mùi ở chợ", "phường Mỹ Tho")
    with pytest.raises(IllegalTransition):
        desk.rate_service(5, None, "zalo", "zalo-42", receipt.code)
    with db.session() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.code == receipt.code))
        officer = User(
            username="officer",
            display_name="Cán bộ",
            role=UserRole.AGENCY_OFFICER,
            agency_id=ticket.agency_id,
        )
        s.add(officer)
        s.flush()
        answer(s, ticket, officer, "Đã thu gom rác và vệ sinh khu vực chợ.")

    status = desk.ticket_status(receipt.code, "zalo", "zalo-42", None)
    assert status.status == "answered" and status.answer == "Đã thu gom rác và vệ sinh khu vực chợ."

    with pytest.raises(InvalidInput):
        desk.rate_service(9, None, "zalo", "zalo-42", receipt.code)
    with pytest.raises(NotAllowed):
        desk.rate_service(5, None, "zalo", "someone-else", receipt.code)
    with pytest.raises(TicketNotFound):
        desk.rate_service(5, None, "zalo", "zalo-42", "PA-991231-9999")
    desk.rate_service(4, "Xử lý nhanh", "zalo", "zalo-42", receipt.code)
    desk.rate_service(5, None, "webchat", "web-1", None)  # the hotline in general
    with db.session() as s:
        assert sorted(s.scalars(select(Rating.score))) == [4, 5]


def test_a_handoff_opens_the_conversation_for_a_human_once(db):
    desk.request_handoff("telegram", "tg-1", "conv-9", "Muốn gặp tổng đài viên")
    desk.request_handoff("telegram", "tg-1", "conv-9", "Hỏi lại")
    with db.session() as s:
        conversation = s.scalars(select(Conversation)).one()
        assert conversation.status == ConversationStatus.OPEN
        assert conversation.handoff_reason == "Muốn gặp tổng đài viên"
        assert conversation.handoff_requested_at is not None
    with pytest.raises(InvalidInput):
        desk.request_handoff("fax", "x", None, None)


def test_bad_input_is_refused_and_nothing_is_written(db):
    submit("Ổ gà lớn giữa đường", "phường Mỹ Tho")  # seeds the directory
    with db.session() as s:
        before = len(s.scalars(select(Ticket)).all())
    for kwargs in (
        {"text": ""},
        {"text": "x" * 6000},
        {"text": "Ổ gà", "kind": "complaint"},
        {"text": "Ổ gà", "phone": "không có"},
        {"text": "Ổ gà", "channel": "fax"},
    ):
        text = kwargs.pop("text")
        with pytest.raises(ValueError):
            submit(text, None, **kwargs)
    with db.session() as s:
        assert len(s.scalars(select(Ticket)).all()) == before


def test_personal_data_never_reaches_the_logs(db, caplog):
    caplog.set_level(logging.DEBUG)
    receipt = submit("Cống nghẹt gây ngập", "phường Mỹ Tho", phone="0911222333", name="Trần Thị Bình")
    desk.ticket_status(receipt.code, "telegram", "tg-x", "2333")
    assert "0911222333" not in caplog.text and "Trần Thị Bình" not in caplog.text
    with db.session() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.code == receipt.code))
        for event in lc.events_of(s, ticket):  # the history shows who acted, never the citizen's data
            assert "0911222333" not in str(event.payload) and "Bình" not in str(event.payload)
        assert "0911222333" not in repr(ticket.citizen)


def test_300_concurrent_guesses_of_a_ticket_never_check_more_than_the_cap(db):
    receipt = submit("Cống nghẹt gây ngập", "phường Mỹ Tho", phone="0911222333")
    outcomes: list[str] = []
    barrier = threading.Barrier(300)

    def guess(n: int) -> None:
        barrier.wait()
        outcomes.append(desk.ticket_status(receipt.code, "telegram", "tg-guesser", f"{n:04d}").outcome)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(300)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert outcomes.count("wrong_second_factor") == DEFAULT_LIMITS.per_pair
    assert outcomes.count("rate_limited") == 300 - DEFAULT_LIMITS.per_pair
    assert desk.ticket_status(receipt.code, "telegram", "tg-owner-phone", "2333").outcome == "found"
