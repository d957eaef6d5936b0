"""A citizen's answer to an agency's request for more information.

When the agency working a ticket asks the citizen for more (the ticket is ``waiting_citizen``), the hub
tells the citizen on the ticket's channel, with the agency's question (``channels/notifications.py``). The
citizen's next message on that channel, while the conversation is with the bot, is the answer: it is not
sent to the bot; its text is recorded on the ticket (the ``citizen_replied`` event, which the ticket's
history shows its staff), photos sent with it belong to the ticket (``channels/ticket_attachments.py``),
the ticket's resolution clock resumes, and the citizen is told it was passed on. Only the first message
is taken: the ticket leaves ``waiting_citizen`` with it, so the next ones reach the bot as usual.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels import texts
from ticketing import lifecycle
from ticketing.lifecycle import Actor
from ticketing.models import Channel, Ticket, TicketStatus

MAX_RECORDED_CHARS = 4000


def waiting_ticket(session: Session, channel: str, channel_user_id: str) -> Ticket | None:
    """The citizen's latest ticket on this channel that waits for their answer (one indexed read)."""
    try:
        kind = Channel(channel)
    except ValueError:  # a channel tickets are never filed on
        return None
    return session.scalar(
        select(Ticket)
        .where(
            Ticket.channel == kind,
            Ticket.channel_user_id == channel_user_id,
            Ticket.status == TicketStatus.WAITING_CITIZEN,
        )
        .order_by(Ticket.updated_at.desc(), Ticket.id.desc())
        .limit(1)
    )


def waits_for_answer(session: Session, channel: str, channel_user_id: str) -> bool:
    return waiting_ticket(session, channel, channel_user_id) is not None


def take_answer(session: Session, channel: str, channel_user_id: str, text: str, now: datetime) -> str | None:
    """Record ``text`` as the citizen's answer on the waiting ticket; the reply to the citizen, or None
    when no ticket waits (the message goes to the bot)."""
    ticket = waiting_ticket(session, channel, channel_user_id)
    if ticket is None:
        return None
    message = text.strip()[:MAX_RECORDED_CHARS] or "(hình ảnh / vị trí)"
    lifecycle.citizen_replied(session, ticket, Actor.citizen(), message=message, now=now)
    return texts.supplement_forwarded(ticket.code)
