"""The ticketing functions the bot's actions call (docs/architecture.md, "Facades used by actions").

Each function is one unit of work on the database named by ``DATABASE_URL`` (default
``sqlite:///var/helpdesk.sqlite3``); on first use the schema is migrated and an empty directory seeded.
Errors are ``ticketing.errors.TicketingError`` subclasses (``InvalidInput``, ``TicketNotFound``,
``NotAllowed``, ``IllegalTransition``); nothing is half-written when one is raised.
Personal data (phone, name) is stored, never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from database import Database, get_database
from security.second_factor import Verdict, check_second_factor, last_four_digits
from ticketing import conversations, replies
from ticketing.errors import IllegalTransition, InvalidInput, NotAllowed, TicketingError, TicketNotFound
from ticketing.intake import intake
from ticketing.lifecycle import get_ticket_by_code
from ticketing.models import (
    Agency,
    Category,
    Channel,
    Citizen,
    Reply,
    ReplyState,
    Ticket,
    TicketKind,
    TicketStatus,
)
from ticketing.seed import ensure_seeded
from vietnam.codes import is_ticket_code, normalize_ticket_code
from vietnam.workdays import LOCAL_TZ, format_datetime_vi

__all__ = [
    "IllegalTransition",
    "InvalidInput",
    "NotAllowed",
    "TicketNotFound",
    "TicketReceipt",
    "TicketStatusView",
    "TicketingError",
    "rate_service",
    "request_handoff",
    "submit_ticket",
    "ticket_status",
]


def _database() -> Database:
    db = get_database()
    db.once("ticketing.directory", ensure_seeded)
    return db


# ---------------------------------------------------------------------------------------------
# submit_ticket
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketReceipt:
    code: str
    category: str | None  # category code, None while in the triage queue
    agency_name: str | None  # None while in the triage queue
    due_at: datetime | None  # resolution due time, Asia/Ho_Chi_Minh
    status: str = TicketStatus.NEW.value
    category_name: str | None = None

    @property
    def due_text(self) -> str | None:
        return format_datetime_vi(self.due_at)


def submit_ticket(
    kind: str,
    description: str,
    location_text: str | None,
    phone: str | None,
    name: str | None,
    channel: str,
    channel_user_id: str,
    conversation_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> TicketReceipt:
    """File a petition, question, postal or appointment request; triaged and routed when confident."""
    db = _database()
    with db.session() as session:
        result = intake(
            session,
            kind=kind,
            description=description,
            location_text=location_text,
            phone=phone,
            name=name,
            channel=_channel(channel),
            channel_user_id=channel_user_id,
            conversation_id=conversation_id,
            details=details,
        )
        ticket = result.ticket
        category = session.get(Category, ticket.category_id) if ticket.category_id else None
        agency = session.get(Agency, ticket.agency_id) if ticket.agency_id else None
        return TicketReceipt(
            code=ticket.code,
            category=category.code if category else None,
            agency_name=agency.name if agency else None,
            due_at=ticket.resolution_due_at.astimezone(LOCAL_TZ) if ticket.resolution_due_at else None,
            status=ticket.status.value,
            category_name=category.name if category else None,
        )


def _channel(channel: str) -> Channel:
    try:
        return Channel(channel)
    except ValueError as exc:
        raise InvalidInput(f"unknown channel: {channel!r}") from exc


# ---------------------------------------------------------------------------------------------
# ticket_status
# ---------------------------------------------------------------------------------------------

STATUS_TEXT = {
    TicketStatus.NEW: "đã được tiếp nhận và đang chờ phân loại",
    TicketStatus.TRIAGED: "đã được phân loại và đang được chuyển đến cơ quan có thẩm quyền",
    TicketStatus.ASSIGNED: "đã được chuyển đến {agency}",
    TicketStatus.IN_PROGRESS: "đang được {agency} xử lý",
    TicketStatus.WAITING_CITIZEN: "đang chờ anh/chị bổ sung thông tin",
    TicketStatus.ANSWERED: "đã có trả lời",
    TicketStatus.CLOSED: "đã kết thúc xử lý",
}


@dataclass(frozen=True)
class TicketStatusView:
    """``outcome``: ``found`` (details filled), ``need_second_factor`` (ask the last 4 phone digits),
    ``wrong_second_factor`` (wrong digits, or no such ticket: the same answer) or ``rate_limited`` (too
    many wrong answers from this channel identity). Only ``found`` carries details of the ticket."""

    code: str
    outcome: str
    message: str
    status: str | None = None
    kind: str | None = None
    agency_name: str | None = None
    created_at: datetime | None = None
    due_at: datetime | None = None
    answered_at: datetime | None = None
    answer: str | None = None
    merged_into: str | None = None


def _status_message(ticket: Ticket, agency: Agency | None, merged_into: str | None) -> str:
    if merged_into:
        return (
            f"Dạ, yêu cầu mã {ticket.code} trùng nội dung nên đã được gộp vào hồ sơ mã {merged_into}. "
            f"Anh/chị vui lòng tra cứu theo mã {merged_into} ạ."
        )
    text = STATUS_TEXT[TicketStatus(ticket.status)].format(
        agency=agency.name if agency else "cơ quan có thẩm quyền"
    )
    message = f"Dạ, yêu cầu mã {ticket.code} của anh/chị {text}."
    if ticket.status in (
        TicketStatus.NEW,
        TicketStatus.TRIAGED,
        TicketStatus.ASSIGNED,
        TicketStatus.IN_PROGRESS,
    ):
        due = format_datetime_vi(ticket.resolution_due_at)
        if due:
            message += f" Thời hạn trả lời dự kiến: {due}."
    return message


def ticket_status(
    code: str, channel: str, channel_user_id: str, phone_last4: str | None
) -> TicketStatusView | None:
    """The status of a ticket for the citizen who filed it; None when ``code`` is not a ticket code.

    The citizen is recognised by the channel identity that filed the ticket, or else by the last four
    digits of the phone number given at intake (``security.second_factor``: an unknown code and wrong
    digits get the same answer, and guesses are capped per code and requester).
    """
    if not isinstance(code, str) or not is_ticket_code(code):
        return None
    code = normalize_ticket_code(code)
    db = _database()
    with db.session(readonly=True) as session:
        ticket = get_ticket_by_code(session, code)
        found = _found_view(session, ticket) if ticket is not None else None
        if ticket is not None and replies.owns(ticket, channel, channel_user_id):
            return found
        citizen = (
            session.get(Citizen, ticket.citizen_id) if ticket is not None and ticket.citizen_id else None
        )
        phone = citizen.phone if citizen is not None else None
    if not last_four_digits(phone_last4):
        return TicketStatusView(
            code=code,
            outcome="need_second_factor",
            message="Dạ, để bảo mật thông tin, anh/chị vui lòng cho biết 4 số cuối của số điện thoại "
            "đã dùng khi gửi yêu cầu ạ.",
        )
    verdict = check_second_factor(
        db.engine,
        subject=f"ticket:{code}",
        requester=f"{channel}:{channel_user_id}",
        given=phone_last4,
        phone_on_file=phone,
    )
    if verdict == Verdict.LIMITED:
        return TicketStatusView(
            code=code,
            outcome="rate_limited",
            message="Dạ, anh/chị đã nhập sai nhiều lần. Anh/chị vui lòng thử lại sau 1 giờ hoặc "
            "gọi tổng đài 1022 để được hỗ trợ ạ.",
        )
    if verdict == Verdict.FAILED or found is None:
        return TicketStatusView(
            code=code,
            outcome="wrong_second_factor",
            message="Dạ, 4 số cuối điện thoại chưa khớp với thông tin của yêu cầu này. "
            "Anh/chị vui lòng kiểm tra lại ạ.",
        )
    return found


def _found_view(session: Session, ticket: Ticket) -> TicketStatusView:
    agency = session.get(Agency, ticket.agency_id) if ticket.agency_id else None
    merged_into = session.get(Ticket, ticket.merged_into_id).code if ticket.merged_into_id else None
    answer = None
    if ticket.status in (TicketStatus.ANSWERED, TicketStatus.CLOSED):
        answer = session.scalar(
            select(Reply.body)
            .where(
                Reply.ticket_id == ticket.id,
                Reply.internal.is_(False),
                Reply.state == ReplyState.APPROVED,
            )
            .order_by(Reply.id.desc())
            .limit(1)
        )
    return TicketStatusView(
        code=ticket.code,
        outcome="found",
        message=_status_message(ticket, agency, merged_into),
        status=ticket.status.value,
        kind=TicketKind(ticket.kind).value,
        agency_name=agency.name if agency else None,
        created_at=ticket.created_at.astimezone(LOCAL_TZ),
        due_at=ticket.resolution_due_at.astimezone(LOCAL_TZ) if ticket.resolution_due_at else None,
        answered_at=ticket.answered_at.astimezone(LOCAL_TZ) if ticket.answered_at else None,
        answer=answer,
        merged_into=merged_into,
    )


# ---------------------------------------------------------------------------------------------
# rate_service, request_handoff
# ---------------------------------------------------------------------------------------------


def rate_service(
    score: int, comment: str | None, channel: str, channel_user_id: str, ticket_code: str | None
) -> None:
    """Record the citizen's 1-5 rating, of an answered ticket they filed or of the hotline in general.

    Raises ``InvalidInput`` (score), ``TicketNotFound``, ``NotAllowed`` (not their ticket) or
    ``IllegalTransition`` (not answered yet)."""
    db = _database()
    with db.session() as session:
        ticket = None
        if ticket_code:
            ticket = get_ticket_by_code(session, ticket_code)
            if ticket is None:
                raise TicketNotFound(ticket_code)
        replies.rate(
            session,
            score=score,
            comment=comment,
            channel=_channel(channel),
            channel_user_id=channel_user_id,
            ticket=ticket,
        )


def request_handoff(
    channel: str, channel_user_id: str, conversation_id: str | None, reason: str | None
) -> None:
    """Mark the conversation for a human agent (Chatwoot-style ``pending`` -> ``open``); idempotent.

    The agents' first-response time counts from the handoff (time with the bot excluded)."""
    db = _database()
    with db.session() as session:
        conversations.handoff(
            session,
            channel=_channel(channel),
            channel_user_id=channel_user_id,
            conversation_id=conversation_id,
            reason=reason,
        )
