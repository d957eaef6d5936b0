"""Open311 GeoReport v2 (JSON and XML) and the OpenAPI document."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tests.ticketing.api_support import AGENCY_A, AREA_A, Api, api_fixture, ticket_at  # noqa: F401

BASE = "/open311/v2"


async def _xml(api: Api, path: str, status: int = 200) -> ET.Element:
    response = await api.anonymous.get(path)
    assert response.status == status
    assert response.content_type == "text/xml" and response.charset == "utf-8"
    text = await response.text()
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(text)


async def _json(api: Api, path: str, status: int = 200) -> object:
    response = await api.anonymous.get(path)
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    return await response.json()


async def test_discovery_and_services_in_json_and_xml(api: Api) -> None:
    discovery = await _json(api, f"{BASE}/discovery.json")
    endpoint = discovery["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and "text/xml" in endpoint["formats"]
    root = await _xml(api, f"{BASE}/discovery.xml")
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "application/json",
        "text/xml",
    ]

    services = await _json(api, f"{BASE}/services.json")
    codes = [s["service_code"] for s in services]
    assert "giao_thong" in codes and "moi_truong" in codes and len(codes) == 14
    assert set(services[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    root = await _xml(api, f"{BASE}/services.xml")
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == codes
    assert root.find("service/metadata").text == "false"

    definition = await _json(api, f"{BASE}/services/giao_thong.json")
    assert definition == {"service_code": "giao_thong", "attributes": []}
    root = await _xml(api, f"{BASE}/services/giao_thong.xml")
    assert root.tag == "service_definition" and root.findtext("service_code") == "giao_thong"


async def test_errors_follow_the_open311_format(api: Api) -> None:
    errors = await _json(api, f"{BASE}/services/khong_co.json", 404)
    assert errors == [{"code": 404, "description": "service_code khong_co not found"}]
    root = await _xml(api, f"{BASE}/services/khong_co.xml", 404)
    assert root.tag == "errors" and root.findtext("error/code") == "404"


async def test_posting_a_service_request_needs_a_valid_api_key(api: Api) -> None:
    form = {"service_code": "do_thi", "address_id": AREA_A, "description": "Đèn đường hư"}
    before = api.counts()
    missing = await api.client.post(f"{BASE}/requests.json", data=form)
    assert missing.status == 403
    assert (await missing.json())[0]["code"] == 403
    wrong = await api.client.post(f"{BASE}/requests.xml", data={**form, "api_key": "sai"})
    assert wrong.status == 403 and "<errors>" in await wrong.text()
    no_location = await api.client.post(
        f"{BASE}/requests.json",
        data={"api_key": api.tokens["agent"], "service_code": "do_thi", "description": "x"},
    )
    assert no_location.status == 400
    assert "location is required" in (await no_location.json())[0]["description"]
    bad_code = await api.client.post(
        f"{BASE}/requests.json", data={**form, "api_key": api.tokens["agent"], "service_code": "bay"}
    )
    assert bad_code.status == 400 and "unknown category code" in (await bad_code.json())[0]["description"]
    assert api.counts() == before


async def test_a_service_request_is_created_routed_and_readable_anonymised(api: Api) -> None:
    response = await api.client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": api.tokens["agent"],
            "service_code": "do_thi",
            "address_id": AREA_A,
            "lat": "10.3600",
            "long": "106.3600",
            "description": "Cống bị nghẹt trước nhà, gọi tôi 0912345678",
            "first_name": "An",
            "last_name": "Nguyễn Văn",
            "phone": "0912345678",
        },
    )
    assert response.status == 201, await response.text()
    [created] = await response.json()
    request_id, token = created["service_request_id"], created["token"]
    assert re.fullmatch(r"PA-\d{6}-\d{4}", request_id)
    assert created["service_notice"].startswith("Dạ, phản ánh đã được chuyển đến")

    [one] = await _json(api, f"{BASE}/requests/{request_id}.json")
    assert one["status"] == "open" and one["service_code"] == "do_thi"
    # Public by design: not the citizen's words nor the exact point until staff approve a summary.
    assert one["description"] == "Nội dung phản ánh chưa được cơ quan duyệt công khai."
    assert one["address"] == "Phường Mỹ Tho" and one["address_id"] == AREA_A
    assert one["lat"] is None and one["long"] is None
    assert one["agency_responsible"]
    assert "0912345678" not in str(one) and "Nguyễn" not in str(one) and "Cống" not in str(one)
    await api.json(
        "agent",
        "PUT",
        f"/api/tickets/{request_id}/public-summary",
        json={"summary": "Cống thoát nước bị nghẹt", "show_location": True},
    )
    [one] = await _json(api, f"{BASE}/requests/{request_id}.json")
    assert one["description"] == "Cống thoát nước bị nghẹt"
    assert one["lat"] == 10.36 and one["long"] == 106.36

    root = await _xml(api, f"{BASE}/requests/{request_id}.xml")
    assert root.tag == "service_requests" and root.findtext("request/service_request_id") == request_id

    assert await _json(api, f"{BASE}/tokens/{token}.json") == [
        {"service_request_id": request_id, "token": token}
    ]
    listed = await _json(api, f"{BASE}/requests.json?status=open&service_code=do_thi,moi_truong")
    assert [r["service_request_id"] for r in listed] == [request_id]
    assert await _json(api, f"{BASE}/requests.json?status=closed") == []
    root = await _xml(api, f"{BASE}/requests.xml?service_request_id={request_id}")
    assert len(root.findall("request")) == 1

    updates = await _json(api, f"{BASE}/servicerequestupdates.json")
    assert [(u["service_request_id"], u["status"]) for u in updates][-1] == (request_id, "open")
    assert set(updates[0]) == {
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    }
    root = await _xml(api, f"{BASE}/servicerequestupdates.xml")
    assert root.tag == "service_request_updates" and root.find("request_update/update_id") is not None


async def test_answers_close_the_open311_request(api: Api) -> None:
    code = await ticket_at(api, AGENCY_A)
    await api.json("officer_a", "POST", f"/api/tickets/{code}/answer", json={"body": "Dạ, đã sửa xong."})
    [one] = await _json(api, f"{BASE}/requests/{code}.json")
    # The answer goes to the citizen; the public sees the status, then the outcome staff approved.
    assert one["status"] == "closed" and one["status_notes"] == "Đã có kết quả trả lời"
    updates = await _json(api, f"{BASE}/servicerequestupdates.json")
    assert updates[-1]["status"] == "closed" and updates[-1]["description"] == "Đã có kết quả trả lời"
    await api.json(
        "supervisor",
        "PUT",
        f"/api/tickets/{code}/public-summary",
        json={"summary": "Đèn đường hư nhiều ngày", "outcome": "Đã thay bóng đèn."},
    )
    [one] = await _json(api, f"{BASE}/requests/{code}.json")
    assert one["status_notes"] == "Đã thay bóng đèn." and one["description"] == "Đèn đường hư nhiều ngày"
    updates = await _json(api, f"{BASE}/servicerequestupdates.json")
    assert updates[-1]["description"] == "Đã thay bóng đèn."
    bad_date = await _json(api, f"{BASE}/requests.json?start_date=yesterday", 400)
    assert "start_date" in bad_date[0]["description"]


async def test_the_openapi_document_describes_every_route(api: Api) -> None:
    document = await _json(api, "/api/openapi.json")
    assert document["openapi"] == "3.1.0"
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    served = set()
    for route in api.client.app.router.routes():
        if route.method == "HEAD":
            continue
        path = re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", route.resource.canonical)
        served.add((path, route.method))
    assert served == documented
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            params = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert params == set(re.findall(r"\{(\w+)\}", path)), (method, path)
            assert op["summary"] and op["responses"], (method, path)
    create = document["paths"]["/api/tickets"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert schema["additionalProperties"] is False and "description" in schema["required"]
    assert document["paths"]["/api/tickets/{code}"]["get"]["responses"]["404"]
    import openapi_spec_validator as validator

    validator.validate(document)  # a valid OpenAPI 3.1 document
