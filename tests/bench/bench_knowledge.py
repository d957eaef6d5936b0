"""Benchmark the knowledge base: search accuracy and latency, the catalogue's scope, the fee/time audit and
the facts the bot's replies carry.

    .venv/bin/python tests/bench/bench_knowledge.py [--no-write] [--show-misses] [--facts FILE]
    .venv/bin/python tests/bench/bench_knowledge.py --facts tests/data/fact_questions_dev.yml --facts-only \
        [--show-fact-misses]

- Accuracy: top-1 and top-3 on tests/data/procedure_questions.yml, as written and with diacritics
  stripped, over the shipped catalogue plus the full imported national crawl (../shared/data, when
  present) and over the shipped catalogue alone.
- Latency: p50/p95/max of ``search`` over every question (both spellings, 3 rounds, after one warm-up
  round) on the combined catalogue.
- Scope (``knowledge.catalogue_match``): how often a question about a catalogue procedure is wrongly
  said to be outside the catalogue (both question sets, both catalogues, both spellings), and how many of
  tests/data/out_of_catalogue_questions.yml are caught (shipped catalogue, the default deployment).
- Audit: the share of shipped procedures whose fee and processing time were checked against the source
  (``audit`` with its date and source), with the outcome counts and the dates.
- Facts: on the blind fact questions (tests/bench/data/fact_questions_blind.yml, written without seeing the
  data or the code; nobody reads their questions or misses, only this aggregate), the share whose reply
  carries one of ``facts_any`` (both sides folded: lower case, no diacritics, whitespace collapsed;
  substring). The reply is the one the bot gives on the shipped catalogue: the contact answer for a
  contact question (``knowledge.contacts.is_contact_question``), else the answer for the top procedure and
  the detected aspect when ``match_catalogue`` finds one (given the question, as the action gives it: a
  paper the question names is said about), else the not-in-catalogue reply.
  ``--facts FILE`` scores another file of the same format instead (the development set
  tests/data/fact_questions_dev.yml); ``--facts-only`` measures nothing else and writes nothing;
  ``--show-fact-misses`` prints each miss with its reply, and is refused for the blind file.
Writes its section of docs/benchmarks.md between ``<!-- knowledge:start -->`` and ``<!-- knowledge:end -->``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from knowledge.answers import render_answer  # noqa: E402
from knowledge.aspects import detect_aspect  # noqa: E402
from knowledge.catalogue_match import match_catalogue  # noqa: E402
from knowledge.importer import import_portal_file, import_shipped  # noqa: E402
from knowledge.search import is_ambiguous  # noqa: E402
from knowledge.service import Catalogue  # noqa: E402
from tests.bench.report import machine, write_section  # noqa: E402
from vietnam.text import strip_diacritics  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "procedure_questions.yml"
BLIND_QUESTIONS = ROOT / "tests" / "data" / "procedure_questions_blind.yml"
# (name, file, how it was written)
QUESTION_SETS = (
    (
        "tuned-on",
        QUESTIONS,
        "written by another engineer independently of the catalogue's aliases, but visible "
        "while the ranking and the search-only synonym list were tuned: optimistic",
    ),
    (
        "blind",
        BLIND_QUESTIONS,
        "written afterwards by an engineer who saw neither the search code, the synonym "
        "list nor the other set, and never changed after the first measurement: the honest figure",
    ),
)
CRAWL = ROOT.parent / "shared" / "data" / "tthc_catalog.jsonl.gz"
OUT_OF_CATALOGUE = ROOT / "tests" / "data" / "out_of_catalogue_questions.yml"
FACT_QUESTIONS = ROOT / "tests" / "bench" / "data" / "fact_questions_blind.yml"
START, END = "<!-- knowledge:start -->", "<!-- knowledge:end -->"
COMMAND = ".venv/bin/python tests/bench/bench_knowledge.py"
TARGETS = {"top1": 0.90, "top3": 0.97, "p95_ms": 20.0, "audit": 1.0, "facts": 0.90}


@dataclass(frozen=True)
class Question:
    text: str
    codes: frozenset[str]
    aspect: str | None = None


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = data.get("questions", data) if isinstance(data, dict) else data
    questions = []
    for item in items:
        codes = {str(item["code"])} | {str(c) for c in item.get("also") or []}
        questions.append(Question(str(item["text"]), frozenset(codes), item.get("aspect")))
    return questions


def load_questions_text(path: Path) -> list[Question]:
    """Questions without procedure labels (the out-of-catalogue set)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [Question(str(item["text"]), frozenset()) for item in data.get("questions", [])]


