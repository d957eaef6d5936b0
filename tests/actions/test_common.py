"""Shared rules of the actions: who is talking on which channel, what a form clears, and the event loop
kept free while one conversation waits on the database."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor

from actions.common import FORM_SLOTS, GuardedFormValidation, OffLoopAction, channel_identity, wants_to_cancel
from tests.actions.conftest import ROOT
from tests.actions.support import hub_metadata, make_tracker, slot_values


def test_the_hub_signed_metadata_names_the_channel_and_the_user() -> None:
    tracker = make_tracker(
        "xin chào", sender_id="conv-9", channel="rest", metadata=hub_metadata("conv-9", "zalo", "z-123")
    )
    assert channel_identity(tracker) == ("zalo", "z-123")


def test_metadata_a_client_wrote_itself_is_not_trusted() -> None:
    # Anyone who reaches Rasa's REST webhook can claim to be another citizen: no signature, no identity.
    tracker = make_tracker(
        "xin chào",
        sender_id="conv-9",
        channel="rest",
        metadata={"channel": "zalo", "channel_user_id": "z-123"},
    )
    assert channel_identity(tracker) == ("webchat", "unverified:conv-9")


def test_a_signature_made_for_another_conversation_does_not_fit() -> None:
    stolen = hub_metadata("conv-1", "zalo", "z-123")
    tracker = make_tracker("xin chào", sender_id="conv-2", channel="rest", metadata=stolen)
    assert channel_identity(tracker) == ("webchat", "unverified:conv-2")


def test_without_metadata_a_known_rasa_channel_is_kept_but_the_user_is_unverified() -> None:
    tracker = make_tracker("hi", sender_id="tg-5", channel="telegram", metadata={})
    assert channel_identity(tracker) == ("telegram", "unverified:tg-5")


def test_every_form_slot_is_cleared_on_handoff(domain: dict) -> None:
    required = {slot for form in domain["forms"].values() for slot in form["required_slots"]}
    assert required <= set(FORM_SLOTS)
    assert set(FORM_SLOTS) <= set(domain["slots"])


# --- The event loop stays free: one conversation waiting on the database stalls no other ---------------


def test_every_action_does_its_work_off_the_event_loop() -> None:
    """Each action of the server derives from one of the two off-loop bases and keeps their ``run``."""
    executor = ActionExecutor()
    executor.register_package("actions")
    assert executor.actions, "no action registered"
    for name, action in executor.actions.items():
        action_class = type(action.__self__) if hasattr(action, "__self__") else type(action)
        assert issubclass(action_class, OffLoopAction | GuardedFormValidation), name
        assert action_class.run in (OffLoopAction.run, GuardedFormValidation.run), name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def action_server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """The real action server (``python -m rasa_sdk --actions actions``) on a free port and its own SQLite
    file; yields (webhook URL, database file, server log)."""
    database = tmp_path / "helpdesk.sqlite3"
    log = tmp_path / "actions.log"
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SANIC_HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port), "--debug"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Sanic serves from a worker process: stop the whole group
        )
    try:
        health = f"http://127.0.0.1:{port}/health"
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                with urllib.request.urlopen(health, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/webhook", database, log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _action_call(action: str, tracker: Tracker, domain: dict[str, Any]) -> dict[str, Any]:
    """The body Rasa 3.6 posts to the action server's webhook."""
    return {
        "next_action": action,
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(),
        "domain": domain,
        "version": "3.6.21",
    }


async def _wait_for_log(log: Path, line: str, times: int) -> None:
    """Until the server has logged ``line`` ``times`` times (a minute at most)."""
    for _ in range(600):
        if log.read_text(errors="replace").count(line) >= times:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the action server did not log {line!r} {times} times")


PETITION = {
    "petition_description": "Đèn đường ở ấp 3 bị hư cả tháng nay, ban đêm rất tối",
    "petition_location": "ấp 3, xã Tân Phước 1",
    "contact_phone": "0912345678",
    "contact_name": "",
}


@pytest.mark.slow
async def test_a_conversation_waiting_for_the_database_lock_does_not_stall_another(
    action_server: tuple[str, Path, Path], domain: dict[str, Any]
) -> None:
    webhook, database, log = action_server

    def petition(sender: str) -> dict[str, Any]:
        tracker = make_tracker(
            "đúng rồi", intent="affirm", slots={**PETITION, "request_kind": "petition"}, sender_id=sender
        )
        return _action_call("action_submit_request", tracker, domain)

    def question(sender: str) -> dict[str, Any]:
        tracker = make_tracker("làm lý lịch tư pháp cần giấy tờ gì", intent="ask_procedure", sender_id=sender)
        return _action_call("action_answer_procedure", tracker, domain)

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as http:

        async def call(body: dict[str, Any]) -> dict[str, Any]:
            async with http.post(webhook, json=body) as response:
                assert response.status == 200, await response.text()
                return await response.json()

        # First use migrates the schema, seeds the directory and imports the catalogue: done before the lock.
        assert "PA-" in str(await call(petition("warm-up-1")))
        assert "lý lịch tư pháp" in str(await call(question("warm-up-2"))).lower()

        holder = sqlite3.connect(database, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            waiting = asyncio.create_task(call(petition("citizen-waiting")))
            # The server has started that action (its second petition) before the other citizen asks.
            await _wait_for_log(log, "Received request to run 'action_submit_request'", times=2)
            answered = await call(question("citizen-asking"))
            assert not waiting.done(), "the event loop was blocked: the answer came only after the petition"
            holder.execute("ROLLBACK")
        finally:
            holder.close()
        filed = await waiting

    # The second citizen got the answer while the first one's petition waited for the database.
    assert "lý lịch tư pháp" in answered["responses"][0]["text"].lower()
    assert slot_values(answered["events"])["current_procedure"] == "3.000333"
    receipt = filed["responses"][0]["text"]
    assert "đã ghi nhận phản ánh" in receipt and "PA-" in receipt  # filed once the lock was released


def test_a_stop_in_teen_code_stops_the_form() -> None:
    assert wants_to_cancel("thoi ko can nua, cho e hoi lam ho chieu can j")
    assert not wants_to_cancel("ko co so nha, o ap 3")
