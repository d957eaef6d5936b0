"""Telegram (Bot API) through python-telegram-bot, inside the hub's event loop: no second server, no thread.

Two ways in, the same translation (:meth:`TelegramAdapter.read_update`) and the same store:

- **webhook** (``TELEGRAM_WEBHOOK_URL`` set, the public URL of ``/webhooks/telegram``): at start the adapter
  registers the webhook with its secret (``setWebhook``, retried until Telegram accepts it); Telegram sends
  each update with ``X-Telegram-Bot-Api-Secret-Token``, which the hub compares with the secret (401 and
  nothing stored when it differs).
- **polling** (no public URL): one ``getUpdates`` long-poll loop across all hub processes (a database lock,
  ``ChannelState.lock``); the offset moves on only after the updates are stored, so a crash re-reads them
  and the store keeps each message once.

Citizens write to the bot in a private chat; their ``chat.id`` is the channel identity. A message is
known by its chat and message id, a button press by its callback query id: both stay the same when
Telegram resends an update, and unlike ``update_id`` (which restarts at random after a week without
updates) they never come back for another message. Photos, documents,
voice, video and locations become attachments (the hub downloads them through :meth:`fetch_attachment`,
size-limited, and keeps them with the conversation); a photo's caption is its text.

Buttons are inline keyboards. A pressed button arrives as a ``callback_query``: it is answered (the
spinner stops) and reaches the bot as the button's payload, with its title in the transcript. Telegram
carries at most 64 bytes of ``callback_data``: a longer payload (``/ask_procedure{"procedure": ...}``) is
sent as a digest and kept in the channel state, where the press finds it again.

Sending errors: flood control (``RetryAfter``) and network errors are retried by the outbox; a bot blocked
by the citizen (``Forbidden``) or a malformed request (``BadRequest``) are not.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import warnings
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram import error as tg
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from channels.contract import (
    Attachment,
    ChannelAdapter,
    HubContext,
    InboundMessage,
    OutgoingMessage,
    SendError,
    SendResult,
    Signature,
    WebhookRequest,
)

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query")
CALLBACK_DATA_MAX_BYTES = 64  # Bot API limit of InlineKeyboardButton.callback_data
DIGEST_PREFIX = "#p:"  # callback_data standing for a payload kept in the channel state
POLLING_LOCK = "polling"
CHOOSE_PROMPT = "Dạ, anh/chị chọn giúp em một mục dưới đây ạ:"


def default_webhook_secret(token: str) -> str:
    """The webhook secret when ``TELEGRAM_WEBHOOK_SECRET`` is not set: derived from the bot token, so every
    hub process agrees (Telegram allows 1-256 characters ``A-Za-z0-9_-``)."""
    return hashlib.sha256(f"1022-telegram-webhook:{token}".encode()).hexdigest()


class TelegramAdapter(ChannelAdapter):
    name = "telegram"
    webhook_path = "/webhooks/telegram"
    max_messages_per_second = 25.0  # Telegram allows about 30 messages a second per bot

    def __init__(
        self,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        webhook_url: str | None = None,
        secret: str | None = None,
        poll_timeout: float = 30.0,
        timeout: float = 15.0,
        retry_delay: float = 1.0,
    ) -> None:
        api = api_url.rstrip("/")
        self.webhook_url = webhook_url or None
        self.secret = secret or default_webhook_secret(token)
        self.poll_timeout = poll_timeout
        self.retry_delay = retry_delay
        self._requests = (
            HTTPXRequest(  # getUpdates: its own connection, read timeout = poll timeout + this
                connection_pool_size=1, connect_timeout=5.0, read_timeout=10.0, pool_timeout=5.0
            ),
            HTTPXRequest(
                connection_pool_size=32,
                connect_timeout=5.0,
                read_timeout=timeout,
                write_timeout=timeout,
                pool_timeout=5.0,
                media_write_timeout=60.0,
            ),
        )
        self.bot = Bot(
            token,
            base_url=f"{api}/bot",
            base_file_url=f"{api}/file/bot",
            get_updates_request=self._requests[0],
            request=self._requests[1],
        )

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook_url else "polling"

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> TelegramAdapter | None:
        token = (settings.get("TELEGRAM_BOT_TOKEN") or "").strip()
        if not token:
            return None
        return cls(
            token,
            api_url=(settings.get("TELEGRAM_API_URL") or "").strip() or DEFAULT_API_URL,
            webhook_url=(settings.get("TELEGRAM_WEBHOOK_URL") or "").strip() or None,
            secret=(settings.get("TELEGRAM_WEBHOOK_SECRET") or "").strip() or None,
            poll_timeout=float((settings.get("TELEGRAM_POLL_TIMEOUT") or "").strip() or 30),
        )

    # -- inbound ----------------------------------------------------------------------------------

    def signature(self, request: WebhookRequest) -> Signature:
        return Signature(provided=request.header(SECRET_HEADER), expected=self.secret)

    async def parse(self, request: WebhookRequest) -> list[InboundMessage]:
        data = json.loads(request.body.decode("utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("not a Telegram update")
        return await self.read_update(Update.de_json(data, self.bot))

    async def read_update(self, update: Update) -> list[InboundMessage]:
        """The citizen's message in one update ([] for what the hub does not handle: groups, edits...)."""
        if update.callback_query is not None:
            return await self._read_button_press(update)
        message = update.message
        if message is None or message.chat.type != "private":
            return []
        text = message.text or message.caption or ""
        attachments = _attachments(message)
        if not text and not attachments:
            return []  # contacts, polls, dice...: nothing the hotline handles
        return [
            InboundMessage(
                channel=self.name,
                channel_user_id=str(message.chat.id),
                channel_message_id=f"m:{message.chat.id}:{message.message_id}",
                text=text,
                attachments=attachments,
                sent_at=message.date,
                display_name=message.from_user.full_name if message.from_user else None,
            )
        ]

    async def _read_button_press(self, update: Update) -> list[InboundMessage]:
        query = update.callback_query
        assert query is not None
        self.spawn(self._answer(query.id))
        message = query.message
        if message is None or message.chat.type != "private":
            return []
        data = query.data or ""
        title = _button_title(message, data)
        payload = await self._payload_of(data)
        if payload is None and not title:
            return []
        return [
            InboundMessage(
                channel=self.name,
                channel_user_id=str(message.chat.id),
                channel_message_id=f"cb:{query.id}",
                text=title or payload or "",
                payload=payload,
                display_name=query.from_user.full_name if query.from_user else None,
                metadata={"button": True},
            )
        ]

    async def _answer(self, query_id: str) -> None:
        """Stop the button's spinner (best effort: a late or repeated answer is refused by Telegram)."""
        try:
            await self.bot.answer_callback_query(query_id)
        except tg.TelegramError as exc:
            log.info("telegram: callback query not answered: %s", type(exc).__name__)

    async def fetch_attachment(self, attachment: Attachment, limit: int) -> bytes | None:
        if not attachment.platform_file_id or attachment.kind in ("location", "sticker"):
            return None
        if attachment.size is not None and attachment.size > limit:
            return None
        file = await self.bot.get_file(attachment.platform_file_id)
        if file.file_size is not None and file.file_size > limit:
            return None
        content = bytes(await file.download_as_bytearray())
        return content if len(content) <= limit else None

    # -- outbound ---------------------------------------------------------------------------------

    async def send(self, recipient: str, message: OutgoingMessage) -> SendResult:
        try:
            chat_id = int(recipient)
        except ValueError as exc:
            raise SendError("not a Telegram chat id", retryable=False) from exc
        markup = None
        if message.buttons:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(b.title[:200], callback_data=await self._callback_data(b.payload))]
                    for b in message.buttons
                ]
            )
        text = message.text or (CHOOSE_PROMPT if markup else "")
        images = [a.url for a in message.attachments if a.kind == "image" and a.url]
        try:
            sent: Message | None = None
            for url in images:
                sent = await self.bot.send_photo(chat_id, photo=url)
            if text:
                sent = await self.bot.send_message(chat_id, text, reply_markup=markup)
        except tg.RetryAfter as exc:
            raise SendError("flood control", retryable=True, retry_after=_retry_after(exc)) from exc
        except tg.Forbidden as exc:
            raise SendError("the citizen blocked the bot", retryable=False) from exc
        except tg.ChatMigrated as exc:
            raise SendError("the chat moved", retryable=False) from exc
        except tg.BadRequest as exc:
            raise SendError(f"refused: {exc.message}", retryable=False) from exc
        except tg.InvalidToken as exc:  # never log its text: it may carry the token
            raise SendError("the bot token was rejected", retryable=True) from exc
        except tg.TelegramError as exc:  # network errors, timeouts, 5xx
            raise SendError(f"telegram error: {type(exc).__name__}", retryable=True) from exc
        return SendResult(str(sent.message_id) if sent is not None else None)

    async def _callback_data(self, payload: str) -> str:
        """What a button carries: its payload, or a digest of a payload too long for Telegram."""
        if len(payload.encode()) <= CALLBACK_DATA_MAX_BYTES and not payload.startswith(DIGEST_PREFIX):
            return payload
        digest = base64.urlsafe_b64encode(hashlib.sha256(payload.encode()).digest()).decode()[:32]
        state = self._context().state
        key = f"callback:{digest}"
        if await state.get(key) is None:
            await state.compare_and_set(key, None, payload)
        return DIGEST_PREFIX + digest

    async def _payload_of(self, data: str) -> str | None:
        if data.startswith(DIGEST_PREFIX):
            return await self._context().state.get(f"callback:{data[len(DIGEST_PREFIX) :]}")
        return data or None

    # -- life cycle -------------------------------------------------------------------------------

    async def start(self, context: HubContext) -> None:
        await super().start(context)
        # httpx logs every request URL at INFO, and Bot API URLs contain the token.
        for name in ("httpx", "httpcore"):
            if logging.getLogger(name).level == logging.NOTSET:
                logging.getLogger(name).setLevel(logging.WARNING)
        self.spawn(self._introduce())
        if self.webhook_url:
            self.spawn(self._register_webhook())
        else:
            self.spawn(self._poll_forever())

    async def stop(self) -> None:
        await super().stop()
        for request in self._requests:
            await request.shutdown()

    def _context(self) -> HubContext:
        assert self.context is not None, "the hub starts adapters before using them"
        return self.context

    async def _introduce(self) -> None:
        """Check the token once Telegram answers (logs the bot's name; a rejected token is an error)."""
        me = await self._keep_trying("getMe", self.bot.get_me)
        if me is not None:
            log.info("telegram: bot @%s connected (%s mode)", me.username, self.mode)

    async def _register_webhook(self) -> None:
        registered = await self._keep_trying(
            "setWebhook",
            lambda: self.bot.set_webhook(
                url=self.webhook_url or "", secret_token=self.secret, allowed_updates=list(ALLOWED_UPDATES)
            ),
        )
        if registered:
            log.info("telegram: webhook registered")

    async def _keep_trying(self, method: str, call: Callable[[], Awaitable[Any]]) -> Any:
        """``call`` until Telegram accepts it (backing off, honouring flood control); None when the
        token is rejected (nothing to retry)."""
        delay = self.retry_delay
        while True:
            try:
                return await call()
            except tg.RetryAfter as exc:
                await asyncio.sleep(_retry_after(exc))
                continue
            except tg.InvalidToken:
                log.error("telegram: TELEGRAM_BOT_TOKEN was rejected by the Bot API")
                return None
            except tg.TelegramError as exc:
                log.warning("telegram: %s failed, trying again (%s)", method, type(exc).__name__)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 300.0)

    async def _poll_forever(self) -> None:
        """Long-poll ``getUpdates``: one poller across every hub process; updates are stored before the
        offset confirms them to Telegram."""
        context = self._context()
        async with context.state.lock(POLLING_LOCK):
            log.info("telegram: polling for updates")
            offset: int | None = None
            delay = self.retry_delay
            webhook_deleted = False
            while True:
                try:
                    if not webhook_deleted:  # getUpdates is refused while a webhook is set
                        await self.bot.delete_webhook(drop_pending_updates=False)
                        webhook_deleted = True
                    updates = await self.bot.get_updates(
                        offset=offset, timeout=int(self.poll_timeout), allowed_updates=list(ALLOWED_UPDATES)
                    )
                    messages: list[InboundMessage] = []
                    for update in updates:
                        messages.extend(await self.read_update(update))
                    if messages:
                        await context.inbound.receive(messages)
                    if updates:
                        offset = updates[-1].update_id + 1
                    delay = self.retry_delay
                    continue
                except asyncio.CancelledError:
                    raise
                except tg.RetryAfter as exc:
                    await asyncio.sleep(_retry_after(exc))
                    continue
                except tg.Conflict:
                    log.warning("telegram: another getUpdates or a webhook is active for this bot")
                    webhook_deleted = False
                except tg.InvalidToken:
                    log.error("telegram: TELEGRAM_BOT_TOKEN was rejected by the Bot API")
                except tg.TelegramError as exc:
                    log.warning("telegram: getUpdates failed (%s)", type(exc).__name__)
                except Exception:
                    log.exception("telegram: updates could not be stored; they will be read again")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)