@dataclass
class Accuracy:
    top1: float
    top3: float
    misses: list[tuple[str, str, list[str]]]


def accuracy(catalogue: Catalogue, questions: list[Question], strip: bool) -> Accuracy:
    top1 = top3 = 0
    misses = []
    for q in questions:
        text = strip_diacritics(q.text) if strip else q.text
        codes = [h.code for h in catalogue.search(text, limit=3)]
        top1 += bool(codes[:1]) and codes[0] in q.codes
        top3 += bool(set(codes) & q.codes)
        if not codes or codes[0] not in q.codes:
            misses.append((text, "/".join(sorted(q.codes)), codes))
    n = max(1, len(questions))
    return Accuracy(top1 / n, top3 / n, misses)


@dataclass
class Latency:
    wall: list[float]  # every call, wall clock
    cpu: list[float]  # every call, CPU time of this thread (excludes time preempted by other processes)
    per_query: list[float]  # each query's median wall time over the rounds


@dataclass
class Asking:
    asked: int
    multi: int
    multi_asked: int
    wrong: int
    recovered: int


def asking(catalogue: Catalogue, questions: list[Question]) -> Asking:
    """How often the bot would ask "which one?" (``is_ambiguous``), and whether that helps."""
    result = Asking(0, 0, 0, 0, 0)
    for q in questions:
        hits = catalogue.search(q.text, limit=5)
        ambiguous = is_ambiguous(hits)
        result.asked += ambiguous
        if len(q.codes) > 1:
            result.multi += 1
            result.multi_asked += ambiguous
        if not hits or hits[0].code not in q.codes:
            result.wrong += 1
            result.recovered += ambiguous and any(h.code in q.codes for h in hits[:2])
    return result


def latency_ms(catalogue: Catalogue, texts: list[str], rounds: int = 5) -> Latency:
    for text in texts:  # warm-up: index built, caches filled
        catalogue.search(text)
    wall: list[float] = []
    cpu: list[float] = []
    by_query: list[list[float]] = [[] for _ in texts]
    for _ in range(rounds):
        for i, text in enumerate(texts):
            start, start_cpu = time.perf_counter(), time.thread_time()
            catalogue.search(text)
            elapsed = (time.perf_counter() - start) * 1000
            cpu.append((time.thread_time() - start_cpu) * 1000)
            wall.append(elapsed)
            by_query[i].append(elapsed)
    return Latency(wall, cpu, [statistics.median(times) for times in by_query])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class Scope:
    refused: int  # questions said to be outside the catalogue
    total: int

    @property
    def share(self) -> float:
        return self.refused / max(1, self.total)


def scope(catalogue: Catalogue, texts: list[str]) -> Scope:
    index = catalogue.index()
    refused = sum(match_catalogue(index, text).outcome == "not_in_catalogue" for text in texts)
    return Scope(refused, len(texts))


@dataclass
class Audit:
    audited: int
    total: int
    outcomes: dict[str, int]
    dates: tuple[str, str] | None
    missing: list[str]


def audit_share(catalogue: Catalogue) -> Audit:
    """Read back from the database (the shape answers use) every shipped procedure's audit."""
    from knowledge.catalogue import load_shipped

    audited, outcomes, dates, missing = 0, {}, [], []
    codes = [record.code for record in load_shipped()]
    for code in codes:
        record = catalogue.get(code)
        audit = record.audit if record is not None else None
        if audit is None or not audit.date or not audit.source or not audit.fee or not audit.time:
            missing.append(code)
            continue
        audited += 1
        dates.append(audit.date.isoformat())
        for part in ("fee", "time"):
            key = f"{part} {getattr(audit, part)}"
            outcomes[key] = outcomes.get(key, 0) + 1
    return Audit(audited, len(codes), outcomes, (min(dates), max(dates)) if dates else None, missing)


def fold_match(text: str) -> str:
    return " ".join(strip_diacritics(text).lower().split())


def bot_reply(catalogue: Catalogue, text: str) -> str:
    """The reply the bot gives to ``text`` alone (a first message), from the knowledge API."""
    try:
        from knowledge import contacts
    except ImportError:  # before the contact directory landed
        contacts = None  # type: ignore[assignment]
    if contacts is not None and contacts.is_contact_question(text):
        return contacts.contact_answer(text).message
    match = match_catalogue(catalogue.index(), text)
    if match.found and match.top is not None:
        record = catalogue.get(match.top.code)
        if record is not None:
            return render_answer(record, detect_aspect(text), text)
    return match.message or ""


