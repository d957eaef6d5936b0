"""The web chat in a real browser (Debian's chromium driven by Playwright): a conversation with the bot,
a button, the "talk to a person" control, and a page closed and opened again without losing the agent's
answer that came meanwhile."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from channels import store
from channels.db import HubDatabase
from tests.channels.conftest import Agent, HubFactory, create_staff, eventually
from tests.channels.servers import Server
from ticketing.models import UserRole

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def ensure_chromium() -> str:
    """Debian's chromium, installed with apt-get when missing (the test set-up); skip when impossible."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    apt = shutil.which("apt-get")
    if apt is None:
        pytest.skip("chromium is not installed and apt-get is not available to install it")
    for command in ([apt, "update", "-qq"], [apt, "install", "-y", "-qq", "chromium"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            pytest.skip(f"chromium could not be installed ({' '.join(command[1:])}: {result.stderr[-300:]})")
    return CHROMIUM


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    executable = ensure_chromium()
    playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is in the dev extras")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        await browser.close()


async def test_a_web_chat_conversation_in_a_real_browser(
    hub_factory: HubFactory, rasa: Server, database_url: str, browser: Any
) -> None:
    client = await hub_factory(rasa.url)
    url = str(client.make_url("/webchat/"))
    context = await browser.new_context(locale="vi-VN")
    page = await context.new_page()
    await page.goto(url)

    await page.fill("#text", "xin chào")
    await page.press("#text", "Enter")
    bot = page.locator(".msg--out .msg__bubble")
    await bot.first.wait_for(timeout=60_000)
    assert "1022" in await bot.first.inner_text()

    # A question with buttons: pressing one answers it.
    await page.fill("#text", "tôi muốn đánh giá dịch vụ")
    await page.click("#send")
    five = page.locator(".msg__buttons button", has_text="5")
    await five.wait_for(timeout=60_000)
    answered_before = await bot.count()
    await five.click()
    await bot.nth(answered_before).wait_for(timeout=60_000)  # the bot answered the button
    assert await page.locator(".msg--in .msg__bubble", has_text="5").count() >= 1

    # Talk to a person.
    await page.click("#human")
    await page.locator("#status", has_text="tổng đài viên").wait_for(timeout=30_000)
    assert await page.locator("#human").is_disabled()
    shown = await page.locator(".msg").count()
    storage = await context.storage_state()
    [saved] = [
        i["value"] for o in storage["origins"] for i in o["localStorage"] if i["name"] == "hub1022.webchat"
    ]
    token = json.loads(saved)["token"]
    visitor_id = HubDatabase.open(database_url).read_sync(store.webchat_visitor, token)
    await page.close()

    # While the page is closed, an agent answers.
    agent_id, token = create_staff(database_url, UserRole.AGENT, "Đặng Minh Thư")
    agent = Agent(client, token, agent_id)

    async def waiting() -> Any:
        found = (await agent.get("/api/conversations?state=pending&transcript=false"))["conversations"]
        return [c for c in found if c["channel_user_id"] == visitor_id]

    conversation = (await eventually(waiting))[0]
    await agent.post(f"/api/conversations/{conversation['id']}/take")
    await agent.post(
        f"/api/conversations/{conversation['id']}/messages",
        {"text": "Dạ, em là tổng đài viên, em hỗ trợ anh/chị ngay ạ."},
        status=201,
    )

    # Opened again: the same session, every earlier message, and the agent's answer.
    page = await context.new_page()
    await page.goto(url)
    answer = page.locator(".msg--out .msg__bubble", has_text="em hỗ trợ anh/chị ngay")
    await answer.wait_for(timeout=30_000)
    assert await page.locator(".msg").count() >= shown + 1
    assert await page.locator(".msg__who", has_text="Tổng đài viên").count() >= 1
    await page.locator("#status", has_text="Tổng đài viên đang hỗ trợ").wait_for(timeout=10_000)
    await context.close()
