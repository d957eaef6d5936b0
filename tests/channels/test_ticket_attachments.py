"""A citizen's photos and locations reach the staff who work the ticket they came with, and no one else."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from channels.callback import CallbackAdapter
from channels.db import HubDatabase
from channels.models import HubMessage
from tests.channels.conftest import Agent, HubFactory, create_staff, eventually, signed_callback
from tests.channels.servers import free_port
from ticketing.models import Conversation, UserRole

pytestmark = pytest.mark.slow

SECRET = "callback-secret"
CITIZEN = "portal-attachments"


def _serving(content: bytes) -> Any:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=content, content_type="image/jpeg")

    return handler


async def _ok(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def test_a_ticket_lists_and_serves_what_the_citizen_sent_with_it_to_its_staff_only(
    hub_factory: HubFactory, database_url: str, aiohttp_server: Any, tmp_path: Path
) -> None:
    first_photo, second_photo = b"\xff\xd8\xff\xe0pothole" * 500, b"<svg onload=alert(1)>" * 50
    platform = web.Application()
    platform.router.add_get("/1.jpg", _serving(first_photo))
    platform.router.add_get("/2.jpg", _serving(second_photo))
    platform.router.add_post("/deliver", _ok)
    server = await aiohttp_server(platform, host="127.0.0.1")
    # The bot is not needed: a message with only a photo or a place is kept, not sent to the bot.
    client = await hub_factory(
        f"http://127.0.0.1:{free_port()}",
        adapters=[CallbackAdapter(str(server.make_url("/deliver")), SECRET)],
        attachments_dir=str(tmp_path),
    )
    agent = Agent(client, create_staff(database_url)[1], 0)
    db = HubDatabase.open(database_url)

    async def send(message_id: str, attachments: list[dict[str, Any]]) -> None:
        body, headers = signed_callback(
            {"user_id": CITIZEN, "message_id": message_id, "attachments": attachments}, SECRET
        )
        assert (await client.post("/webhooks/api", data=body, headers=headers)).status == 200

        async def kept() -> bool | None:
            data = db.read_sync(
                lambda s: s.scalars(
                    select(HubMessage.data).where(HubMessage.channel_message_id == message_id)
                ).one_or_none()
            )
            attachments = (data or {}).get("attachments") or []
            return (
                True
                if attachments and all("stored" in a or a["kind"] == "location" for a in attachments)
                else None
            )

        await eventually(kept)

    await send("a-1", [{"kind": "image", "url": str(server.make_url("/1.jpg"))}])
    await send("a-2", [{"kind": "location", "latitude": 10.3541, "longitude": 106.3655}])
    sender = db.read_sync(
        lambda s: s.scalars(
            select(Conversation.conversation_id).where(Conversation.channel_user_id == CITIZEN)
        ).one()
    )

    async def file_ticket(description: str) -> str:
        ticket = await agent.post(
            "/api/tickets",
            {
                "kind": "petition",
                "description": description,
                "channel": "api",
                "conversation_id": sender,
                "auto_route": False,
            },
            status=201,
        )
        return ticket["code"]

    pothole = await file_ticket("Ổ gà lớn trước chợ")
    await send("a-3", [{"kind": "image", "url": str(server.make_url("/2.jpg"))}])  # after the code: still its
    flood = await file_ticket("Ngập nước ở hẻm 5")
    await send("a-4", [{"kind": "image", "url": str(server.make_url("/2.jpg"))}])  # belongs to the next one

    listed = (await agent.get(f"/api/tickets/{pothole}/attachments"))["attachments"]
    assert [a["kind"] for a in listed] == ["image", "location", "image"]
    photo, place, late_photo = listed
    assert photo["stored"] and "url" not in photo  # the platform's reference is not shown
    assert (place["latitude"], place["longitude"]) == (10.3541, 106.3655)
    assert photo["download"].endswith(hashlib.sha256(first_photo).hexdigest())
    response = await client.get(photo["download"], headers=agent.headers)
    assert response.status == 200 and await response.read() == first_photo
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.content_type == "image/jpeg"  # from the file's own bytes
    late = await client.get(late_photo["download"], headers=agent.headers)
    assert await late.read() == second_photo
    assert late.content_type == "application/octet-stream"  # not an image: never served as markup
    assert late_photo["download"].endswith(hashlib.sha256(second_photo).hexdigest())

    assert len((await agent.get(f"/api/tickets/{flood}/attachments"))["attachments"]) == 1
    # A file of another ticket is not served through this one.
    other = photo["download"].replace(pothole, flood)
    assert (await client.get(other, headers=agent.headers)).status == 404

    # An agency officer sees only the agency's tickets: these are not routed to it.
    officer = {"Authorization": f"Bearer {create_staff(database_url, UserRole.AGENCY_OFFICER)[1]}"}
    assert (await client.get(f"/api/tickets/{pothole}/attachments", headers=officer)).status == 404
    assert (await client.get(photo["download"], headers=officer)).status == 404
