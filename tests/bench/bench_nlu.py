"""NLU bench: our pipeline (config.yml) against Rasa's default (tests/bench/default_config.yml), same data.

For each configuration, in one run on this machine:
- trains a full model (``rasa train``: NLU + dialogue) on nlu_data/ + bot/domain, rules, stories;
- serves it (``rasa run --enable-api`` on 127.0.0.1) and measures on the held-out split
  tests/data/nlu_test/, as written and with diacritics stripped: intent accuracy, macro-F1, entity F1;
- ``/model/parse`` requests/s and p50/p95 latency with 1 and 16 concurrent clients;
- ``/webhooks/rest/webhook`` messages/s (with the action server running when actions/ has actions);
- RSS of the Rasa server process (after loading, and peak);
- intent accuracy on the same split of a standard strong baseline: TF-IDF word 1-3 and char 2-5 n-grams +
  LinearSVC (scikit-learn), trained on nlu_data/ with the diacritics-stripped copies our tokenizer adds.
Writes a Markdown section between ``<!-- nlu:start -->`` and ``<!-- nlu:end -->`` in docs/benchmarks.md.

Run in the bot runtime, from the repository root:

    .venv-bot/bin/python tests/bench/bench_nlu.py                       # full (default pipeline: 100 epochs)
    .venv-bot/bin/python tests/bench/bench_nlu.py --default-epochs 10   # quicker, says so in the report

Every loop is bounded in count and time; servers bind 127.0.0.1 only and are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.report import BENCHMARKS, machine, write_section  # noqa: E402
from vietnam.text import normalize_text, strip_diacritics  # noqa: E402

BOT_BIN = Path(sys.executable).parent
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
HELD_OUT = ROOT / "tests" / "data" / "nlu_test"
DEFAULT_CONFIG = ROOT / "tests" / "bench" / "default_config.yml"
START, END = "<!-- nlu:start -->", "<!-- nlu:end -->"
RASA_DEFAULT_EPOCHS = 100  # what `rasa init` trains with (DIET, ResponseSelector, TED, UnexpecTED)
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<name>[^)]+)\)|(?P<json>\{[^}]*\}))")


# data -----------------------------------------------------------------------------------------------------
@dataclass
class Example:
    text: str
    intent: str
    entities: list[tuple[str, int, int]]  # (entity, start, end)


def load_held_out(folder: Path = HELD_OUT) -> list[Example]:
    """Held-out examples with their annotated entity spans (Rasa YAML markup removed)."""
    examples: list[Example] = []
    for file in sorted(folder.glob("*.yml")):
        for block in (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if not line.startswith("- "):
                    continue
                examples.append(_parse_annotated(normalize_text(line[2:]), block["intent"]))
    return examples


def _parse_annotated(marked: str, intent: str) -> Example:
    text, entities, cursor = "", [], 0
    for match in ANNOTATION.finditer(marked):
        text += marked[cursor : match.start()]
        start = len(text)
        text += match.group("text")
        name = match.group("name")
        if name is None:
            name = yaml.safe_load(match.group("json")).get("entity", "")
        entities.append((name.split(":")[0], start, len(text)))
        cursor = match.end()
    text += marked[cursor:]
    return Example(text, intent, entities)


# metrics --------------------------------------------------------------------------------------------------
def macro_f1(gold: list[str], predicted: list[str]) -> float:
    labels = sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=False) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=False) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=False) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def entity_f1(gold: list[set], predicted: list[set], overlap: bool = False) -> float:
    """Micro F1 over (entity, start, end); with ``overlap`` a prediction of the right type that overlaps
    a gold span counts as a hit."""
    tp = fp = fn = 0
    for g, p in zip(gold, predicted, strict=False):
        if overlap:
            hit_p = {x for x in p if any(x[0] == y[0] and x[1] < y[2] and y[1] < x[2] for y in g)}
            hit_g = {y for y in g if any(x[0] == y[0] and x[1] < y[2] and y[1] < x[2] for x in p)}
            tp += len(hit_g)
            fp += len(p - hit_p)
            fn += len(g - hit_g)
        else:
            tp += len(g & p)
            fp += len(p - g)
            fn += len(g - p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


# processes ------------------------------------------------------------------------------------------------
def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in KiB of a process and its children."""
    total_rss = total_hwm = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_rss += int(line.split()[1])
            elif line.startswith("VmHWM:"):
                total_hwm += int(line.split()[1])
    return total_rss, total_hwm


