"""End-to-end conversations with the real bot (issue 11, "Tests and measures").

Every conversation of tests/e2e/conversations/*.yml is played turn by turn over Rasa's REST webhook, with a
fresh sender, against the real Rasa server and action server on a fresh seeded SQLite database
(tests/e2e/conftest.py). A failure shows the whole transcript so far. After the last turn the database is
checked too: every ticket stored for the conversation was shown to the citizen, and every ticket code the bot
announced as created is stored for this conversation.

    make test-e2e                                  # trains the model if stale, then runs this suite
    .venv/bin/pytest tests/e2e -k follow_ups       # one kind (the model must be trained: make model)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import Conversation, RestTransport, load_conversations, run_conversation
from tests.e2e.servers import BotStack

CONVERSATIONS_DIR = Path(__file__).parent / "conversations"
CONVERSATIONS = load_conversations(CONVERSATIONS_DIR)


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda c: f"{c.kind}:{c.id}")
def test_conversation(conversation: Conversation, transport: RestTransport, bot: BotStack) -> None:
    result = run_conversation(
        transport,
        conversation,
        variables=bot.variables(),
        after=bot.ticket_problems,
    )
    if not result.passed:
        pytest.fail("\n" + result.transcript(), pytrace=False)


@pytest.mark.parametrize(
    "body",
    [{"message": "tôi muốn gửi phản ánh"}, {"sender": "", "message": "tôi muốn gửi phản ánh"}],
    ids=["no-sender", "empty-sender"],
)
def test_a_request_without_sender_is_refused(body: dict, transport: RestTransport) -> None:
    """[12] A request with no sender gets HTTP 400 with an English error naming the field; it never joins a
    shared "default" conversation."""
    status, answer, _ = transport.post(body)
    assert status == 400, f"expected HTTP 400 for {body}, got {status}: {answer}"
    assert "sender" in str(answer).lower(), f"the error should name the missing field: {answer}"
