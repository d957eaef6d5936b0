"""Open311 POSTs in every form encoding the spec allows (issue 14, item 5): multipart works like
urlencoded, a photo part is ignored, a broken multipart body is a 400, never a 500."""

from __future__ import annotations

import aiohttp

from tests.ticketing.api_support import AREA_A, Api, api_fixture  # noqa: F401

BASE = "/open311/v2"


def _multipart(fields: dict[str, str], with_file: bool = False) -> aiohttp.FormData:
    form = aiohttp.FormData(default_to_multipart=True)
    for key, value in fields.items():
        form.add_field(key, value)
    if with_file:
        form.add_field("media", b"\xff\xd8\xff fake jpeg", filename="anh.jpg", content_type="image/jpeg")
    return form


async def test_multipart_service_requests_are_accepted(api: Api) -> None:
    fields = {"service_code": "do_thi", "address_id": AREA_A, "description": "Đèn đường hư"}
    in_form = await api.client.post(
        f"{BASE}/requests.json", data=_multipart({**fields, "api_key": api.tokens["agent"]})
    )
    assert in_form.status == 201, await in_form.text()
    with_photo = await api.client.post(
        f"{BASE}/requests.xml", data=_multipart({**fields, "api_key": api.tokens["agent"]}, with_file=True)
    )
    assert with_photo.status == 201, await with_photo.text()
    assert "<service_request_id>PA-" in await with_photo.text()
    no_key = await api.client.post(f"{BASE}/requests.json", data=_multipart(fields))
    assert no_key.status == 403


async def test_a_broken_multipart_body_is_a_clean_400(api: Api) -> None:
    before = api.counts()
    broken = await api.client.post(
        f"{BASE}/requests.json?api_key={api.tokens['agent']}",
        data=b'--xyz\r\nContent-Disposition: form-data; name="description"\r\n\r\nDen',
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert broken.status == 400, await broken.text()
    assert (await broken.json())[0]["code"] == 400
    assert api.counts() == before


async def test_dates_out_of_range_are_a_clean_400(api: Api) -> None:
    for query in (
        "end_date=0001-01-01T00:00:00Z",
        "start_date=9999-12-31T23:59:59Z",
        "start_date=0001-01-01T00:00:00%2B07:00",
    ):
        for path in ("requests.json", "servicerequestupdates.json"):
            response = await api.anonymous.get(f"{BASE}/{path}?{query}")
            assert response.status == 400, (path, query, await response.text())
            assert "must lie between 2000-01-01 and 2099-12-31" in (await response.json())[0]["description"]
    ok = await api.anonymous.get(f"{BASE}/requests.json?start_date=2025-07-01T00:00:00%2B07:00")
    assert ok.status == 200
