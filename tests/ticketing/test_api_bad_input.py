"""Bad input gets a clear 4xx in English and leaves the database exactly as it was."""

from __future__ import annotations

import json

import pytest

from tests.ticketing.api_support import AGENCY_A, Api, api_fixture, new_ticket, ticket_at  # noqa: F401

GOOD = {"kind": "petition", "description": "Đèn đường hư", "channel": "zalo", "auto_route": False}


async def _post_raw(api: Api, path: str, data: bytes | str, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    return await api.as_("agent").post(path, data=data, headers={"Content-Type": content_type})


async def test_an_oversized_body_is_refused_with_413(api: Api) -> None:
    before = api.counts()
    huge = json.dumps({**GOOD, "description": "x" * 200_000})
    response = await _post_raw(api, "/api/tickets", huge)
    assert response.status == 413
    body = await response.json()
    assert body["error"]["code"] == "payload_too_large"
    assert "limit" in body["error"]["message"]
    assert api.counts() == before


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        ('{"kind": "petition", "description": ', "application/json", 400, "malformed_json"),
        ("", "application/json", 400, "malformed_json"),
        ('{"kind": "petition", "description": NaN}', "application/json", 400, "malformed_json"),
        (b"\xff\xfe{}", "application/json", 400, "malformed_json"),
        ("kind=petition&description=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        ('["petition"]', "application/json", 422, "validation_error"),
        ("null", "application/json", 422, "validation_error"),
    ],
)
async def test_malformed_bodies_get_a_clear_error(
    api: Api, raw: str | bytes, content_type: str, status: int, code: str
) -> None:
    before = api.counts()
    response = await _post_raw(api, "/api/tickets", raw, content_type)
    assert response.status == status
    assert (await response.json())["error"]["code"] == code
    assert api.counts() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"description": 123}, "description", "expected string, got integer"),
        ({"description": "   "}, "description", "must be at least 1 characters"),
        ({"kind": "complaint"}, "kind", "must be one of: petition, question, postal, appointment"),
        ({"channel": None}, "channel", "must not be null"),
        ({"auto_route": "yes"}, "auto_route", "expected boolean, got string"),
        ({"details": ["a"]}, "details", "expected object, got array"),
        ({"details": {"note": "a\u0000b"}}, "details", "must not contain NUL characters"),
        ({"description": "\ud800"}, "description", "must be valid Unicode (lone surrogate escape)"),
        ({"phone": "hello"}, "phone", "does not match the pattern ^(\\+84|0)[\\d .-]{8,14}$"),
        ({"priority": 3}, "priority", "expected string, got integer"),
        ({"citizen_id": 7}, "citizen_id", "unknown field"),
    ],
)
async def test_wrong_types_and_unknown_fields_are_422_with_the_field_named(
    api: Api, change: dict, field: str, message: str
) -> None:
    before = api.counts()
    body = await api.json("agent", "POST", "/api/tickets", 422, json={**GOOD, **change})
    assert body["error"]["code"] == "validation_error"
    assert {"field": field, "message": message} in body["error"]["details"]
    assert api.counts() == before


async def test_every_problem_is_listed_at_once(api: Api) -> None:
    body = await api.json("agent", "POST", "/api/tickets", 422, json={"description": 5, "colour": "red"})
    fields = sorted(d["field"] for d in body["error"]["details"])
    assert fields == ["channel", "colour", "description", "kind"]
    assert body["error"]["message"].startswith(
        "Invalid request: 'colour': unknown field (and 3 more problem(s))"
    )


async def test_an_invalid_phone_number_is_refused_before_anything_is_written(api: Api) -> None:
    before = api.counts()
    body = await api.json("agent", "POST", "/api/tickets", 422, json={**GOOD, "phone": "0--------"})
    assert body["error"]["message"] == "not a Vietnamese phone number"
    assert api.counts() == before
    created = await new_ticket(api, "Đèn đường hư", auto_route=False)
    assert created["code"].endswith("-0001")  # the failed intake did not use up a code


async def test_bad_codes_are_rejected(api: Api) -> None:
    code = await ticket_at(api, AGENCY_A)
    before = api.ticket_row(code), api.counts()
    unknown_agency = await api.json(
        "agent", "POST", f"/api/tickets/{code}/assign", 422, json={"agency": "so_khong_co"}
    )
    assert unknown_agency["error"]["code"] == "validation_error"
    bad_slug = await api.json(
        "agent", "POST", f"/api/tickets/{code}/triage", 422, json={"category": "Giao Thông"}
    )
    assert bad_slug["error"]["details"][0]["field"] == "category"
    unknown_category = await api.json(
        "agent", "POST", f"/api/tickets/{code}/triage", 422, json={"category": "bay"}
    )
    assert "unknown category code: bay" in unknown_category["error"]["message"]
    merge_into_bad = await api.json("agent", "POST", f"/api/tickets/{code}/merge", 422, json={"into": "PA-1"})
    assert merge_into_bad["error"]["details"][0]["field"] == "into"
    malformed_path = await api.json("agent", "GET", "/api/tickets/PA-12", 404)
    assert malformed_path["error"]["code"] == "not_found"
    wrong_query = await api.json("agent", "GET", "/api/tickets?limit=1000&status=open&colour=red", 422)
    assert sorted(d["field"] for d in wrong_query["error"]["details"]) == ["colour", "limit", "status"]
    assert (api.ticket_row(code), api.counts()) == before


async def test_an_impossible_transition_is_409_and_changes_nothing(api: Api) -> None:
    code = await ticket_at(api, AGENCY_A)
    before = api.ticket_row(code), api.counts()
    body = await api.json("agent", "POST", f"/api/tickets/{code}/reopen", 409, json={"reason": "Chưa xử lý"})
    assert body["error"] == {
        "code": "invalid_transition",
        "message": "cannot reopen a ticket in status assigned",
    }
    closing = await api.json("agent", "POST", f"/api/tickets/{code}/close", 409, json={})
    assert "a reason is required" in closing["error"]["message"]
    assert (api.ticket_row(code), api.counts()) == before


async def test_wrong_method_and_unknown_path_are_json_errors(api: Api) -> None:
    response = await api.as_("agent").delete("/api/tickets")
    assert response.status == 405
    assert (await response.json())["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    missing = await api.as_("agent").get("/api/nothing-here")
    assert missing.status == 404
    assert (await missing.json())["error"]["code"] == "not_found"
