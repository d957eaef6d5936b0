"""The public, anonymised status page of a ticket: `GET /status/{code}` (HTML, Vietnamese) and
`GET /status/{code}.json`.

Shows only what a passer-by may know (public by design, ``ticketing.api.publication``): kind, status,
category, commune/ward, responsible agency, dates and the summary/outcome staff approved for
publication (redacted once more, the last line). Never the citizen's name, phone, channel identity,
their description, the answer sent to them or internal notes: the citizen receives the answer on
the channel they used.
"""

from __future__ import annotations

from html import escape
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ticketing import labels
from ticketing.api.handlers.common import ok
from ticketing.api.publication import public_text
from ticketing.api.routes import Call, Route
from ticketing.errors import NotFound, TicketNotFound
from ticketing.models import Ticket, TicketPublication
from vietnam.codes import TICKET_CODE_PATTERN, TICKET_CODE_RE
from vietnam.workdays import format_date_vi

CODE_PATH = "{code:" + TICKET_CODE_PATTERN + "}"


def public_status(session: Session, code: str) -> dict[str, Any]:
    ticket = session.scalar(
        select(Ticket)
        .where(Ticket.code == code)
        .options(
            joinedload(Ticket.category),
            joinedload(Ticket.area),
            joinedload(Ticket.agency),
            joinedload(Ticket.merged_into),
        )
    )
    if ticket is None:
        raise TicketNotFound(code)
    publication = session.get(TicketPublication, ticket.id)
    status = str(ticket.status)
    return {
        "code": ticket.code,
        "kind": str(ticket.kind),
        "kind_label": labels.kind_label(ticket.kind),
        "status": status,
        "status_label": labels.status_label(status),
        "category": labels.category_label(ticket.category),
        "area": ticket.area.name if ticket.area else None,
        "agency": ticket.agency.name if ticket.agency else None,
        "received_on": format_date_vi(ticket.created_at),
        "due_on": format_date_vi(ticket.resolution_due_at) if ticket.is_open else None,
        "answered_on": format_date_vi(ticket.answered_at),
        "closed_on": format_date_vi(ticket.closed_at),
        "merged_into": ticket.merged_into.code if ticket.merged_into else None,
        "public_summary": public_text(publication.summary) if publication is not None else None,
        "public_outcome": public_text(publication.outcome) if publication is not None else None,
    }


PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;
  line-height:1.5;color:#222}}
h1{{font-size:1.4rem}} dt{{font-weight:600;margin-top:.6rem}} dd{{margin:0}}
.reply{{white-space:pre-wrap;background:#f4f6f8;padding:1rem;border-radius:.4rem}}
footer{{margin-top:2rem;font-size:.9rem;color:#555}}
</style>
</head>
<body>
<h1>{title}</h1>
{content}
<footer>Tổng đài 1022 – Thông tin dịch vụ công tỉnh Đồng Tháp. Trang này không hiển thị thông tin cá nhân của
người gửi.</footer>
</body>
</html>
"""


def render_html(view: dict[str, Any]) -> str:
    rows = [
        ("Mã yêu cầu", view["code"]),
        ("Loại yêu cầu", view["kind_label"]),
        ("Tình trạng", view["status_label"]),
        ("Lĩnh vực", view["category"]),
        ("Địa bàn", view["area"]),
        ("Cơ quan xử lý", view["agency"]),
        ("Ngày tiếp nhận", view["received_on"]),
        ("Hạn xử lý dự kiến", view["due_on"]),
        ("Ngày trả lời", view["answered_on"]),
        ("Ngày hoàn tất", view["closed_on"]),
        ("Đã gộp vào", view["merged_into"]),
    ]
    items = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(str(value))}</dd>" for label, value in rows if value is not None
    )
    content = f"<dl>{items}</dl>"
    if view["public_summary"]:
        content += f'<h2>Tóm tắt nội dung</h2><div class="reply">{escape(view["public_summary"])}</div>'
    if view["public_outcome"]:
        content += f'<h2>Kết quả xử lý</h2><div class="reply">{escape(view["public_outcome"])}</div>'
    else:
        content += f"<p>{escape(labels.public_status_note(view['status'], view['merged_into']))}</p>"
    return PAGE.format(title=escape(f"Tình trạng xử lý {view['code']}"), content=content)


def _not_found_html(code: str) -> web.Response:
    content = (
        f"<p>Dạ, hệ thống không tìm thấy mã <strong>{escape(code)}</strong>. "
        "Anh/chị vui lòng kiểm tra lại mã (ví dụ PA-250701-0001) hoặc gọi Tổng đài 1022 để được hỗ trợ.</p>"
    )
    return web.Response(
        text=PAGE.format(title="Không tìm thấy mã", content=content),
        status=404,
        content_type="text/html",
        charset="utf-8",
    )


async def status_html(request: web.Request, call: Call) -> web.StreamResponse:
    code = request.match_info["code"]
    try:
        view = await call.read(public_status, code)
    except TicketNotFound:
        return _not_found_html(code)
    return web.Response(text=render_html(view), content_type="text/html", charset="utf-8")


async def status_json(request: web.Request, call: Call) -> web.StreamResponse:
    try:
        return ok(await call.read(public_status, request.match_info["code"]))
    except TicketNotFound:
        raise NotFound("No ticket with this code.") from None


async def status_unknown_code(request: web.Request, call: Call) -> web.StreamResponse:
    return _not_found_html(request.match_info["anything"][:40])


CODE_PARAM = {"code": {"type": "string", "pattern": TICKET_CODE_RE.pattern}}

ROUTES = [
    Route(
        "GET",
        f"/status/{CODE_PATH}.json",
        status_json,
        "Get the public status of a ticket (JSON)",
        "public",
        access="public",
        doc_path="/status/{code}.json",
        path_params=CODE_PARAM,
    ),
    Route(
        "GET",
        f"/status/{CODE_PATH}",
        status_html,
        "Show the public status page of a ticket (Vietnamese)",
        "public",
        access="public",
        produces=("text/html",),
        doc_path="/status/{code}",
        path_params=CODE_PARAM,
        responses={200: "Status page", 404: "Unknown code (page in Vietnamese)"},
    ),
    Route(
        "GET",
        "/status/{anything}",
        status_unknown_code,
        "Explain that a ticket code is malformed",
        "public",
        access="public",
        produces=("text/html",),
        responses={404: "Malformed code (page in Vietnamese)"},
    ),
]
