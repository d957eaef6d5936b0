"""The conversation harness itself: format, matching, pressing buttons, transcripts, and the suite's coverage.

The runner is exercised against a scripted webhook on 127.0.0.1 (a local HTTP server that speaks Rasa's REST
channel protocol), so these tests need no model and run in a second.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.harness import (
    Conversation,
    ConversationFormatError,
    Expect,
    Reply,
    RestTransport,
    check_reply,
    fold_for_match,
    load_conversations,
    parse_conversations,
    run_conversation,
)
from tests.e2e.servers import SEED_COMMANDS

CONVERSATIONS_DIR = Path(__file__).parent / "conversations"
ISSUE_ITEMS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12}  # issue 11's list; 10 is the companion issue


# ---- a scripted webhook ------------------------------------------------------------------------------
class ScriptedWebhook:
    """Answers each message from a script: {message: [rasa output messages]}; records what it received."""

    def __init__(self, script: dict[str, list[dict[str, Any]]]) -> None:
        self.script = script
        self.received: list[dict[str, Any]] = []
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                webhook.received.append(body)
                if not body.get("sender"):
                    self._answer(400, {"error": "sender is required"})
                    return
                self._answer(200, webhook.script.get(body.get("message"), []))

            def _answer(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedWebhook:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[ScriptedWebhook]:
    script = {
        "khai sinh can gi": [
            {"recipient_id": "x", "text": "Dạ, anh/chị hỏi thủ tục nào ạ?"},
            {
                "recipient_id": "x",
                "buttons": [
                    {"title": "Đăng ký khai sinh", "payload": '/ask_procedure{"procedure": "1.001193"}'},
                    {"title": "Đăng ký khai sinh có yếu tố nước ngoài", "payload": "/ask_procedure{}"},
                ],
            },
        ],
        '/ask_procedure{"procedure": "1.001193"}': [
            {"recipient_id": "x", "text": "Dạ, hồ sơ gồm: Tờ khai, Giấy chứng sinh."}
        ],
        "gap nguoi that": [
            {"recipient_id": "x", "text": "Dạ, em chuyển tới tổng đài viên."},
            {"recipient_id": "x", "custom": {"handoff": True}},
        ],
        "gui di": [{"recipient_id": "x", "text": "Dạ, mã phản ánh PA-261203-0001 ạ."}],
        "ho so 000.00.20.H19-261201-0001": [
            {"recipient_id": "x", "text": "Dạ, hồ sơ 000.00.20.H19-261201-0001."}
        ],
    }
    with ScriptedWebhook(script) as server:
        yield server


def _conversation(turns: list[dict[str, Any]]) -> Conversation:
    data = {"conversations": [{"id": "c-1", "about": "[1] test", "turns": turns}]}
    return parse_conversations(data, "inline.yml")[0]


# ---- format ------------------------------------------------------------------------------------------
def test_the_documented_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "kind.yml"
    path.write_text(
        """conversations:
  - id: short-kebab-id
    about: one line
    turns:
      - user: "lam giay khai sinh cho be can gi"
        expect:
          any: ["to khai", "giay chung sinh"]
          all: []
          none: ["ngoai pham vi"]
          handoff: false
          ticket: none
      - press: "khai sinh"
