"""``ChannelState`` (channels/contract.py) on the database: small per-channel values with compare-and-set."""

from __future__ import annotations

from dataclasses import dataclass

from channels import store
from channels.db import HubDatabase
from ticketing.models import utcnow


@dataclass
class ChannelStateView:
    db: HubDatabase
    channel: str

    async def get(self, key: str) -> str | None:
        return await self.db.read(store.state_get, self.channel, key)

    async def compare_and_set(self, key: str, expected: str | None, value: str) -> bool:
        return await self.db.write(store.state_compare_and_set, self.channel, key, expected, value, utcnow())


@dataclass
class DatabaseChannelState:
    db: HubDatabase

    def for_channel(self, channel: str) -> ChannelStateView:
        return ChannelStateView(self.db, channel)
