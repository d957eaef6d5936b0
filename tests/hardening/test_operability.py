"""Operable under faults (issue 14, item 6): liveness, readiness with the dependencies other components
register (the hub's rasa and outbox), Prometheus metrics with the hooks they fill."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from database import Database
from tests.ticketing.api_support import Api, _prepare, api_fixture  # noqa: F401
from ticketing.api.app import create_app
from ticketing.api.operability import METRIC_HOOKS, READINESS_CHECKS

TICKET = {"kind": "petition", "description": "Đèn đường hư", "channel": "phone", "auto_route": False}


async def test_liveness_and_readiness(api: Api) -> None:
    assert await (await api.anonymous.get("/healthz")).json() == {"status": "ok"}
    ready = await api.anonymous.get("/readyz")
    assert ready.status == 200
    assert (await ready.json())["checks"]["database"] == {"ok": True, "detail": "ok"}

    async def rasa_down() -> tuple[bool, str]:
        return False, "connection refused"

    async def outbox_hangs() -> tuple[bool, str]:
        await asyncio.sleep(30)
        return True, "ok"

    api.client.app[READINESS_CHECKS].update(rasa=rasa_down, outbox=outbox_hangs)
    not_ready = await api.anonymous.get("/readyz")
    assert not_ready.status == 503 and not_ready.headers["Retry-After"] == "5"
    checks = (await not_ready.json())["checks"]
    assert checks["database"]["ok"] and checks["rasa"] == {"ok": False, "detail": "connection refused"}
    assert checks["outbox"] == {"ok": False, "detail": "no answer within 2 s"}


async def test_metrics_show_latency_intake_sla_and_the_hooks(api: Api) -> None:
    await api.json("agent", "POST", "/api/tickets", 201, json=TICKET)
    await api.anonymous.get("/status/PA-991231-9999")
    api.client.app[METRIC_HOOKS]["bot_fallback_ratio"] = lambda: 0.125
    response = await api.anonymous.get("/metrics")
    assert response.status == 200 and response.content_type == "text/plain"
    text = await response.text()
    assert (
        'helpdesk_http_request_duration_seconds_count{method="POST",route="/api/tickets",status="201"} 1.0'
        in text
    )
    assert 'route="/status/{code}"' in text and "PA-991231" not in text  # routes, not paths
    assert 'helpdesk_tickets_created_total{via="api"} 1.0' in text
    assert 'helpdesk_open_tickets{sla_state="on_time"} 1.0' in text
    assert "helpdesk_outbox_backlog 0.0" in text and "helpdesk_handoff_queue_length 0.0" in text
    assert "helpdesk_bot_fallback_ratio 0.125" in text


async def test_metrics_are_for_loopback_or_the_metrics_token(
    db: Database, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _prepare(db)
    client = await aiohttp_client(create_app(db.url, trusted_proxies="127.0.0.1"))
    outside = {"X-Forwarded-For": "203.0.113.9"}
    assert (await client.get("/metrics", headers=outside)).status == 403
    monkeypatch.setenv("HELPDESK_METRICS_TOKEN", "scrape-token-1022")
    assert (await client.get("/metrics", headers=outside)).status == 403
    scraped = await client.get("/metrics", headers={**outside, "Authorization": "Bearer scrape-token-1022"})
    assert scraped.status == 200
