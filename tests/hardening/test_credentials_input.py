"""Credentials that are not even well formed (non-UTF-8 bytes, odd characters, megabytes) are a clean
401, never a 500, and never reach the database (issue 14, item 5)."""

from __future__ import annotations

import asyncio

import pytest

from tests.ticketing.api_support import Api, api_fixture  # noqa: F401


async def _raw(api: Api, request_line: bytes, header: bytes) -> int:
    reader, writer = await asyncio.open_connection(api.client.host, api.client.port)
    writer.write(
        request_line + b"\r\nHost: x\r\n" + header + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    await writer.drain()
    status_line = (await reader.read()).split(b"\r\n", 1)[0]
    writer.close()
    return int(status_line.split()[1])


@pytest.mark.parametrize(
    "header",
    [
        b"Authorization: Bearer \xff\xfe\xc3",
        b"Authorization: Bearer t\xc3\xb4ken-kh\xc3\xb4ng-h\xe1\xbb\xa3p-l\xe1\xbb\x87-2025",
        b"Cookie: helpdesk_session=\xff\xfe",
        b"Cookie: helpdesk_session=b\xc3\xa1nh-m\xc3\xac",
        b"Authorization: Bearer " + b"x" * 4000,
    ],
    ids=["bearer-bytes", "bearer-utf8", "cookie-bytes", "cookie-utf8", "bearer-huge"],
)
async def test_malformed_credentials_are_401(api: Api, header: bytes) -> None:
    assert await _raw(api, b"GET /api/me HTTP/1.1", header) == 401
    assert await _raw(api, b"POST /api/auth/logout HTTP/1.1", header) in (204, 401)
