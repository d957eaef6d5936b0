"""Rasa behind the hub: its HTTP API refuses callers without the token, the action server listens on
loopback only, and a conversation survives a Rasa restart (SQL tracker store)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.channels.conftest import RASA_TOKEN, HubFactory, Visitor
from tests.channels.servers import Server, endpoints_file, free_port, http_status, start_rasa

pytestmark = pytest.mark.slow


def test_an_unauthenticated_tracker_read_on_rasa_is_refused(rasa: Server) -> None:
    assert http_status(f"{rasa.url}/conversations/hub-1/tracker") == 401
    assert http_status(f"{rasa.url}/conversations/hub-1/tracker?token=wrong") == 401
    assert http_status(f"{rasa.url}/conversations/hub-1/tracker?token={RASA_TOKEN}") == 200


def test_the_action_server_listens_on_loopback_only(actions: Server) -> None:
    listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
    local = {line.split()[1] for line in listening if line.split()[3] == "0A"}  # LISTEN
    port = f"{actions.port:04X}"
    assert f"0100007F:{port}" in local  # 127.0.0.1
    assert f"00000000:{port}" not in local  # not 0.0.0.0
    assert socket.gethostbyname("localhost") == "127.0.0.1"


async def test_a_conversation_continues_after_rasa_restarts(
    hub_factory: HubFactory, workdir: Path, model: Path, actions: Server
) -> None:
    port = free_port()
    endpoints = endpoints_file(workdir, actions.port, workdir / f"trackers-restart-{port}.sqlite3")
    rasa = start_rasa(port, model, endpoints, RASA_TOKEN, workdir / f"rasa-restart-{port}.log")
    try:
        client = await hub_factory(rasa.url)
        visitor = await Visitor(client).start()
        await visitor.say("tôi muốn phản ánh")
        asked = await visitor.wait_for_reply(0, author="bot")
        assert "mô tả" in asked[-1]["text"]  # the petition form asks for the description

        rasa.stop(kill=True)  # kill -9 mid-form
        rasa = start_rasa(port, model, endpoints, RASA_TOKEN, workdir / f"rasa-restart-{port}.log")

        await visitor.say("đèn đường ở đầu hẻm 5 đường Lê Lợi bị hư mấy ngày nay")
        next_question = await visitor.wait_for_reply(asked[-1]["id"], author="bot", timeout=90)
        assert "ở đâu" in next_question[-1]["text"]  # the form goes on: where did it happen
    finally:
        rasa.stop()
