"""Live events for the agents' and visitors' WebSockets: in-process, or through Redis when several hub
processes serve one deployment (``HUB_REDIS_URL``). Events are hints: clients that miss one (reconnect)
read the store after their last message id, so nothing is lost.

An event is a JSON object with ``type`` (``message``, ``state``, ``held``), ``conversation_id``, ``channel``,
``channel_user_id`` and the message or state.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Event = dict[str, Any]
Filter = Callable[[Event], bool]
QUEUE_SIZE = 1000


class Subscription:
    def __init__(self, bus: LocalBus, accept: Filter) -> None:
        self.bus = bus
        self.accept = accept
        self.queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)

    def offer(self, event: Event) -> None:
        if self.accept(event):
            with contextlib.suppress(asyncio.QueueFull):  # a stuck client reconnects and catches up
                self.queue.put_nowait(event)

    async def get(self) -> Event:
        return await self.queue.get()

    def close(self) -> None:
        self.bus.subscriptions.discard(self)


class LocalBus:
    def __init__(self) -> None:
        self.subscriptions: set[Subscription] = set()

    def subscribe(self, accept: Filter) -> Subscription:
        sub = Subscription(self, accept)
        self.subscriptions.add(sub)
        return sub

    def dispatch(self, event: Event) -> None:
        for sub in list(self.subscriptions):
            sub.offer(event)

    async def publish(self, event: Event) -> None:
        self.dispatch(event)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisBus(LocalBus):
    """Every process publishes to one Redis channel and dispatches what it reads to its own clients."""

    def __init__(self, url: str, channel: str = "hub1022:events") -> None:
        super().__init__()
        self.url = url
        self.channel = channel
        self._task: asyncio.Task[None] | None = None
        self._redis: Any = None

    async def start(self) -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(self.url)
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self.channel)
        self._task = asyncio.create_task(self._read(pubsub))

    async def _read(self, pubsub: Any) -> None:
        while True:
            try:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message and message.get("type") == "message":
                    self.dispatch(json.loads(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:  # keep reading: a lost event is caught up by the clients
                log.exception("event bus read failed")
                await asyncio.sleep(1)

    async def publish(self, event: Event) -> None:
        try:
            await self._redis.publish(self.channel, json.dumps(event, ensure_ascii=False))
        except Exception:
            log.exception("event bus publish failed; delivering locally only")
            self.dispatch(event)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._redis is not None:
            await self._redis.aclose()