class Server:
    """A subprocess in its own process group, stopped with SIGINT then SIGKILL."""

    def __init__(self, command: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        self._file = log.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=self._file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._file.close()


async def wait_until_ready(url: str, server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited early; see {server.log}")
            try:
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                    if response.status == 200:
                        body = await response.json()
                        if body.get("model_file") or body.get("fingerprint") is not None or "version" in body:
                            return
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(1)
    raise RuntimeError(f"server not ready after {timeout:.0f}s; see {server.log}")


# measurements ---------------------------------------------------------------------------------------------
@dataclass
class Quality:
    accuracy: float
    macro_f1: float
    entity_f1: float
    entity_f1_overlap: float
    confusions: list[tuple[tuple[str, str], int]] = field(default_factory=list)
    by_entity: dict[str, tuple[float, float]] = field(default_factory=dict)  # type -> (exact, overlap)
    correct: list[bool] = field(default_factory=list)  # per held-out example, in order


async def parse_all(base: str, texts: list[str]) -> list[dict[str, Any]]:
    results = []
    async with aiohttp.ClientSession() as session:
        for text in texts:
            async with session.post(f"{base}/model/parse", json={"text": text}) as response:
                response.raise_for_status()
                results.append(await response.json())
    return results


def quality(examples: list[Example], results: list[dict[str, Any]]) -> Quality:
    gold = [e.intent for e in examples]
    predicted = [(r.get("intent") or {}).get("name") or "" for r in results]
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=False)) / len(gold)
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=False) if g != p).most_common(10)
    gold_entities = [set(e.entities) for e in examples]
    predicted_entities = [
        {(x["entity"], x["start"], x["end"]) for x in r.get("entities") or []} for r in results
    ]
    by_entity = {}
    for kind in sorted({x[0] for spans in gold_entities for x in spans}):
        gold_kind = [{x for x in spans if x[0] == kind} for spans in gold_entities]
        predicted_kind = [{x for x in spans if x[0] == kind} for spans in predicted_entities]
        by_entity[kind] = (
            entity_f1(gold_kind, predicted_kind),
            entity_f1(gold_kind, predicted_kind, overlap=True),
        )
    return Quality(
        accuracy,
        macro_f1(gold, predicted),
        entity_f1(gold_entities, predicted_entities),
        entity_f1(gold_entities, predicted_entities, overlap=True),
        confusions,
        by_entity,
        [g == p for g, p in zip(gold, predicted, strict=False)],
    )


@dataclass
class Load:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def load_test(
    url: str, payloads: list[dict[str, Any]], concurrency: int, max_requests: int, max_seconds: float
) -> Load:
    """``max_requests`` POSTs (or fewer when ``max_seconds`` runs out) from ``concurrency`` clients."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(max_requests))
    deadline = time.monotonic() + max_seconds
    connector = aiohttp.TCPConnector(limit=concurrency)

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for i in counter:
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            try:
                async with session.post(url, json=payloads[i % len(payloads)]) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
            except aiohttp.ClientError:
                errors += 1
            latencies.append((time.perf_counter() - started) * 1000)

    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return Load(len(latencies), elapsed, latencies, errors)


@dataclass
class SystemResult:
    name: str
    config: str
    train_seconds: float
    written: Quality
    stripped: Quality
    parse: dict[int, Load]
    webhook: dict[int, Load]
    rss_loaded_mib: float
    rss_peak_mib: float
    model_mib: float


def train(name: str, config: Path, workdir: Path) -> tuple[Path, float]:
    out = workdir / "models"
    out.mkdir(parents=True, exist_ok=True)
    command = [
        str(BOT_BIN / "rasa"),
        "train",
        "--config",
        str(config),
        "--domain",
        "bot/domain",
        "--data",
        "nlu_data",
        "bot/rules",
        "bot/stories",
        "--out",
        str(out),
        "--fixed-model-name",
        name,
        "--force",
    ]
    log = workdir / f"train-{name}.log"
    print(f"[{name}] training: {' '.join(command)}", flush=True)
    started = time.perf_counter()
    with log.open("w") as file:
        subprocess.run(
            command,
            cwd=ROOT,
            stdout=file,
            stderr=subprocess.STDOUT,
            check=True,
            # no training cache: every run trains every component from scratch
            env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_MAX_CACHE_SIZE": "0"},
        )
    return out / f"{name}.tar.gz", time.perf_counter() - started


def default_config(workdir: Path, epochs: int) -> Path:
    """Rasa's default config; with other epochs, its auto-filled pipeline and policies written out."""
    target = workdir / "default_config.yml"
    if epochs == RASA_DEFAULT_EPOCHS:
        shutil.copy(DEFAULT_CONFIG, target)  # rasa fills in its defaults (and rewrites this copy)
        return target
    import rasa.engine.recipes.default_recipe as recipe_module

    recipe_default = Path(recipe_module.__file__).parent / "config_files" / "default_config.yml"
    config = yaml.safe_load(recipe_default.read_text(encoding="utf-8"))
    config["language"] = "vi"
    for item in config["pipeline"] + config["policies"]:
        if "epochs" in item:
            item["epochs"] = epochs
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def has_actions() -> bool:
    return any(p.name != "__init__.py" for p in (ROOT / "actions").glob("*.py"))


