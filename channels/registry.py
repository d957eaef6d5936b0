"""The channel adapters the hub knows. An adapter is started when its credentials are configured.

Add a platform by writing ``channels/<platform>.py`` (see ``channels/contract.py``) and listing its
class here as ``"module:Class"``; a module that is not there yet is skipped (so the registry can name
adapters still being written on other branches).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping

from channels.contract import ChannelAdapter

log = logging.getLogger(__name__)

ADAPTERS: tuple[str, ...] = (
    "channels.webchat.adapter:WebChatAdapter",
    "channels.callback:CallbackAdapter",
    "channels.telegram:TelegramAdapter",
    "channels.zalo:ZaloAdapter",
)


def load_adapter_class(spec: str) -> type[ChannelAdapter] | None:
    module_name, _, class_name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
    return getattr(module, class_name)


def configured_adapters(
    settings: Mapping[str, str], specs: tuple[str, ...] = ADAPTERS
) -> list[ChannelAdapter]:
    """The adapters whose credentials are present in ``settings`` (environment variables)."""
    adapters: list[ChannelAdapter] = []
    for spec in specs:
        cls = load_adapter_class(spec)
        if cls is None:
            continue
        adapter = cls.from_settings(settings)
        if adapter is None:
            log.info("channel %s not configured", cls.name)
            continue
        adapters.append(adapter)
    return adapters
