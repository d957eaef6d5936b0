"""Fixtures for the API tests (imported by tests/ticketing/test_api_*.py).

`api` is an aiohttp test client over `create_app(db.url)` on the seeded directory (the real
Đồng Tháp data), with one staff user per role, each holding a real API token:
`api.as_("officer_a").get(...)`. Officers A and B belong to two different agencies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from database import Database
from ticketing import staff
from ticketing.api.app import create_app
from ticketing.models import Agency, Reply, Ticket, TicketEvent
from ticketing.seed import seed_all

PASSWORD = "mật-khẩu-rất-dài-123"

# Two commune committees (real units of Đồng Tháp from 1 July 2025).
AGENCY_A = "ubnd_phuong_my_tho"
AGENCY_B = "ubnd_phuong_cao_lanh"
AREA_A = "phuong_my_tho"
AREA_B = "phuong_cao_lanh"

USERS = {
    "admin": ("admin", None),
    "supervisor": ("supervisor", None),
    "agent": ("agent", None),
    "officer_a": ("agency_officer", AGENCY_A),
    "officer_b": ("agency_officer", AGENCY_B),
}


@dataclass
class Caller:
    client: TestClient
    headers: dict[str, str]

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Any:
        return await self.request("POST", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> Any:
        return await self.request("PUT", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> Any:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> Any:
        return await self.request("DELETE", path, **kwargs)


@dataclass
class Api:
    client: TestClient
    db: Database
    tokens: dict[str, str] = field(default_factory=dict)

    def as_(self, username: str) -> Caller:
        return Caller(self.client, {"Authorization": f"Bearer {self.tokens[username]}"})

    @property
    def anonymous(self) -> Caller:
        return Caller(self.client, {})

    async def json(self, username: str, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = await self.as_(username).request(method, path, **kwargs)
        body = await response.json() if response.content_type == "application/json" else await response.text()
        assert response.status == expect, (response.status, body)
        return body

    def counts(self) -> dict[str, int]:
        """Row counts of the tables a request could half-write."""
        with self.db.session(readonly=True) as s:
            return {
                "tickets": s.scalar(select(func.count()).select_from(Ticket)),
                "events": s.scalar(select(func.count()).select_from(TicketEvent)),
                "replies": s.scalar(select(func.count()).select_from(Reply)),
            }

    def ticket_row(self, code: str) -> dict[str, Any]:
        with self.db.session(readonly=True) as s:
            t = s.scalar(select(Ticket).where(Ticket.code == code))
            assert t is not None
            return {"status": str(t.status), "agency_id": t.agency_id, "version": t.version}

    def agency_id(self, code: str) -> int:
        with self.db.session(readonly=True) as s:
            return s.scalar(select(Agency.id).where(Agency.code == code))


def _prepare(database: Database) -> dict[str, str]:
    tokens = {}
    with database.session() as s:
        seed_all(s)
        for username, (role, agency) in USERS.items():
            staff.do_create_user(
                s,
                username=username,
                display_name=username.replace("_", " ").title(),
                role=role,
                agency=agency,
                password=PASSWORD,
            )
            _, tokens[username] = staff.do_create_token(s, username=username, name=f"{username} test token")
    return tokens


@pytest.fixture(name="api")
async def api_fixture(db: Database, aiohttp_client: Any) -> AsyncIterator[Api]:
    tokens = _prepare(db)
    client = await aiohttp_client(create_app(db.url))
    yield Api(client, db, tokens)


async def new_ticket(api: Api, description: str, location: str | None = None, **extra: Any) -> dict[str, Any]:
    """A petition created through the API by the hotline agent."""
    body = {
        "kind": "petition",
        "description": description,
        "location_text": location,
        "channel": "zalo",
        "channel_user_id": "zalo-user-1",
        "phone": "0912345678",
        "name": "Nguyễn Văn An",
        **extra,
    }
    return await api.json("agent", "POST", "/api/tickets", 201, json=body)


async def ticket_at(api: Api, agency: str, description: str = "Đèn đường hư nhiều ngày") -> str:
    """A petition created, triaged and assigned to `agency`; returns its code."""
    created = await new_ticket(api, description, auto_route=False)
    code = created["code"]
    area = AREA_A if agency == AGENCY_A else AREA_B
    await api.json("agent", "POST", f"/api/tickets/{code}/triage", json={"category": "do_thi", "area": area})
    await api.json("agent", "POST", f"/api/tickets/{code}/assign", json={"agency": agency})
    return code
