"""Idempotency-Key on POST /api/tickets and the Open311 POST (issue 14, item 6): a retry with the same
key gets the first result, never a second ticket, also when the retries race each other."""

from __future__ import annotations

import asyncio
import uuid

from tests.ticketing.api_support import AREA_A, Api, api_fixture  # noqa: F401

TICKET = {
    "kind": "petition",
    "description": "Đèn đường hư trước chợ",
    "channel": "phone",
    "auto_route": False,
}


async def _post(api: Api, key: str | None, body: dict | None = None):  # type: ignore[no-untyped-def]
    headers = {"Idempotency-Key": key} if key is not None else {}
    return await api.as_("agent").post("/api/tickets", json=body or TICKET, headers=headers)


async def test_a_retry_with_the_same_key_replays_the_first_ticket(api: Api) -> None:
    key = uuid.uuid4().hex
    first = await _post(api, key)
    assert first.status == 201 and "Idempotent-Replayed" not in first.headers
    again = await _post(api, key)
    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert (await again.json())["code"] == (await first.json())["code"]
    assert api.counts()["tickets"] == 1
    other = await _post(api, uuid.uuid4().hex)
    assert (await other.json())["code"] != (await first.json())["code"]
    without = [await _post(api, None) for _ in range(2)]
    assert len({(await r.json())["code"] for r in without}) == 2
    assert api.counts()["tickets"] == 4


async def test_racing_retries_create_one_ticket(api: Api) -> None:
    key = uuid.uuid4().hex
    responses = await asyncio.gather(*(_post(api, key) for _ in range(8)))
    assert {r.status for r in responses} == {201}
    assert len({(await r.json())["code"] for r in responses}) == 1
    assert api.counts()["tickets"] == 1


async def test_a_key_reused_for_another_request_or_malformed_is_refused(api: Api) -> None:
    key = uuid.uuid4().hex
    assert (await _post(api, key)).status == 201
    reused = await _post(api, key, {**TICKET, "description": "Nội dung khác"})
    assert reused.status == 422 and "different request" in (await reused.json())["error"]["message"]
    assert (await _post(api, "có dấu cách")).status == 400
    assert (await _post(api, "x" * 201)).status == 400
    assert api.counts()["tickets"] == 1


async def test_keys_belong_to_their_caller(api: Api) -> None:
    key = uuid.uuid4().hex
    mine = await _post(api, key)
    theirs = await api.as_("supervisor").post("/api/tickets", json=TICKET, headers={"Idempotency-Key": key})
    assert theirs.status == 201 and "Idempotent-Replayed" not in theirs.headers
    assert (await theirs.json())["code"] != (await mine.json())["code"]


async def test_open311_posts_are_idempotent_too(api: Api) -> None:
    form = {
        "api_key": api.tokens["agent"],
        "service_code": "do_thi",
        "address_id": AREA_A,
        "description": "Cống nghẹt",
    }
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = await api.client.post("/open311/v2/requests.json", data=form, headers=key)
    again = await api.client.post("/open311/v2/requests.json", data=form, headers=key)
    assert first.status == again.status == 201
    assert (await first.json()) == (await again.json())  # same id, same token
    assert again.headers["Idempotent-Replayed"] == "true" and api.counts()["tickets"] == 1
