"""Logs with a request id and no personal data (issue 14, item 6): JSON lines, messages redacted,
exceptions logged as type and frames (their messages carry SQL parameters), the id echoed to clients."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.orm import Session

from database import Database, forget_databases
from tests.ticketing.api_support import Api, api_fixture  # noqa: F401
from ticketing.api.app import create_app
from ticketing.api.context import DATABASE
from ticketing.api.observability import REQUEST_ID_HEADER, configure_logging


@contextmanager
def json_logs(level: int = logging.INFO) -> Iterator[io.StringIO]:
    """Everything logged in the block, as the API writes it (JSON lines), at ``level``."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("json", level=level, stream=stream)
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


async def test_every_response_carries_a_request_id(api: Api) -> None:
    fresh = await api.anonymous.get("/open311/v2/services.json")
    assert len(fresh.headers[REQUEST_ID_HEADER]) == 32
    given = await api.anonymous.get("/api/me", headers={REQUEST_ID_HEADER: "hub-7f3a9c2e-0001"})
    assert given.status == 401 and given.headers[REQUEST_ID_HEADER] == "hub-7f3a9c2e-0001"
    forged = await api.anonymous.get("/api/me", headers={REQUEST_ID_HEADER: "x\u00e9<script>"})
    assert forged.headers[REQUEST_ID_HEADER] != "x\u00e9<script>"
    missing = await api.anonymous.get("/khong-co")
    assert missing.status == 404 and REQUEST_ID_HEADER in missing.headers


def test_log_lines_are_json_without_personal_data() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("json", stream=stream)
        log = logging.getLogger("ticketing.test")
        log.warning("ticket from anh Nguyễn Văn An, 0912 345 678, an.nguyen@gmail.com, 45 Nguyễn Huệ")
        phone, id_number = "09876" + "54321", "0791" + "23456789"  # not on the traceback's source line
        try:
            raise ValueError(f"INSERT ... parameters: ('{phone}', 'CCCD {id_number}')")
        except ValueError:
            log.exception("unhandled error while saving")
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
    text = stream.getvalue()
    for secret in (
        "Nguyễn Văn An",
        "0912 345 678",
        "an.nguyen@gmail.com",
        "45 Nguyễn Huệ",
        "0987654321",
        "079123456789",
    ):
        assert secret not in text, secret
    first, second = (json.loads(line) for line in text.splitlines())
    assert first["level"] == "WARNING" and first["logger"] == "ticketing.test" and "***" in first["message"]
    assert second["exc_type"] == "ValueError" and "test_logs.py" in second["traceback"]
    assert set(first) >= {"ts", "level", "logger", "message", "request_id"}


async def test_a_database_error_about_a_citizen_leaves_no_personal_data_in_the_logs(
    db: Database, aiohttp_client: Any
) -> None:
    """A statement that fails with a citizen's name and phone as parameters, in a request, with every
    logger at DEBUG (SQLAlchemy's statement log included): the logs say what failed and where, never the
    values (``hide_parameters``; exception messages, which on PostgreSQL quote the failing row, are not
    logged). The client gets a plain 500."""
    name, phone = "Trần Thị " + "Bích Ngọc", "0903" + "118822"  # split: not on a traceback's source line

    def save_citizen_without_a_date(session: Session) -> None:
        session.execute(
            text("INSERT INTO citizens (name, phone) VALUES (:name, :phone)"), {"name": name, "phone": phone}
        )

    async def save(request: web.Request) -> web.StreamResponse:
        await request.app[DATABASE].write(save_citizen_without_a_date)
        return web.json_response({})

    statements = logging.getLogger("sqlalchemy.engine")
    with json_logs(logging.DEBUG) as stream:
        statements.setLevel(logging.INFO)  # SQLAlchemy's statement log, as ``echo=True`` turns it on
        forget_databases()
        app = create_app(db.url)
        app.router.add_post("/test/save-citizen", save)
        client = await aiohttp_client(app)
        response = await client.post("/test/save-citizen")
        assert response.status == 500
        assert await response.json() == {
            "error": {"code": "internal_error", "message": "Internal server error."}
        }
        await client.close()
        statements.setLevel(logging.NOTSET)
    logged = stream.getvalue()
    assert "INSERT INTO citizens" in logged  # the statement log ran, without its values
    assert "parameters hidden due to hide_parameters=True" in logged
    assert any(
        json.loads(line).get("exc_type") == "IntegrityError" or "IntegrityError" in line
        for line in logged.splitlines()
    )
    for secret in (name, phone, "Bích Ngọc", "118822"):
        assert secret not in logged, secret
