"""Conversation tests over the REST webhook: the YAML format, the transport, the matcher, the runner.

A conversation file (tests/e2e/conversations/*.yml, and the blind bench set) reads::

    conversations:
      - id: short-kebab-id
        about: one line, what behaviour this checks
        turns:
          - user: "lam giay khai sinh cho be can gi"
            expect:
              any: ["to khai", "giay chung sinh"]   # at least one appears in the bot's reply
              all: []                                # every one appears
              none: ["ngoai pham vi"]                # none appears
              handoff: false                         # a {"handoff": true} message came / did not
              ticket: none                           # PA|HD|BC|LH: a code of that kind appears; none: no code
          - press: "khai sinh"                       # press the button of the last reply whose title has this

The reply of a turn is all the bot's messages joined: texts and button titles. Matching folds both sides
(lower case, no diacritics: ``vietnam.text.fold``, whitespace collapsed) and tests substrings. A turn whose
reply is empty fails: the citizen always gets an answer. ``{{name}}`` in a ``user`` text is replaced by a
value the runner is given (the sample dossiers of the seeded database, see tests/e2e/README.md).

Standard library, PyYAML and ``vietnam`` only: it runs in either runtime and against any base URL.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vietnam.text import fold, normalize_text

__all__ = [
    "Conversation",
    "ConversationFormatError",
    "ConversationResult",
    "Expect",
    "Reply",
    "RestTransport",
    "Turn",
    "check_reply",
    "fold_for_match",
    "load_conversations",
    "run_conversation",
]

TICKET_KINDS = ("PA", "HD", "BC", "LH")
TICKET_CODE = re.compile(r"\b(PA|HD|BC|LH)-\d{6}-\d{4,6}\b", re.IGNORECASE)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VARIABLE = re.compile(r"\{\{\s*([a-z0-9_]+)\s*\}\}")
_SPACES = re.compile(r"\s+")
_CONVERSATION_KEYS = {"id", "about", "turns"}
_TURN_KEYS = {"user", "press", "expect"}
_EXPECT_KEYS = {"any", "all", "none", "handoff", "ticket"}


# ---- format -------------------------------------------------------------------------------------------
class ConversationFormatError(ValueError):
    """A conversation file does not follow the format; the message names the file and the conversation."""


@dataclass(frozen=True)
class Expect:
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    handoff: bool | None = None  # None: not checked
    ticket: str | None = None  # PA | HD | BC | LH | "none"; None: not checked

    def substituted(self, variables: dict[str, str]) -> Expect:
        """The same expectation with ``{{name}}`` replaced in its strings (KeyError for an unknown name)."""
        return Expect(
            any=tuple(substitute(t, variables) for t in self.any),
            all=tuple(substitute(t, variables) for t in self.all),
            none=tuple(substitute(t, variables) for t in self.none),
            handoff=self.handoff,
            ticket=self.ticket,
        )


@dataclass(frozen=True)
class Turn:
    user: str | None = None  # what the citizen types
    press: str | None = None  # or: the title (part) of the button the citizen presses
    expect: Expect = field(default_factory=Expect)


@dataclass(frozen=True)
class Conversation:
    id: str
    about: str
    turns: tuple[Turn, ...]
    source: str = ""  # the file it came from

    @property
    def kind(self) -> str:
        """The file's name without extension: the kind of behaviour (follow_ups, forms, ...)."""
        return Path(self.source).stem if self.source else ""


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ConversationFormatError(f"{where}: expected a list of strings, got {value!r}")
    texts = tuple(str(v) for v in value)
    if any(not fold_for_match(t) for t in texts):
        raise ConversationFormatError(f"{where}: empty string in {list(texts)!r}")
    return texts


