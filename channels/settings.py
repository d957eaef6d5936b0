"""The hub's settings, from environment variables (``HUB_*``), with the embedded defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    return float(value) if value else default


@dataclass(frozen=True)
class HubSettings:
    rasa_urls: tuple[str, ...] = ("http://127.0.0.1:5005",)
    bot_timeout: float = 30.0  # seconds for one Rasa turn
    bot_retry_max_delay: float = 30.0  # backoff cap while Rasa is down
    bot_down_handoff_after: float = 600.0  # a message the bot could not answer this long goes to the agents
    outbox_base_delay: float = 2.0
    outbox_max_delay: float = 600.0
    outbox_max_attempts: int = 12  # about an hour and a half of retries before a message is marked failed
    queue_notice_every: float = 300.0  # how often a waiting citizen is reminded of the queue
    sweep_every: float = 1.0
    notify_every: float = 5.0
    redis_url: str | None = None
    attachments_dir: str = "var/attachments"
    webchat_sessions_per_minute: int = 60  # new web chat sessions per client address
    raw: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HubSettings:
        env = dict(os.environ if env is None else env)
        urls = tuple(u.strip() for u in env.get("HUB_RASA_URLS", "").split(",") if u.strip())
        return cls(
            rasa_urls=urls or cls.rasa_urls,
            bot_timeout=_float(env, "HUB_BOT_TIMEOUT", cls.bot_timeout),
            bot_retry_max_delay=_float(env, "HUB_BOT_RETRY_MAX_DELAY", cls.bot_retry_max_delay),
            bot_down_handoff_after=_float(env, "HUB_BOT_DOWN_HANDOFF_AFTER", cls.bot_down_handoff_after),
            outbox_base_delay=_float(env, "HUB_OUTBOX_BASE_DELAY", cls.outbox_base_delay),
            outbox_max_delay=_float(env, "HUB_OUTBOX_MAX_DELAY", cls.outbox_max_delay),
            outbox_max_attempts=int(_float(env, "HUB_OUTBOX_MAX_ATTEMPTS", cls.outbox_max_attempts)),
            queue_notice_every=_float(env, "HUB_QUEUE_NOTICE_EVERY", cls.queue_notice_every),
            sweep_every=_float(env, "HUB_SWEEP_EVERY", cls.sweep_every),
            notify_every=_float(env, "HUB_NOTIFY_EVERY", cls.notify_every),
            redis_url=env.get("HUB_REDIS_URL") or None,
            attachments_dir=env.get("HUB_ATTACHMENTS_DIR") or cls.attachments_dir,
            webchat_sessions_per_minute=int(
                _float(env, "HUB_WEBCHAT_SESSIONS_PER_MINUTE", cls.webchat_sessions_per_minute)
            ),
            raw=env,
        )
