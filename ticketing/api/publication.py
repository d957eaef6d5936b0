"""What the public may see of a ticket: public by design, not by masking.

Open311 reads and the public status page show a ticket's category, commune/ward, status and dates,
plus a summary (and outcome) that hotline staff wrote or approved through
``PUT /api/tickets/{code}/public-summary``. They never show the citizen's own description, the
answer sent to the citizen, their name or contact, nor the exact point and photo unless staff approved
them (``show_location``, ``show_media``). ``ticketing.api.redact`` still masks personal data in the
approved text, as a last line.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from ticketing import tickets
from ticketing.api.handlers.common import no_content, ok
from ticketing.api.redact import redact
from ticketing.api.routes import STAFF, Call, Route
from ticketing.api.schema import Field, Schema
from ticketing.callers import Principal
from ticketing.models import Ticket, TicketEvent, TicketPublication, utcnow
from vietnam.codes import TICKET_CODE_PATTERN, TICKET_CODE_RE
from vietnam.text import normalize_text

SUMMARY_MAX = 1000

PUBLICATION = Schema(
    Field(
        "summary",
        required=True,
        min_length=1,
        max_length=SUMMARY_MAX,
        description="What the request is about, written for the public: no names, contacts or house numbers",
        example="Đèn chiếu sáng trước chợ phường Mỹ Tho bị hư.",
    ),
    Field("outcome", nullable=True, max_length=SUMMARY_MAX, description="What was done, for the public"),
    Field("show_location", kind="boolean", description="Publish the exact point (lat/long); default false"),
    Field("show_media", kind="boolean", description="Publish the citizen's photo link; default false"),
)


def _record(
    session: Session, ticket: Ticket, principal: Principal, kind: str, payload: dict[str, Any]
) -> None:
    """The ticket's history says who approved or withdrew what the public sees."""
    actor = principal.actor
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            type=kind,
            actor_kind=actor.kind,
            actor_user_id=actor.user_id,
            actor_label=actor.label,
            payload=payload,
        )
    )


def publication_view(publication: TicketPublication | None) -> dict[str, Any] | None:
    if publication is None:
        return None
    return {
        "summary": publication.summary,
        "outcome": publication.outcome,
        "show_location": publication.show_location,
        "show_media": publication.show_media,
        "approved_at": publication.approved_at.isoformat(),
        "approved_by": publication.approved_by.username if publication.approved_by else None,
    }


def publications_for(session: Session, ticket_ids: list[int]) -> dict[int, TicketPublication]:
    """The approved publications of these tickets, by ticket id (one query)."""
    if not ticket_ids:
        return {}
    rows = session.scalars(select(TicketPublication).where(TicketPublication.ticket_id.in_(ticket_ids)))
    return {p.ticket_id: p for p in rows}


def public_text(text: str | None) -> str | None:
    """Approved text as it is published: redacted once more, the last line."""
    return redact(text) if text else None


def get_publication(session: Session, caller: Principal, code: str) -> dict[str, Any] | None:
    ticket = tickets.access_ticket(session, caller, code)
    return publication_view(session.get(TicketPublication, ticket.id))


def set_publication(
    session: Session, principal: Principal, code: str, data: dict[str, Any]
) -> dict[str, Any]:
    ticket = tickets.access_ticket(session, principal, code)
    publication = session.get(TicketPublication, ticket.id)
    if publication is None:
        publication = TicketPublication(ticket_id=ticket.id)
        session.add(publication)
    publication.summary = normalize_text(data["summary"])
    outcome = data.get("outcome")
    publication.outcome = (normalize_text(outcome) or None) if outcome else None
    publication.show_location = bool(data.get("show_location", False))
    publication.show_media = bool(data.get("show_media", False))
    publication.approved_by_id = principal.user_id
    publication.approved_at = utcnow()
    _record(
        session,
        ticket,
        principal,
        "public_summary_set",
        {"show_location": publication.show_location, "show_media": publication.show_media},
    )
    session.flush()
    session.refresh(publication)
    view = publication_view(publication)
    assert view is not None
    return view


def withdraw_publication(session: Session, principal: Principal, code: str) -> None:
    ticket = tickets.access_ticket(session, principal, code)
    publication = session.get(TicketPublication, ticket.id)
    if publication is None:
        return
    session.delete(publication)
    _record(session, ticket, principal, "public_summary_withdrawn", {})


# -- handlers ----------------------------------------------------------------------------------


def _code(request: web.Request) -> str:
    return request.match_info["code"]


async def get_handler(request: web.Request, call: Call) -> web.StreamResponse:
    assert call.principal is not None
    return ok({"publication": await call.read(get_publication, call.principal, _code(request))})


async def put_handler(request: web.Request, call: Call) -> web.StreamResponse:
    assert call.principal is not None
    view = await call.write(set_publication, call.principal, _code(request), call.body)
    return ok({"publication": view})


async def delete_handler(request: web.Request, call: Call) -> web.StreamResponse:
    assert call.principal is not None
    await call.write(withdraw_publication, call.principal, _code(request))
    return no_content()


PATH = "/api/tickets/{code:" + TICKET_CODE_PATTERN + "}/public-summary"
DOC_PATH = "/api/tickets/{code}/public-summary"
CODE_PARAM = {"code": {"type": "string", "pattern": TICKET_CODE_RE.pattern}}

ROUTES = [
    Route(
        "GET",
        PATH,
        get_handler,
        "Show what the public feeds publish of a ticket",
        "publication",
        roles=STAFF,
        doc_path=DOC_PATH,
        path_params=CODE_PARAM,
    ),
    Route(
        "PUT",
        PATH,
        put_handler,
        "Approve the public summary of a ticket (Open311, status page)",
        "publication",
        roles=STAFF,
        body=PUBLICATION,
        doc_path=DOC_PATH,
        path_params=CODE_PARAM,
    ),
    Route(
        "DELETE",
        PATH,
        delete_handler,
        "Withdraw the public summary of a ticket",
        "publication",
        roles=STAFF,
        responses={204: "Withdrawn"},
        doc_path=DOC_PATH,
        path_params=CODE_PARAM,
    ),
]