async def measure(
    name: str,
    config: Path,
    model: Path,
    train_seconds: float,
    port: int,
    endpoints: Path | None,
    examples: list[Example],
    args: argparse.Namespace,
    workdir: Path,
) -> SystemResult:
    command = [
        str(BOT_BIN / "rasa"),
        "run",
        "--enable-api",
        "-i",
        "127.0.0.1",
        "-p",
        str(port),
        "-m",
        str(model),
    ]
    if endpoints:
        command += ["--endpoints", str(endpoints)]
    server = Server(command, workdir / f"serve-{name}.log")
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_until_ready(f"{base}/status", server, timeout=240)
        rss_loaded, _ = rss_kib(server.pid)
        print(f"[{name}] serving; parsing the held-out split", flush=True)
        written = quality(examples, await parse_all(base, [e.text for e in examples]))
        stripped = quality(examples, await parse_all(base, [strip_diacritics(e.text) for e in examples]))
        payloads = [{"text": e.text} for e in examples] + [
            {"text": strip_diacritics(e.text)} for e in examples
        ]
        parse = {}
        for concurrency in (1, 16):
            print(f"[{name}] /model/parse x{concurrency}", flush=True)
            parse[concurrency] = await load_test(
                f"{base}/model/parse", payloads, concurrency, args.parse_requests, args.max_seconds
            )
        webhook = {}
        for concurrency in (1, 16):
            print(f"[{name}] /webhooks/rest/webhook x{concurrency}", flush=True)
            messages = [
                {"sender": f"bench-{name}-{concurrency}-{i % 64}", "message": p["text"]}
                for i, p in enumerate(payloads)
            ]
            webhook[concurrency] = await load_test(
                f"{base}/webhooks/rest/webhook",
                messages,
                concurrency,
                args.webhook_messages,
                args.max_seconds,
            )
        _, rss_peak = rss_kib(server.pid)
    finally:
        server.stop()
    return SystemResult(
        name,
        str(config.relative_to(ROOT) if config.is_relative_to(ROOT) else config.name),
        train_seconds,
        written,
        stripped,
        parse,
        webhook,
        rss_loaded / 1024,
        rss_peak / 1024,
        model.stat().st_size / 2**20,
    )


# baseline -------------------------------------------------------------------------------------------------
BASELINE_NAME = "TF-IDF word 1-3 + char 2-5, LinearSVC"


@dataclass
class BaselineResult:
    name: str
    train_seconds: float
    train_examples: int  # nlu_data/ examples
    stripped_copies: int  # their copies without diacritics
    written: Quality
    stripped: Quality
    predict_ms: float  # per message, in process


def baseline_training_data(data: Path = ROOT / "nlu_data") -> tuple[list[str], list[str], int]:
    """(texts, intents, number of originals) of nlu_data/ followed by the copies without diacritics that our
    tokenizer trains on too (bot.components.vietnamese_tokenizer.stripped_copies): the pipeline's data."""
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.components.vietnamese_tokenizer import stripped_copies

    training_data = load_data(str(data))
    originals = training_data.intent_examples
    examples = [*originals, *stripped_copies(training_data)]
    texts = [normalize_text(e.get("text")) for e in examples]
    return texts, [e.get("intent") for e in examples], len(originals)