@dataclass
class FactMiss:
    text: str
    aspect: str
    facts_any: list[str]
    detected: str  # the aspect the bot detected, or "contact"
    reply: str


@dataclass
class Facts:
    right: int
    total: int
    by_aspect: dict[str, tuple[int, int]]
    misses: list[FactMiss] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.right / max(1, self.total)


def is_blind(path: Path) -> bool:
    return path.resolve() == FACT_QUESTIONS.resolve()


def fact_score(catalogue: Catalogue, path: Path) -> Facts:
    """The share of replies carrying a right fact. For the blind file only the aggregate is kept: its
    questions and misses are never printed (see the module docstring)."""
    from knowledge import contacts

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = data.get("questions", data) if isinstance(data, dict) else data
    keep_misses = not is_blind(path)
    right, by_aspect, misses = 0, {}, []
    for item in items:
        text = str(item["text"])
        reply = bot_reply(catalogue, text)
        facts = [str(fact) for fact in item.get("facts_any") or [] if str(fact).strip()]
        ok = any(fold_match(fact) in fold_match(reply) for fact in facts)
        right += ok
        aspect = str(item.get("aspect") or "?")
        hit, n = by_aspect.get(aspect, (0, 0))
        by_aspect[aspect] = (hit + ok, n + 1)
        if not ok and keep_misses:
            detected = "contact" if contacts.is_contact_question(text) else detect_aspect(text)
            misses.append(FactMiss(text, aspect, facts, detected, reply))
    return Facts(right, len(items), dict(sorted(by_aspect.items())), misses)


def facts_summary(facts: Facts, path: Path) -> str:
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return (
        f"{facts.right} of {facts.total} replies carry a right fact ({facts.share:.3f}), "
        f"from `{shown}` on the shipped catalogue. By the question's aspect: "
        + ", ".join(f"{aspect} {hit}/{n}" for aspect, (hit, n) in facts.by_aspect.items())
        + "."
    )


def print_fact_misses(facts: Facts) -> None:
    for miss in facts.misses:
        print(f"MISS [{miss.aspect}; detected {miss.detected}] {miss.text!r} wants one of {miss.facts_any}")
        print("    " + miss.reply.replace("\n", "\n    "))


