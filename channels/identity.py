"""The citizen's channel identity as the hub passes it to the bot, signed so no other client can forge it.

The hub sends, with every message to Rasa's REST webhook, the metadata

    {"channel": "zalo", "channel_user_id": "...", "hub_signature": "v1=<hex>"}

where ``<hex>`` is HMAC-SHA256, under the key shared by the hub and the action server, of
``sender_id \\n channel \\n channel_user_id``. The action server (``actions/common.py``) trusts the identity
only when the signature verifies for the tracker's sender id: a client that reaches Rasa's webhook without
the hub can name any ``channel_user_id`` but cannot sign it, and a signature copied from one conversation
does not fit another sender id.

The key: ``HELPDESK_HUB_KEY`` (the secret itself) or ``HELPDESK_HUB_KEY_FILE`` (a file holding it);
``make run`` generates ``var/hub.key`` (mode 600) and gives it to both processes. Without a key nothing is
trusted (the bot asks for the second factor). Standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

KEY_ENV = "HELPDESK_HUB_KEY"
KEY_FILE_ENV = "HELPDESK_HUB_KEY_FILE"
SIGNATURE_FIELD = "hub_signature"
VERSION = "v1"


def load_key(env: Mapping[str, str] | None = None) -> bytes | None:
    """The shared key from the environment, or None when none is configured."""
    env = os.environ if env is None else env
    value = env.get(KEY_ENV, "").strip()
    if value:
        return value.encode()
    path = env.get(KEY_FILE_ENV, "").strip()
    if path:
        try:
            content = Path(path).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return content.encode() or None
    return None


def create_key_file(path: Path) -> bytes:
    """Read the key at ``path``, creating it (random, mode 600) when absent."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key.encode()


def _digest(key: bytes, sender_id: str, channel: str, channel_user_id: str) -> str:
    message = "\n".join((sender_id, channel, channel_user_id)).encode()
    return f"{VERSION}=" + hmac.new(key, message, hashlib.sha256).hexdigest()


def signed_metadata(key: bytes, sender_id: str, channel: str, channel_user_id: str) -> dict[str, str]:
    return {
        "channel": channel,
        "channel_user_id": channel_user_id,
        SIGNATURE_FIELD: _digest(key, sender_id, channel, channel_user_id),
    }


def verified_identity(
    metadata: Mapping[str, Any] | None, sender_id: str, key: bytes | None
) -> tuple[str, str] | None:
    """``(channel, channel_user_id)`` when the metadata is signed by the hub for this sender, else None."""
    if not key or not metadata:
        return None
    channel, user_id, signature = (
        metadata.get("channel"),
        metadata.get("channel_user_id"),
        metadata.get(SIGNATURE_FIELD),
    )
    if not all(isinstance(v, str) and v for v in (channel, user_id, signature)):
        return None
    expected = _digest(key, sender_id, channel, user_id)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    return channel, user_id
