"""The conversation hub: every citizen message, from every channel, to the bot or to the agents.

    adapter/webhook ─> receive(): normalise once ─> store (de-duplicated) ─> 200 to the platform
                                                        │
                       per-conversation worker (lease) <┘  messages in order, one at a time
                         state bot      ─> Rasa REST webhook ─> replies into the outbox
                                           (Rasa down: acknowledgement once, retried with backoff,
                                            handed to the agents after ``bot_down_handoff_after``)
                         state pending  ─> kept for the agents; the citizen hears the queue position
                         state open     ─> kept for the agent (live over the agents' WebSocket)

Nothing is held only in memory: a message is in the database before the platform gets its 200, and the
periodic sweep picks up whatever a crash, a restart or another hub process left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from channels import store, supplements, texts
from channels.contract import (
    MAX_ATTACHMENT_BYTES,
    ChannelAdapter,
    InboundMessage,
    OutgoingMessage,
    ReceiveOutcome,
)
from channels.db import HubDatabase
from channels.events import LocalBus
from channels.models import Author, HubState, InboundState
from channels.rasa_client import BotReply, BotUnavailable, RasaClient
from channels.settings import HubSettings
from channels.states import BOT, CITIZEN, SYSTEM, Actor, Transition, transition
from channels.subscriptions import parse_subscription_command
from ticketing.models import Conversation, utcnow
from vietnam.text import normalize_text
from vietnam.workdays import default_calendar

log = logging.getLogger(__name__)

LEASE_SECONDS = 120.0


class Hub:
    def __init__(
        self,
        db: HubDatabase,
        settings: HubSettings,
        bot: RasaClient,
        bus: LocalBus,
        adapters: Sequence[ChannelAdapter] = (),
    ) -> None:
        self.db = db
        self.settings = settings
        self.bot = bot
        self.bus = bus
        self.adapters: dict[str, ChannelAdapter] = {a.name: a for a in adapters}
        self.instance = uuid.uuid4().hex[:12]
        self.calendar = default_calendar()
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._kicked: set[int] = set()  # conversations kicked while their worker was running
        self._tasks: list[asyncio.Task[None]] = []
        self.outbox_wakeup = asyncio.Event()

    # -- inbound -------------------------------------------------------------------------------

    async def receive(self, messages: Sequence[InboundMessage]) -> list[ReceiveOutcome]:
        """Store each message once (normalised), then let its conversation's worker handle it."""
        outcomes = []
        for message in messages:
            outcome, stored = await self.db.write(
                store.record_inbound_viewed, message, normalize_text(message.text), utcnow()
            )
            outcomes.append(outcome)
            if not outcome.duplicate and message.attachments:
                self._spawn(self._store_attachments(outcome.message_id, message))
            if not outcome.duplicate:
                await self.bus.publish(
                    {
                        "type": "message",
                        "conversation_id": outcome.conversation_id,
                        "channel": message.channel,
                        "channel_user_id": message.channel_user_id,
                        "message": stored,
                    }
                )
                self.kick(outcome.conversation_id)
        return outcomes

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.append(task)
        task.add_done_callback(lambda t: self._tasks.remove(t) if t in self._tasks else None)

    async def _store_attachments(self, message_id: int, message: InboundMessage) -> None:
        """Download a message's photos and files through its adapter and keep them (size-limited) under
        ``attachments_dir``, named by their SHA-256; the message row records what was kept."""
        adapter = self.adapters.get(message.channel)
        if adapter is None:
            return
        kept: list[dict[str, Any]] = []
        for attachment in message.attachments:
            entry = attachment.to_json()
            if attachment.kind != "location":
                try:
                    content = await adapter.fetch_attachment(attachment, MAX_ATTACHMENT_BYTES)
                except Exception:
                    log.exception("attachment download failed on %s", message.channel)
                    content = None
                if content is not None and len(content) <= MAX_ATTACHMENT_BYTES:
                    entry["stored"] = await asyncio.to_thread(self._keep, content)
                    entry["size"] = len(content)
                else:
                    entry["stored"] = None
            kept.append(entry)
        await self.db.write(store.set_attachments, message_id, kept)

    def _keep(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        folder = Path(self.settings.attachments_dir)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / digest
        if not target.exists():
            partial = target.with_suffix(".part")
            partial.write_bytes(content)
            partial.replace(target)
        return digest

    def kick(self, conversation_id: int) -> None:
        """Make sure a worker handles this conversation's waiting messages (one worker per conversation)."""
        task = self._workers.get(conversation_id)
        if task is not None and not task.done():
            self._kicked.add(conversation_id)  # the running worker looks again before it stops
            return
        task = asyncio.create_task(self._work(conversation_id))
        self._workers[conversation_id] = task
        task.add_done_callback(lambda t, cid=conversation_id: self._worker_done(cid, t))

    def _worker_done(self, conversation_id: int, task: asyncio.Task[None]) -> None:
        if self._workers.get(conversation_id) is task:
            del self._workers[conversation_id]
            self._kicked.discard(conversation_id)
        if not task.cancelled() and task.exception() is not None:
            log.error("conversation %s worker failed", conversation_id, exc_info=task.exception())

    async def _work(self, conversation_id: int) -> None:
        """Handle the conversation's due messages in order, holding its lease. Each step's transaction
        also reads the next message and, when none is due, gives the lease back, so a turn costs two
        transactions. A message stored after that is seen through :meth:`kick`: the worker looks again."""
        while True:
            self._kicked.discard(conversation_id)
            claimed, pending = await self.db.write(
                store.claim_next, conversation_id, self.instance, utcnow(), LEASE_SECONDS
            )
            if not claimed:
                return  # another hub process has it; the sweep comes back if it stops
            released = pending is None
            try:
                while pending is not None:
                    pending = await self._handle(pending)
                released = True
            finally:
                if not released:  # a step failed: give the lease back for the next worker or process
                    await self.db.write(store.release_conversation, conversation_id, self.instance)
            if conversation_id not in self._kicked:
                return

    async def _handle(self, pending: store.PendingInbound) -> store.PendingInbound | None:
        """Handle one message; the conversation's next due message, or None when there is none (or it must
        wait: the bot is down), in which case the step's transaction gave the lease back."""
        command = parse_subscription_command(pending.normalized_text)
        if command is not None:
            return await self._say(pending, InboundState.HANDLED, command.apply)
        if pending.state != HubState.BOT:
            return await self._for_agents(pending)
        if not pending.payload and await self.db.read(
            supplements.waits_for_answer, pending.channel, pending.channel_user_id
        ):
            taken, following = await self._answer_for_ticket(pending)
            if taken:
                return following
        text = pending.payload or pending.normalized_text
        if not text.strip():  # a photo, file or location alone: kept with the conversation, not for the bot
            return await self._say(pending, InboundState.HANDLED, texts.ATTACHMENT_KEPT)
        try:
            reply = await self.bot.send(pending.sender_id, text, pending.channel, pending.channel_user_id)
        except BotUnavailable as exc:
            log.warning("bot unavailable for conversation %s: %s", pending.conversation_id, exc)
            await self._bot_unavailable(pending)
            return None
        return await self._bot_answered(pending, reply)

    async def _answer_for_ticket(
        self, pending: store.PendingInbound
    ) -> tuple[bool, store.PendingInbound | None]:
        """Record the message on the citizen's ticket that waits for their answer (channels/supplements.py);
        whether it was taken, and the conversation's next message."""

        def write(session: Session) -> tuple[bool, store.PendingInbound | None]:
            now = utcnow()
            said = supplements.take_answer(
                session, pending.channel, pending.channel_user_id, pending.text, now
            )
            if said is None:  # answered meanwhile (by staff): the message is the bot's
                return False, None
            store.mark_inbound(session, pending.id, InboundState.HANDLED)
            store.enqueue(
                session, pending.conversation_id, Author.SYSTEM, OutgoingMessage(said, purpose="system"), now
            )
            return True, store.next_or_release(session, pending.conversation_id, self.instance, now)

        taken, following = await self.db.write(write)
        if taken:
            await self._after_write(pending.conversation_id, None)
        return taken, following

    # -- the bot -------------------------------------------------------------------------------

    async def _bot_answered(
        self, pending: store.PendingInbound, reply: BotReply
    ) -> store.PendingInbound | None:
        def write(session: Session) -> tuple[Transition | None, store.PendingInbound | None]:
            now = utcnow()
            store.mark_inbound(session, pending.id, InboundState.ANSWERED)
            store.bot_is_back(session, pending.conversation_id)
            if reply.messages:
                store.enqueue_many(session, pending.conversation_id, Author.BOT, reply.messages, now)
            moved = None
            if reply.handoff:
                moved = transition(
                    session,
                    pending.conversation_id,
                    HubState.PENDING,
                    BOT,
                    reason="bot_handoff",
                    already_from=HubState.BOT,
                    now=now,
                )
                self._queue_notice(session, pending.conversation_id, now, force=True)
            return moved, store.next_or_release(session, pending.conversation_id, self.instance, now)

        moved, following = await self.db.write(write)
        await self._after_write(pending.conversation_id, moved)
        return following

    async def _bot_unavailable(self, pending: store.PendingInbound) -> None:
        settings = self.settings

        def write(session: Session) -> Transition | None:
            now = utcnow()
            # The message waits for its retry (or goes to the agents): this worker stops here.
            store.release_conversation(session, pending.conversation_id, self.instance)
            attempts = store.defer_inbound(
                session,
                pending.id,
                now,
                min(settings.bot_retry_max_delay, 2.0 ** min(pending.attempts, 10))
                * random.uniform(0.8, 1.2),
            )
            hub = store.set_bot_down(session, pending.conversation_id, now)
            first = pending.first_attempt_at or now
            if (now - first).total_seconds() >= settings.bot_down_handoff_after:
                moved = transition(
                    session,
                    pending.conversation_id,
                    HubState.PENDING,
                    SYSTEM,
                    reason="bot_unavailable",
                    now=now,
                )
                store.mark_inbound(session, pending.id, InboundState.FOR_AGENTS)
                store.enqueue(
                    session,
                    pending.conversation_id,
                    Author.SYSTEM,
                    OutgoingMessage(texts.BOT_DOWN_HANDOFF, purpose="system"),
                    now,
                )
                self._queue_notice(session, pending.conversation_id, now, force=True)
                return moved
            if hub.bot_down_notice_at is None and attempts == 1:
                hub.bot_down_notice_at = now
                store.enqueue(
                    session,
                    pending.conversation_id,
                    Author.SYSTEM,
                    OutgoingMessage(texts.BOT_DOWN_ACK, purpose="system"),
                    now,
                )
            return None

        moved = await self.db.write(write)
        await self._after_write(pending.conversation_id, moved)

    # -- the agents ----------------------------------------------------------------------------

    async def _for_agents(self, pending: store.PendingInbound) -> store.PendingInbound | None:
        def write(session: Session) -> store.PendingInbound | None:
            now = utcnow()
            store.mark_inbound(session, pending.id, InboundState.FOR_AGENTS)
            if pending.state == HubState.PENDING:
                self._queue_notice(session, pending.conversation_id, now, force=False)
            return store.next_or_release(session, pending.conversation_id, self.instance, now)

        following = await self.db.write(write)
        await self._after_write(pending.conversation_id, None)
        return following

    def _queue_notice(self, session: Session, conversation_id: int, now: datetime, *, force: bool) -> None:
        """Tell a waiting citizen where they stand (or, out of hours, when agents are back); at most every
        ``queue_notice_every`` seconds unless ``force``."""
        hub = store.hub_row(session, conversation_id)
        every = timedelta(seconds=self.settings.queue_notice_every)
        if not force and hub.queue_notice_at is not None and now - hub.queue_notice_at < every:
            return
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        if self.calendar.is_open(now):
            text = texts.queued(
                store.queue_position(session, conversation), store.typical_wait_seconds(session, now)
            )
        else:
            text = texts.out_of_hours(self.calendar.next_opening(now))
        hub.queue_notice_at = now
        store.enqueue(session, conversation, Author.SYSTEM, OutgoingMessage(text, purpose="system"), now)

    async def move(
        self,
        conversation_id: int,
        to: HubState,
        actor: Actor,
        *,
        agent_user_id: int | None = None,
        reason: str | None = None,
        say: str | None = None,
    ) -> Transition:
        """A state change asked for by an agent (``agent_user_id``) or the citizen (take, hand back,
        resolve, ask for a person), with what the citizen is told (``say``; ``{agent}``: the agent's name)."""

        def write(session: Session) -> Transition:
            now = utcnow()
            who = actor
            if agent_user_id is not None:
                who = Actor.agent(store.user_by_id(session, agent_user_id))
            moved = transition(session, conversation_id, to, who, reason=reason, now=now)
            if moved.changed:
                if say:
                    name = who.user.display_name if who.user else ""
                    message = OutgoingMessage(say.format(agent=name), purpose="system")
                    store.enqueue(session, conversation_id, Author.SYSTEM, message, now)
                if to == HubState.PENDING:
                    self._queue_notice(session, conversation_id, now, force=True)
            return moved

        moved = await self.db.write(write)
        await self._after_write(conversation_id, moved)
        if moved.changed and to == HubState.BOT:
            self.kick(conversation_id)
        return moved

    async def agent_reply(self, conversation_id: int, agent_user_id: int, text: str) -> dict[str, Any]:
        """An agent writes to the citizen; the conversation must be open with this agent."""
        from ticketing import conversations as records

        def write(session: Session) -> dict[str, Any]:
            now = utcnow()
            agent = store.user_by_id(session, agent_user_id)
            state = store.conversation_state(session, conversation_id)
            if state in (HubState.BOT, HubState.PENDING):
                transition(session, conversation_id, HubState.OPEN, Actor.agent(agent), now=now)
            elif state == HubState.RESOLVED:
                raise store.states.IllegalConversationTransition("the conversation is resolved")
            conversation = store.states.lock(session, conversation_id)
            if conversation.assignee_user_id != agent.id:
                raise store.states.IllegalConversationTransition("another agent has this conversation")
            records.record_agent_reply(session, conversation, now=now)
            row = store.enqueue(
                session,
                conversation,
                Author.AGENT,
                OutgoingMessage(normalize_text(text), purpose="agent"),
                now,
                agent_user_id=agent.id,
            )
            return store.message_json(row, "pending")

        message = await self.db.write(write)
        await self._after_write(conversation_id, None)
        return message

    # -- commands handled by the hub itself ----------------------------------------------------

    async def _say(
        self, pending: store.PendingInbound, state: InboundState, what: Any
    ) -> store.PendingInbound | None:
        """Mark the message handled by the hub and answer it with ``what`` (a text, or a function of
        ``(session, channel, channel_user_id, now)`` giving one)."""

        def write(session: Session) -> store.PendingInbound | None:
            now = utcnow()
            text = (
                what
                if isinstance(what, str)
                else what(session, pending.channel, pending.channel_user_id, now)
            )
            store.mark_inbound(session, pending.id, state)
            store.enqueue(
                session, pending.conversation_id, Author.SYSTEM, OutgoingMessage(text, purpose="system"), now
            )
            return store.next_or_release(session, pending.conversation_id, self.instance, now)

        following = await self.db.write(write)
        await self._after_write(pending.conversation_id, None)
        return following

    # -- events --------------------------------------------------------------------------------

    async def notify_agents(self, channel_user_id: str, kind: str, text: str) -> None:
        """An adapter tells the agents something about a conversation (English, no personal data)."""
        await self.bus.publish(
            {"type": "notice", "channel_user_id": channel_user_id, "kind": kind, "text": text}
        )

    async def _after_write(self, conversation_id: int, moved: Transition | None) -> None:
        self.outbox_wakeup.set()
        if moved is not None and moved.changed:
            await self.bus.publish(
                {
                    "type": "state",
                    "conversation_id": conversation_id,
                    "from": moved.from_state.value,
                    "state": moved.to_state.value,
                }
            )

    # -- background ----------------------------------------------------------------------------

    async def sweep_once(self) -> None:
        """Kick every conversation with a due message that no worker holds (after a restart, a retry
        delay, another process's crash), and adopt the messages the ticketing core queued."""
        for conversation_id in await self.db.read(store.due_conversations, utcnow()):
            if conversation_id not in self._workers:  # a running worker reads the next message itself
                self.kick(conversation_id)
        channels = list(self.adapters)
        if await self.db.read(store.has_unadopted, channels) and await self.db.write(
            store.adopt_ticketing_outbound, channels, utcnow()
        ):
            self.outbox_wakeup.set()

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("hub sweep failed")
            await asyncio.sleep(self.settings.sweep_every)

    def start_background(self) -> None:
        self._tasks.append(asyncio.create_task(self._sweep_forever()))

    async def stop(self) -> None:
        for task in [*self._tasks, *self._workers.values()]:
            task.cancel()
        for task in [*self._tasks, *self._workers.values()]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()


__all__ = ["CITIZEN", "Hub"]
