"""Schemathesis hooks (``SCHEMATHESIS_HOOKS=tests.hardening.schemathesis_hooks``) for the fuzzing test.

The fuzzer acts as an admin. Its own calls may deactivate that admin, change its role or revoke its
token (all legitimate admin operations). Every 5 seconds, and at once after a 401, schemathesis asks this
provider again: the account is put back as it was and a new integration token is minted in the database
the server uses (``HELPDESK_FUZZ_DATABASE_URL``), so the rest of the run still reaches the admin's
operations.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from sqlalchemy import select

from database import Database
from ticketing import staff
from ticketing.models import User, UserRole

FUZZ_USER = os.environ.get("HELPDESK_FUZZ_USER", "fuzz-admin")
_database: Database | None = None


def _db() -> Database:
    global _database
    if _database is None:
        _database = Database.from_url(os.environ["HELPDESK_FUZZ_DATABASE_URL"])
    return _database


def fresh_token() -> str:
    """The fuzzing admin, active again, and a new token for it."""
    with _db().session() as session:
        user = session.scalar(select(User).where(User.username == FUZZ_USER))
        if user is None:
            raise RuntimeError(f"the fuzzing account {FUZZ_USER} is missing")
        user.active, user.role, user.agency_id = True, UserRole.ADMIN, None
        session.flush()
        _token, secret = staff.do_create_token(session, username=FUZZ_USER, name="schemathesis")
    return secret


@schemathesis.auth(refresh_interval=5, retry_on=[401])
class FuzzAdminToken:
    def get(self, case: Any, ctx: Any) -> str:
        return fresh_token()

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