def train_baseline(texts: list[str], intents: list[str]) -> Any:
    """TF-IDF of word 1-3-grams and character 2-5-grams (within word boundaries), sublinear tf, into a
    linear SVM: the usual strong baseline for short-text intent classification. No tuning on the split."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.svm import LinearSVC

    features = FeatureUnion(
        [
            # \w+ keeps one-letter words and teen code ("k", "j", "r", "ở")
            (
                "words",
                TfidfVectorizer(
                    analyzer="word", ngram_range=(1, 3), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True
                ),
            ),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ]
    )
    return make_pipeline(features, LinearSVC(C=1.0)).fit(texts, intents)


def measure_baseline(examples: list[Example]) -> BaselineResult:
    texts, intents, originals = baseline_training_data()
    started = time.perf_counter()
    model = train_baseline(texts, intents)
    seconds = time.perf_counter() - started

    def as_results(predicted: list[str]) -> list[dict[str, Any]]:
        return [{"intent": {"name": name}, "entities": []} for name in predicted]

    written_texts = [e.text for e in examples]
    started = time.perf_counter()
    written = list(model.predict(written_texts))
    predict_ms = (time.perf_counter() - started) * 1000 / max(1, len(written_texts))
    stripped = list(model.predict([strip_diacritics(t) for t in written_texts]))
    return BaselineResult(
        BASELINE_NAME,
        seconds,
        originals,
        len(texts) - originals,
        quality(examples, as_results(written)),
        quality(examples, as_results(stripped)),
        predict_ms,
    )


def mcnemar_p(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value for b and c discordant pairs (binomial, p = 1/2)."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(b, c) + 1)) / 2**n
    return min(1.0, 2 * tail)


def render_baseline(results: list[SystemResult], baseline: BaselineResult) -> list[str]:
    """The intent rows of every system and of the baseline, side by side."""
    import sklearn

    lines = [
        "Intent classification on the held-out split, against a standard strong baseline "
        f"({baseline.name}, scikit-learn {sklearn.__version__}, C=1, untuned; trained on the "
        f"{baseline.train_examples} examples of nlu_data/ and {baseline.stripped_copies} copies of them "
        "without diacritics, the data our pipeline learns from):",
        "",
        "| system | accuracy, as written | accuracy, stripped | macro-F1, as written | macro-F1, stripped "
        "| training |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} (`{r.config}`) | {r.written.accuracy:.3f} | {r.stripped.accuracy:.3f} | "
            f"{r.written.macro_f1:.3f} | {r.stripped.macro_f1:.3f} | {r.train_seconds:.0f} s (full model) |"
        )
    lines.append(
        f"| {baseline.name} | {baseline.written.accuracy:.3f} | {baseline.stripped.accuracy:.3f} | "
        f"{baseline.written.macro_f1:.3f} | {baseline.stripped.macro_f1:.3f} | "
        f"{baseline.train_seconds:.1f} s (intents only) |"
    )
    lines.append("")
    if results:
        ours = results[0]
        lines.append(
            f"Ours - baseline: {ours.written.accuracy - baseline.written.accuracy:+.3f} accuracy as written, "
            f"{ours.stripped.accuracy - baseline.stripped.accuracy:+.3f} stripped. Our pipeline's "
            "FallbackClassifier may answer `nlu_fallback` (counted wrong); the baseline always names one."
        )
        for label, mine, theirs in (
            ("as written", ours.written.correct, baseline.written.correct),
            ("stripped", ours.stripped.correct, baseline.stripped.correct),
        ):
            only_ours = sum(a and not b for a, b in zip(mine, theirs, strict=False))
            only_baseline = sum(b and not a for a, b in zip(mine, theirs, strict=False))
            lines.append(
                f"- {label}: right only for ours {only_ours}, right only for the baseline {only_baseline} "
                f"(exact McNemar test, two-sided p = {mcnemar_p(only_ours, only_baseline):.2f})."
            )
    confusions = ", ".join(f"{g}->{p} ({n})" for (g, p), n in baseline.written.confusions[:6]) or "none"
    lines += ["", f"Baseline's most frequent confusions, as written: {confusions}.", ""]
    return lines


# report ---------------------------------------------------------------------------------------------------
def _load_row(label: str, results: list[SystemResult], kind: str, concurrency: int) -> str:
    cells = []
    for r in results:
        load = (r.parse if kind == "parse" else r.webhook)[concurrency]
        p50, p95 = percentile(load.latencies_ms, 0.5), percentile(load.latencies_ms, 0.95)
        cell = f"{load.per_second:.1f}/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms"
        if load.errors:
            cell += f", {load.errors} errors"
        cells.append(cell + f" ({load.requests} req)")
    return f"| {label} | " + " | ".join(cells) + " |"


def render(
    results: list[SystemResult],
    command: str,
    examples: int,
    notes: list[str],
    baseline: BaselineResult | None = None,
) -> str:
    names = [r.name for r in results]
    lines = [
        START,
        "## NLU: our pipeline against Rasa's default",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine()}  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; held-out split: {examples} examples "
        "(tests/data/nlu_test/), also sent with diacritics stripped (`vietnam.text.strip_diacritics`).",
        "",
        "| | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(results),
        "| config | " + " | ".join(f"`{r.config}`" for r in results) + " |",
        "| training time (`rasa train`, NLU + dialogue) | "
        + " | ".join(f"{r.train_seconds:.0f} s" for r in results)
        + " |",
        "| model size | " + " | ".join(f"{r.model_mib:.1f} MiB" for r in results) + " |",
        "| intent accuracy, as written | " + " | ".join(f"{r.written.accuracy:.3f}" for r in results) + " |",
        "| intent accuracy, diacritics stripped | "
        + " | ".join(f"{r.stripped.accuracy:.3f}" for r in results)
        + " |",
        "| intent macro-F1, as written | " + " | ".join(f"{r.written.macro_f1:.3f}" for r in results) + " |",
        "| intent macro-F1, stripped | " + " | ".join(f"{r.stripped.macro_f1:.3f}" for r in results) + " |",
        "| entity F1 exact span, as written | "
        + " | ".join(f"{r.written.entity_f1:.3f}" for r in results)
        + " |",
        "| entity F1 exact span, stripped | "
        + " | ".join(f"{r.stripped.entity_f1:.3f}" for r in results)
        + " |",
        "| entity F1 overlapping span, as written | "
        + " | ".join(f"{r.written.entity_f1_overlap:.3f}" for r in results)
        + " |",
        "| entity F1 overlapping span, stripped | "
        + " | ".join(f"{r.stripped.entity_f1_overlap:.3f}" for r in results)
        + " |",
        _load_row("`/model/parse`, 1 client", results, "parse", 1),
        _load_row("`/model/parse`, 16 clients", results, "parse", 16),
        _load_row("`/webhooks/rest/webhook`, 1 client", results, "webhook", 1),
        _load_row("`/webhooks/rest/webhook`, 16 clients", results, "webhook", 16),
        "| Rasa server RSS after loading / peak | "
        + " | ".join(f"{r.rss_loaded_mib:.0f} / {r.rss_peak_mib:.0f} MiB" for r in results)
        + " |",
        "",
    ]
    if len(results) == 2:
        ours, default = results
        ratio = (
            ours.parse[16].per_second / default.parse[16].per_second if default.parse[16].per_second else 0
        )
        ratio1 = ours.parse[1].per_second / default.parse[1].per_second if default.parse[1].per_second else 0
        written_gain = ours.written.accuracy - default.written.accuracy
        stripped_gain = ours.stripped.accuracy - default.stripped.accuracy
        lines += [
            f"Throughput ratio ours/default on `/model/parse`: {ratio1:.1f}x (1 client), "
            f"{ratio:.1f}x (16 clients). Accuracy difference ours - default: {written_gain:+.3f} as written, "
            f"{stripped_gain:+.3f} stripped.",
            "",
        ]
    lines += ["Entity F1 by type, as written (exact span / overlapping span):", ""]
    for r in results:
        cells = ", ".join(f"{k} {e:.2f}/{o:.2f}" for k, (e, o) in r.written.by_entity.items()) or "none"
        lines.append(f"- {r.name}: {cells}")
    lines += ["", "Most frequent confusions (gold -> predicted), as written / stripped:", ""]
    for r in results:
        written = ", ".join(f"{g}->{p} ({n})" for (g, p), n in r.written.confusions[:6]) or "none"
        stripped = ", ".join(f"{g}->{p} ({n})" for (g, p), n in r.stripped.confusions[:6]) or "none"
        lines.append(f"- {r.name}: {written} / {stripped}")
    lines.append("")
    if baseline is not None:
        lines += render_baseline(results, baseline)
    lines += [f"Note: {n}" for n in notes] + ["", END]
    return "\n".join(lines)


# main -----------------------------------------------------------------------------------------------------
async def run(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    examples = load_held_out()
    if not examples:
        print(f"no held-out examples in {HELD_OUT}", file=sys.stderr)
        return 2
    notes: list[str] = []
    action_server = None
    endpoints = None
    if has_actions() and APP_PYTHON.exists():
        endpoints = workdir / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{args.port_base + 3}/webhook"\n')
        action_server = Server(
            [str(APP_PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(args.port_base + 3)],
            workdir / "actions.log",
            env={"SANIC_HOST": "127.0.0.1", "DATABASE_URL": f"sqlite:///{workdir}/bench-actions.sqlite3"},
        )
        notes.append(
            f"action server `{APP_PYTHON.relative_to(ROOT)} -m rasa_sdk --actions actions` ran on "
            f"127.0.0.1:{args.port_base + 3} with a fresh SQLite database."
        )
    else:
        notes.append(
            "no action server (actions/ has no actions): custom actions fail fast in the webhook numbers."
        )
    if args.default_epochs != RASA_DEFAULT_EPOCHS:
        notes.append(
            f"the default pipeline was trained with {args.default_epochs} epochs instead of rasa init's "
            f"{RASA_DEFAULT_EPOCHS} (flag --default-epochs), to keep the run short."
        )
    notes.append(
        "each system is served alone (one Rasa process at a time) on 127.0.0.1; latencies are client-side."
    )
    systems = [("ours", ROOT / "config.yml")]
    if not args.skip_default:
        systems.append(("rasa-default", default_config(workdir, args.default_epochs)))
    baseline = None
    if not args.skip_baseline:
        print(f"[baseline] {BASELINE_NAME}: training and predicting", flush=True)
        baseline = measure_baseline(examples)
        print(
            f"[baseline] accuracy {baseline.written.accuracy:.3f} / {baseline.stripped.accuracy:.3f}",
            flush=True,
        )
    results: list[SystemResult] = []
    try:
        for offset, (name, config) in enumerate(systems):
            model, seconds = train(name, config, workdir)
            results.append(
                await measure(
                    name,
                    config,
                    model,
                    seconds,
                    args.port_base + 1 + offset,
                    endpoints,
                    examples,
                    args,
                    workdir,
                )
            )
            print(
                f"[{name}] accuracy {results[-1].written.accuracy:.3f} / {results[-1].stripped.accuracy:.3f}",
                flush=True,
            )
    finally:
        if action_server:
            action_server.stop()
    command = (
        "make bench"
        if args.from_make
        else "  ".join([".venv-bot/bin/python tests/bench/bench_nlu.py", *args.argv]).strip()
    )
    section = render(results, command.replace("  ", " "), len(examples), notes, baseline)
    if args.no_write:
        print(section)
    else:
        write_section(section, START, END)
        print(section)
        print(f"written to {BENCHMARKS}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--default-epochs",
        type=int,
        default=RASA_DEFAULT_EPOCHS,
        help="epochs for the default pipeline's DIET/ResponseSelector/TED (rasa init: 100)",
    )
    parser.add_argument("--skip-default", action="store_true", help="measure our config only")
    parser.add_argument("--skip-baseline", action="store_true", help="no TF-IDF + LinearSVC row")
    parser.add_argument("--parse-requests", type=int, default=600, help="requests per /model/parse load test")
    parser.add_argument("--webhook-messages", type=int, default=200, help="messages per webhook load test")
    parser.add_argument("--max-seconds", type=float, default=60, help="time cap of each load test")
    parser.add_argument(
        "--port-base", type=int, default=5100, help="ports used: base+1.. (Rasa), base+3 (actions)"
    )
    parser.add_argument("--workdir", default="/tmp/bench_nlu", help="models and logs go here")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/ alone")
    parser.add_argument("--from-make", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])
    args.argv = [a for a in args.argv if a != "--from-make"]
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
