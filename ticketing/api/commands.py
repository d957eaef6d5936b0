"""Write-side services of the API: ticket transitions as a given caller.

Each function runs inside one unit of work (the caller commits or rolls back), finds the ticket
within the caller's scope (404 otherwise, see `queries.visible_ticket`), checks an optional
expected `version` (optimistic concurrency for clients: 409 when someone changed the ticket in the
meantime), calls ONE function of `ticketing.lifecycle` / `ticketing.replies`, and returns the
ticket as the caller now sees it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ticketing import intake, lifecycle, replies, routing
from ticketing.api import admin
from ticketing.api.queries import get_ticket, visible_ticket
from ticketing.api.routes import Principal
from ticketing.errors import ConcurrentUpdate, InvalidInput, UnknownCode
from ticketing.models import ActorKind, Area, Channel, Reply, Ticket, TicketKind, User
from vietnam.places import resolve_place


def actor_of(principal: Principal) -> lifecycle.Actor:
    return lifecycle.Actor(ActorKind.USER, principal.user_id, principal.username)


def _ticket(session: Session, principal: Principal, code: str, version: int | None) -> Ticket:
    ticket = visible_ticket(session, principal, code)
    if version is not None and ticket.version != version:
        raise ConcurrentUpdate(
            f"Ticket {code} was changed by someone else (version {ticket.version}, "
            f"you sent {version}); reload it."
        )
    return ticket


def triage(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    ticket = _ticket(session, principal, code, data.get("version"))
    category = admin.category_by_code(session, data["category"])
    area = admin.area_by_code(session, data["area"]) if data.get("area") else None
    lifecycle.triage(
        session,
        ticket,
        actor_of(principal),
        category_id=category.id,
        area_id=area.id if area else None,
        priority=data.get("priority"),
    )
    return get_ticket(session, principal, code)


def assign(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    """To the named agency, or (no `agency`) to the one the routing rules give."""
    ticket = _ticket(session, principal, code, data.get("version"))
    if not data.get("agency"):
        if routing.route_ticket(session, ticket, actor_of(principal)) is None:
            raise InvalidInput("no routing rule fits this ticket; name the agency")
        return get_ticket(session, principal, code)
    agency = admin.agency_by_code(session, data["agency"])
    if data.get("reason"):
        lifecycle.reassign(session, ticket, actor_of(principal), agency_id=agency.id, reason=data["reason"])
    else:
        lifecycle.assign(session, ticket, actor_of(principal), agency_id=agency.id)
    return get_ticket(session, principal, code)


def start(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    ticket = _ticket(session, principal, code, data.get("version"))
    lifecycle.accept(session, ticket, actor_of(principal))
    return get_ticket(session, principal, code)


def ask_citizen(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    ticket = _ticket(session, principal, code, data.get("version"))
    lifecycle.ask_citizen(session, ticket, actor_of(principal), question=data.get("question"))
    return get_ticket(session, principal, code)


def citizen_replied(
    session: Session, principal: Principal, code: str, data: dict[str, Any]
) -> dict[str, Any]:
    ticket = _ticket(session, principal, code, data.get("version"))
    lifecycle.citizen_replied(session, ticket, actor_of(principal))
    return get_ticket(session, principal, code)


def close(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    ticket = _ticket(session, principal, code, data.get("version"))
    lifecycle.close(session, ticket, actor_of(principal), reason=data.get("reason"))
    return get_ticket(session, principal, code)


def reopen(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    ticket = _ticket(session, principal, code, data.get("version"))
    lifecycle.reopen(session, ticket, actor_of(principal), reason=data["reason"])
    return get_ticket(session, principal, code)


def return_to_router(
    session: Session, principal: Principal, code: str, data: dict[str, Any]
) -> dict[str, Any]:
    ticket = _ticket(session, principal, code, data.get("version"))
    lifecycle.return_ticket(session, ticket, actor_of(principal), reason=data["reason"])
    # The ticket has left the officer's agency: what they may still see of it is nothing.
    if principal.role == "agency_officer":
        return {"code": code, "status": "triaged", "returned": True}
    return get_ticket(session, principal, code)


def merge(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    duplicate = _ticket(session, principal, code, data.get("version"))
    target = visible_ticket(session, principal, data["into"])
    lifecycle.merge(session, duplicate, target, actor_of(principal))
    return get_ticket(session, principal, code)


def create(session: Session, principal: Principal, data: dict[str, Any]) -> str:
    """Intake through the API; returns the new ticket's code. With `auto_route` (default)
    `ticketing.intake` classifies and routes it when confident (else it waits in the triage queue);
    without, it stays `new` for an agent. The caller renders the ticket in a second, read-only unit
    of work: the day's code counter row stays locked until this one commits, so it must be short."""
    fields = {
        "kind": data["kind"],
        "description": data["description"],
        "channel": data["channel"],
        "channel_user_id": data.get("channel_user_id"),
        "conversation_id": data.get("conversation_id"),
        "location_text": data.get("location_text"),
        "details": data.get("details"),
        "phone": data.get("phone"),
        "name": data.get("name"),
        "priority": data.get("priority") or "normal",
        "actor": actor_of(principal),
    }
    if data.get("auto_route", True):
        ticket = intake.intake(session, **fields).ticket
    else:
        ticket = lifecycle.create_ticket(session, **fields)
    return ticket.code


