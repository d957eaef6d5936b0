"""What the platforms' stand-ins share: an aiohttp server on 127.0.0.1 and a free port, and a way to wait
for the messages the hub sends to one recipient."""

from __future__ import annotations

import asyncio
from typing import Any, Self

from aiohttp import web


class LocalServer:
    """Subclasses add their routes in :meth:`routes`, list what they received in :meth:`texts_to` and call
    :meth:`notify_sent` after recording a message."""

    host = "127.0.0.1"
    port = 0
    _runner: web.AppRunner | None = None
    _sent_changed: asyncio.Condition | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    def texts_to(self, recipient: Any) -> list[str]:
        raise NotImplementedError

    async def start(self) -> Self:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        self.routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _changed(self) -> asyncio.Condition:
        if self._sent_changed is None:
            self._sent_changed = asyncio.Condition()
        return self._sent_changed

    async def notify_sent(self) -> None:
        async with self._changed():
            self._changed().notify_all()

    async def wait_for_messages(self, recipient: Any, count: int, timeout: float) -> bool:
        """Wait until ``count`` messages were sent to ``recipient`` (False on timeout)."""
        changed = self._changed()
        async with changed:
            try:
                await asyncio.wait_for(
                    changed.wait_for(lambda: len(self.texts_to(recipient)) >= count), timeout
                )
            except TimeoutError:
                return False
        return True
