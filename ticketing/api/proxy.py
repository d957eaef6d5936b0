"""The real client address and scheme, from a trusted reverse proxy only.

``HELPDESK_TRUSTED_PROXIES`` lists the proxies (addresses or networks, comma-separated, e.g.
``127.0.0.1,10.0.0.0/8``). When the direct peer is one of them, ``X-Forwarded-For``,
``X-Forwarded-Proto`` and ``X-Forwarded-Host`` are applied by aiohttp-remotes' ``XForwardedFiltered``:
the client is the right-most address that is not a trusted proxy, and ``request.secure`` follows the
proxy's ``X-Forwarded-Proto`` (so session cookies get ``Secure`` behind a TLS-terminating proxy). From
any other peer these headers are ignored: a client cannot choose the address it is throttled under.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from aiohttp import web
from aiohttp_remotes import XForwardedFiltered

TRUSTED_PROXIES_ENV = "HELPDESK_TRUSTED_PROXIES"

Network = IPv4Network | IPv6Network
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def parse_trusted(value: str | Sequence[str] | None) -> list[Network]:
    """Networks from `value` (a comma-separated string or a list); a bare address is a /32 or /128."""
    if value is None:
        value = os.environ.get(TRUSTED_PROXIES_ENV, "")
    items = value.split(",") if isinstance(value, str) else list(value)
    networks = []
    for item in (i.strip() for i in items):
        if item:
            try:
                networks.append(ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"{TRUSTED_PROXIES_ENV}: {item!r} is not an IP address or network") from None
    return networks


class TrustedProxy:
    def __init__(self, trusted: Sequence[Network]) -> None:
        self.trusted = list(trusted)
        self._forwarded = XForwardedFiltered(set(self.trusted)) if self.trusted else None

    def is_trusted(self, address: str | None) -> bool:
        if not address:
            return False
        try:
            ip: IPv4Address | IPv6Address = ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        peer_ip = peer[0] if isinstance(peer, tuple) else None
        if self._forwarded is not None and self.is_trusted(peer_ip):
            return await self._forwarded.middleware(request, handler)
        return await handler(request)
