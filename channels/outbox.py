"""The persistent outbox: every message to a citizen goes out from here, on the citizen's own channel.

Rows are ``outbound_messages`` (ticketing's queue: bot replies, agents' messages, the hub's notices,
agencies' answers, notifications, announcements) with their transcript row in ``hub_messages``.
One loop per hub process:

- claims the due messages of each recipient, sent one after the other (a recipient's messages leave in
  order; claims expire, so a crashed process's messages are taken over);
- asks the adapter's send rule (Zalo's 48-hour window): a held message waits, the agents are told, and
  it is released when the citizen writes again;
- sends through the adapter, at most ``max_messages_per_second`` per channel;
- on :class:`~channels.contract.SendError` retries with exponential backoff and jitter (or the platform's
  ``retry_after``), gives up after ``outbox_max_attempts`` or a non-retryable error (status ``failed``);
- records every attempt (``outbox_attempts``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Mapping

from channels import store
from channels.contract import ChannelAdapter, DeliveryContext, SendError, SendVerdict
from channels.db import HubDatabase
from channels.events import LocalBus
from channels.settings import HubSettings
from ticketing.models import utcnow

log = logging.getLogger(__name__)

CLAIM_SECONDS = 60.0


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


class RateLimiter:
    """At most ``rate`` sends a second (a simple spacing limiter per channel)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval


class Outbox:
    def __init__(
        self,
        db: HubDatabase,
        settings: HubSettings,
        adapters: Mapping[str, ChannelAdapter],
        bus: LocalBus,
        wakeup: asyncio.Event,
    ) -> None:
        self.db = db
        self.settings = settings
        self.adapters = adapters
        self.bus = bus
        self.wakeup = wakeup
        self.limiters = {name: RateLimiter(a.max_messages_per_second) for name, a in adapters.items()}
        self._task: asyncio.Task[None] | None = None

    def retry_delay(self, attempts: int, retry_after: float | None) -> float | None:
        """Seconds before the next try after ``attempts`` failed ones; None: give up."""
        if attempts >= self.settings.outbox_max_attempts:
            return None
        if retry_after is not None:
            return max(0.0, retry_after)
        delay = min(self.settings.outbox_max_delay, self.settings.outbox_base_delay * 2 ** (attempts - 1))
        return delay * random.uniform(0.8, 1.2)

    async def run_once(self) -> int:
        """Send what is due now; how many messages were tried. The outcomes of a pass are written in one
        transaction."""
        deliveries = await self.db.write(store.claim_deliveries, list(self.adapters), utcnow(), CLAIM_SECONDS)
        if not deliveries:
            return 0
        outcomes = await self.deliver_all(deliveries)
        await self.db.write(store.record_outcomes, outcomes, utcnow())
        await self._publish(outcomes)
        return len(deliveries)

    async def deliver_all(self, deliveries: list[store.Delivery]) -> list[store.Outcome]:
        """Recipients side by side; each recipient's messages one after the other, in order."""
        runs: dict[tuple[str, str], list[store.Delivery]] = {}
        for delivery in deliveries:
            runs.setdefault((delivery.channel, delivery.recipient), []).append(delivery)
        done = await asyncio.gather(*(self._deliver_run(run) for run in runs.values()))
        return [outcome for run in done for outcome in run]

    async def _deliver_run(self, run: list[store.Delivery]) -> list[store.Outcome]:
        """After a message that did not go (failed, held), the recipient's next ones wait: released."""
        outcomes: list[store.Outcome] = []
        for i, delivery in enumerate(run):
            outcome = await self.deliver(delivery)
            outcomes.append(outcome)
            if outcome.kind != "sent":
                outcomes += [store.Outcome("released", later) for later in run[i + 1 :]]
                break
        return outcomes

    async def _publish(self, outcomes: list[store.Outcome]) -> None:
        for outcome in outcomes:
            if outcome.kind not in ("sent", "held"):
                continue
            await self.bus.publish(
                {
                    "type": "delivered" if outcome.kind == "sent" else "held",
                    "conversation_id": outcome.delivery.conversation_id,
                    "channel": outcome.delivery.channel,
                    "channel_user_id": outcome.delivery.recipient,
                    "message_id": outcome.delivery.hub_message_id,
                    **({"reason": outcome.error} if outcome.kind == "held" else {}),
                }
            )

    async def deliver(self, delivery: store.Delivery) -> store.Outcome:
        """One attempt at one message (nothing written here: see :meth:`run_once`)."""
        adapter = self.adapters[delivery.channel]
        rule = adapter.send_rule(
            delivery.message, DeliveryContext(delivery.recipient, delivery.last_inbound_at, utcnow())
        )
        if rule.verdict == SendVerdict.HOLD:
            return store.Outcome("held", delivery, error=rule.reason)
        await self.limiters[delivery.channel].wait()
        started = time.monotonic()
        try:
            await adapter.send(delivery.recipient, delivery.message)
        except SendError as exc:
            retry_in = self.retry_delay(delivery.attempts + 1, exc.retry_after) if exc.retryable else None
            log.warning(
                "send failed on %s (message %s, attempt %s): %s%s",
                delivery.channel,
                delivery.outbound_message_id,
                delivery.attempts + 1,
                exc,
                "" if retry_in is not None else "; giving up",
            )
            return store.Outcome("failed", delivery, _ms(started), str(exc), retry_in)
        except Exception as exc:  # an adapter bug must not lose the message: retried like a send error
            log.exception(
                "adapter %s raised while sending message %s", delivery.channel, delivery.outbound_message_id
            )
            error = f"adapter error: {type(exc).__name__}"
            return store.Outcome(
                "failed", delivery, _ms(started), error, self.retry_delay(delivery.attempts + 1, None)
            )
        return store.Outcome("sent", delivery, _ms(started))

    async def run_forever(self) -> None:
        """Pass after pass while there is work: each pass's outcomes are written in the transaction that
        claims the next pass's messages; idle, wait for a wake-up (or a second: retries, other processes)."""
        channels = list(self.adapters)
        deliveries: list[store.Delivery] = []
        while True:
            try:
                self.wakeup.clear()
                if not deliveries:
                    deliveries = await self.db.write(
                        store.claim_deliveries, channels, utcnow(), CLAIM_SECONDS
                    )
                if deliveries:
                    outcomes = await self.deliver_all(deliveries)
                    deliveries = []  # claims not written back expire (CLAIM_SECONDS) if the write fails
                    deliveries = await self.db.write(
                        store.claim_after_outcomes, outcomes, channels, utcnow(), CLAIM_SECONDS
                    )
                    await self._publish(outcomes)
                    continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox pass failed")
                deliveries = []
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), timeout=1.0)  # retries and other processes

    def start(self) -> None:
        self._task = asyncio.create_task(self.run_forever())

    @property
    def running(self) -> bool:
        """Whether the sending loop of this process is alive (readiness)."""
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
