"""``ChannelState`` (channels/contract.py) on the database: small per-channel values with compare-and-set,
and named locks held across every hub process that shares the database.

A lock (``async with state.lock("token-refresh"): ...``) is a database lock, never only an in-process one:

- **PostgreSQL**: a session-level advisory lock (``pg_try_advisory_lock``) on a connection kept for the
  block (no transaction stays open while it is held); unlocked at the end of the block, and released by
  the server when the process dies.
- **SQLite** (one machine): an exclusive ``flock`` on a file beside the database file, which every process
  opening that database sees; the kernel releases it when the process dies. An in-memory database lives in
  one process, so a process-local lock is enough there.

Waiting is by polling (``poll`` seconds), so no thread is parked while another process holds the lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from channels import store
from channels.db import HubDatabase
from ticketing.models import utcnow

_local_locks: dict[str, asyncio.Lock] = {}


def _advisory_key(channel: str, name: str) -> int:
    digest = hashlib.sha256(f"channel-state-lock:{channel}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock_file(database: str, channel: str, name: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{channel}-{name}")
    return Path(f"{database}.{safe}.lock")


@dataclass
class ChannelStateView:
    db: HubDatabase
    channel: str

    async def get(self, key: str) -> str | None:
        return await self.db.read(store.state_get, self.channel, key)

    async def compare_and_set(self, key: str, expected: str | None, value: str) -> bool:
        return await self.db.write(store.state_compare_and_set, self.channel, key, expected, value, utcnow())

    @contextlib.asynccontextmanager
    async def lock(self, name: str, *, poll: float = 0.1) -> AsyncIterator[None]:
        """Hold the lock ``name`` of this channel until the block ends (one holder across processes)."""
        database = self.db.db
        if database.backend == "postgresql":
            async with self._advisory_lock(name, poll):
                yield
            return
        path = make_url(database.url).database or ""
        if path in ("", ":memory:") or path.startswith("file:"):
            lock = _local_locks.setdefault(f"{database.url}|{self.channel}|{name}", asyncio.Lock())
            async with lock:
                yield
            return
        async with self._file_lock(_lock_file(path, self.channel, name), poll):
            yield

    @contextlib.asynccontextmanager
    async def _advisory_lock(self, name: str, poll: float) -> AsyncIterator[None]:
        key = _advisory_key(self.channel, name)
        connection = await asyncio.to_thread(self.db.db.engine.connect)

        def try_lock() -> bool:
            locked = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            connection.commit()  # the session keeps the lock; no transaction stays open while it is held
            return bool(locked)

        def release() -> None:
            try:
                connection.execute(text("SELECT pg_advisory_unlock_all()"))
                connection.commit()
            finally:
                # Never back to the pool: the server drops the session and whatever it still held (a
                # cancellation may have come between taking the lock and knowing it).
                connection.invalidate()
                connection.close()

        try:
            while not await asyncio.to_thread(try_lock):
                await asyncio.sleep(poll)
            yield
        finally:
            await asyncio.to_thread(release)

    @contextlib.asynccontextmanager
    async def _file_lock(self, path: Path, poll: float) -> AsyncIterator[None]:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    await asyncio.sleep(poll)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


@dataclass
class DatabaseChannelState:
    db: HubDatabase

    def for_channel(self, channel: str) -> ChannelStateView:
        return ChannelStateView(self.db, channel)