def facts_only(path: Path, show_misses: bool) -> int:
    """Score ``path`` alone on the shipped catalogue (no search accuracy, latency, audit; nothing written)."""
    if show_misses and is_blind(path):
        print("refused: the blind fact questions are scored in aggregate only", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-facts-") as tmp:
        url = f"sqlite:///{tmp}/shipped.sqlite3"
        import_shipped(database_url=url)
        facts = fact_score(Catalogue(url, sync_shipped=False), path)
    if show_misses:
        print_fact_misses(facts)
    print(facts_summary(facts, path))
    return 0


def render(results: dict[str, object]) -> str:
    r = results
    rows = [
        f"{START}",
        "## Knowledge: procedure search",
        "",
        f"Command: `{COMMAND}` (run from the repository root; part of `make bench`).",
        f"Machine: {r['machine']}. Date: {r['date']}.",
        "Question sets (held-out citizen questions labelled with procedure codes):",
        *[f"- {name}: {n} questions in `{path}`, {how}." for name, path, n, how in r["sets"]],  # type: ignore[attr-defined]
        f"Catalogue: {r['n_shipped']} shipped procedures + {r['n_imported']} imported from the national "
        f"crawl ({r['n_docs']} searchable); import {r['import_s']:.1f} s, index build {r['index_s']:.2f} s.",
        "",
        "| question set | catalogue | spelling | top-1 | top-3 |",
        "|---|---|---|---|---|",
    ]
    for label, acc in r["accuracy"]:  # type: ignore[attr-defined]
        rows.append(f"| {label[0]} | {label[1]} | {label[2]} | {acc.top1:.3f} | {acc.top3:.3f} |")
    for name, (ok, ok_stripped, labelled), ask, n_questions in r["per_set"]:  # type: ignore[attr-defined]
        if labelled:
            rows += [
                "",
                f"{name}: `detect_aspect` on the {labelled} questions labelled with an aspect: "
                f"{ok / labelled:.3f} as written, {ok_stripped / labelled:.3f} without diacritics.",
            ]
        rows += [
            "",
            f"{name}: `is_ambiguous` (the bot asks which procedure) on {ask.asked} of {n_questions} "
            "questions; "
            f"on {ask.multi_asked} of the {ask.multi} labelled with two acceptable procedures; of the "
            f"{ask.wrong} questions whose top hit is wrong, {ask.recovered} are recovered by asking "
            "(the right one is among the two offered first).",
        ]
    lat: Latency = r["latency"]  # type: ignore[assignment]

    def row(label: str, values: list[float]) -> str:
        p50, p95, top = percentile(values, 0.5), percentile(values, 0.95), max(values)
        return f"| {label} | {p50:.2f} ms | {p95:.2f} ms | {top:.2f} ms |"

    rows += [
        "",
        f"Latency of `search` over the combined catalogue ({len(lat.wall)} calls = {r['n_texts']} queries "
        f"x 5 rounds, after a warm-up round; load average before the run: {r['load']}):",
        "",
        "| measure | p50 | p95 | max |",
        "|---|---|---|---|",
        row("wall clock, every call", lat.wall),
        row("wall clock, median of 5 rounds per query", lat.per_query),
        row("CPU time of the searching thread", lat.cpu),
        "",
        "The machine is shared (2 cores); on a loaded machine the every-call wall clock includes time the "
        "process waited for a core, which the CPU-time row leaves out.",
        "",
        "### Scope: questions outside the catalogue (`knowledge.catalogue_match`)",
        "",
        '| question set | catalogue | spelling | said "not in the catalogue" |',
        "|---|---|---|---|",
        *[
            f"| {name} | {label} | {spelling} | {sc.refused} of {sc.total} ({sc.share:.1%}) |"
            for (name, label, spelling), sc in r["scope"]  # type: ignore[attr-defined]
        ],
        "",
        'The first rows are questions about catalogue procedures (a "not in the catalogue" there is false); '
        f"the last rows are `{OUT_OF_CATALOGUE.relative_to(ROOT)}` ({r['n_out']} questions written by the "
        "knowledge engineer about matters the shipped catalogue does not have; with the national crawl "
        "imported some of them are in the catalogue).",
        "",
        "### Audit of fees and processing times",
        "",
        r["audit_line"],  # type: ignore[list-item]
        "",
        "### Facts in the replies (fact questions)",
        "",
        r["facts_line"],  # type: ignore[list-item]
        "",
        f"Targets: top-1 ≥ {TARGETS['top1']}, top-3 ≥ {TARGETS['top3']}, p95 < {TARGETS['p95_ms']:.0f} ms "
        f"(combined catalogue, both spellings, wall clock every call): {r['met']}. Audit share "
        f"{TARGETS['audit']:.0%}, {r['facts_label']} fact score ≥ {TARGETS['facts']}: {r['met_answers']}.",
        f"{END}",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--show-misses", action="store_true", help="print the questions ranked wrong")
    parser.add_argument("--questions", type=Path, default=None, help="only this question set (YAML)")
    parser.add_argument(
        "--facts",
        type=Path,
        default=FACT_QUESTIONS,
        help="fact questions (default: the blind set, aggregate only)",
    )
    parser.add_argument("--facts-only", action="store_true", help="only score --facts (nothing written)")
    parser.add_argument(
        "--show-fact-misses", action="store_true", help="print the fact misses (refused for the blind set)"
    )
    args = parser.parse_args(argv)
    if args.facts_only or args.show_fact_misses:
        return facts_only(args.facts, args.show_fact_misses)

    if args.questions:
        sets = [(args.questions.stem, args.questions, "given on the command line")]
    else:
        sets = [(name, path, how) for name, path, how in QUESTION_SETS if path.exists()]
    loaded = [(name, path, how, load_questions(path)) for name, path, how in sets]
    questions = [q for *_, qs in loaded for q in qs]
    with tempfile.TemporaryDirectory(prefix="bench-knowledge-") as tmp:
        shipped_url = f"sqlite:///{tmp}/shipped.sqlite3"
        full_url = f"sqlite:///{tmp}/full.sqlite3"
        shipped_report = import_shipped(database_url=shipped_url)
        start = time.perf_counter()
        n_imported = 0
        if CRAWL.exists():
            n_imported = import_portal_file(CRAWL, full_url).stored
        import_shipped(database_url=full_url)
        import_s = time.perf_counter() - start

        shipped = Catalogue(shipped_url, sync_shipped=False)
        full = Catalogue(full_url, sync_shipped=False)
        start = time.perf_counter()
        index = full.index()
        index_s = time.perf_counter() - start
        shipped.index()

        label_full = "shipped + imported" if CRAWL.exists() else "shipped (crawl absent)"
        results_acc = []
        per_set = []
        for set_name, _, _, set_questions in loaded:
            for label, cat in ((label_full, full), ("shipped only", shipped)):
                for strip in (False, True):
                    acc = accuracy(cat, set_questions, strip)
                    results_acc.append(
                        ((set_name, label, "without diacritics" if strip else "as written"), acc)
                    )
                    if args.show_misses and cat is full:
                        for text, expected, got in acc.misses:
                            print(f"MISS [{expected}] {text!r} -> {got}")
            labelled = [q for q in set_questions if q.aspect]
            aspect_ok = sum(detect_aspect(q.text) == q.aspect for q in labelled)
            aspect_ok_stripped = sum(detect_aspect(strip_diacritics(q.text)) == q.aspect for q in labelled)
            per_set.append(
                (
                    set_name,
                    (aspect_ok, aspect_ok_stripped, len(labelled)),
                    asking(full, set_questions),
                    len(set_questions),
                )
            )
        texts = [q.text for q in questions] + [strip_diacritics(q.text) for q in questions]
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        latency = latency_ms(full, texts)

        scopes = []
        outside = [q.text for q in load_questions_text(OUT_OF_CATALOGUE)] if OUT_OF_CATALOGUE.exists() else []
        for set_name, _, _, set_questions in loaded:
            for label, cat in ((label_full, full), ("shipped only", shipped)):
                for strip in (False, True):
                    set_texts = [strip_diacritics(q.text) if strip else q.text for q in set_questions]
                    spelling = "without diacritics" if strip else "as written"
                    scopes.append(((set_name, label, spelling), scope(cat, set_texts)))
        for label, cat in (("shipped only", shipped), (label_full, full)):
            for strip in (False, True):
                set_texts = [strip_diacritics(t) if strip else t for t in outside]
                spelling = "without diacritics" if strip else "as written"
                scopes.append((("out of catalogue", label, spelling), scope(cat, set_texts)))
        audit = audit_share(shipped)
        facts = fact_score(shipped, args.facts) if args.facts.exists() else None

    p95 = percentile(latency.wall, 0.95)
    verdicts = []
    for set_name, *_ in loaded:
        accs = [acc for (name, label, _), acc in results_acc if name == set_name and label == label_full]
        ok = (
            all(a.top1 >= TARGETS["top1"] and a.top3 >= TARGETS["top3"] for a in accs)
            and p95 < TARGETS["p95_ms"]
        )
        verdicts.append(f"{'met' if ok else 'NOT met'} on the {set_name} set")
    met = "; ".join(verdicts)
    audit_line = (
        f"{audit.audited} of {audit.total} shipped procedures ({audit.audited / max(1, audit.total):.1%}) "
        "have their fee and processing time checked against the source, each with its date and source "
        f"(`audit` in the catalogue files; dates {audit.dates[0]} to {audit.dates[1]}). Outcomes: "
        + ", ".join(f"{key} {n}" for key, n in sorted(audit.outcomes.items()))
        + "."
        if audit.dates
        else f"0 of {audit.total} shipped procedures carry an audit of their fee and processing time."
    )
    if audit.missing:
        audit_line += (
            f" Without an audit: {', '.join(audit.missing[:20])}"
            + (" ..." if len(audit.missing) > 20 else "")
            + "."
        )
    if facts is None:
        facts_line = f"Not measured: `{args.facts}` is absent."
    else:
        facts_line = facts_summary(facts, args.facts)
    answers_ok = (
        audit.audited == audit.total and facts is not None and facts.right >= TARGETS["facts"] * facts.total
    )
    met_answers = "met" if answers_ok else "NOT met"
    results = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "n_questions": len(questions),
        "sets": [(name, path.relative_to(ROOT), len(qs), how) for name, path, how, qs in loaded],
        "per_set": per_set,
        "n_shipped": shipped_report.stored,
        "n_imported": n_imported,
        "n_docs": len(index.docs),
        "import_s": import_s,
        "index_s": index_s,
        "accuracy": results_acc,
        "n_texts": len(texts),
        "load": load,
        "latency": latency,
        "met": met,
        "scope": scopes,
        "n_out": len(outside),
        "audit_line": audit_line,
        "facts_line": facts_line,
        "facts_label": "blind" if is_blind(args.facts) else f"`{args.facts.name}`",
        "met_answers": met_answers,
    }
    section = render(results)
    print(section)
    if not args.no_write:
        write_section(section, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
