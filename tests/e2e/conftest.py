"""Fixtures of the end-to-end conversation suite: the real bot, started once for the whole run.

Rasa (bot runtime, the model ``make model`` trained, or ``$HELPDESK_MODEL``) and the action server (app
runtime) run on free ports of 127.0.0.1 against a fresh SQLite database seeded like ``make seed``; their logs
and the database are in pytest's temporary directory (printed when a server fails to start).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import RestTransport
from tests.e2e.servers import BotStack, start_bot


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotStack]:
    """The running bot; started once per test session, stopped at the end."""
    stack = start_bot(tmp_path_factory.mktemp("e2e-bot"))
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def transport(bot: BotStack) -> RestTransport:
    return RestTransport(bot.base_url)
