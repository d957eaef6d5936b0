"""The contract between the conversation hub and the channel adapters (Telegram, Zalo OA, web chat...).

Modelled on Rasa's ``rasa/core/channels/channel.py`` (``UserMessage``, ``InputChannel``, ``OutputChannel``):
an adapter only *translates* one platform's payloads to and from the shapes below. Everything that must
be done the same way for every channel lives once, in the hub (``channels/hub.py``, ``channels/outbox.py``):

- **signature checks**: the hub's webhook handler asks the adapter for the signature the platform sent and
  the one it expects (:meth:`ChannelAdapter.signature`), compares them in constant time, and answers
  401 with nothing stored when they differ;
- **answer fast, work later**: the hub stores the parsed messages and answers the platform at once
  (Zalo wants 200 within 2 s); the bot or the agents get them from the store, in order, in the background;
- **de-duplication**: by ``(channel, channel_message_id)`` in the store (platforms resend: Zalo by
  ``msg_id``, Telegram by chat and message id);
- **normalisation**: the hub calls ``vietnam.text.normalize_text`` once; adapters pass the text as typed;
- **retries**: :meth:`ChannelAdapter.send` sends once; the hub's persistent outbox retries with exponential
  backoff when it raises :class:`SendError` (``retryable``, ``retry_after``) and gives up after a limit;
- **send rules**: before each send the outbox asks :meth:`ChannelAdapter.send_rule` (Zalo's 48-hour
  consultation window); a held message waits in the outbox, the agents are told, and it is released when
  the citizen writes again;
- **rate**: the outbox never sends faster than :attr:`ChannelAdapter.max_messages_per_second`.

Writing an adapter (``channels/<platform>.py``)::

    class TelegramAdapter(ChannelAdapter):
        name = "telegram"                       # a ticketing.models.Channel value
        webhook_path = "/webhooks/telegram"     # POST route the hub registers (None: no webhook)

        @classmethod
        def from_settings(cls, settings):       # None when its credentials are not configured
            token = settings.get("TELEGRAM_BOT_TOKEN")
            return cls(token, settings.get("TELEGRAM_WEBHOOK_SECRET", "")) if token else None

        def signature(self, request: WebhookRequest) -> Signature:
            return Signature(provided=request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                             expected=self.secret)

        def parse(self, request: WebhookRequest) -> list[InboundMessage]: ...
        async def send(self, recipient: str, message: OutgoingMessage) -> SendResult: ...

and list it in ``channels/registry.py`` (``ADAPTERS``). An adapter that polls instead of receiving
webhooks (Telegram's polling mode) starts its loop in :meth:`ChannelAdapter.start` and hands what it reads
to ``context.inbound.receive(...)``: the same path, with the same de-duplication, as a webhook.

This module is the stable surface: only additive changes (new optional fields, new methods with defaults).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import enum
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import aiohttp

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "Attachment",
    "Button",
    "ChannelAdapter",
    "ChannelState",
    "DeliveryContext",
    "HubContext",
    "InboundMessage",
    "InboundSink",
    "MessagePurpose",
    "OutgoingMessage",
    "ReceiveOutcome",
    "SendError",
    "SendResult",
    "SendRule",
    "SendVerdict",
    "Signature",
    "WebhookRequest",
    "read_limited",
]

# Attachments larger than this are not stored (the citizen is told); photos from phones fit easily.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """A button under a message. ``payload`` is what comes back when pressed (``/request_human``);
    Telegram renders it as an inline keyboard button, Zalo as a ``oa.query.show`` button."""

    title: str
    payload: str


AttachmentKind = Literal["image", "file", "audio", "video", "location", "sticker"]


@dataclass(frozen=True)
class Attachment:
    """A photo, file or location. Inbound: the platform's reference (``url`` or ``platform_file_id``); the hub
    downloads it through :meth:`ChannelAdapter.fetch_attachment` and stores it (size-limited). Outbound:
    ``url`` of an image the citizen should see."""

    kind: AttachmentKind
    url: str | None = None
    platform_file_id: str | None = None
    mime_type: str | None = None
    name: str | None = None
    size: int | None = None
    latitude: float | None = None
    longitude: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Attachment:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class InboundMessage:
    """One message from a citizen, as the adapter read it from the platform.

    ``channel_message_id`` must be unique per channel and stable across the platform's resends (Zalo
    ``msg_id``, Telegram chat and message id): the hub keeps one message per
    ``(channel, channel_message_id)``.
    ``text`` is as typed (the hub normalises it). ``payload`` is set when a button was pressed; the hub
    sends the payload to the bot and shows ``text`` (the button's title) in the transcript.
    ``display_name`` and ``metadata`` are stored, never logged and never passed to the bot.
    """

    channel: str
    channel_user_id: str
    channel_message_id: str
    text: str = ""
    payload: str | None = None
    attachments: tuple[Attachment, ...] = ()
    sent_at: datetime | None = None
    display_name: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


MessagePurpose = Literal["reply", "agent", "notification", "announcement", "system"]


@dataclass(frozen=True)
class OutgoingMessage:
    """What the hub asks an adapter to deliver. ``purpose`` lets send rules tell a reply inside a
    conversation (``reply`` from the bot, ``agent`` from a person, ``system`` from the hub) from a message
    the citizen did not ask for (``notification`` of a ticket, ``announcement`` of a commune/ward)."""

    text: str
    buttons: tuple[Button, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    purpose: MessagePurpose = "reply"
    custom: Mapping[str, Any] | None = None  # the bot's json messages, for channels that render them

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "purpose": self.purpose}
        if self.buttons:
            data["buttons"] = [{"title": b.title, "payload": b.payload} for b in self.buttons]
        if self.attachments:
            data["attachments"] = [a.to_json() for a in self.attachments]
        if self.custom:
            data["custom"] = dict(self.custom)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OutgoingMessage:
        return cls(
            text=str(data.get("text") or ""),
            buttons=tuple(Button(str(b["title"]), str(b["payload"])) for b in data.get("buttons") or ()),
            attachments=tuple(Attachment.from_json(a) for a in data.get("attachments") or ()),
            purpose=data.get("purpose") or "reply",
            custom=data.get("custom") or None,
        )


@dataclass(frozen=True)
class WebhookRequest:
    """The platform's HTTP request as the hub read it: the raw body (signatures are over raw bytes)."""

    method: str
    path: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        """A header's value whatever the case its name arrived in (proxies lowercase names)."""
        value = self.headers.get(name)
        if value is not None:
            return value
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


@dataclass(frozen=True)
class Signature:
    """``provided``: what the request carries (None: nothing); ``expected``: what it must be. The hub
    compares them with ``hmac.compare_digest``; a missing or different signature answers 401."""

    provided: str | None
    expected: str


@dataclass(frozen=True)
class SendResult:
    """A successful send; ``platform_message_id`` when the platform returns one."""

    platform_message_id: str | None = None


class SendError(Exception):
    """A send that did not go through. ``retryable``: the outbox tries again later (network errors, 5xx,
    rate limits: set ``retry_after`` in seconds when the platform says); not retryable: the recipient
    blocked the account, the message is malformed... The message must not contain personal data."""

    def __init__(self, message: str, *, retryable: bool = True, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class SendVerdict(enum.StrEnum):
    SEND = "send"
    HOLD = "hold"  # keep it in the outbox, tell the agents; released when the citizen writes again


@dataclass(frozen=True)
class SendRule:
    verdict: SendVerdict
    reason: str = ""  # English, for the agents and the logs (no personal data)

    @classmethod
    def send(cls) -> SendRule:
        return cls(SendVerdict.SEND)

    @classmethod
    def hold(cls, reason: str) -> SendRule:
        return cls(SendVerdict.HOLD, reason)


@dataclass(frozen=True)
class DeliveryContext:
    """What a send rule may look at: when the citizen last wrote on this channel (None: never), now."""

    recipient: str
    last_inbound_at: datetime | None
    now: datetime


@dataclass(frozen=True)
class ReceiveOutcome:
    """What the hub did with one inbound message: ``stored`` (new) or ``duplicate`` (seen before)."""

    message_id: int
    conversation_id: int
    duplicate: bool


class InboundSink(Protocol):
    """The hub's entry point for adapters that read messages themselves (polling)."""

    async def receive(self, messages: Sequence[InboundMessage]) -> list[ReceiveOutcome]: ...


class ChannelState(Protocol):
    """Small durable key/value state per channel (access tokens...), shared by every hub process.

    ``compare_and_set`` is atomic: it writes only when the stored value is still ``expected`` (None: absent)
    and says whether it did. A single-use refresh token (Zalo) is rotated with it: read, refresh, then
    ``compare_and_set(old, new)``; a False means another process already refreshed: read again.
    """

    async def get(self, key: str) -> str | None: ...

    async def compare_and_set(self, key: str, expected: str | None, value: str) -> bool: ...

    def lock(self, name: str) -> AbstractAsyncContextManager[None]:
        """``async with state.lock(name):`` one holder at a time across every hub process sharing the
        database (a database lock, released if the holder dies): e.g. the one refresher of a single-use
        refresh token, the one poller of a bot."""
        ...


@dataclass
class HubContext:
    """What the hub gives an adapter at start: a shared HTTP client session (timeouts set), the inbound
    sink, durable state, a way to tell the agents something about a conversation, and the settings."""

    http: aiohttp.ClientSession
    inbound: InboundSink
    state: ChannelState
    settings: Mapping[str, str]
    notify_agents: Callable[[str, str, str], Awaitable[None]]  # (channel_user_id, kind, text_en)


async def read_limited(stream: aiohttp.StreamReader, limit: int) -> bytes | None:
    """The whole body of a download, or None as soon as it is larger than ``limit`` (for
    :meth:`ChannelAdapter.fetch_attachment`: one ``read(n)`` may return less than the whole body)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------------------------------------
# The adapter interface
# ---------------------------------------------------------------------------------------------


class ChannelAdapter(abc.ABC):
    """One platform. Instances are created by :meth:`from_settings` when the platform is configured."""

    #: The channel's name, a ``ticketing.models.Channel`` value (``telegram``, ``zalo``, ``webchat``).
    name: ClassVar[str]
    #: The POST route the hub registers for the platform's webhook, or None.
    webhook_path: ClassVar[str | None] = None
    #: The outbox's send rate limit for this channel (Telegram: 30 messages/s per bot).
    max_messages_per_second: ClassVar[float] = 20.0
    #: Set by :meth:`start`.
    context: HubContext | None = None

    @classmethod
    @abc.abstractmethod
    def from_settings(cls, settings: Mapping[str, str]) -> ChannelAdapter | None:
        """An adapter from settings (environment variables), or None when its credentials are absent."""

    # -- inbound ------------------------------------------------------------------------------------

    def signature(self, request: WebhookRequest) -> Signature | None:
        """The signature the webhook request carries and the one expected. None only for a channel whose
        webhook is not signed by design (never for Telegram or Zalo)."""
        return None

    def parse(self, request: WebhookRequest) -> list[InboundMessage] | Awaitable[list[InboundMessage]]:
        """The citizens' messages in a (verified) webhook request; [] for events to ignore. Raise
        ``ValueError`` for a malformed body (the hub answers 400 and stores nothing). May be ``async def``
        (an adapter that reads its :class:`ChannelState` to resolve a button's payload); the hub awaits it."""
        return []

    def webhook_response(self) -> tuple[int, str]:
        """What the hub answers the platform once the messages are stored."""
        return 200, "ok"

    async def fetch_attachment(self, attachment: Attachment, limit: int) -> bytes | None:
        """The attachment's bytes (at most ``limit``; None when larger or not downloadable). Read the
        whole body with :func:`read_limited`."""
        return None

    # -- outbound ----------------------------------------------------------------------------------

    @abc.abstractmethod
    async def send(self, recipient: str, message: OutgoingMessage) -> SendResult:
        """Deliver one message to ``recipient`` (the citizen's ``channel_user_id``); raise
        :class:`SendError` when it did not go through. Called by the outbox only, once per attempt."""

    def send_rule(self, message: OutgoingMessage, context: DeliveryContext) -> SendRule:
        """Whether ``message`` may go now (Zalo: only within 48 h of the citizen's last message)."""
        return SendRule.send()

    # -- life cycle --------------------------------------------------------------------------------

    async def start(self, context: HubContext) -> None:
        """Called once when the hub starts (polling loops and token refreshers start here: :meth:`spawn`)."""
        self.context = context

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coroutine`` in the background until the hub stops (a polling loop, a token refresher)."""
        tasks: set[asyncio.Task[Any]] = self.__dict__.setdefault("_background_tasks", set())
        task = asyncio.create_task(coroutine)
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return task

    async def stop(self) -> None:
        """Called once when the hub stops: cancels what :meth:`spawn` started (call it when overriding)."""
        tasks = list(self.__dict__.get("_background_tasks", ()))
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
