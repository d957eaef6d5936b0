"""Open311 GeoReport v2 under /open311/v2/ (JSON and XML by suffix), plus the
`servicerequestupdates` extension (mySociety/FixMyStreet).

- services are the petition categories; a service request is a petition ticket (`PA-...`);
- `POST requests` needs `api_key` (an integration token of a staff user);
- reads are public, so they are public by design (``ticketing.api.publication``): category, the
  commune/ward, status, dates and the summary/outcome staff approved for publication; never the
  citizen's own description, the answer sent to them, their contact, nor the exact point or photo
  unless staff approved them. The approved text is still redacted (the last line).

Spec: https://wiki.open311.org/GeoReport_v2 ;
extension: https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Proposed-differences-to-Open311
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, joinedload

from ticketing import labels, tickets
from ticketing.api import idempotency
from ticketing.api.errors import ERROR_RENDERER_KEY, ValidationFailed
from ticketing.api.open311_format import render, render_errors
from ticketing.api.publication import public_text, publications_for
from ticketing.api.routes import Call, Route
from ticketing.api.schema import SLUG_PATTERN, Field, Schema
from ticketing.callers import Principal
from ticketing.errors import NotFound
from ticketing.lifecycle import TicketDraft
from ticketing.models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketPublication,
    TicketStatus,
)
from vietnam.codes import TICKET_CODE_PATTERN
from vietnam.workdays import LOCAL_TZ

PREFIX = "/open311/v2"
FMT = "{format:json|xml}"
FORMAT_PARAM = {"format": {"type": "string", "enum": ["json", "xml"]}}
JURISDICTION = "dongthap.gov.vn"
MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
PRODUCES = ("application/json", "text/xml")
STAFF = frozenset({"agent", "supervisor", "admin"})


def _w3(value: datetime | None) -> str | None:
    return value.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if value is not None else None


def open311_status(status: str) -> str:
    return "open" if TicketStatus(status) in OPEN_STATUSES else "closed"


# -- error rendering: Open311 errors are [{"code", "description"}] in the requested format ---------


def _error_renderer(
    request: web.Request, status: int, code: str, message: str, details: list[dict[str, Any]]
):
    fmt = "xml" if request.path.endswith(".xml") else "json"
    if status == 422:
        status = 400  # the spec uses 400 for missing/invalid arguments
    elif status == 401:
        status = 403  # the spec: "403 - API key was not provided or was invalid"
    if details:
        message = "; ".join(
            f"{d['field']}: {d['message']}" if d.get("field") else d["message"] for d in details
        )
    return render_errors(fmt, status, message)


@web.middleware
async def open311_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.path.startswith(PREFIX + "/"):
        request[ERROR_RENDERER_KEY] = _error_renderer
    return await handler(request)


# -- service functions -------------------------------------------------------------------------


def discovery(base_url: str) -> dict[str, Any]:
    return {
        "changeset": "2026-11-27T00:00:00+07:00",
        "contact": "Tổng đài 1022 – Trung tâm phục vụ hành chính công tỉnh Đồng Tháp",
        "key_service": "API keys are integration tokens issued by the helpdesk administrators.",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": f"{base_url}{PREFIX}",
                "changeset": "2026-11-27T00:00:00+07:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


def list_services(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(Category).where(Category.active.is_(True)).order_by(Category.code))
    return [
        {
            "service_code": c.code,
            "service_name": labels.category_label(c),
            "description": c.description or c.name,
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": "phan_anh_kien_nghi",
        }
        for c in rows
    ]


def service_definition(session: Session, service_code: str) -> dict[str, Any]:
    category = session.scalar(
        select(Category).where(Category.code == service_code, Category.active.is_(True))
    )
    if category is None:
        raise NotFound(f"service_code {service_code} not found")
    return {"service_code": category.code, "attributes": []}


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _window(q: dict[str, Any], default: timedelta) -> tuple[datetime, datetime]:
    """start_date/end_date with their defaults, checked to lie between 2000 and 2100 (400 otherwise)."""
    for name in ("start_date", "end_date"):
        value = q.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ValidationFailed(f"{name} must be between 2000-01-01 and 2100-01-01.")
    end = q.get("end_date") or datetime.now(UTC)
    start = q.get("start_date") or max(EARLIEST, end - default)
    return start, end


# Shown while staff have not approved a public summary: nothing of the citizen's words.
UNPUBLISHED_DESCRIPTION = "Nội dung phản ánh chưa được cơ quan duyệt công khai."


def request_view(ticket: Ticket, publication: TicketPublication | None) -> dict[str, Any]:
    details = ticket.details or {}
    status = str(ticket.status)
    located = publication is not None and publication.show_location
    outcome = public_text(publication.outcome) if publication is not None else None
    return {
        "service_request_id": ticket.code,
        "status": open311_status(status),
        "status_notes": outcome or labels.status_label(status),
        "service_name": labels.category_label(ticket.category),
        "service_code": ticket.category.code if ticket.category else None,
        "description": (
            public_text(publication.summary) if publication is not None else UNPUBLISHED_DESCRIPTION
        ),
        "agency_responsible": ticket.agency.name if ticket.agency else None,
        "service_notice": None,
        "requested_datetime": _w3(ticket.created_at),
        "updated_datetime": _w3(ticket.updated_at),
        "expected_datetime": _w3(ticket.resolution_due_at),
        "address": ticket.area.name if ticket.area else None,
        "address_id": ticket.area.code if ticket.area else None,
        "zipcode": None,
        "lat": details.get("lat") if located else None,
        "long": details.get("long") if located else None,
        "media_url": details.get("media_url") if publication is not None and publication.show_media else None,
    }


def _requests_query() -> Any:
    return (
        select(Ticket)
        .where(Ticket.kind == TicketKind.PETITION)
        .options(joinedload(Ticket.category), joinedload(Ticket.agency), joinedload(Ticket.area))
    )


def get_requests(session: Session, q: dict[str, Any]) -> list[dict[str, Any]]:
    stmt = _requests_query()
    if q.get("service_request_id"):
        stmt = stmt.where(Ticket.code.in_(q["service_request_id"][:MAX_RESULTS]))
    else:
        start, end = _window(q, DEFAULT_WINDOW)
        stmt = stmt.where(Ticket.created_at >= start, Ticket.created_at <= end)
        if q.get("service_code"):
            stmt = stmt.join(Category, Ticket.category_id == Category.id).where(
                Category.code.in_(q["service_code"])
            )
        statuses = set(q.get("status") or [])
        if statuses == {"open"}:
            stmt = stmt.where(Ticket.status.in_([str(s) for s in OPEN_STATUSES]))
        elif statuses == {"closed"}:
            stmt = stmt.where(Ticket.status.not_in([str(s) for s in OPEN_STATUSES]))
    tickets = session.scalars(stmt.order_by(Ticket.id.desc()).limit(MAX_RESULTS)).unique().all()
    published = publications_for(session, [t.id for t in tickets])
    return [request_view(t, published.get(t.id)) for t in tickets]


def get_request(session: Session, code: str) -> list[dict[str, Any]]:
    ticket = session.scalar(_requests_query().where(Ticket.code == code))
    if ticket is None:
        raise NotFound(f"service_request_id {code} not found")
    return [request_view(ticket, session.get(TicketPublication, ticket.id))]


def token_lookup(session: Session, token: str) -> list[dict[str, Any]]:
    code = session.scalar(
        select(Ticket.code).where(
            # Open311 requests come in on the `api` channel: the (channel, channel_user_id) index
            # narrows the search before the JSON field is compared.
            Ticket.channel == Channel.API,
            Ticket.kind == TicketKind.PETITION,
            Ticket.details["open311_token"].as_string() == token,
        )
    )
    if code is None:
        raise NotFound(f"token {token} not found")
    return [{"service_request_id": code, "token": token}]


def request_updates(session: Session, q: dict[str, Any]) -> list[dict[str, Any]]:
    start, end = _window(q, timedelta(days=1))
    stmt = (
        select(TicketEvent, Ticket.code)
        .join(Ticket, TicketEvent.ticket_id == Ticket.id)
        .where(
            Ticket.kind == TicketKind.PETITION,
            TicketEvent.at >= start,
            TicketEvent.at <= end,
            and_(
                TicketEvent.to_status.is_not(None),
                TicketEvent.from_status.is_distinct_from(TicketEvent.to_status),
            ),
        )
        .order_by(TicketEvent.id)
        .limit(MAX_RESULTS)
    )
    rows = session.execute(stmt).all()
    published = publications_for(session, list({event.ticket_id for event, _ in rows}))
    out = []
    for event, code in rows:
        status = str(event.to_status)
        publication = published.get(event.ticket_id)
        # The answer sent to the citizen is theirs; the public sees the approved outcome, if any.
        outcome = public_text(publication.outcome) if publication is not None else None
        text = outcome if event.type == "answered" and outcome else labels.status_label(status)
        out.append(
            {
                "update_id": str(event.id),
                "service_request_id": code,
                "status": open311_status(status),
                "updated_datetime": _w3(event.at),
                "description": text,
                "media_url": None,
            }
        )
    return out


# -- handlers ----------------------------------------------------------------------------------


def _fmt(request: web.Request) -> str:
    return request.match_info["format"]


async def discovery_handler(request: web.Request, call: Call) -> web.StreamResponse:
    base = f"{request.scheme}://{request.host}"
    return render(_fmt(request), "discovery", discovery(base))


async def services_handler(request: web.Request, call: Call) -> web.StreamResponse:
    return render(_fmt(request), "services", await call.read(list_services))


async def service_definition_handler(request: web.Request, call: Call) -> web.StreamResponse:
    body = await call.read(service_definition, request.match_info["service_code"])
    return render(_fmt(request), "service_definition", body)


def _open311_draft(form: dict[str, Any], token: str, client: str) -> TicketDraft:
    name = " ".join(part for part in (form.get("last_name"), form.get("first_name")) if part) or None
    details = {"open311_token": token, "open311_client": client}
    for key in ("lat", "long", "media_url", "address_string"):
        if form.get(key) is not None:
            details[key] = form[key]
    return TicketDraft(
        kind=TicketKind.PETITION,
        description=form["description"],
        channel=Channel.API,
        channel_user_id=form.get("account_id") or form.get("device_id"),
        location_text=form.get("address_string"),
        details=details,
        phone=form.get("phone"),
        name=name,
    )


def _file_request(
    session: Session, caller: Principal, draft: TicketDraft, category: str, area: str | None, token: str
) -> dict[str, Any]:
    """File the request; the answer (also what a replay of the same Idempotency-Key returns)."""
    ticket, route = tickets.do_file_open311_request(session, caller, draft, category=category, area=area)
    return {
        "service_request_id": ticket.code,
        "token": token,
        "service_notice": labels.petition_received_notice(route.agency_name if route else None),
        "account_id": None,
    }


async def post_request_handler(request: web.Request, call: Call) -> web.StreamResponse:
    form = call.body
    has_location = (
        (form.get("lat") is not None and form.get("long") is not None)
        or form.get("address_string")
        or form.get("address_id")
    )
    if not has_location:
        raise ValidationFailed("A location is required: lat & long, address_string or address_id.")
    assert call.principal is not None  # access="api_key"
    token = uuid.uuid4().hex
    draft = _open311_draft(form, token, call.principal.username)
    result, replayed = await idempotency.write_once(
        call, _file_request, call.principal, draft, form["service_code"], form.get("address_id"), token
    )
    response = render(_fmt(request), "service_requests", [result], status=201)
    return idempotency.mark_replayed(response, replayed)


async def get_requests_handler(request: web.Request, call: Call) -> web.StreamResponse:
    return render(_fmt(request), "service_requests", await call.read(get_requests, call.query))


async def get_request_handler(request: web.Request, call: Call) -> web.StreamResponse:
    body = await call.read(get_request, request.match_info["service_request_id"])
    return render(_fmt(request), "service_requests", body)


async def token_handler(request: web.Request, call: Call) -> web.StreamResponse:
    body = await call.read(token_lookup, request.match_info["token"])
    return render(_fmt(request), "service_requests", body)


async def updates_handler(request: web.Request, call: Call) -> web.StreamResponse:
    return render(_fmt(request), "service_request_updates", await call.read(request_updates, call.query))


COMMON = Field(
    "jurisdiction_id", max_length=100, description=f"Optional; this endpoint serves {JURISDICTION}"
)
DATE_RANGE = (
    Field("start_date", kind="date-time", description="W3C date-time"),
    Field("end_date", kind="date-time", description="W3C date-time"),
)
POST_FORM = Schema(
    COMMON,
    Field("api_key", required=True, max_length=200),
    Field("service_code", required=True, pattern=SLUG_PATTERN, example="do_thi"),
    Field("lat", kind="number", minimum=-90, maximum=90, example=10.3600),
    Field("long", kind="number", minimum=-180, maximum=180, example=106.3650),
    Field("address_string", max_length=500),
    Field(
        "address_id", pattern=SLUG_PATTERN, description="An area (commune/ward) code", example="phuong_my_tho"
    ),
    Field("email", max_length=200),
    Field("device_id", max_length=200),
    Field("account_id", max_length=200),
    Field("first_name", max_length=100),
    Field("last_name", max_length=100),
    Field("phone", max_length=20),
    Field(
        "description",
        required=True,
        min_length=1,
        max_length=4000,
        example="Ổ gà lớn giữa đường Ấp Bắc, xe máy dễ té.",
    ),
    Field("media_url", max_length=1000, pattern=r"^https?://\S+$"),
    allow_unknown=True,  # attribute[...] fields of service definitions
)
REQUESTS_QUERY = Schema(
    COMMON,
    Field("service_request_id", kind="array", max_items=MAX_RESULTS, description="Comma-separated ids"),
    Field("service_code", kind="array", description="Comma-separated service codes"),
    *DATE_RANGE,
    Field("status", kind="array", enum=("open", "closed"), description="open, closed or both"),
    allow_unknown=True,
)
UPDATES_QUERY = Schema(COMMON, *DATE_RANGE, allow_unknown=True)
SIMPLE_QUERY = Schema(COMMON, allow_unknown=True)


REQUEST_ID_PATH = "{service_request_id:" + TICKET_CODE_PATTERN + "}"


def _r(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Route:
    params = dict(FORMAT_PARAM)
    params.update(kw.pop("path_params", {}))
    doc = PREFIX + path.replace(FMT, "{format}").replace(REQUEST_ID_PATH, "{service_request_id}")
    return Route(
        method,
        PREFIX + path,
        handler,
        summary,
        "open311",
        produces=PRODUCES,
        doc_path=doc,
        path_params=params,
        **kw,
    )


ROUTES = [
    _r("GET", f"/discovery.{FMT}", discovery_handler, "Open311 service discovery", access="public"),
    _r(
        "GET",
        f"/services.{FMT}",
        services_handler,
        "Open311 service list (petition categories)",
        access="public",
        query=SIMPLE_QUERY,
    ),
    _r(
        "GET",
        f"/services/{{service_code}}.{FMT}",
        service_definition_handler,
        "Open311 service definition",
        access="public",
        query=SIMPLE_QUERY,
    ),
    _r(
        "POST",
        f"/requests.{FMT}",
        post_request_handler,
        "Open311 create a service request (api_key)",
        access="api_key",
        roles=STAFF,
        body=POST_FORM,
        body_format="form",
        responses={201: "Created"},
        links={
            PREFIX + "/requests/{service_request_id}.{format}": {
                "service_request_id": "$response.body#/0/service_request_id",
                "format": "json",
            },
            PREFIX + "/tokens/{token}.{format}": {"token": "$response.body#/0/token", "format": "json"},
            "/status/{code}*": {"code": "$response.body#/0/service_request_id"},
        },
    ),
    _r(
        "GET",
        f"/requests.{FMT}",
        get_requests_handler,
        "Open311 service requests (public by design: approved summaries only)",
        access="public",
        query=REQUESTS_QUERY,
    ),
    _r(
        "GET",
        f"/requests/{REQUEST_ID_PATH}.{FMT}",
        get_request_handler,
        "Open311 one service request (public by design: approved summary only)",
        access="public",
        query=SIMPLE_QUERY,
    ),
    _r(
        "GET",
        f"/tokens/{{token}}.{FMT}",
        token_handler,
        "Open311 service request id from a token",
        access="public",
        query=SIMPLE_QUERY,
    ),
    _r(
        "GET",
        f"/servicerequestupdates.{FMT}",
        updates_handler,
        "Open311 service request updates (extension)",
        access="public",
        query=UPDATES_QUERY,
    ),
]
