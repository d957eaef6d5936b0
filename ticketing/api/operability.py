"""Health and metrics of the ticketing API: ``/healthz``, ``/readyz``, ``/metrics``.

- ``GET /healthz``: liveness, 200 while the process serves requests (no dependency is checked).
- ``GET /readyz``: readiness: the database (``SELECT 1``) and every check other components register
  under ``app[READINESS_CHECKS]`` (the conversation hub registers ``rasa`` and ``outbox``), each bounded
  by `CHECK_TIMEOUT`; 200 when all pass, else 503 with ``Retry-After`` and which check failed.
- ``GET /metrics``: Prometheus text format: request latency by route, tickets created (intake), open
  tickets by SLA state, the outbox backlog and the handoff queue from the database, and every gauge other
  components register under ``app[METRIC_HOOKS]`` (the hub: ``bot_fallback_ratio`` ...). Served to
  loopback clients, or with ``Authorization: Bearer $HELPDESK_METRICS_TOKEN`` when that is set.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session

from ticketing.api.context import DATABASE
from ticketing.api.errors import Forbidden
from ticketing.api.handlers.common import ok
from ticketing.api.routes import Call, Route
from ticketing.models import (
    OPEN_STATUSES,
    Conversation,
    ConversationStatus,
    OutboundMessage,
    OutboundStatus,
    Ticket,
    utcnow,
)
from ticketing.sla import overdue_condition

CHECK_TIMEOUT = 2.0
METRICS_TOKEN_ENV = "HELPDESK_METRICS_TOKEN"

ReadinessCheck = Callable[[], Awaitable[tuple[bool, str]]]
MetricHook = Callable[[], float | None]
READINESS_CHECKS = web.AppKey("readiness_checks", dict)
METRIC_HOOKS = web.AppKey("metric_hooks", dict)
METRICS = web.AppKey("metrics", object)


# -- readiness ---------------------------------------------------------------------------------


def _database_answers(session: Session) -> None:
    session.execute(text("SELECT 1"))


async def _run_check(name: str, check: ReadinessCheck) -> tuple[str, bool, str]:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            passed, detail = await check()
    except TimeoutError:
        return name, False, f"no answer within {CHECK_TIMEOUT:g} s"
    except Exception as exc:  # a failing dependency is a finding, not a crash
        return name, False, type(exc).__name__
    return name, passed, detail


async def readiness(app: web.Application) -> tuple[bool, dict[str, dict[str, Any]]]:
    async def database() -> tuple[bool, str]:
        await app[DATABASE].read(_database_answers)
        return True, "ok"

    checks: dict[str, ReadinessCheck] = {"database": database, **app.get(READINESS_CHECKS, {})}
    results = await asyncio.gather(*(_run_check(n, c) for n, c in checks.items()))
    report = {name: {"ok": passed, "detail": detail} for name, passed, detail in results}
    return all(passed for _, passed, _ in results), report


async def healthz(request: web.Request, call: Call) -> web.StreamResponse:
    return ok({"status": "ok"})


async def readyz(request: web.Request, call: Call) -> web.StreamResponse:
    ready, report = await readiness(request.app)
    response = ok(
        {"status": "ready" if ready else "unavailable", "checks": report}, status=200 if ready else 503
    )
    if not ready:
        response.headers["Retry-After"] = "5"
    return response


# -- metrics -----------------------------------------------------------------------------------


def sla_and_queues(session: Session) -> dict[str, Any]:
    """Open tickets by SLA state, outbox backlog, handoff queue: one read at scrape time."""
    now = utcnow()
    open_ = Ticket.status.in_([str(s) for s in OPEN_STATUSES])
    overdue = overdue_condition(now)
    paused = Ticket.sla_paused_at.is_not(None)
    warning = and_(Ticket.resolution_warn_at.is_not(None), Ticket.resolution_warn_at <= now)
    count = select(func.count()).select_from(Ticket)
    states = {
        "overdue": session.scalar(count.where(open_, overdue)) or 0,
        "paused": session.scalar(count.where(open_, paused)) or 0,
        "warning": session.scalar(count.where(open_, ~overdue, ~paused, warning)) or 0,
    }
    total = session.scalar(count.where(open_)) or 0
    states["on_time"] = max(0, total - sum(states.values()))
    outbox = session.scalar(
        select(func.count())
        .select_from(OutboundMessage)
        .where(OutboundMessage.status == OutboundStatus.PENDING)
    )
    handoff = session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.status == ConversationStatus.PENDING,
            Conversation.handoff_requested_at.is_not(None),
            Conversation.assignee_user_id.is_(None),
        )
    )
    return {"sla": states, "outbox_backlog": outbox or 0, "handoff_queue": handoff or 0}


class _DatabaseCollector(Collector):
    """Gauges read from the database (and the hooks) when Prometheus scrapes."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.snapshot: dict[str, Any] | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        snapshot = self.snapshot or {}
        sla = GaugeMetricFamily("helpdesk_open_tickets", "Open tickets by SLA state", labels=["sla_state"])
        for state, value in sorted((snapshot.get("sla") or {}).items()):
            sla.add_metric([state], value)
        yield sla
        yield GaugeMetricFamily(
            "helpdesk_outbox_backlog",
            "Outbound messages waiting to be sent",
            value=snapshot.get("outbox_backlog", 0),
        )
        hooks: dict[str, MetricHook] = dict(self.app.get(METRIC_HOOKS, {}))
        if "handoff_queue_length" not in hooks:
            yield GaugeMetricFamily(
                "helpdesk_handoff_queue_length",
                "Conversations waiting for a human agent",
                value=snapshot.get("handoff_queue", 0),
            )
        for name, hook in sorted(hooks.items()):
            value = hook()
            if value is not None:
                yield GaugeMetricFamily(
                    f"helpdesk_{name}", f"{name} (reported by its component)", value=value
                )


