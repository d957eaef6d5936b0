"""Conversation benches of issue 11: whole conversations and formal-register questions, on the real bot.

- Blind multi-turn conversations (tests/bench/data/conversations_blind.yml, the tests/e2e format, written
  without seeing the data or the code, never tuned on): the share of conversations whose every turn passes.
  Target >= 0.90. The suite of tests/e2e/conversations/ (visible to the dialogue team) is measured beside it.
- Blind formal-register questions (tests/bench/data/formal_questions_blind.yml,
  ``questions: [{text, label: ask_procedure|petition}]``), parsed by Rasa's ``/model/parse``:
  ``ask_procedure`` recall (target >= 0.95) and petition precision (``submit_petition`` predicted on
  petitions), as written and with diacritics stripped.

The bot is the real one (tests/e2e/servers.py: Rasa with the model ``make model`` trained and the action
server, on free ports of 127.0.0.1, on a fresh SQLite database seeded like ``make seed``), or any running bot
given with ``--url`` (e.g. behind the hub; sample-dossier variables are then unavailable). Writes its section
of docs/benchmarks.md between ``<!-- conversations:start -->`` and ``<!-- conversations:end -->``. The
section gives figures only: no text of a blind item, so that nobody tunes on them; ``--show-failures``
prints the failing transcripts and misread questions of the development sets on the console, and refuses
to print those of the blind sets.

    .venv/bin/python tests/bench/bench_conversations.py [--no-write] [--show-failures]
    .venv/bin/python tests/bench/bench_conversations.py --conversations FILE --questions FILE
    .venv/bin/python tests/bench/bench_conversations.py --url http://127.0.0.1:5005
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.report import BENCHMARKS, machine, write_section  # noqa: E402
from tests.e2e.harness import (  # noqa: E402
    Conversation,
    ConversationResult,
    Reply,
    RestTransport,
    fold_for_match,
    load_conversations,
    run_conversation,
)
from tests.e2e.servers import BotStack, start_bot  # noqa: E402
from vietnam.text import strip_diacritics  # noqa: E402

DATA = ROOT / "tests" / "bench" / "data"
BLIND_CONVERSATIONS = DATA / "conversations_blind.yml"
BLIND_QUESTIONS = DATA / "formal_questions_blind.yml"


def is_blind(path: Path) -> bool:
    """A blind set: nobody working on the bot reads its items or its misses."""
    return "blind" in path.name


VISIBLE_CONVERSATIONS = ROOT / "tests" / "e2e" / "conversations"
START, END = "<!-- conversations:start -->", "<!-- conversations:end -->"
COMMAND = ".venv/bin/python tests/bench/bench_conversations.py"
TARGETS = {"pass_rate": 0.90, "ask_procedure_recall": 0.95}
LABELS = {"ask_procedure": "ask_procedure", "petition": "submit_petition"}  # label -> the intent meant


# ---- conversations ------------------------------------------------------------------------------------
@dataclass
class ConversationScore:
    name: str
    source: str
    results: list[ConversationResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def rate(self) -> float:
        return self.passed / len(self.results) if self.results else float("nan")

    @property
    def turns(self) -> int:
        return sum(len(r.conversation.turns) for r in self.results)

    @property
    def latencies_ms(self) -> list[float]:
        return [
            rec.reply.elapsed_ms for r in self.results for rec in r.records if rec.reply and rec.reply.status
        ]

    def problem_kinds(self) -> Counter[str]:
        """What made conversations fail, by kind of expectation (first failing turn of each)."""
        kinds: Counter[str] = Counter()
        for result in self.results:
            record = result.failed_turn
            problems = record.problems if record else result.extra_problems
            for problem in problems[:1]:
                kinds[_problem_kind(problem)] += 1
        return kinds

    def reply_kinds(self) -> Counter[str]:
        """What the bot said at the first failing turn of each failed conversation (aggregate only)."""
        kinds: Counter[str] = Counter()
        for result in self.results:
            record = result.failed_turn
            if record is not None:
                kinds[_reply_kind(record.reply)] += 1
        return kinds


def _reply_kind(reply: Reply | None) -> str:
    """A coarse class of a reply: where a failure came from, without showing it."""
    if reply is None or not reply.messages:
        return "nothing"
    text = fold_for_match(reply.text)
    payloads = [button.payload for button in reply.buttons]
    if reply.handoff:
        return "handoff"
    if sum(payload.startswith("/ask_procedure") for payload in payloads) >= 2:
        return "procedure menu"
    if "chua co trong danh muc" in text or "ngoai pham vi" in text:
        return "not in catalogue / out of scope"
    if any(isinstance(c, dict) and c.get("fallback") for c in reply.custom):
        return "clarification / fallback"
    if "cho em xin" in text or any(p in ("/affirm", "/deny") for p in payloads):
        return "form question or summary"
    return "an answer (wrong or incomplete)"


def _problem_kind(problem: str) -> str:
    for prefix, kind in (
        ("expected at least one", "`any` missing"),
        ("expected all", "`all` missing"),
        ("expected none", "`none` present"),
        ("expected a handoff", "no handoff"),
        ("expected no handoff", "unwanted handoff"),
        ("expected no ticket", "unwanted ticket"),
        ("expected a ", "no ticket"),
        ("no button", "button missing"),
        ("the bot said nothing", "empty reply"),
        ("no answer", "HTTP error"),
        ("unknown variable", "unknown variable"),
    ):
        if problem.startswith(prefix):
            return kind
    return "database check"


def play(
    name: str, source: Path, transport: RestTransport, stack: BotStack | None
) -> ConversationScore | None:
    if not source.exists():
        return None
    conversations: list[Conversation] = load_conversations(source)
    score = ConversationScore(name, _relative(source))
    started = time.perf_counter()
    for conversation in conversations:
        score.results.append(
            run_conversation(
                transport,
                conversation,
                variables=stack.variables() if stack else {},
                after=stack.ticket_problems if stack else None,
            )
        )
    score.seconds = time.perf_counter() - started
    return score


# ---- formal questions ---------------------------------------------------------------------------------
@dataclass
class QuestionScore:
    spelling: str
    labels: list[str]
    predicted: list[str]

    def recall(self, label: str) -> float:
        wanted = LABELS[label]
        pairs = [(g, p) for g, p in zip(self.labels, self.predicted, strict=True) if g == label]
        return sum(p == wanted for _, p in pairs) / len(pairs) if pairs else float("nan")

    def precision(self, label: str) -> float | None:
        wanted = LABELS[label]
        pairs = [(g, p) for g, p in zip(self.labels, self.predicted, strict=True) if p == wanted]
        return sum(g == label for g, _ in pairs) / len(pairs) if pairs else None

    def confusions(self) -> Counter[tuple[str, str]]:
        return Counter((g, p) for g, p in zip(self.labels, self.predicted, strict=True) if LABELS[g] != p)


def load_questions(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a mapping with a `questions` list")
    questions = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not str(item.get("text") or "").strip():
            raise ValueError(f"{path}: question #{index} has no text")
        if item.get("label") not in LABELS:
            raise ValueError(f"{path}: question #{index}: label must be one of {sorted(LABELS)}")
        questions.append((str(item["text"]), str(item["label"])))
    return questions


def parse_intents(base_url: str, texts: list[str]) -> list[str]:
    parser = RestTransport(base_url, path="/model/parse")
    intents = []
    for text in texts:
        status, body, _ = parser.post({"text": text})
        if status != 200 or not isinstance(body, dict):
            raise RuntimeError(f"/model/parse answered HTTP {status}: {str(body)[:200]}")
        intents.append(str((body.get("intent") or {}).get("name") or ""))
    return intents


def score_questions(base_url: str, source: Path) -> list[QuestionScore] | None:
    if not source.exists():
        return None
    questions = load_questions(source)
    labels = [label for _, label in questions]
    texts = [text for text, _ in questions]
    return [
        QuestionScore("as written", labels, parse_intents(base_url, texts)),
        QuestionScore(
            "diacritics stripped", labels, parse_intents(base_url, [strip_diacritics(t) for t in texts])
        ),
    ]


def print_misread(items: list[tuple[str, str]], scores: list[QuestionScore]) -> None:
    """The misread questions with what was predicted (console only, like the failing transcripts)."""
    for score in scores:
        for (text, label), predicted in zip(items, score.predicted, strict=True):
            if LABELS[label] != predicted:
                shown = strip_diacritics(text) if score.spelling == "diacritics stripped" else text
                print(f"misread ({score.spelling}): {label} -> {predicted}: {shown}")


# ---- report -------------------------------------------------------------------------------------------
def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _met(value: float | None, target: float) -> str:
    return "met" if value is not None and value >= target else "**not met**"


def render(
    command: str,
    bot: str,
    conversations: list[tuple[str, Path, ConversationScore | None]],
    questions: list[QuestionScore] | None,
    questions_path: Path,
    notes: list[str],
) -> str:
    lines = [
        START,
        "## Conversations: whole dialogues and formal-register questions (issue 11)",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine()}  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; bot: {bot}.",
        "",
        "A conversation passes when every turn meets its expectations (tests/e2e/README.md: folded "
        "substrings of the reply, handoff, ticket code; an empty reply fails) and the database holds "
        "exactly the tickets the citizen was shown.",
        "",
        "- blind: written by an engineer who saw neither the training data nor the code, never tuned on: the "
        "honest figure.",
        "- visible: the conversations of `make test-e2e` (tests/e2e/conversations), which the dialogue team "
        "works against: optimistic.",
        "",
        "| set | file | conversations | turns | passed | pass rate | target | turn latency p50 / p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, path, score in conversations:
        if score is None:
            lines.append(f"| {name} | `{_relative(path)}` | not present: not measured | | | | | |")
            continue
        target = (
            f"≥ {TARGETS['pass_rate']:.2f}: {_met(score.rate, TARGETS['pass_rate'])}"
            if name == "blind"
            else "-"
        )
        latencies = score.latencies_ms
        lines.append(
            f"| {name} | `{score.source}` | {len(score.results)} | {score.turns} | {score.passed} | "
            f"**{score.rate:.3f}** | {target} | "
            f"{_percentile(latencies, 0.5):.0f} / {_percentile(latencies, 0.95):.0f} ms |"
        )
    lines.append("")
    for name, _, score in conversations:
        if score is None or score.passed == len(score.results):
            continue
        kinds = ", ".join(f"{kind} {count}" for kind, count in score.problem_kinds().most_common())
        lines.append(f"- {name}: first failing check of each failed conversation: {kinds}.")
        said = ", ".join(f"{kind} {count}" for kind, count in score.reply_kinds().most_common())
        if said:
            lines.append(f"- {name}: what the bot said at that turn: {said}.")
    if any(score for _, _, score in conversations):
        lines.append("")

    lines += [
        f"Formal-register questions (`{_relative(questions_path)}`), intent from `/model/parse`:",
        "",
    ]
    if questions is None:
        lines += [f"Not measured: `{_relative(questions_path)}` is not present.", ""]
    else:
        total = len(questions[0].labels)
        counts = Counter(questions[0].labels)
        lines += [
            f"{total} questions: {counts.get('ask_procedure', 0)} procedure questions, "
            f"{counts.get('petition', 0)} petitions.",
            "",
            "| spelling | `ask_procedure` recall | target | petition precision | petition recall |",
            "|---|---|---|---|---|",
        ]
        for score in questions:
            recall = score.recall("ask_procedure")
            precision = score.precision("petition")
            precision_text = f"{precision:.3f}" if precision is not None else "n/a (none predicted)"
            target = (
                f"≥ {TARGETS['ask_procedure_recall']:.2f}: {_met(recall, TARGETS['ask_procedure_recall'])}"
            )
            lines.append(
                f"| {score.spelling} | **{recall:.3f}** | {target} | {precision_text} | "
                f"{score.recall('petition'):.3f} |"
            )
        lines.append("")
        for score in questions:
            confusions = ", ".join(f"{g} -> {p} ({n})" for (g, p), n in score.confusions().most_common(6))
            lines.append(f"- misread, {score.spelling}: {confusions or 'none'}")
        lines.append("")
    lines += [f"Note: {note}" for note in notes]
    lines += ["", END]
    return "\n".join(lines)


# ---- main ---------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--conversations", type=Path, default=BLIND_CONVERSATIONS, help="blind conversation set"
    )
    parser.add_argument(
        "--questions", type=Path, default=BLIND_QUESTIONS, help="blind formal-register questions"
    )
    parser.add_argument(
        "--skip-visible", action="store_true", help="do not also play tests/e2e/conversations"
    )
    parser.add_argument("--url", default=None, help="a running bot's base URL instead of starting one")
    parser.add_argument(
        "--webhook-path", default="/webhooks/rest/webhook", help="with --url: the webhook path"
    )
    parser.add_argument(
        "--workdir", type=Path, default=None, help="server logs and database (default: a temp dir)"
    )
    parser.add_argument(
        "--show-failures",
        action="store_true",
        help="print failing transcripts and misread questions (console only)",
    )
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/ alone")
    parser.add_argument("--from-make", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    sets = [("blind", args.conversations)]
    if not args.skip_visible:
        sets.append(("visible", VISIBLE_CONVERSATIONS))
    notes: list[str] = []
    needs_bot = any(path.exists() for _, path in sets) or args.questions.exists()
    stack: BotStack | None = None
    temporary = None
    try:
        if args.url:
            base_url, bot = args.url.rstrip("/"), f"the running bot at {args.url}"
            notes.append(
                "no seeded database: `{{dossier_N}}` variables are unknown and tickets are not checked."
            )
        elif needs_bot:
            if args.workdir is None:
                temporary = tempfile.TemporaryDirectory(prefix="bench-conversations-")
            workdir = args.workdir or Path(temporary.name)  # type: ignore[union-attr]
            print("starting Rasa and the action server ...", flush=True)
            stack = start_bot(workdir)
            base_url = stack.base_url
            bot = f"`{_relative(stack.model)}` with the action server, fresh SQLite seeded like `make seed`"
        else:
            base_url, bot = "", "not started (no data)"
        transport = RestTransport(base_url, path=args.webhook_path if args.url else "/webhooks/rest/webhook")
        scores = []
        for name, path in sets:
            print(f"playing {name}: {_relative(path)}", flush=True)
            score = play(name, path, transport, stack) if needs_bot else None
            scores.append((name, path, score))
            if score is not None:
                print(
                    f"  {score.passed}/{len(score.results)} passed ({score.rate:.3f}), {score.seconds:.0f} s"
                )
                if args.show_failures and not is_blind(path):
                    for result in score.results:
                        if not result.passed:
                            print("\n" + result.transcript())
        print(f"parsing {_relative(args.questions)}", flush=True)
        questions = score_questions(base_url, args.questions) if needs_bot else None
        if args.show_failures and questions and not is_blind(args.questions):
            print_misread(load_questions(args.questions), questions)
    finally:
        if stack is not None:
            stack.stop()
        if temporary is not None:
            temporary.cleanup()

    command = (
        "make bench" if args.from_make else " ".join([COMMAND, *(argv if argv is not None else sys.argv[1:])])
    )
    section = render(command, bot, scores, questions, args.questions, notes)
    print(section)
    if not args.no_write:
        write_section(section, START, END)
        print(f"written to {BENCHMARKS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
