"""A ticket's life through the HTTP API: intake, triage, routing, work, answer, approval, rating,
reopen, close, merge; lists with filters and pages; concurrent updates; the public status page."""

from __future__ import annotations

import asyncio

from tests.ticketing.api_support import (  # noqa: F401  (fixture)
    AGENCY_A,
    AGENCY_B,
    AREA_A,
    Api,
    api_fixture,
    new_ticket,
    ticket_at,
)


async def test_a_petition_is_triaged_routed_answered_rated_and_closed(api: Api) -> None:
    created = await new_ticket(api, "Đèn đường trên đường Ấp Bắc hư 3 ngày nay", auto_route=False)
    code = created["code"]
    assert code.startswith("PA-") and created["status"] == "new"
    assert created["citizen"] == {"name": "Nguyễn Văn An", "phone": "0912345678"}

    triaged = await api.json(
        "agent", "POST", f"/api/tickets/{code}/triage", json={"category": "do_thi", "area": AREA_A}
    )
    assert (triaged["status"], triaged["category"]["code"], triaged["area"]["code"]) == (
        "triaged",
        "do_thi",
        AREA_A,
    )
    routed = await api.json("agent", "POST", f"/api/tickets/{code}/assign", json={})
    assert routed["status"] == "assigned"
    assert routed["agency"]["code"] == AGENCY_A  # by the routing rule do_thi x phuong_my_tho

    started = await api.json("officer_a", "POST", f"/api/tickets/{code}/start", json={})
    assert started["status"] == "in_progress"
    assert started["sla"]["first_response"]["state"] == "met"

    answered = await api.json(
        "officer_a",
        "POST",
        f"/api/tickets/{code}/answer",
        json={"body": "Dạ, phường đã thay bóng đèn ngày 20/11. Trân trọng."},
    )
    assert answered["status"] == "answered"
    assert answered["replies"][0]["state"] == "approved"

    rated = await api.json("agent", "POST", f"/api/tickets/{code}/rating", 201, json={"score": 5})
    assert rated["score"] == 5
    closed = await api.json("agent", "POST", f"/api/tickets/{code}/close", json={})
    assert closed["status"] == "closed"

    events = (await api.json("officer_a", "GET", f"/api/tickets/{code}/events"))["items"]
    assert events == closed["events"]
    replies = (await api.json("officer_a", "GET", f"/api/tickets/{code}/replies"))["items"]
    assert [r["author"] for r in replies] == ["officer_a"]
    history = [(e["type"], e["actor"]["user"] or e["actor"]["label"]) for e in closed["events"]]
    assert history == [
        ("created", "agent"),
        ("triaged", "agent"),
        ("assigned", "agent"),
        ("accepted", "officer_a"),
        ("answered", "officer_a"),
        ("rated", "citizen"),
        ("closed", "agent"),
    ]


async def test_an_answer_in_a_sensitive_category_waits_for_a_supervisor(api: Api) -> None:
    await api.json("supervisor", "PATCH", "/api/categories/do_thi", 403, json={"requires_approval": True})
    category = await api.json("admin", "PATCH", "/api/categories/do_thi", json={"requires_approval": True})
    assert category["requires_approval"] is True
    code = await ticket_at(api, AGENCY_A)
    held = await api.json("officer_a", "POST", f"/api/tickets/{code}/answer", json={"body": "Dạ, đã xử lý."})
    assert held["status"] == "assigned"
    reply_id = held["replies"][0]["id"]
    assert held["replies"][0]["state"] == "pending_approval"

    await api.json(
        "officer_a", "POST", f"/api/tickets/{code}/approve", 403, json={"reply_id": reply_id, "approve": True}
    )
    approved = await api.json(
        "supervisor", "POST", f"/api/tickets/{code}/approve", json={"reply_id": reply_id, "approve": True}
    )
    assert approved["status"] == "answered"
    assert approved["replies"][0]["reviewed_by"] == "supervisor"


async def test_reopen_and_merge(api: Api) -> None:
    code = await ticket_at(api, AGENCY_A)
    await api.json("officer_a", "POST", f"/api/tickets/{code}/answer", json={"body": "Dạ, đã xử lý xong."})
    reopened = await api.json(
        "agent", "POST", f"/api/tickets/{code}/reopen", json={"reason": "Người dân báo đèn vẫn chưa sáng"}
    )
    assert reopened["status"] == "in_progress" and reopened["reopen_count"] == 1

    duplicate = await ticket_at(api, AGENCY_A, "Đèn đường Ấp Bắc vẫn hư")
    merged = await api.json("agent", "POST", f"/api/tickets/{duplicate}/merge", json={"into": code})
    assert merged["status"] == "closed" and merged["merged_into"] == code
    page = await (await api.anonymous.get(f"/status/{duplicate}")).text()
    assert "đã được gộp để xử lý chung" in page and code in page
    target = await api.json("supervisor", "GET", f"/api/tickets/{code}")
    assert target["events"][-1]["type"] == "merge_received"


