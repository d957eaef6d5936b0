"""The one application server: the conversation hub, the web chat, the agents' API and the ticketing API
on one aiohttp application and one port (``python -m channels``, ``make run``: 127.0.0.1:8080).

Several copies can run behind a proxy on one database (PostgreSQL) with ``HUB_REDIS_URL`` set: messages
are stored before they are acknowledged, a conversation is handled by one process at a time (a lease in
the database), outbox claims expire, and live events go through Redis (docs/hub.md).
"""

from __future__ import annotations

import asyncio
import logging
import os

import aiohttp
from aiohttp import web

from channels import notifications
from channels.agents import ROUTES as AGENT_ROUTES
from channels.contract import ChannelAdapter, HubContext
from channels.db import HubDatabase
from channels.events import LocalBus, RedisBus
from channels.hub import Hub
from channels.identity import load_key
from channels.outbox import Outbox
from channels.rasa_client import RasaClient
from channels.registry import configured_adapters
from channels.settings import HubSettings
from channels.state_store import DatabaseChannelState
from channels.ticket_attachments import ROUTES as ATTACHMENT_ROUTES
from channels.webchat.routes import HUB, KNOWN_SESSIONS, SESSION_LIMIT, KnownSessions, new_session_limit
from channels.webchat.routes import ROUTES as WEBCHAT_ROUTES
from channels.webhooks import webhook_handler
from ticketing.api.app import ROUTE_TABLE
from ticketing.api.app import create_app as create_ticketing_app
from ticketing.api.operability import METRIC_HOOKS, READINESS_CHECKS, ReadinessCheck
from ticketing.api.routes import register_routes

log = logging.getLogger(__name__)

OUTBOX = web.AppKey("outbox", Outbox)
BACKGROUND = web.AppKey("background", list)
HTTP = web.AppKey("http", dict)


def _rasa_ready(hub: Hub) -> ReadinessCheck:
    """Ready when at least one Rasa process answers; messages to a down one wait in the store."""

    async def check() -> tuple[bool, str]:
        if hub.bot.http is None:
            return False, "not started"
        states = await hub.bot.health()
        up = sum(1 for s in states if s["up"])
        return up > 0, f"{up}/{len(states)} Rasa processes answer"

    return check


def _outbox_ready(outbox: Outbox, background: bool) -> ReadinessCheck:
    async def check() -> tuple[bool, str]:
        if not background:
            return True, "driven by the caller (background=False)"
        return (True, "sending") if outbox.running else (False, "sending loop stopped")

    return check


def create_app(
    database_url: str | None = None,
    settings: HubSettings | None = None,
    adapters: list[ChannelAdapter] | None = None,
    *,
    background: bool = True,
) -> web.Application:
    """The application over ``database_url`` (default ``DATABASE_URL``). ``background=False`` leaves the
    sweep, the outbox and the notification follower stopped (tests drive them)."""
    settings = settings or HubSettings.from_env()
    app = create_ticketing_app(database_url)
    db = HubDatabase.open(database_url)
    if adapters is None:
        adapters = configured_adapters(settings.raw or dict(os.environ))
    bus: LocalBus = RedisBus(settings.redis_url) if settings.redis_url else LocalBus()
    bot = RasaClient(settings.rasa_urls, None, load_key(settings.raw or None), timeout=settings.bot_timeout)  # type: ignore[arg-type]
    hub = Hub(db, settings, bot, bus, adapters)
    app[HUB] = hub
    app[SESSION_LIMIT] = new_session_limit(settings.webchat_sessions_per_minute)
    app[KNOWN_SESSIONS] = KnownSessions()
    app[OUTBOX] = Outbox(db, settings, hub.adapters, bus, hub.outbox_wakeup)
    app[BACKGROUND] = []
    app[HTTP] = {}
    routes = [*WEBCHAT_ROUTES, *AGENT_ROUTES, *ATTACHMENT_ROUTES]
    app[ROUTE_TABLE].extend(routes)
    register_routes(app, routes)
    app[READINESS_CHECKS].update(rasa=_rasa_ready(hub), outbox=_outbox_ready(app[OUTBOX], background))
    app[METRIC_HOOKS]["bot_fallback_ratio"] = bot.fallback_ratio
    for adapter in adapters:
        if adapter.webhook_path:
            app.router.add_post(adapter.webhook_path, webhook_handler(adapter, HUB))

    async def start(app: web.Application) -> None:
        http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60, connect=5))
        app[HTTP]["session"] = http
        hub.bot.http = http
        await bus.start()
        state = DatabaseChannelState(db)
        for adapter in hub.adapters.values():
            context = HubContext(
                http=http,
                inbound=hub,
                state=state.for_channel(adapter.name),
                settings=settings.raw,
                notify_agents=hub.notify_agents,
            )
            await adapter.start(context)
        if background:
            hub.start_background()
            app[OUTBOX].start()
            app[BACKGROUND].append(
                asyncio.create_task(
                    notifications.follow_forever(
                        db, list(hub.adapters), settings.notify_every, hub.outbox_wakeup
                    )
                )
            )

    async def stop(app: web.Application) -> None:
        for task in app[BACKGROUND]:
            task.cancel()
        await app[OUTBOX].stop()
        await hub.stop()
        for adapter in hub.adapters.values():
            try:
                await adapter.stop()
            except Exception:
                log.exception("adapter %s did not stop cleanly", adapter.name)
        await bus.stop()
        http = app[HTTP].get("session")
        if http is not None:
            await http.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app