""",
        encoding="utf-8",
    )
    [conversation] = load_conversations(path)
    assert conversation.kind == "kind"
    assert conversation.turns[0].expect == Expect(
        any=("to khai", "giay chung sinh"), none=("ngoai pham vi",), handoff=False, ticket="none"
    )
    assert conversation.turns[1].press == "khai sinh"


@pytest.mark.parametrize(
    ("turns", "message"),
    [
        ([{"user": "a", "expect": {"anyy": ["x"]}}], "unknown expect keys"),
        ([{"user": "a", "press": "b"}], "exactly one of"),
        ([{"press": "b"}], "first turn cannot press"),
        ([{"user": "a", "expect": {"ticket": "XX"}}], "`ticket` must be one of"),
        ([{"user": "a", "expect": {"handoff": "yes"}}], "`handoff` must be true or false"),
        ([{"user": "a", "expect": {"any": [""]}}], "empty string"),
        ([], "non-empty list"),
    ],
)
def test_malformed_conversations_are_rejected_with_their_place(turns: list, message: str) -> None:
    with pytest.raises(ConversationFormatError, match=message) as error:
        _conversation(turns)
    assert "inline.yml" in str(error.value)


def test_ids_are_kebab_case_and_unique_across_files(tmp_path: Path) -> None:
    one = {"conversations": [{"id": "same-id", "about": "x", "turns": [{"user": "a"}]}]}
    (tmp_path / "a.yml").write_text(yaml.safe_dump(one), encoding="utf-8")
    (tmp_path / "b.yml").write_text(yaml.safe_dump(one), encoding="utf-8")
    with pytest.raises(ConversationFormatError, match="also used in"):
        load_conversations(tmp_path)
    with pytest.raises(ConversationFormatError, match="kebab"):
        parse_conversations(
            {"conversations": [{"id": "Not Kebab", "about": "x", "turns": [{"user": "a"}]}]}, "f"
        )


# ---- matching ----------------------------------------------------------------------------------------
def test_matching_ignores_case_diacritics_and_spacing() -> None:
    reply = Reply(200, [{"text": "Dạ, hồ sơ gồm:\n1. Giấy   chứng sinh"}])
    assert check_reply(reply, Expect(all=("giay chung sinh", "GIẤY CHỨNG SINH"))) == []
    assert fold_for_match("  Đăng   Ký ") == "dang ky"


def test_button_titles_count_as_reply_text() -> None:
    reply = Reply(200, [{"text": "Chọn ạ", "buttons": [{"title": "Hội Cư", "payload": "/x"}]}])
    assert check_reply(reply, Expect(all=("hoi cu",))) == []


def test_every_expectation_kind_reports_what_is_wrong() -> None:
    reply = Reply(200, [{"text": "Dạ, mã BC-261203-0002; nằm ngoài phạm vi."}])
    problems = check_reply(
        reply, Expect(any=("135.000",), all=("ma",), none=("ngoai pham vi",), handoff=True, ticket="PA")
    )
    assert len(problems) == 4
    assert any("135.000" in p for p in problems)
    assert any("ngoai pham vi" in p for p in problems)
    assert any("handoff" in p for p in problems)
    assert any("PA-" in p and "BC-261203-0002" in p for p in problems)
    assert check_reply(reply, Expect(ticket="BC")) == []
    assert check_reply(reply, Expect(ticket="none")) == ["expected no ticket code; found ['BC-261203-0002']"]


def test_an_empty_reply_or_an_error_fails_whatever_is_expected() -> None:
    assert check_reply(Reply(200, []), Expect()) == ["the bot said nothing"]
    assert check_reply(Reply(500, [], error="HTTP 500: boom"), Expect())[0].startswith("no answer")


# ---- running -----------------------------------------------------------------------------------------
def test_a_conversation_presses_buttons_and_keeps_one_sender(webhook: ScriptedWebhook) -> None:
    conversation = _conversation(
        [
            {"user": "khai sinh can gi", "expect": {"all": ["khai sinh"]}},
            {"press": "dang ky khai sinh", "expect": {"any": ["giấy chứng sinh"]}},
            {"user": "gap nguoi that", "expect": {"handoff": True}},
        ]
    )
    result = run_conversation(RestTransport(webhook.base_url), conversation)
    assert result.passed, result.transcript()
    # the exact title wins over a longer one that also contains the words
    assert webhook.received[1]["message"] == '/ask_procedure{"procedure": "1.001193"}'
    assert {r["sender"] for r in webhook.received} == {result.sender}
    assert webhook.received[0]["metadata"] == {"channel": "webchat", "channel_user_id": result.sender}


def test_a_failure_stops_the_conversation_and_shows_the_transcript(webhook: ScriptedWebhook) -> None:
    conversation = _conversation(
        [
            {"user": "khai sinh can gi"},
            {"press": "khai tu"},
            {"user": "gap nguoi that"},
        ]
    )
    result = run_conversation(RestTransport(webhook.base_url), conversation)
    assert not result.passed
    assert len(webhook.received) == 1  # the third turn was never sent
    transcript = result.transcript()
    assert "citizen: khai sinh can gi" in transcript
    assert "[Đăng ký khai sinh] | [Đăng ký khai sinh có yếu tố nước ngoài]" in transcript
    assert re.search(r"FAILED: no button titled like 'khai tu'", transcript)


def test_variables_fill_messages_and_expectations(webhook: ScriptedWebhook) -> None:
    conversation = _conversation(
        [{"user": "ho so {{dossier_1}}", "expect": {"all": ["{{dossier_1}}"]}}, {"user": "gui di"}]
    )
    transport = RestTransport(webhook.base_url)
    assert run_conversation(
        transport, conversation, variables={"dossier_1": "000.00.20.H19-261201-0001"}
    ).passed
    missing = run_conversation(transport, conversation, variables={})
    assert not missing.passed
    assert "unknown variable 'dossier_1'" in missing.transcript()


def test_after_checks_run_only_when_every_turn_passed(webhook: ScriptedWebhook) -> None:
    conversation = _conversation([{"user": "gui di", "expect": {"ticket": "PA"}}])
    result = run_conversation(
        RestTransport(webhook.base_url), conversation, after=lambda r: ["PA-261203-0001 not stored"]
    )
    assert not result.passed
    assert "FAILED after the last turn: PA-261203-0001 not stored" in result.transcript()


def test_the_transport_returns_http_errors_instead_of_raising(webhook: ScriptedWebhook) -> None:
    status, body, _ = RestTransport(webhook.base_url).post({"message": "hello"})
    assert status == 400
    assert body == {"error": "sender is required"}


# ---- the suite's own coverage ------------------------------------------------------------------------
def test_the_suite_covers_every_item_of_the_issue_with_multi_turn_conversations() -> None:
    conversations = load_conversations(CONVERSATIONS_DIR)
    assert len(conversations) >= 80
    per_item: dict[int, int] = {}
    for conversation in conversations:
        items = [int(n) for n in re.findall(r"\[(\d+)\]", conversation.about)]
        assert items, f"{conversation.id}: `about` must name its issue item, e.g. '[3] ...'"
        assert set(items) <= ISSUE_ITEMS, f"{conversation.id}: unknown issue item {items}"
        assert len(conversation.turns) >= 2, f"{conversation.id}: a conversation has several turns"
        for item in items:
            per_item[item] = per_item.get(item, 0) + 1
    thin = {item: per_item.get(item, 0) for item in ISSUE_ITEMS if per_item.get(item, 0) < 3}
    assert not thin, f"items with fewer than 3 conversations: {thin}"


def test_the_suite_seeds_its_database_the_way_make_seed_does() -> None:
    """servers.SEED_COMMANDS must follow the Makefile's `seed` recipe, or the suite tests another setup."""
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^seed:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "no `seed` target in the Makefile"
    commands = [
        tuple(line.split("$(APP_PY)", 1)[1].split())
        for line in recipe.group(1).splitlines()
        if "$(APP_PY)" in line
    ]
    assert commands == [tuple(c) for c in SEED_COMMANDS]