def create_open311(
    session: Session, principal: Principal, form: dict[str, Any], token: str
) -> dict[str, Any]:
    """An Open311 service request: a petition in the category named by `service_code`, triaged at
    once (the client chose the category) and routed by the routing rules."""
    category = admin.category_by_code(session, form["service_code"])
    area = admin.area_by_code(session, form["address_id"]) if form.get("address_id") else None
    if area is None and form.get("address_string"):
        area = intake_area(session, form["address_string"])
    name = " ".join(part for part in (form.get("last_name"), form.get("first_name")) if part) or None
    details = {"open311_token": token, "open311_client": principal.username}
    for key in ("lat", "long", "media_url", "address_string"):
        if form.get(key) is not None:
            details[key] = form[key]
    actor = actor_of(principal)
    ticket = lifecycle.create_ticket(
        session,
        kind=TicketKind.PETITION,
        description=form["description"],
        channel=Channel.API,
        channel_user_id=form.get("account_id") or form.get("device_id"),
        location_text=form.get("address_string") or (area.name if area else None),
        details=details,
        phone=form.get("phone"),
        name=name,
        actor=actor,
    )
    lifecycle.triage(session, ticket, actor, category_id=category.id, area_id=area.id if area else None)
    route = routing.route_ticket(session, ticket, intake.ROUTING_ACTOR)
    notice = (
        f"Dạ, phản ánh đã được chuyển đến {route.agency_name}."
        if route
        else "Dạ, phản ánh đã được tiếp nhận và đang chờ tổng đài viên phân loại."
    )
    return {"service_request_id": ticket.code, "token": token, "service_notice": notice, "account_id": None}


def intake_area(session: Session, text: str) -> Area | None:
    place = resolve_place(text)
    return session.scalar(select(Area).where(Area.code == place.code)) if place is not None else None


def _user(session: Session, principal: Principal) -> User:
    user = session.get(User, principal.user_id)
    assert user is not None  # the principal was resolved from this user a moment ago
    return user


def answer(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    ticket = _ticket(session, principal, code, data.get("version"))
    replies.answer(session, ticket, _user(session, principal), data["body"])
    return get_ticket(session, principal, code)


def approve(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    ticket = _ticket(session, principal, code, None)
    reply = session.get(Reply, data["reply_id"])
    if reply is None or reply.ticket_id != ticket.id:
        raise UnknownCode(f"reply {data['reply_id']} is not an answer of ticket {code}")
    if data["approve"]:
        replies.approve(session, reply, _user(session, principal))
    else:
        replies.reject(session, reply, _user(session, principal), note=data.get("note") or "")
    return get_ticket(session, principal, code)


def add_note(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    ticket = _ticket(session, principal, code, None)
    replies.add_note(session, ticket, _user(session, principal), data["body"])
    return get_ticket(session, principal, code)


def rate(session: Session, principal: Principal, code: str, data: dict[str, Any]) -> dict[str, Any]:
    """Staff record the rating the citizen gave (e.g. on the phone) for a ticket they filed."""
    ticket = _ticket(session, principal, code, None)
    rating = replies.rate(
        session,
        score=data["score"],
        comment=data.get("comment"),
        channel=ticket.channel,
        channel_user_id=ticket.channel_user_id,
        ticket=ticket,
    )
    return {"ticket": code, "rating_id": rating.id, "score": rating.score}
