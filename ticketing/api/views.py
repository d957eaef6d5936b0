"""Rendering of rows as JSON-ready dicts. Times are ISO 8601 in Asia/Ho_Chi_Minh (+07:00)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from ticketing import sla
from ticketing.models import (
    Agency,
    ApiToken,
    Area,
    Category,
    Reply,
    RoutingRule,
    Ticket,
    TicketEvent,
    User,
    utcnow,
)
from ticketing.ticket_lists import TicketPage
from vietnam.workdays import LOCAL_TZ


def iso(value: datetime | None) -> str | None:
    return value.astimezone(LOCAL_TZ).isoformat() if value is not None else None


def ref(row: Agency | Area | Category | None) -> dict[str, str] | None:
    return {"code": row.code, "name": row.name} if row is not None else None


def agency_view(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": str(agency.kind),
        "area": agency.area.code if agency.area is not None else None,
        "phone": agency.phone,
        "email": agency.email,
        "address": agency.address,
        "website": agency.website,
        "source": agency.source,
        "verified": agency.verified,
        "active": agency.active,
    }


def area_view(area: Area) -> dict[str, Any]:
    return {
        "code": area.code,
        "name": area.name,
        "kind": str(area.kind),
        "aliases": list(area.aliases or []),
        "active": area.active,
    }


def category_view(category: Category) -> dict[str, Any]:
    return {
        "code": category.code,
        "name": category.name,
        "description": category.description,
        "requires_approval": category.requires_approval,
        "active": category.active,
    }


def rule_view(rule: RoutingRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "category": ref(rule.category),
        "area": ref(rule.area),
        "agency": ref(rule.agency),
        "note": rule.note,
        "updated_at": iso(rule.updated_at),
    }


def user_view(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "role": str(user.role),
        "agency": ref(user.agency),
        "active": user.active,
        "created_at": iso(user.created_at),
        "last_login_at": iso(user.last_login_at),
    }


def token_view(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "user": token.user.username,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
        "expires_at": iso(token.expires_at),
        "revoked_at": iso(token.revoked_at),
    }


def items(view: Callable[[Any], dict[str, Any]]) -> Callable[[Iterable[Any]], dict[str, Any]]:
    """Render a list of rows as ``{"items": [...]}``, each row with ``view``."""
    return lambda rows: {"items": [view(row) for row in rows]}


def _clock(view: sla.ClockView) -> dict[str, Any]:
    return {
        "state": view.state,
        "due_at": iso(view.due_at),
        "stopped_at": iso(view.stopped_at),
        "remaining_working_seconds": view.remaining_working_seconds,
    }


def sla_view(ticket: Ticket) -> dict[str, Any]:
    """Both SLA clocks as ticketing.sla reads them now."""
    view = sla.sla_view(ticket, utcnow())
    return {
        "first_response": _clock(view.first_response),
        "resolution": _clock(view.resolution),
        "paused": ticket.sla_paused_at is not None,
        "overdue": view.overdue,
    }


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    return {
        "code": ticket.code,
        "kind": str(ticket.kind),
        "status": str(ticket.status),
        "priority": str(ticket.priority),
        "category": ref(ticket.category),
        "area": ref(ticket.area),
        "agency": ref(ticket.agency),
        "channel": str(ticket.channel),
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "sla": sla_view(ticket),
        "version": ticket.version,
    }


def event_view(event: TicketEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": iso(event.at),
        "type": event.type,
        "actor": {
            "kind": str(event.actor_kind),
            "user": event.actor_user.username if event.actor_user is not None else None,
            "label": event.actor_label,
        },
        "from_status": str(event.from_status) if event.from_status else None,
        "to_status": str(event.to_status) if event.to_status else None,
        "payload": event.payload or {},
    }


def reply_view(reply: Reply) -> dict[str, Any]:
    return {
        "id": reply.id,
        "body": reply.body,
        "internal": reply.internal,
        "state": str(reply.state),
        "delivery": str(reply.delivery),
        "author": reply.author.username if reply.author is not None else None,
        "reviewed_by": reply.reviewed_by.username if reply.reviewed_by is not None else None,
        "reviewed_at": iso(reply.reviewed_at),
        "review_note": reply.review_note,
        "created_at": iso(reply.created_at),
        "sent_at": iso(reply.sent_at),
    }


def ticket_detail(ticket: Ticket, *, with_history: bool = True) -> dict[str, Any]:
    out = ticket_summary(ticket)
    citizen = ticket.citizen
    out.update(
        {
            "description": ticket.description,
            "location_text": ticket.location_text,
            "details": ticket.details or {},
            "triage_confidence": ticket.triage_confidence,
            "channel_user_id": ticket.channel_user_id,
            "conversation_id": ticket.conversation_id,
            "citizen": {"name": citizen.name, "phone": citizen.phone} if citizen is not None else None,
            "triaged_at": iso(ticket.triaged_at),
            "assigned_at": iso(ticket.assigned_at),
            "accepted_at": iso(ticket.accepted_at),
            "first_response_at": iso(ticket.first_response_at),
            "answered_at": iso(ticket.answered_at),
            "closed_at": iso(ticket.closed_at),
            "reopened_at": iso(ticket.reopened_at),
            "reopen_count": ticket.reopen_count,
            "return_count": ticket.return_count,
            "merged_into": ticket.merged_into.code if ticket.merged_into is not None else None,
        }
    )
    if with_history:
        out["events"] = [event_view(e) for e in ticket.events]
        out["replies"] = [reply_view(r) for r in ticket.replies]
    return out


def ticket_page(page: TicketPage) -> dict[str, Any]:
    return {"items": [ticket_summary(t) for t in page.tickets], "next_cursor": page.next_cursor}


def ticket_events(ticket: Ticket) -> dict[str, Any]:
    return {"items": [event_view(e) for e in ticket.events]}


def ticket_replies(ticket: Ticket) -> dict[str, Any]:
    return {"items": [reply_view(r) for r in ticket.replies]}