async def test_internal_notes_are_kept_apart_from_answers(api: Api) -> None:
    code = await ticket_at(api, AGENCY_A)
    noted = await api.json(
        "officer_a",
        "POST",
        f"/api/tickets/{code}/notes",
        201,
        json={"body": "Đã cử cán bộ kiểm tra hiện trường"},
    )
    assert noted["status"] == "assigned"
    assert noted["replies"][0]["internal"] is True


async def test_lists_filter_and_page_through_tickets(api: Api) -> None:
    codes = [await ticket_at(api, AGENCY_A, f"Phản ánh số {i}") for i in range(5)]
    other = await ticket_at(api, AGENCY_B)
    first = await api.json("supervisor", "GET", f"/api/tickets?agency={AGENCY_A}&limit=2")
    assert [t["code"] for t in first["items"]] == codes[::-1][:2]
    second = await api.json(
        "supervisor", "GET", f"/api/tickets?agency={AGENCY_A}&limit=2&cursor={first['next_cursor']}"
    )
    assert [t["code"] for t in second["items"]] == codes[::-1][2:4]
    third = await api.json(
        "supervisor", "GET", f"/api/tickets?agency={AGENCY_A}&limit=2&cursor={second['next_cursor']}"
    )
    assert [t["code"] for t in third["items"]] == codes[:1] and third["next_cursor"] is None

    await api.json("officer_b", "POST", f"/api/tickets/{other}/start", json={})
    in_progress = await api.json("supervisor", "GET", "/api/tickets?status=in_progress,answered")
    assert [t["code"] for t in in_progress["items"]] == [other]
    by_text = await api.json("supervisor", "GET", "/api/tickets?q=số 3")
    assert [t["code"] for t in by_text["items"]] == [codes[3]]
    by_code = await api.json("supervisor", "GET", f"/api/tickets?q={codes[1]}")
    assert [t["code"] for t in by_code["items"]] == [codes[1]]
    not_late = await api.json("supervisor", "GET", "/api/tickets?overdue=true")
    assert not_late["items"] == []


async def test_concurrent_assignments_one_wins_the_other_gets_409(api: Api) -> None:
    created = await new_ticket(api, "Rác thải tràn ra đường", auto_route=False)
    code = created["code"]
    await api.json(
        "agent", "POST", f"/api/tickets/{code}/triage", json={"category": "moi_truong", "area": AREA_A}
    )
    before = api.counts()
    responses = await asyncio.gather(
        api.as_("agent").post(f"/api/tickets/{code}/assign", json={"agency": AGENCY_A}),
        api.as_("supervisor").post(f"/api/tickets/{code}/assign", json={"agency": AGENCY_B}),
    )
    statuses = sorted(r.status for r in responses)
    assert statuses == [200, 409]
    loser = next(r for r in responses if r.status == 409)
    assert (await loser.json())["error"]["code"] in ("invalid_transition", "conflict")
    winner = next(r for r in responses if r.status == 200)
    row = api.ticket_row(code)
    assert row["agency_id"] == api.agency_id((await winner.json())["agency"]["code"])
    assert api.counts()["events"] == before["events"] + 1  # exactly one "assigned" event


async def test_a_stale_version_is_refused(api: Api) -> None:
    code = await ticket_at(api, AGENCY_A)
    seen = await api.json("officer_a", "GET", f"/api/tickets/{code}")
    await api.json("agent", "POST", f"/api/tickets/{code}/notes", 201, json={"body": "Ghi chú của tổng đài"})
    stale = await api.json(
        "officer_a", "POST", f"/api/tickets/{code}/start", 409, json={"version": seen["version"]}
    )
    assert stale["error"]["code"] == "conflict"
    assert api.ticket_row(code)["status"] == "assigned"


async def test_concurrent_intake_gives_every_ticket_its_own_code(api: Api) -> None:
    bodies = [
        {
            "kind": "petition",
            "description": f"Phản ánh đồng thời {i}",
            "channel": "webchat",
            "auto_route": False,
        }
        for i in range(12)
    ]
    responses = await asyncio.gather(*(api.as_("agent").post("/api/tickets", json=b) for b in bodies))
    assert [r.status for r in responses] == [201] * 12
    codes = {(await r.json())["code"] for r in responses}
    assert len(codes) == 12
    assert api.counts()["tickets"] == 12


