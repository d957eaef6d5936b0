"""Who may do what: sessions, tokens, roles, and agency scoping (another agency's ticket is 404)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ticketing.api_support import (  # noqa: F401  (fixtures)
    AGENCY_A,
    AGENCY_B,
    PASSWORD,
    Api,
    _prepare,
    api_fixture,
    new_ticket,
    ticket_at,
)
from ticketing.api.app import create_app
from vietnam.workdays import LOCAL_TZ


@pytest.fixture
async def local_api(db: Any, aiohttp_client: Any) -> Api:
    """The API as a plain-HTTP local run serves it (HELPDESK_COOKIE_SECURE=0): the test client speaks
    plain HTTP and, like a browser, keeps Secure cookies for HTTPS (tests/hardening checks Secure)."""
    tokens = _prepare(db)
    return Api(await aiohttp_client(create_app(db.url, secure_cookies=False)), db, tokens)


async def test_login_sets_a_session_cookie_that_logout_revokes(local_api: Api) -> None:
    client = local_api.client
    response = await client.post("/api/auth/login", json={"username": "officer_a", "password": PASSWORD})
    assert response.status == 200
    assert (await response.json())["user"] == {
        "id": 4,
        "username": "officer_a",
        "display_name": "Officer A",
        "role": "agency_officer",
        "agency": AGENCY_A,
    }
    cookie = response.cookies["helpdesk_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"

    me = await client.get("/api/me")
    assert me.status == 200
    assert (await me.json())["via"] == "session"

    assert (await client.post("/api/auth/logout")).status == 204
    client.session.cookie_jar.update_cookies({"helpdesk_session": cookie.value})
    again = await client.get("/api/me")
    assert again.status == 401
    assert (await again.json())["error"]["code"] == "unauthorized"


async def test_wrong_password_and_unknown_user_get_the_same_401(api: Api) -> None:
    for username in ("officer_a", "nobody"):
        response = await api.client.post(
            "/api/auth/login", json={"username": username, "password": "sai-mat-khau"}
        )
        assert response.status == 401
        assert (await response.json())["error"]["message"] == "Wrong username or password."
    assert "helpdesk_session" not in api.client.session.cookie_jar.filter_cookies(api.client.make_url("/"))


async def test_repeated_failed_logins_are_throttled(api: Api) -> None:
    for _ in range(5):
        await api.client.post("/api/auth/login", json={"username": "agent", "password": "wrong-password"})
    response = await api.client.post("/api/auth/login", json={"username": "agent", "password": PASSWORD})
    assert response.status == 429


async def test_requests_without_or_with_bad_credentials_are_401(api: Api) -> None:
    assert (await api.anonymous.get("/api/tickets")).status == 401
    bad = await api.client.get("/api/tickets", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status == 401
    basic = await api.client.get("/api/tickets", headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    assert basic.status == 401


async def test_a_revoked_token_stops_working(api: Api) -> None:
    created = await api.json(
        "admin", "POST", "/api/tokens", 201, json={"username": "agent", "name": "zalo-hub"}
    )
    secret = created["token"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert (await api.client.get("/api/me", headers=headers)).status == 200
    listed = await api.json("admin", "GET", "/api/tokens")
    assert "token" not in listed["items"][0]  # the secret is shown once, at creation
    await api.json("admin", "DELETE", f"/api/tokens/{created['id']}", 204)
    assert (await api.client.get("/api/me", headers=headers)).status == 401


async def test_roles_are_enforced_on_the_server(api: Api) -> None:
    new_user = {
        "username": "officer_c",
        "display_name": "Cán bộ C",
        "role": "agency_officer",
        "agency": AGENCY_B,
        "password": "mot-mat-khau-du-dai",
    }
    forbidden = await api.json("agent", "POST", "/api/users", 403, json=new_user)
    assert forbidden["error"]["code"] == "forbidden"
    created = await api.json("admin", "POST", "/api/users", 201, json=new_user)
    assert created["agency"]["code"] == AGENCY_B
    await api.json("officer_a", "GET", "/api/users", 403)
    await api.json(
        "officer_a", "PUT", "/api/routing-rules", 403, json={"category": "dien", "agency": AGENCY_A}
    )


async def test_an_agency_officer_never_sees_another_agencys_ticket(api: Api) -> None:
    code_a = await ticket_at(api, AGENCY_A, "Cống thoát nước bị nghẹt gây ngập")
    code_b = await ticket_at(api, AGENCY_B, "Cây xanh ngã đổ chắn đường")

    mine = await api.json("officer_a", "GET", f"/api/tickets/{code_a}")
    assert mine["agency"]["code"] == AGENCY_A
    theirs = await api.json("officer_a", "GET", f"/api/tickets/{code_b}", 404)
    unknown = await api.json("officer_a", "GET", "/api/tickets/PA-991231-9999", 404)
    assert theirs == unknown | {"error": {**unknown["error"], "message": theirs["error"]["message"]}}
    assert theirs["error"]["code"] == "not_found"

    listed = await api.json("officer_a", "GET", "/api/tickets")
    assert [t["code"] for t in listed["items"]] == [code_a]
    filtered = await api.json("officer_a", "GET", f"/api/tickets?agency={AGENCY_B}")
    assert filtered["items"] == []

    everything = await api.json("supervisor", "GET", "/api/tickets")
    assert {t["code"] for t in everything["items"]} == {code_a, code_b}


async def test_an_officer_cannot_act_on_another_agencys_ticket(api: Api) -> None:
    code_b = await ticket_at(api, AGENCY_B)
    before = api.ticket_row(code_b), api.counts()
    for verb, body in (
        ("start", {}),
        ("answer", {"body": "Dạ, đã xử lý."}),
        ("return", {"reason": "Không thuộc"}),
    ):
        await api.json("officer_a", "POST", f"/api/tickets/{code_b}/{verb}", 404, json=body)
    assert (api.ticket_row(code_b), api.counts()) == before


async def test_a_returned_ticket_leaves_the_agency(api: Api) -> None:
    code = await ticket_at(api, AGENCY_A)
    returned = await api.json(
        "officer_a", "POST", f"/api/tickets/{code}/return", json={"reason": "Không thuộc thẩm quyền phường"}
    )
    assert returned == {"code": code, "status": "triaged", "returned": True}
    await api.json("officer_a", "GET", f"/api/tickets/{code}", 404)
    seen_by_agent = await api.json("agent", "GET", f"/api/tickets/{code}")
    assert seen_by_agent["status"] == "triaged" and seen_by_agent["agency"] is None
    assert seen_by_agent["events"][-1]["type"] == "returned"


async def test_monthly_report_of_an_officer_is_limited_to_their_agency(api: Api) -> None:
    await ticket_at(api, AGENCY_A)
    await ticket_at(api, AGENCY_B)
    from datetime import datetime

    month = datetime.now(LOCAL_TZ).strftime("%Y-%m")
    own = await api.json("officer_a", "GET", f"/api/reports/monthly?month={month}&agency={AGENCY_B}")
    assert [a["agency"]["code"] for a in own["agencies"]] == [AGENCY_A]
    everyone = await api.json("supervisor", "GET", f"/api/reports/monthly?month={month}")
    assert {a["agency"]["code"] for a in everyone["agencies"]} == {AGENCY_A, AGENCY_B}
    await api.json("agent", "GET", f"/api/reports/monthly?month={month}", 403)


async def test_cookie_sessions_refuse_cross_origin_writes(local_api: Api) -> None:
    api = local_api
    await api.client.post("/api/auth/login", json={"username": "agent", "password": PASSWORD})
    created = await new_ticket_with_cookie(api, origin="https://evil.example")
    assert created.status == 403
    same_origin = await new_ticket_with_cookie(api, origin=f"http://{api.client.host}:{api.client.port}")
    assert same_origin.status == 201


async def new_ticket_with_cookie(api: Api, origin: str):  # type: ignore[no-untyped-def]
    return await api.client.post(
        "/api/tickets",
        json={
            "kind": "petition",
            "description": "Rác thải ven đường",
            "channel": "phone",
            "auto_route": False,
        },
        headers={"Origin": origin},
    )