def _expect(raw: Any, where: str) -> Expect:
    if raw is None:
        return Expect()
    if not isinstance(raw, dict):
        raise ConversationFormatError(f"{where}: `expect` must be a mapping")
    unknown = set(raw) - _EXPECT_KEYS
    if unknown:
        raise ConversationFormatError(f"{where}: unknown expect keys {sorted(unknown)}")
    handoff = raw.get("handoff")
    if handoff is not None and not isinstance(handoff, bool):
        raise ConversationFormatError(f"{where}: `handoff` must be true or false")
    ticket = raw.get("ticket")
    if ticket is False:  # YAML reads a bare `no` as false; `none` is the documented spelling
        ticket = "none"
    if ticket is not None:
        ticket = str(ticket).strip()
        ticket = ticket.upper() if ticket.upper() in TICKET_KINDS else ticket.lower()
        if ticket not in (*TICKET_KINDS, "none"):
            raise ConversationFormatError(f"{where}: `ticket` must be one of PA, HD, BC, LH, none")
    return Expect(
        any=_strings(raw.get("any"), f"{where} any"),
        all=_strings(raw.get("all"), f"{where} all"),
        none=_strings(raw.get("none"), f"{where} none"),
        handoff=handoff,
        ticket=ticket,
    )


def _turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict):
        raise ConversationFormatError(f"{where}: a turn must be a mapping")
    unknown = set(raw) - _TURN_KEYS
    if unknown:
        raise ConversationFormatError(f"{where}: unknown turn keys {sorted(unknown)}")
    if ("user" in raw) == ("press" in raw):
        raise ConversationFormatError(f"{where}: a turn has exactly one of `user` or `press`")
    text = raw.get("user", raw.get("press"))
    if not isinstance(text, str | int | float) or not str(text).strip():
        raise ConversationFormatError(f"{where}: empty `user`/`press`")
    expect = _expect(raw.get("expect"), where)
    if "user" in raw:
        return Turn(user=str(text), expect=expect)
    return Turn(press=str(text), expect=expect)


def parse_conversations(data: Any, source: str) -> list[Conversation]:
    """Conversations from a loaded YAML document (``{"conversations": [...]}``)."""
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise ConversationFormatError(f"{source}: expected a mapping with a `conversations` list")
    conversations = []
    for index, raw in enumerate(data["conversations"], start=1):
        where = f"{source} conversation #{index}"
        if not isinstance(raw, dict):
            raise ConversationFormatError(f"{where}: must be a mapping")
        unknown = set(raw) - _CONVERSATION_KEYS
        if unknown:
            raise ConversationFormatError(f"{where}: unknown keys {sorted(unknown)}")
        conversation_id = str(raw.get("id") or "")
        if not _ID.match(conversation_id):
            raise ConversationFormatError(f"{where}: `id` must be short-kebab-case, got {conversation_id!r}")
        where = f"{source} {conversation_id}"
        about = str(raw.get("about") or "").strip()
        if not about:
            raise ConversationFormatError(f"{where}: `about` is required")
        turns = raw.get("turns")
        if not isinstance(turns, list) or not turns:
            raise ConversationFormatError(f"{where}: `turns` must be a non-empty list")
        parsed = tuple(_turn(t, f"{where} turn {i}") for i, t in enumerate(turns, start=1))
        if parsed[0].press is not None:
            raise ConversationFormatError(f"{where}: the first turn cannot press a button")
        conversations.append(Conversation(conversation_id, about, parsed, source))
    return conversations


def load_conversations(*paths: str | Path) -> list[Conversation]:
    """Conversations from YAML files or directories of ``*.yml`` files, in order; ids must be unique."""
    files: list[Path] = []
    for path in map(Path, paths):
        files += sorted(path.glob("*.yml")) if path.is_dir() else [path]
    conversations: list[Conversation] = []
    seen: dict[str, str] = {}
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for conversation in parse_conversations(data, str(file)):
            if conversation.id in seen:
                raise ConversationFormatError(
                    f"{file}: id {conversation.id!r} is also used in {seen[conversation.id]}"
                )
            seen[conversation.id] = str(file)
            conversations.append(conversation)
    return conversations


# ---- transport ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass
class Reply:
    """What the bot answered to one message."""

    status: int
    messages: list[dict[str, Any]]
    elapsed_ms: float = 0.0
    error: str | None = None  # transport failure or a body that is not a list of messages

    @property
    def texts(self) -> list[str]:
        return [str(m["text"]) for m in self.messages if m.get("text")]

    @property
    def buttons(self) -> list[Button]:
        return [
            Button(str(b.get("title") or ""), str(b.get("payload") or b.get("title") or ""))
            for m in self.messages
            for b in m.get("buttons") or []
        ]

    @property
    def custom(self) -> list[Any]:
        return [m["custom"] for m in self.messages if m.get("custom") is not None]

    @property
    def handoff(self) -> bool:
        return any(isinstance(c, dict) and c.get("handoff") is True for c in self.custom)

    @property
    def text(self) -> str:
        """Every text and button title, one per line: what the matcher reads."""
        return "\n".join([*self.texts, *(b.title for b in self.buttons)])

    @property
    def ticket_codes(self) -> list[str]:
        return [m.group(0).upper() for m in TICKET_CODE.finditer("\n".join(self.texts))]


