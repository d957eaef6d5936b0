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

from tests.e2e.harness import (
    Conversation,
    ConversationResult,
    RestTransport,
    load_conversations,
    run_conversation,
    shown_ticket_codes,
)
from tests.e2e.servers import BotStack

CONVERSATIONS_DIR = Path(__file__).parent / "conversations"
CONVERSATIONS = load_conversations(CONVERSATIONS_DIR)


def database_problems(bot: BotStack, result: ConversationResult) -> list[str]:
    """What the database says against the transcript: tickets created silently, or announced, not stored."""
    stored = bot.tickets_of(result.sender)
    shown = shown_ticket_codes(result)
    problems = [
        f"ticket {code} was stored but never shown to the citizen" for code in stored if code not in shown
    ]
    for record in result.records:
        kind = result.conversation.turns[record.number - 1].expect.ticket
        if kind in (None, "none") or record.reply is None:
            continue
        for code in record.reply.ticket_codes:
            if code.startswith(kind + "-") and code not in stored:
                problems.append(f"turn {record.number} announced {code}, not stored for this conversation")
    return problems


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda c: f"{c.kind}:{c.id}")
def test_conversation(conversation: Conversation, transport: RestTransport, bot: BotStack) -> None:
    result = run_conversation(
        transport,
        conversation,
        variables=bot.variables(),
        after=lambda played: database_problems(bot, played),
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