class Metrics:
    def __init__(self, app: web.Application) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "helpdesk_http_request_duration_seconds",
            "Time to answer a request, by route",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.intake = Counter(
            "helpdesk_tickets_created", "Tickets created through the API", ["via"], registry=self.registry
        )
        self.database = _DatabaseCollector(app)
        self.registry.register(self.database)


INTAKE_ROUTES = {("POST", "/api/tickets"): "api", ("POST", "/open311/v2/requests.{format}"): "open311"}


@web.middleware
async def metrics_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        metrics: Metrics = request.app[METRICS]  # type: ignore[assignment]
        resource = request.match_info.route.resource if request.match_info.route else None
        route = resource.canonical if resource is not None else "unmatched"
        route = route.replace("{format:json|xml}", "{format}")
        metrics.latency.labels(request.method, route, str(status)).observe(time.perf_counter() - started)
        via = INTAKE_ROUTES.get((request.method, route))
        if via is not None and status == 201:
            metrics.intake.labels(via).inc()


def _may_read_metrics(request: web.Request) -> bool:
    token = os.environ.get(METRICS_TOKEN_ENV)
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


async def metrics_handler(request: web.Request, call: Call) -> web.StreamResponse:
    if not _may_read_metrics(request):
        raise Forbidden("Metrics are served to loopback clients or with the metrics token.")
    metrics: Metrics = request.app[METRICS]  # type: ignore[assignment]
    metrics.database.snapshot = await call.read(sla_and_queues)
    body = generate_latest(metrics.registry)
    response = web.Response(body=body)
    response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
    return response


def install(app: web.Application) -> None:
    app[METRICS] = Metrics(app)
    app[READINESS_CHECKS] = {}
    app[METRIC_HOOKS] = {}


ROUTES = [
    Route("GET", "/healthz", healthz, "Liveness: the process serves requests", "operations", access="public"),
    Route(
        "GET",
        "/readyz",
        readyz,
        "Readiness: the database and registered dependencies answer",
        "operations",
        access="public",
        responses={200: "Ready", 503: "A dependency does not answer (Retry-After)"},
    ),
    Route(
        "GET",
        "/metrics",
        metrics_handler,
        "Prometheus metrics (loopback or metrics token)",
        "operations",
        access="public",
        produces=("text/plain",),
        responses={200: "Metrics", 403: "Not a loopback client and no metrics token"},
    ),
]