async def test_the_public_status_page_shows_progress_without_personal_data(api: Api) -> None:
    code = await ticket_at(api, AGENCY_A, "Nhà tôi ở số 12, SĐT 0912345678, bị ngập")
    await api.json(
        "officer_a",
        "POST",
        f"/api/tickets/{code}/answer",
        json={"body": "Dạ, phường đã nạo vét cống. Liên hệ anh Bình 0987654321 nếu cần."},
    )
    page = await api.anonymous.get(f"/status/{code}")
    assert page.status == 200 and page.content_type == "text/html"
    html = await page.text()
    assert "Đã có kết quả trả lời" in html
    assert "Ủy ban nhân dân phường Mỹ Tho" in html or "UBND phường Mỹ Tho" in html
    assert "0912345678" not in html and "Nguyễn Văn An" not in html and "Nhà tôi" not in html
    # The answer is the citizen's (sent on their channel); the page shows only what staff published.
    assert "0987654321" not in html and "nạo vét" not in html

    data = await (await api.anonymous.get(f"/status/{code}.json")).json()
    assert data["status"] == "answered" and data["code"] == code
    assert set(data) == {
        "code", "kind", "kind_label", "status", "status_label", "category", "area", "agency",
        "received_on", "due_on", "answered_on", "closed_on", "merged_into", "public_summary",
        "public_outcome",
    }  # fmt: skip

    missing = await api.anonymous.get("/status/PA-991231-9999")
    assert missing.status == 404 and "không tìm thấy mã" in await missing.text()
    malformed = await api.anonymous.get("/status/abc")
    assert malformed.status == 404 and "vui lòng kiểm tra lại mã" in await malformed.text()


async def test_triage_previews_category_area_and_agency_with_or_without_diacritics(api: Api) -> None:
    for text in (
        "Mất điện cả ngày ở phường Mỹ Tho, trời nóng quá",
        "mat dien ca ngay o phuong My Tho, troi nong qua",
    ):
        result = await api.json("agent", "POST", "/api/triage", json={"text": text})
        assert result["category"] == "dien"
        assert result["area"] == {"code": AREA_A, "name": "Phường Mỹ Tho"}
        assert result["agency"]["code"] and result["agency"]["name"]
        assert 0 <= result["confidence"] <= 1
    with_location = await api.json(
        "agent",
        "POST",
        "/api/triage",
        json={"text": "Rác thải bốc mùi hôi thối", "location": "phường Cao Lãnh"},
    )
    assert with_location["area"]["code"] == "phuong_cao_lanh"
    await api.json("agent", "POST", "/api/triage", 422, json={"text": ""})
    assert api.counts()["tickets"] == 0  # a preview writes nothing


async def test_a_confident_petition_is_routed_at_intake(api: Api) -> None:
    created = await new_ticket(api, "Đèn đường hư, tối om không ai dám đi", location="phường Mỹ Tho")
    assert created["status"] == "assigned"
    assert created["category"]["code"] == "do_thi"
    assert created["agency"]["code"] == AGENCY_A
    assert [e["type"] for e in created["events"]] == ["created", "triaged", "assigned"]


async def test_waiting_on_the_citizen_pauses_the_clock_and_a_move_needs_a_reason(api: Api) -> None:
    code = await ticket_at(api, AGENCY_A)
    waiting = await api.json(
        "officer_a", "POST", f"/api/tickets/{code}/ask-citizen", json={"question": "Xin số nhà cụ thể ạ"}
    )
    assert waiting["status"] == "waiting_citizen"
    assert waiting["sla"]["paused"] is True and waiting["sla"]["resolution"]["state"] == "paused"
    resumed = await api.json("agent", "POST", f"/api/tickets/{code}/citizen-replied", json={})
    assert resumed["status"] == "assigned" and resumed["sla"]["paused"] is False

    moved = await api.json(
        "supervisor",
        "POST",
        f"/api/tickets/{code}/assign",
        json={"agency": AGENCY_B, "reason": "Địa điểm thuộc phường Cao Lãnh"},
    )
    assert moved["agency"]["code"] == AGENCY_B
    assert moved["events"][-1]["type"] == "reassigned"
    await api.json("officer_a", "GET", f"/api/tickets/{code}", 404)
    assert (await api.json("officer_b", "GET", f"/api/tickets/{code}"))["code"] == code


async def test_public_lookups_are_rate_limited_per_client(api: Api) -> None:
    from ticketing.api.ratelimit import PUBLIC_RATE_LIMIT

    api.client.app[PUBLIC_RATE_LIMIT].limit = 3
    code = await ticket_at(api, AGENCY_A)
    statuses = [(await api.anonymous.get(f"/status/{code}")).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    page = await api.anonymous.get(f"/status/{code}")
    assert page.status == 429 and "tra cứu quá nhiều lần" in await page.text()
    open311 = await api.anonymous.get("/open311/v2/services.json")
    assert open311.status == 429 and (await open311.json())[0]["code"] == 429
    assert (await api.as_("agent").get(f"/api/tickets/{code}")).status == 200  # staff are not limited
