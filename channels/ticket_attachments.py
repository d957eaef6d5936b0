"""The photos, files and locations a citizen sent with a ticket, for the staff who may see the ticket
(hotline agents, supervisors, admins; an agency officer only for the agency's own tickets).

    GET /api/tickets/{code}/attachments            what came with the ticket: kind, type, size, place, time
    GET /api/tickets/{code}/attachments/{sha256}   one stored file

A message's attachments belong to the conversation's latest ticket created before the message (a photo sent
after the petition's code was given still belongs to it, and a later ticket does not take it), and those
sent before the conversation's first ticket belong to that first ticket (the photo sent, then the form
filled in); tickets and hub conversations share the Rasa sender id. The platform's own references (file
URLs, file ids) are never shown; files are served from the hub's store (``HUB_ATTACHMENTS_DIR``, named by
their SHA-256) only when they belong to the ticket, typed by their own first bytes, as downloads.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channels.models import HubMessage
from channels.webchat.routes import HUB
from ticketing import tickets
from ticketing.api.errors import NotFound
from ticketing.api.handlers.common import ok
from ticketing.api.handlers.tickets import CODE_DOC, CODE_PARAM, CODE_PATH
from ticketing.api.routes import Call, Route
from ticketing.models import Conversation, Ticket

STAFF = frozenset({"agent", "agency_officer", "supervisor", "admin"})
SHOWN = ("kind", "mime_type", "name", "size", "latitude", "longitude")  # never url / platform_file_id

ATTACHMENT = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["image", "file", "location"]},
        "mime_type": {"type": "string"},
        "name": {"type": "string"},
        "size": {"type": "integer"},
        "latitude": {"type": "number"},
        "longitude": {"type": "number"},
        "received_at": {"type": "string", "format": "date-time"},
        "stored": {"type": "boolean", "description": "false: not kept (over the size limit or unreadable)"},
        "download": {"type": ["string", "null"], "description": "Path of the stored file"},
    },
}


# The file's own first bytes decide how it is served (never the platform's word): a few image types and
# PDF; anything else is served as bytes to download.
MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def served_type(head: bytes) -> str:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in MAGIC if head.startswith(magic)), "application/octet-stream")


def _window(session: Session, ticket: Ticket) -> tuple[datetime | None, datetime | None]:
    """From this ticket's creation (from the start for the conversation's first) to the next ticket's."""
    same = Ticket.conversation_id == ticket.conversation_id
    earlier = session.scalar(select(func.count()).where(same, Ticket.created_at < ticket.created_at))
    following = session.scalar(
        select(func.min(Ticket.created_at)).where(same, Ticket.created_at > ticket.created_at)
    )
    return (ticket.created_at if earlier else None), following


def ticket_attachments(session: Session, caller: Any, code: str) -> list[dict[str, Any]]:
    """The attachments of ticket ``code`` if ``caller`` may see it (TicketNotFound otherwise)."""
    ticket = tickets.access_ticket(session, caller, code)
    if not ticket.conversation_id:
        return []
    since, until = _window(session, ticket)
    stmt = (
        select(HubMessage.created_at, HubMessage.data)
        .join(Conversation, HubMessage.conversation_id == Conversation.id)
        .where(Conversation.conversation_id == ticket.conversation_id, HubMessage.direction == "in")
        .order_by(HubMessage.id)
    )
    if since is not None:
        stmt = stmt.where(HubMessage.created_at >= since)
    if until is not None:
        stmt = stmt.where(HubMessage.created_at < until)
    found: list[dict[str, Any]] = []
    for received_at, data in session.execute(stmt):
        for attachment in (data or {}).get("attachments") or []:
            digest = attachment.get("stored")
            entry = {key: attachment[key] for key in SHOWN if attachment.get(key) is not None}
            entry["received_at"] = received_at.isoformat()
            if attachment.get("kind") != "location":
                entry["stored"] = bool(digest)
                entry["download"] = f"/api/tickets/{ticket.code}/attachments/{digest}" if digest else None
            entry["_digest"] = digest
            found.append(entry)
    return found


def _public(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k != "_digest"} for e in entries]


async def list_attachments(request: web.Request, call: Call) -> web.StreamResponse:
    code = request.match_info["code"]
    entries = await call.read(ticket_attachments, call.principal, code)
    return ok({"code": code, "attachments": _public(entries)})


async def download(request: web.Request, call: Call) -> web.StreamResponse:
    code, digest = request.match_info["code"], request.match_info["digest"]
    entries = await call.read(ticket_attachments, call.principal, code)
    entry = next((e for e in entries if e.get("_digest") == digest), None)
    path = Path(request.app[HUB].settings.attachments_dir) / digest
    if entry is None or not path.is_file():
        raise NotFound("No such attachment on this ticket.")
    with path.open("rb") as file:
        head = file.read(16)
    return web.FileResponse(
        path,
        headers={
            "Content-Type": served_type(head),
            "Content-Disposition": f'attachment; filename="{code}-{digest[:12]}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


ROUTES = [
    Route(
        "GET",
        f"{CODE_PATH}/attachments",
        list_attachments,
        "List the photos, files and locations the citizen sent with a ticket",
        "tickets",
        roles=STAFF,
        doc_path=f"{CODE_DOC}/attachments",
        path_params=CODE_PARAM,
        response_schema={
            "type": "object",
            "properties": {"code": {"type": "string"}, "attachments": {"type": "array", "items": ATTACHMENT}},
        },
        responses={200: "OK", 404: "No such ticket, or not the caller's agency's"},
    ),
    Route(
        "GET",
        f"{CODE_PATH}/attachments/{{digest:[0-9a-f]{{64}}}}",
        download,
        "Download one stored attachment of a ticket",
        "tickets",
        roles=STAFF,
        doc_path=f"{CODE_DOC}/attachments/{{digest}}",
        path_params={**CODE_PARAM, "digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
        produces=("application/octet-stream",),
        responses={200: "The file", 404: "No such attachment on this ticket"},
    ),
]
