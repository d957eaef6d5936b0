"""``Idempotency-Key`` on creating requests (``POST /api/tickets``, the Open311 POST).

A client that got no answer (a timeout, a crash of the server between its commit and its response)
sends the same request with the same key again, and gets the first request's result instead of a
second ticket. The key, a digest of the request and the result are written in the same transaction as
the ticket itself, so either both are stored or neither is: a retry after a crash before the commit
creates the ticket once, a retry after the commit replays it (``Idempotent-Replayed: true``).

Keys are per caller (the authenticated user); one reused with a different request is a 422. Kept for
`KEEP` (24 h), then purged.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ticketing.api.errors import BadRequest, ValidationFailed
from ticketing.api.routes import Call
from ticketing.models import IdempotencyKey, utcnow

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP = timedelta(hours=24)
PURGE_ONE_IN = 200
_SHAPE = re.compile(r"[\x21-\x7e]{1,200}")  # printable ASCII, no spaces

T = TypeVar("T")


def request_key(request: web.Request) -> str | None:
    value = request.headers.get(HEADER)
    if value is None:
        return None
    if not _SHAPE.fullmatch(value):
        raise BadRequest(f"{HEADER} must be 1 to 200 printable ASCII characters without spaces.")
    return value


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _fingerprint(call: Call) -> str:
    body = json.dumps(call.body, sort_keys=True, ensure_ascii=False, default=str)
    return _digest(call.request.method, call.request.path, body)


def _once(fn: Callable[..., T], key: str, fingerprint: str) -> Callable[..., tuple[T, bool]]:
    """`fn` run in the caller's transaction unless `key` already holds a result: (result, replayed)."""

    def run(session: Session, *args: Any) -> tuple[T, bool]:
        existing = session.get(IdempotencyKey, key, with_for_update=True)
        if existing is not None:
            if existing.fingerprint != fingerprint:
                raise ValidationFailed(f"This {HEADER} was already used for a different request.")
            return json.loads(existing.result), True
        result = fn(session, *args)
        session.add(
            IdempotencyKey(
                key=key, fingerprint=fingerprint, result=json.dumps(result, default=str), created_at=utcnow()
            )
        )
        session.flush()  # a concurrent twin fails here (unique key) and rolls back everything it did
        if secrets.randbelow(PURGE_ONE_IN) == 0:  # now and then: forget expired keys
            session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - KEEP))
        return result, False

    return run


async def write_once(call: Call, fn: Callable[..., T], *args: Any) -> tuple[T, bool]:
    """`call.write(fn, *args)`, made idempotent by the request's ``Idempotency-Key`` when it has one.

    Returns the result and whether it was replayed from an earlier request with the same key.
    """
    key = request_key(call.request)
    if key is None:
        return await call.write(fn, *args), False
    caller = str(call.principal.user_id) if call.principal is not None else "anonymous"
    stored_key = _digest(caller, key)
    fingerprint = _fingerprint(call)
    try:
        return await call.write(_once(fn, stored_key, fingerprint), *args)
    except Exception as exc:  # the twin committed first: replay what it stored
        if not _is_duplicate_key(exc):
            raise
        return await call.write(_once(fn, stored_key, fingerprint), *args)


def _is_duplicate_key(exc: BaseException) -> bool:
    from sqlalchemy.exc import IntegrityError

    return isinstance(exc, IntegrityError) and "idempotency_keys" in str(exc.orig)


def mark_replayed(response: web.StreamResponse, replayed: bool) -> web.StreamResponse:
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response
