"""Logs an operator can search and no one can mine: one JSON object a line, a request id on every line
written while a request is served, and personal data masked as a last line.

- `request_id_middleware` gives each request an id: the caller's ``X-Request-Id`` when it is a plain
  token (8-64 letters, digits, ``-``/``_``; e.g. set by the reverse proxy or the hub), else a new one. It
  is echoed in the response's ``X-Request-Id`` and attached to every log record of the request.
- `JsonFormatter` writes ``{"ts", "level", "logger", "message", "request_id", ...}``. The message passes
  through ``ticketing.api.redact`` (phones, ID numbers, e-mails, names, addresses); exceptions are logged
  as their type and traceback frames, never their message (database errors carry statement parameters).
- `configure_logging("json" | "text")` installs it on the root logger (``python -m ticketing.api``;
  ``HELPDESK_LOG_FORMAT=text`` for a terminal).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import traceback
import uuid
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from ticketing.api.redact import redact

REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID = contextvars.ContextVar[str | None]("request_id", default=None)
_WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{8,64}")


def current_request_id() -> str | None:
    return _REQUEST_ID.get()


@web.middleware
async def request_id_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = given if _WELL_FORMED.fullmatch(given) else uuid.uuid4().hex
    token = _REQUEST_ID.set(request_id)
    try:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            exc.headers[REQUEST_ID_HEADER] = request_id
            raise
        response.headers[REQUEST_ID_HEADER] = request_id
        return response
    finally:
        _REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line; the message redacted; exceptions as type and frames only."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for key in ("method", "route", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["traceback"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """For a terminal: the usual line, the same redaction, the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = redact(record.message) or ""
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        return f"{ei[0].__name__}\n" + "".join(traceback.format_tb(ei[2]))


def configure_logging(fmt: str = "json", level: int = logging.INFO, stream: Any = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


class AccessLogger(AbstractAccessLogger):
    """Method, route (the path pattern, never the query string: it may carry an api_key), status, time."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        match_info = getattr(request, "match_info", None)
        route = getattr(getattr(match_info, "route", None), "resource", None)
        pattern = route.canonical if route is not None else "unmatched"
        self.logger.info(
            "%s %s %s %.1fms",
            request.method,
            pattern,
            response.status,
            time * 1000,
            extra={
                "method": request.method,
                "route": pattern,
                "status": response.status,
                "duration_ms": round(time * 1000, 1),
                "request_id": response.headers.get(REQUEST_ID_HEADER),
            },
        )
