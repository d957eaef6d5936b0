"""Admins edit routing rules and staff accounts through the API; the change takes effect at once."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.ticketing.api_support import (  # noqa: F401  (fixture)
    AGENCY_A,
    AGENCY_B,
    AREA_A,
    PASSWORD,
    Api,
    api_fixture,
    new_ticket,
)


async def _triaged(api: Api) -> str:
    code = (await new_ticket(api, "Cây xanh ngã chắn lối đi", auto_route=False))["code"]
    await api.json(
        "agent", "POST", f"/api/tickets/{code}/triage", json={"category": "do_thi", "area": AREA_A}
    )
    return code


async def test_an_admin_changes_a_routing_rule_and_new_tickets_follow_it(api: Api) -> None:
    rules = await api.json("agent", "GET", f"/api/routing-rules?category=do_thi&area={AREA_A}")
    [rule] = rules["items"]
    assert rule["agency"]["code"] == AGENCY_A

    changed = await api.json(
        "admin",
        "PUT",
        "/api/routing-rules",
        json={"category": "do_thi", "area": AREA_A, "agency": AGENCY_B, "note": "Thử nghiệm điều phối"},
    )
    assert changed["id"] == rule["id"] and changed["agency"]["code"] == AGENCY_B
    assert changed["note"] == "Thử nghiệm điều phối"

    code = await _triaged(api)
    routed = await api.json("agent", "POST", f"/api/tickets/{code}/assign", json={})
    assert routed["agency"]["code"] == AGENCY_B
    preview = await api.json("agent", "POST", "/api/triage", json={"text": "Đèn đường hư ở phường Mỹ Tho"})
    assert preview["agency"]["code"] == AGENCY_B

    await api.json("admin", "DELETE", f"/api/routing-rules/{rule['id']}", 204)
    await api.json("admin", "DELETE", f"/api/routing-rules/{rule['id']}", 404)
    left = await api.json("agent", "GET", f"/api/routing-rules?category=do_thi&area={AREA_A}")
    assert left["items"] == []
    bad = await api.json(
        "admin", "PUT", "/api/routing-rules", 422, json={"category": "do_thi", "agency": "so_gi_do"}
    )
    assert bad["error"]["message"] == "unknown agency code: so_gi_do"


async def test_an_admin_deactivates_a_user_and_their_access_ends(api: Api) -> None:
    login = await api.client.post("/api/auth/login", json={"username": "officer_b", "password": PASSWORD})
    assert login.status == 200
    users = await api.json("admin", "GET", f"/api/users?role=agency_officer&agency={AGENCY_B}")
    [officer] = users["items"]
    assert officer["username"] == "officer_b" and officer["last_login_at"] is not None

    updated = await api.json("admin", "PATCH", f"/api/users/{officer['id']}", json={"active": False})
    assert updated["active"] is False
    assert (await api.client.get("/api/me")).status == 401  # the session was revoked
    await api.json("officer_b", "GET", "/api/tickets", 401)  # and so was the API token
    relogin = await api.client.post("/api/auth/login", json={"username": "officer_b", "password": PASSWORD})
    assert relogin.status == 401


async def test_role_and_agency_must_agree(api: Api) -> None:
    body = {
        "username": "can_bo_x",
        "display_name": "Cán bộ X",
        "role": "agency_officer",
        "password": "x" * 12,
    }
    missing = await api.json("admin", "POST", "/api/users", 422, json=body)
    assert missing["error"]["message"] == "An agency officer must belong to an agency ('agency')."
    taken = await api.json(
        "admin", "POST", "/api/users", 409, json={**body, "username": "agent", "agency": AGENCY_A}
    )
    assert taken["error"]["code"] == "conflict"
    short = await api.json(
        "admin", "POST", "/api/users", 422, json={**body, "agency": AGENCY_A, "password": "ngan"}
    )
    assert short["error"]["details"] == [{"field": "password", "message": "must be at least 10 characters"}]


async def test_the_directory_is_readable_by_staff(api: Api) -> None:
    categories = (await api.json("officer_a", "GET", "/api/categories"))["items"]
    assert len(categories) == 14 and {"giao_thong", "khac"} <= {c["code"] for c in categories}
    wards = (await api.json("agent", "GET", "/api/areas?kind=phuong"))["items"]
    assert len(wards) == 20 and "Phường Mỹ Tho" in {w["name"] for w in wards}
    communes = (await api.json("agent", "GET", "/api/areas?kind=xa"))["items"]
    assert len(communes) == 82
    agency = await api.json("agent", "GET", f"/api/agencies/{AGENCY_A}")
    assert agency["area"] == AREA_A and agency["kind"] == "commune_committee"
    found = (await api.json("agent", "GET", "/api/agencies?q=Xây dựng"))["items"]
    assert any(a["name"].startswith("Sở Xây dựng") for a in found)
    await api.json("agent", "GET", "/api/agencies/so_khong_co", 404)
    await api.json("agent", "GET", "/api/areas?kind=huyen", 422)  # districts are gone since 1 July 2025


@pytest.mark.slow
def test_python_m_ticketing_api_serves_on_127_0_0_1(db) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ticketing.api",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database-url",
            db.url,
        ],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/openapi.json", timeout=2
                ) as response:
                    assert response.status == 200
                    assert json.load(response)["info"]["title"] == "1022 helpdesk ticketing API"
                    break
            except OSError:
                assert server.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not start within 60 s"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=20)