def _attachments(message: Message) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        found.append(
            Attachment(
                kind="image", platform_file_id=largest.file_id, mime_type="image/jpeg", size=largest.file_size
            )
        )
    document = message.document
    if document is not None:
        is_image = (document.mime_type or "").startswith("image/")
        found.append(
            Attachment(
                kind="image" if is_image else "file",
                platform_file_id=document.file_id,
                mime_type=document.mime_type,
                name=(document.file_name or None) and document.file_name[:200],
                size=document.file_size,
            )
        )
    location = message.venue.location if message.venue is not None else message.location
    if location is not None:
        found.append(
            Attachment(
                kind="location",
                latitude=location.latitude,
                longitude=location.longitude,
                name=message.venue.title[:200] if message.venue is not None else None,
            )
        )
    audio = message.voice or message.audio
    if audio is not None:
        found.append(
            Attachment(
                kind="audio", platform_file_id=audio.file_id, mime_type=audio.mime_type, size=audio.file_size
            )
        )
    video = message.video or message.video_note
    if video is not None:
        found.append(
            Attachment(
                kind="video",
                platform_file_id=video.file_id,
                mime_type=getattr(video, "mime_type", None),
                size=video.file_size,
            )
        )
    if message.sticker is not None:
        found.append(Attachment(kind="sticker", platform_file_id=message.sticker.file_id))
    return tuple(found)


def _button_title(message: Any, data: str) -> str | None:
    """The title of the pressed button, from the keyboard of the message it was under."""
    markup = getattr(message, "reply_markup", None)
    for row in getattr(markup, "inline_keyboard", None) or ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def _retry_after(exc: tg.RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int form becomes a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
