"""Input checked at the schema, before any work (issue 14, item 5): non-finite numbers and control characters
are refused, ids, cursors and dates are range-checked, null only where a field is nullable. Each answer is
a 4xx that names the field, on SQLite and PostgreSQL alike, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ticketing.api_support import AREA_A, Api, api_fixture, new_ticket  # noqa: F401

TICKET = {"kind": "petition", "description": "Đèn đường hư ở ấp 3", "channel": "phone", "auto_route": False}
OPEN311 = "/open311/v2/requests.json"


def _problem(body: dict[str, Any]) -> str:
    return " ".join(f"{d.get('field')}: {d.get('message')}" for d in body["error"].get("details", []))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "Đèn đường hư\x07"),  # BEL
        ("description", "Đèn\x1b[31m đường hư"),  # an ANSI escape
        ("description", "Đèn đường\x7f hư"),  # DEL
        ("description", "Đèn đường hư\ufffe"),  # an XML non-character
        ("location_text", "Ấp 3\x0b"),  # vertical tab
        ("name", "Nguyễn\x00Văn An"),  # NUL
        ("details", {"ghi_chu": "Đèn\x1f hư"}),  # inside free-form details
    ],
)
async def test_control_characters_are_refused(api: Api, field: str, value: Any) -> None:
    before = api.counts()
    body = await api.json("agent", "POST", "/api/tickets", 422, json={**TICKET, field: value})
    assert field in _problem(body)
    assert api.counts() == before


async def test_tabs_and_line_breaks_are_text(api: Api) -> None:
    description = "Đèn đường hư.\r\n\tĐã báo tổ trưởng."
    created = await api.json(
        "agent", "POST", "/api/tickets", 201, json={**TICKET, "description": description}
    )
    assert created["description"] == "Đèn đường hư.\n\tĐã báo tổ trưởng." or "\t" in created["description"]


async def test_non_finite_numbers_are_refused(api: Api) -> None:
    huge = '{"kind": "petition", "description": "x", "channel": "phone", "details": {"n": 1e400}}'
    response = await api.as_("agent").post(
        "/api/tickets", data=huge, headers={"Content-Type": "application/json"}
    )
    assert response.status == 422 and "details" in _problem(await response.json())
    before = api.counts()
    for value in ("nan", "NaN", "inf", "-Infinity", "1e999"):
        form = {
            "service_code": "do_thi",
            "address_id": AREA_A,
            "description": "Ổ gà",
            "lat": value,
            "long": "106",
        }
        posted = await api.client.post(f"{OPEN311}?api_key={api.tokens['agent']}", data=form)
        assert posted.status == 400, (value, await posted.text())
        assert "lat" in (await posted.json())[0]["description"]
    assert api.counts() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/routing-rules/305299810553570112"),
        ("DELETE", "/api/routing-rules/2147483648"),
        ("PATCH", "/api/users/151594385541880103305216"),
        ("DELETE", "/api/tokens/99999999999"),
        ("DELETE", "/api/routing-rules/0"),
    ],
)
async def test_ids_beyond_the_id_range_name_nothing(api: Api, method: str, path: str) -> None:
    kwargs = {"json": {"display_name": "X"}} if method == "PATCH" else {}
    response = await api.as_("admin").request(method, path, **kwargs)
    assert response.status == 404, await response.text()


async def test_ids_cursors_and_numbers_in_queries_and_bodies_are_range_checked(api: Api) -> None:
    ticket = await new_ticket(api, "Cống nghẹt trước chợ")
    code = ticket["code"]
    for query in ("cursor=999999999999999999", "cursor=2147483648", "limit=101", "cursor=-1"):
        body = await api.json("agent", "GET", f"/api/tickets?{query}", 422)
        assert query.split("=")[0] in _problem(body)
    approve = {"reply_id": 9999999999999999999, "approve": True}
    body = await api.json("supervisor", "POST", f"/api/tickets/{code}/approve", 422, json=approve)
    assert "reply_id" in _problem(body)
    body = await api.json("agent", "POST", f"/api/tickets/{code}/close", 422, json={"version": 2**40})
    assert "version" in _problem(body)


async def test_dates_are_range_checked(api: Api) -> None:
    for query in ("created_from=0001-01-01", "created_to=9999-12-31", "created_from=1999-12-31"):
        body = await api.json("agent", "GET", f"/api/tickets?{query}", 422)
        assert "between 2000-01-01 and 2099-12-31" in _problem(body)
    for query in ("end_date=0001-01-01T00:00:00Z", "start_date=9999-12-31T23:59:59%2B07:00"):
        feed = await api.anonymous.get(f"/open311/v2/requests.json?{query}")
        assert feed.status == 400, await feed.text()
    fine = await api.anonymous.get("/open311/v2/requests.json?start_date=2026-01-01T00:00:00%2B07:00")
    assert fine.status == 200


async def test_null_is_taken_only_by_nullable_fields(api: Api) -> None:
    users = await api.json("admin", "GET", "/api/users")
    agent_id = next(u["id"] for u in users["items"] if u["username"] == "agent")
    body = await api.json("admin", "PATCH", f"/api/users/{agent_id}", 422, json={"active": None})
    assert "active: must not be null" in _problem(body)
    changed = await api.json("admin", "PATCH", f"/api/users/{agent_id}", 200, json={"email": None})
    assert changed["email"] is None


async def test_the_openapi_document_states_the_ranges(api: Api) -> None:
    document = await api.json("agent", "GET", "/api/openapi.json")
    rule = document["paths"]["/api/routing-rules/{rule_id}"]["delete"]["parameters"][0]["schema"]
    assert rule == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    listing = {p["name"]: p["schema"] for p in document["paths"]["/api/tickets"]["get"]["parameters"]}
    assert listing["cursor"]["maximum"] == 2**31 - 1
