"""Tickets: intake, list, show, and the lifecycle transitions; replies and ratings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from ticketing import ticket_lists, tickets
from ticketing.api import idempotency
from ticketing.api.handlers.common import ok
from ticketing.api.routes import ALL_ROLES, Call, Route
from ticketing.api.schema import SLUG_PATTERN, TICKET_CODE_PATTERN, Field, Schema
from ticketing.api.views import ticket_detail, ticket_events, ticket_page, ticket_replies
from ticketing.lifecycle import Actor, TicketDraft
from ticketing.models import Channel, Priority, Rating, Ticket, TicketKind, TicketStatus
from vietnam.codes import TICKET_CODE_PATTERN as TICKET_CODE_PATTERN_BARE

KINDS = tuple(k.value for k in TicketKind)
STATUSES = tuple(s.value for s in TicketStatus)
PRIORITIES = tuple(p.value for p in Priority)
CHANNELS = tuple(c.value for c in Channel)

CODE_PATH = "/api/tickets/{code:" + TICKET_CODE_PATTERN_BARE + "}"
CODE_DOC = "/api/tickets/{code}"
CODE_PARAM = {"code": {"type": "string", "pattern": TICKET_CODE_PATTERN}}

STAFF = frozenset({"agent", "supervisor", "admin"})
WORKERS = frozenset({"agent", "agency_officer", "supervisor", "admin"})
SUPERVISORS = frozenset({"supervisor", "admin"})

# Where a ticket in a response leads: every operation on it, and its public status page.
TICKET_LINKS = {
    f"{CODE_DOC}*": {"code": "$response.body#/code"},
    "/status/{code}*": {"code": "$response.body#/code"},
}

VERSION = Field("version", kind="integer", minimum=1, description="Expected ticket version (409 if stale)")

LIST_QUERY = Schema(
    Field("status", kind="array", enum=STATUSES, description="Comma-separated statuses"),
    Field("kind", enum=KINDS),
    Field("category", pattern=SLUG_PATTERN),
    Field("agency", pattern=SLUG_PATTERN),
    Field("area", pattern=SLUG_PATTERN),
    Field("priority", enum=PRIORITIES),
    Field("channel", enum=CHANNELS),
    Field("overdue", kind="boolean"),
    Field("q", max_length=200, description="Ticket code or words of the description"),
    Field("created_from", kind="date"),
    Field("created_to", kind="date"),
    Field("cursor", kind="integer", minimum=1, description="next_cursor of the previous page"),
    Field("limit", kind="integer", minimum=1, maximum=100, default=20),
)

CREATE = Schema(
    Field("kind", required=True, enum=KINDS, example="petition"),
    Field(
        "description",
        required=True,
        min_length=1,
        max_length=5000,
        example="Đèn đường trước chợ phường Mỹ Tho hư ba ngày nay, buổi tối rất tối.",
    ),
    Field("location_text", nullable=True, max_length=500, example="Chợ Mỹ Tho, phường Mỹ Tho"),
    Field("phone", nullable=True, max_length=20, pattern=r"^(\+84|0)[\d .-]{8,14}$", example="0912345678"),
    Field("name", nullable=True, max_length=200, example="Nguyễn Văn An"),
    Field("channel", required=True, enum=CHANNELS, example="phone"),
    Field("channel_user_id", nullable=True, max_length=200),
    Field("conversation_id", nullable=True, max_length=200),
    Field("details", kind="object", nullable=True),
    Field("priority", enum=PRIORITIES),
    Field("auto_route", kind="boolean", default=True, description="Classify and route when confident"),
)
TRIAGE = Schema(
    Field("category", required=True, pattern=SLUG_PATTERN, example="do_thi"),
    Field("area", nullable=True, pattern=SLUG_PATTERN, example="phuong_my_tho"),
    Field("priority", enum=PRIORITIES),
    VERSION,
)
ASSIGN = Schema(
    Field(
        "agency",
        pattern=SLUG_PATTERN,
        description="Omit to route by the routing rules",
        example="ubnd_phuong_my_tho",
    ),
    Field("reason", max_length=2000, description="Required to move a ticket from one agency to another"),
    VERSION,
)
EMPTY = Schema(VERSION)
ASK = Schema(Field("question", max_length=2000, description="Shown to the citizen on their channel"), VERSION)
CITIZEN_REPLY = Schema(
    Field("message", max_length=4000, description="What the citizen answered (e.g. by phone)"), VERSION
)
REASON_OPTIONAL = Schema(Field("reason", max_length=2000), VERSION)
REASON_REQUIRED = Schema(Field("reason", required=True, min_length=1, max_length=2000), VERSION)
MERGE = Schema(Field("into", required=True, pattern=TICKET_CODE_PATTERN), VERSION)
ANSWER = Schema(
    Field(
        "body",
        required=True,
        min_length=1,
        max_length=5000,
        example="Dạ, UBND phường đã thay bóng đèn ngày 02/12. Cảm ơn anh/chị đã phản ánh.",
    ),
    VERSION,
)
NOTE = Schema(Field("body", required=True, min_length=1, max_length=5000))
APPROVE = Schema(
    Field("reply_id", kind="integer", required=True, minimum=1),
    Field("approve", kind="boolean", required=True),
    Field("note", max_length=2000),
)
RATING = Schema(
    Field("score", kind="integer", required=True, minimum=1, maximum=5),
    Field("comment", nullable=True, max_length=2000),
)


def _draft(body: dict[str, Any]) -> TicketDraft:
    return TicketDraft(**{f.name: body[f.name] for f in fields(TicketDraft) if body.get(f.name) is not None})


def _create_ticket(session: Session, actor: Actor, draft: TicketDraft, auto_route: bool) -> str:
    """File the ticket; its code is what a replay of the same Idempotency-Key returns."""
    return tickets.do_create_ticket(session, actor, draft, auto_route=auto_route).code


async def create(request: web.Request, call: Call) -> web.StreamResponse:
    # The day's code counter row stays locked until the intake commits: render in a second, short unit.
    assert call.principal is not None
    draft = _draft(call.body)
    code, replayed = await idempotency.write_once(
        call, _create_ticket, call.principal.actor, draft, call.body["auto_route"]
    )
    detail = await call.read(tickets.access_ticket_detail, call.principal, code, render=ticket_detail)
    return idempotency.mark_replayed(ok(detail, 201), replayed)


async def list_(request: web.Request, call: Call) -> web.StreamResponse:
    ticket_filter = ticket_lists.TicketFilter(**call.query)
    return ok(await call.read(ticket_lists.list_tickets, call.principal, ticket_filter, render=ticket_page))


async def show(request: web.Request, call: Call) -> web.StreamResponse:
    code = request.match_info["code"]
    return ok(await call.read(tickets.access_ticket_detail, call.principal, code, render=ticket_detail))


async def events(request: web.Request, call: Call) -> web.StreamResponse:
    code = request.match_info["code"]
    return ok(await call.read(tickets.access_ticket_detail, call.principal, code, render=ticket_events))


async def replies(request: web.Request, call: Call) -> web.StreamResponse:
    code = request.match_info["code"]
    return ok(await call.read(tickets.access_ticket_detail, call.principal, code, render=ticket_replies))


def _transition(
    name: str, fn: Callable[..., Any], status: int, render: Callable[[Call], Callable[[Any], Any]] | None
) -> Callable[[web.Request, Call], Any]:
    """A POST on a ticket: the body's fields are the keyword arguments of one ``ticketing.tickets`` function;
    the answer is the ticket as the caller now sees it (or what ``render`` makes of the result)."""

    async def handler(request: web.Request, call: Call) -> web.StreamResponse:
        view = render(call) if render is not None else ticket_detail
        result = await call.write(fn, call.principal, request.match_info["code"], **call.body, render=view)
        return ok(result, status=status)

    handler.__name__ = name  # the OpenAPI operationId
    return handler


def _returned(call: Call) -> Callable[[Ticket], dict[str, Any]]:
    # The ticket has left the officer's agency: what they may still see of it is nothing.
    if call.principal is not None and call.principal.is_agency_officer:
        return lambda ticket: {"code": ticket.code, "status": "triaged", "returned": True}
    return ticket_detail


def _rating(call: Call) -> Callable[[Rating], dict[str, Any]]:
    code = call.request.match_info["code"]
    return lambda rating: {"ticket": code, "rating_id": rating.id, "score": rating.score}


def _t(
    verb: str,
    fn: Callable[..., Any],
    summary: str,
    roles: frozenset[str],
    body: Schema,
    description: str = "",
    status: int = 200,
    render: Callable[[Call], Callable[[Any], Any]] | None = None,
    name: str | None = None,
    links: dict[str, dict[str, str]] | None = None,
) -> Route:
    return Route(
        "POST",
        f"{CODE_PATH}/{verb}",
        _transition(name or verb.replace("-", "_"), fn, status, render),
        summary,
        "tickets",
        roles=roles,
        body=body,
        doc_path=f"{CODE_DOC}/{verb}",
        path_params=CODE_PARAM,
        description=description,
        responses={status: "The ticket after the change"},
        links=TICKET_LINKS if links is None else links,
    )


ROUTES = [
    Route(
        "POST",
        "/api/tickets",
        create,
        "Create a ticket (intake; triaged and routed when confident)",
        "tickets",
        roles=STAFF,
        body=CREATE,
        responses={201: "Created"},
        links=TICKET_LINKS,
    ),
    Route(
        "GET",
        "/api/tickets",
        list_,
        "List tickets visible to the caller",
        "tickets",
        roles=ALL_ROLES,
        query=LIST_QUERY,
        description="Newest first; keyset pagination with `cursor`.",
    ),
    Route(
        "GET",
        CODE_PATH,
        show,
        "Show a ticket with its history and replies",
        "tickets",
        doc_path=CODE_DOC,
        path_params=CODE_PARAM,
    ),
    Route(
        "GET",
        f"{CODE_PATH}/events",
        events,
        "List a ticket's history (who did what, when)",
        "tickets",
        doc_path=f"{CODE_DOC}/events",
        path_params=CODE_PARAM,
    ),
    Route(
        "GET",
        f"{CODE_PATH}/replies",
        replies,
        "List a ticket's answers and internal notes",
        "tickets",
        doc_path=f"{CODE_DOC}/replies",
        path_params=CODE_PARAM,
    ),
    _t("triage", tickets.do_triage, "Triage a ticket (category, area, priority)", STAFF, TRIAGE),
    _t(
        "assign", tickets.do_assign, "Assign a ticket to an agency (or move it, with a reason)", STAFF, ASSIGN
    ),
    _t("start", tickets.do_start, "Start work on a ticket (the agency accepts it)", WORKERS, EMPTY),
    _t(
        "ask-citizen",
        tickets.do_ask_citizen,
        "Ask the citizen for more information (pauses the SLA)",
        WORKERS,
        ASK,
    ),
    _t(
        "citizen-replied",
        tickets.do_record_citizen_reply,
        "Record the citizen's reply (resumes the SLA)",
        STAFF,
        CITIZEN_REPLY,
    ),
    _t(
        "answer",
        tickets.do_answer,
        "Answer the citizen (held for approval in some categories)",
        WORKERS,
        ANSWER,
    ),
    _t(
        "approve",
        tickets.do_review_answer,
        "Approve or reject an answer awaiting approval",
        SUPERVISORS,
        APPROVE,
    ),
    _t(
        "close",
        tickets.do_close,
        "Close a ticket (a reason is required if unanswered)",
        STAFF,
        REASON_OPTIONAL,
    ),
    _t("reopen", tickets.do_reopen, "Reopen an answered or closed ticket", STAFF, REASON_REQUIRED),
    _t(
        "return",
        tickets.do_return,
        "Return a ticket as not this agency's responsibility",
        frozenset({"agency_officer", "supervisor", "admin"}),
        REASON_REQUIRED,
        description="The ticket goes back to the triage queue to be re-routed; the agency no longer sees it.",
        render=_returned,
        name="return_to_router",
    ),
    _t("merge", tickets.do_merge, "Merge a duplicate into another ticket", STAFF, MERGE),
    _t(
        "notes",
        tickets.do_add_note,
        "Add an internal note (never sent to the citizen)",
        WORKERS,
        NOTE,
        status=201,
        name="add_note",
    ),
    _t(
        "rating",
        tickets.do_record_rating,
        "Record the citizen's rating (1-5)",
        STAFF,
        RATING,
        status=201,
        render=_rating,
        name="rate",
        links={},
    ),
]