class RestTransport:
    """Rasa's REST webhook, or anything that speaks it (the hub): one POST per citizen message."""

    def __init__(self, base_url: str, path: str = "/webhooks/rest/webhook", timeout: float = 60.0) -> None:
        self.url = base_url.rstrip("/") + path
        self.timeout = timeout

    def post(self, body: Any) -> tuple[int, Any, float]:
        """POST ``body`` as JSON: (HTTP status, decoded JSON or raw text, elapsed ms). Never raises on a
        4xx/5xx answer; raises ``OSError`` when the server cannot be reached."""
        request = urllib.request.Request(
            self.url, data=json.dumps(body).encode("utf-8"), headers={"Content-Type": "application/json"}
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        elapsed = (time.perf_counter() - started) * 1000
        try:
            return status, json.loads(raw.decode("utf-8") or "null"), elapsed
        except ValueError:
            return status, raw.decode("utf-8", errors="replace"), elapsed

    def send(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> Reply:
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        try:
            status, data, elapsed = self.post(body)
        except OSError as error:
            return Reply(0, [], error=f"{type(error).__name__}: {error}")
        if status != 200:
            return Reply(status, [], elapsed, error=f"HTTP {status}: {str(data)[:300]}")
        if not isinstance(data, list) or not all(isinstance(m, dict) for m in data):
            return Reply(status, [], elapsed, error=f"not a list of messages: {str(data)[:300]}")
        return Reply(status, data, elapsed)


# ---- matching -----------------------------------------------------------------------------------------
def fold_for_match(text: str) -> str:
    """Lower case, no diacritics, whitespace collapsed: both sides of every comparison."""
    return _SPACES.sub(" ", fold(normalize_text(str(text)))).strip()


def check_reply(reply: Reply, expect: Expect) -> list[str]:
    """What is wrong with ``reply`` for ``expect`` (empty when it passes)."""
    if reply.error:
        return [f"no answer: {reply.error}"]
    if not reply.messages:
        return ["the bot said nothing"]
    problems = []
    said = fold_for_match(reply.text)
    if expect.any and not any(fold_for_match(t) in said for t in expect.any):
        problems.append(f"expected at least one of {list(expect.any)}")
    missing = [t for t in expect.all if fold_for_match(t) not in said]
    if missing:
        problems.append(f"expected all of {list(expect.all)}; missing {missing}")
    present = [t for t in expect.none if fold_for_match(t) in said]
    if present:
        problems.append(f"expected none of {list(expect.none)}; found {present}")
    if expect.handoff is not None and reply.handoff != expect.handoff:
        problems.append("expected a handoff to a human" if expect.handoff else "expected no handoff")
    if expect.ticket is not None:
        codes = reply.ticket_codes
        if expect.ticket == "none" and codes:
            problems.append(f"expected no ticket code; found {codes}")
        elif expect.ticket != "none" and not any(c.startswith(expect.ticket + "-") for c in codes):
            problems.append(f"expected a {expect.ticket}- ticket code; found {codes or 'none'}")
    return problems


def find_button(reply: Reply | None, wanted: str) -> Button | None:
    """The button whose folded title equals ``wanted`` folded, else the first that contains it."""
    if reply is None:
        return None
    key = fold_for_match(wanted)
    buttons = reply.buttons
    exact = [b for b in buttons if fold_for_match(b.title) == key]
    return (exact or [b for b in buttons if key in fold_for_match(b.title)] or [None])[0]


def substitute(text: str, variables: dict[str, str]) -> str:
    """``{{name}}`` -> ``variables[name]``; an unknown name raises KeyError."""
    return _VARIABLE.sub(lambda m: variables[m.group(1)], text)


# ---- running ------------------------------------------------------------------------------------------
@dataclass
class TurnRecord:
    number: int
    sent: str  # what was posted as the message
    pressed: str | None  # the button title pressed, when the turn pressed one
    reply: Reply | None
    problems: list[str]


@dataclass
class ConversationResult:
    conversation: Conversation
    sender: str
    records: list[TurnRecord] = field(default_factory=list)
    extra_problems: list[str] = field(default_factory=list)  # checks after the last turn (the database)

    @property
    def passed(self) -> bool:
        return (
            len(self.records) == len(self.conversation.turns)
            and not any(r.problems for r in self.records)
            and not self.extra_problems
        )

    @property
    def failed_turn(self) -> TurnRecord | None:
        return next((r for r in self.records if r.problems), None)

    def transcript(self) -> str:
        """The whole conversation so far, with the bot's messages, buttons and custom payloads."""
        c = self.conversation
        lines = [f"conversation {c.id} ({c.source}), sender {self.sender}", f"about: {c.about}"]
        for record in self.records:
            if record.pressed is not None:
                lines.append(f"{record.number:>2}. citizen presses [{record.pressed}] -> {record.sent}")
            else:
                lines.append(f"{record.number:>2}. citizen: {record.sent}")
            reply = record.reply
            if reply is not None:
                for message in reply.messages:
                    if message.get("text"):
                        text = str(message["text"]).replace("\n", "\n          ")
                        lines.append(f"    bot: {text}")
                    titles = [str(b.get("title")) for b in message.get("buttons") or []]
                    if titles:
                        lines.append("    buttons: " + " | ".join(f"[{t}]" for t in titles))
                    if message.get("custom") is not None:
                        lines.append(f"    custom: {json.dumps(message['custom'], ensure_ascii=False)}")
                if not reply.messages:
                    lines.append("    bot: (nothing)")
            for problem in record.problems:
                lines.append(f"    FAILED: {problem}")
        for problem in self.extra_problems:
            lines.append(f"    FAILED after the last turn: {problem}")
        return "\n".join(lines)


def run_conversation(
    transport: RestTransport,
    conversation: Conversation,
    *,
    variables: dict[str, str] | None = None,
    sender: str | None = None,
    channel: str = "webchat",
    after: Callable[[ConversationResult], list[str]] | None = None,
) -> ConversationResult:
    """Play ``conversation`` turn by turn with a fresh sender; stop at the first turn that fails.

    ``after`` (when given and every turn passed) returns further problems, e.g. from the database.
    """
    sender = sender or f"e2e-{conversation.id}-{uuid.uuid4().hex[:8]}"
    metadata = {"channel": channel, "channel_user_id": sender}
    result = ConversationResult(conversation, sender)
    previous: Reply | None = None
    for number, turn in enumerate(conversation.turns, start=1):
        pressed = None
        try:
            expect = turn.expect.substituted(variables or {})
        except KeyError as missing:
            result.records.append(
                TurnRecord(number, str(turn.user or turn.press), None, None, [f"unknown variable {missing}"])
            )
            return result
        if turn.press is not None:
            button = find_button(previous, turn.press)
            if button is None:
                titles = [b.title for b in previous.buttons] if previous else []
                result.records.append(
                    TurnRecord(
                        number,
                        f"(press {turn.press!r})",
                        turn.press,
                        None,
                        [f"no button titled like {turn.press!r} in the last reply; buttons: {titles}"],
                    )
                )
                return result
            message, pressed = button.payload, button.title
        else:
            try:
                message = substitute(str(turn.user), variables or {})
            except KeyError as missing:
                result.records.append(
                    TurnRecord(number, str(turn.user), None, None, [f"unknown variable {missing}"])
                )
                return result
        reply = transport.send(sender, message, metadata)
        record = TurnRecord(number, message, pressed, reply, check_reply(reply, expect))
        result.records.append(record)
        if record.problems:
            return result
        previous = reply
    if after is not None:
        result.extra_problems = after(result)
    return result


def shown_ticket_codes(result: ConversationResult) -> list[str]:
    """Every ticket code the bot showed during the conversation, in order, once each."""
    codes: list[str] = []
    for record in result.records:
        for code in record.reply.ticket_codes if record.reply else []:
            if code not in codes:
                codes.append(code)
    return codes


def kinds(conversations: Iterable[Conversation]) -> dict[str, int]:
    """Number of conversations per kind (file)."""
    counts: dict[str, int] = {}
    for conversation in conversations:
        counts[conversation.kind] = counts.get(conversation.kind, 0) + 1
    return counts
