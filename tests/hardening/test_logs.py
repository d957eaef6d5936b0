"""Logs with a request id and no personal data (issue 14, item 6): JSON lines, messages redacted,
exceptions logged as type and frames (their messages carry SQL parameters), the id echoed to clients."""

from __future__ import annotations

import io
import json
import logging

from tests.ticketing.api_support import Api, api_fixture  # noqa: F401
from ticketing.api.observability import REQUEST_ID_HEADER, configure_logging


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
