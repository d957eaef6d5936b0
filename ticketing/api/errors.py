"""API errors and the one middleware that turns every error into a JSON response.

Handlers raise `ApiError` subclasses for HTTP-level problems and let the domain's errors
(`ticketing.errors`) propagate; `error_middleware` renders both as
`{"error": {"code": ..., "message": ..., "details": [...]}}` with a proper 4xx/5xx status.
Messages are English: API clients read them.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web
from sqlalchemy.orm.exc import StaleDataError

from database import is_unavailable
from ticketing.errors import (
    Conflict,
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
    TicketingError,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The domain's errors (ticketing.errors) by class, most specific first along the exception's MRO; plus
# SQLAlchemy's optimistic-locking error (a versioned row changed under a flush at commit).
DOMAIN_ERROR_STATUS: dict[type[BaseException], tuple[int, str]] = {
    NotFound: (404, "not_found"),
    InvalidInput: (422, "validation_error"),
    NotAllowed: (403, "forbidden"),
    IllegalTransition: (409, "invalid_transition"),
    Conflict: (409, "conflict"),
    StaleDataError: (409, "conflict"),
}


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Iterable[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class BadRequest(ApiError):
    """A header or body the API cannot read (a malformed form, an unusable Idempotency-Key)."""

    status = 400
    code = "bad_request"


class MalformedJson(ApiError):
    status = 400
    code = "malformed_json"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported_media_type"


class ValidationFailed(ApiError):
    status = 422
    code = "validation_error"


class TooManyRequests(ApiError):
    status = 429
    code = "too_many_requests"


# Seconds a client should wait before trying again when the database does not answer.
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = (
    "The database is not available right now; try again shortly. A request that changes data may or may "
    "not have been applied: repeat it with the same Idempotency-Key."
)


class ServiceUnavailable(ApiError):
    """The database is down, refuses or is too slow (503 with ``Retry-After``)."""

    status = 503
    code = "service_unavailable"


def too_large_message(request: web.Request) -> str:
    limit = getattr(request, "_client_max_size", None)
    return (
        f"Request body is larger than the limit of {limit} bytes." if limit else "Request body is too large."
    )


def json_error(
    status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return web.json_response({"error": body}, status=status, dumps=_dumps)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


# Renders an error for a request. Open311 replaces it (it has its own error format, JSON or XML).
ErrorRenderer = Callable[[web.Request, int, str, str, list[dict[str, Any]]], web.StreamResponse]

ERROR_RENDERER_KEY = web.RequestKey("error_renderer", object)


def _render(request: web.Request, status: int, code: str, message: str, details: list[dict[str, Any]]):
    renderer: ErrorRenderer | None = request.get(ERROR_RENDERER_KEY)
    if renderer is not None:
        return renderer(request, status, code, message, details)
    return json_error(status, code, message, details)


def domain_error_status(exc: BaseException) -> tuple[int, str] | None:
    """Status and code for a domain error; None for anything else (a bug: 500)."""
    for cls in type(exc).__mro__:
        if cls in DOMAIN_ERROR_STATUS:
            return DOMAIN_ERROR_STATUS[cls]
    return None


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ServiceUnavailable as exc:
        return _unavailable(request, exc.message)
    except ApiError as exc:
        return _render(request, exc.status, exc.code, exc.message, exc.details)
    except web.HTTPRequestEntityTooLarge:
        return _render(request, 413, "payload_too_large", too_large_message(request), [])
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {
            404: "not_found",
            405: "method_not_allowed",
            401: "unauthorized",
            403: "forbidden",
        }.get(exc.status, "http_error")
        message = {
            404: "No such resource.",
            405: f"Method {request.method} is not allowed here.",
        }.get(exc.status, exc.reason)
        response = _render(request, exc.status, code, message, [])
        if exc.status == 405 and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception as exc:
        if is_unavailable(exc):
            # Expected when the database is down or slow: one line, the type only (messages may quote
            # statements), and a 503 that says when to come back.
            name = type(exc).__name__
            log.warning("database unavailable (%s) in %s %s", name, request.method, request.path)
            return _unavailable(request, UNAVAILABLE_MESSAGE)
        mapped = domain_error_status(exc)
        if mapped is not None:
            status, code = mapped
            message = str(exc) if isinstance(exc, TicketingError) else ""
            return _render(request, status, code, message or code.replace("_", " ").capitalize() + ".", [])
        # Never echo internals to the client, and never log exception messages: database errors
        # carry the statement parameters (phone numbers, names). The traceback frames are enough.
        log.error(
            "unhandled %s in %s %s\n%s",
            type(exc).__name__,
            request.method,
            request.path,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        return _render(request, 500, "internal_error", "Internal server error.", [])


def _unavailable(request: web.Request, message: str) -> web.StreamResponse:
    response = _render(request, 503, ServiceUnavailable.code, message, [])
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
