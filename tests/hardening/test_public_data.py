"""Public data is public by design (issue 14, item 1): Open311 and the status page show category,
commune/ward, status, dates and the summary staff approved; never the citizen's own words, the answer
sent to them, their contact, nor the exact point or photo unless staff approved them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sqlalchemy import select

from tests.ticketing.api_support import AGENCY_A, AREA_A, Api, api_fixture, ticket_at  # noqa: F401
from ticketing.models import TicketEvent

BASE = "/open311/v2"
CITIZEN_TEXT = "Anh Nguyễn Văn An ở 45 Nguyễn Huệ, gọi (091) 234 5678, STK 1903 5678 9012 34: cống nghẹt"
SECRETS = ("Nguyễn Văn An", "45 Nguyễn Huệ", "234 5678", "1903", "cống nghẹt", "10.3612", "106.3598")


async def _open311_request(api: Api) -> str:
    response = await api.client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": api.tokens["agent"],
            "service_code": "do_thi",
            "address_id": AREA_A,
            "lat": "10.3612",
            "long": "106.3598",
            "media_url": "https://example.org/anh-nha-toi.jpg",
            "description": CITIZEN_TEXT,
            "first_name": "An",
            "last_name": "Nguyễn Văn",
            "phone": "0912345678",
        },
    )
    assert response.status == 201, await response.text()
    return (await response.json())[0]["service_request_id"]


async def _public_documents(api: Api, code: str) -> list[str]:
    paths = [
        f"{BASE}/requests.json",
        f"{BASE}/requests.xml",
        f"{BASE}/requests/{code}.json",
        f"{BASE}/requests/{code}.xml",
        f"{BASE}/servicerequestupdates.json",
        f"{BASE}/servicerequestupdates.xml",
        f"/status/{code}",
        f"/status/{code}.json",
    ]
    documents = []
    for path in paths:
        response = await api.anonymous.get(path)
        assert response.status == 200, (path, response.status)
        documents.append(await response.text())
    return documents


async def test_the_public_feeds_never_show_the_citizens_words_or_exact_point(api: Api) -> None:
    code = await _open311_request(api)
    for document in await _public_documents(api, code):
        for secret in (*SECRETS, "0912345678", "anh-nha-toi.jpg"):
            assert secret not in document, secret
    [one] = await (await api.anonymous.get(f"{BASE}/requests/{code}.json")).json()
    assert one["service_code"] == "do_thi" and one["address"] == "Phường Mỹ Tho"
    assert one["requested_datetime"] and one["status"] == "open"
    assert one["lat"] is None and one["long"] is None and one["media_url"] is None
    page = await (await api.anonymous.get(f"/status/{code}")).text()
    assert "Phường Mỹ Tho" in page and "Trật tự đô thị" in page


async def test_staff_approve_what_is_published_and_the_redactor_is_the_last_line(api: Api) -> None:
    code = await _open311_request(api)
    # An approved summary that still carries a phone number by mistake: the redactor masks it.
    approved = await api.json(
        "agent",
        "PUT",
        f"/api/tickets/{code}/public-summary",
        json={"summary": "Cống thoát nước bị nghẹt, liên hệ 0912/345/678", "show_location": True},
    )
    assert approved["publication"]["approved_by"] == "agent"
    [one] = await (await api.anonymous.get(f"{BASE}/requests/{code}.json")).json()
    assert one["description"] == "Cống thoát nước bị nghẹt, liên hệ ***"
    assert one["lat"] == 10.3612 and one["long"] == 106.3598  # staff approved the point
    assert one["media_url"] is None  # not the photo
    root = ET.fromstring(await (await api.anonymous.get(f"{BASE}/requests/{code}.xml")).text())
    assert root.findtext("request/description") == "Cống thoát nước bị nghẹt, liên hệ ***"
    status = await (await api.anonymous.get(f"/status/{code}.json")).json()
    assert status["public_summary"] == "Cống thoát nước bị nghẹt, liên hệ ***"
    assert status["area"] == "Phường Mỹ Tho"

    await api.json("agent", "DELETE", f"/api/tickets/{code}/public-summary", 204)
    [one] = await (await api.anonymous.get(f"{BASE}/requests/{code}.json")).json()
    assert one["lat"] is None and "Cống" not in one["description"]
    with api.db.session(readonly=True) as s:
        types = s.scalars(select(TicketEvent.type).order_by(TicketEvent.id)).all()
    assert types[-2:] == ["public_summary_set", "public_summary_withdrawn"]


async def test_only_hotline_staff_approve_publication(api: Api) -> None:
    code = await ticket_at(api, AGENCY_A)
    body = {"summary": "Đèn đường hư"}
    await api.json("officer_a", "PUT", f"/api/tickets/{code}/public-summary", 403, json=body)
    anonymous = await api.anonymous.put(f"/api/tickets/{code}/public-summary", json=body)
    assert anonymous.status == 401
    await api.json("agent", "PUT", "/api/tickets/PA-991231-9999/public-summary", 404, json=body)
    await api.json("agent", "PUT", f"/api/tickets/{code}/public-summary", 422, json={"summary": ""})
    assert (await api.json("supervisor", "GET", f"/api/tickets/{code}/public-summary"))["publication"] is None
