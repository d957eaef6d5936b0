"""The bot's NLU training data and its held-out test split are complete and kept apart.

Runs in the app runtime with PyYAML and the runtime-neutral vietnam.places (no rasa import).
Training data lives in ``nlu_data/*.yml`` (Rasa 3.x format); the held-out split in
``tests/data/nlu_test/*.yml`` is never trained on and must not contain a training example,
even one that differs only by case or diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from vietnam.codes import DOSSIER_CODE_RE
from vietnam.places import find_places

ROOT = Path(__file__).resolve().parent.parent
TRAIN_DIR = ROOT / "nlu_data"
HELD_OUT_DIR = ROOT / "tests" / "data" / "nlu_test"

SMALL_TALK_INTENTS = ("greet", "goodbye", "thank", "affirm", "deny", "bot_challenge")
TASK_INTENTS = (
    "out_of_scope",
    "ask_procedure",
    "check_dossier_status",
    "submit_petition",
    "check_petition_status",
    "request_human",
    "request_postal_service",
    "book_appointment",
    "ask_contact_info",
    "ask_place_change",
    "rate_service",
)
# Replies to the bot's questions and changes of mind during a request (nlu_data/form_replies.yml).
DIALOGUE_INTENTS = ("inform", "cancel", "correct_info")
ALL_INTENTS = SMALL_TALK_INTENTS + TASK_INTENTS + DIALOGUE_INTENTS
ENTITIES = {"dossier_code", "petition_code", "procedure", "location", "phone_number"}

MIN_TRAINING_EXAMPLES = 60
MIN_HELD_OUT = {
    **dict.fromkeys(SMALL_TALK_INTENTS, 20),
    **dict.fromkeys(TASK_INTENTS, 30),
    **dict.fromkeys(DIALOGUE_INTENTS, 25),
}

PETITION_CODE = re.compile(r"^(PA|HD|BC|LH)-\d{6}-\d{4,6}$")

# [text](entity), [text]{"entity": "..."} and [text]{"entity": "...", "value": "..."}
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<name>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True)
class Example:
    intent: str
    raw: str
    text: str
    entities: tuple[tuple[str, str], ...]
    source: str


def _entity_name(match: re.Match[str]) -> str:
    if match.group("name"):
        return match.group("name").split(":")[0].strip()
    found = re.search(r'"entity"\s*:\s*"([^"]+)"', match.group("json"))
    return found.group(1) if found else ""


def parse_example(intent: str, raw: str, source: str) -> Example:
    entities = tuple((m.group("text"), _entity_name(m)) for m in ANNOTATION.finditer(raw))
    text = ANNOTATION.sub(lambda m: m.group("text"), raw)
    return Example(intent=intent, raw=raw, text=text, entities=entities, source=source)


def load_examples(folder: Path) -> list[Example]:
    examples: list[Example] = []
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            intent = block.get("intent")
            if not intent:
                continue  # regex, lookup and synonym blocks belong to other files
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append(parse_example(intent, line[2:].strip(), path.name))
    return examples


def fold(text: str) -> str:
    """Case-, diacritics- and spacing-insensitive key ("Đăng ký" == "dang  ky")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def exact_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


@pytest.fixture(scope="module")
def training() -> list[Example]:
    return load_examples(TRAIN_DIR)


@pytest.fixture(scope="module")
def held_out() -> list[Example]:
    return load_examples(HELD_OUT_DIR)


def test_fold_ignores_case_diacritics_and_spacing() -> None:
    assert fold("Đăng ký  KHAI SINH ở Cái Bè") == "dang ky khai sinh o cai be"


def test_annotation_is_removed_from_the_text_and_kept_as_entity() -> None:
    example = parse_example("check_dossier_status", "hs [000.00.20.H19-250312-0004](dossier_code) sao r", "x")
    assert example.text == "hs 000.00.20.H19-250312-0004 sao r"
    assert example.entities == (("000.00.20.H19-250312-0004", "dossier_code"),)


def test_every_intent_has_enough_training_examples(training: list[Example]) -> None:
    counts = Counter(example.intent for example in training)
    too_few = {intent: counts[intent] for intent in ALL_INTENTS if counts[intent] < MIN_TRAINING_EXAMPLES}
    assert not too_few, f"intents with fewer than {MIN_TRAINING_EXAMPLES} training examples: {too_few}"


def test_only_the_agreed_intents_are_used(training: list[Example], held_out: list[Example]) -> None:
    unknown = {example.intent for example in training + held_out} - set(ALL_INTENTS)
    assert not unknown


def test_held_out_split_has_its_minimum_per_intent(held_out: list[Example]) -> None:
    counts = Counter(example.intent for example in held_out)
    too_few = {intent: counts[intent] for intent, minimum in MIN_HELD_OUT.items() if counts[intent] < minimum}
    assert not too_few, f"held-out intents below their minimum: {too_few}"


def test_held_out_files_mirror_training_files() -> None:
    held_out_files = {path.name for path in HELD_OUT_DIR.glob("*.yml")}
    assert held_out_files, "no held-out split found"
    assert held_out_files <= {path.name for path in TRAIN_DIR.glob("*.yml")}


def test_no_held_out_example_is_also_a_training_example(
    training: list[Example], held_out: list[Example]
) -> None:
    trained = {fold(example.text) for example in training}
    leaked = sorted(f"{e.source}: {e.text}" for e in held_out if fold(e.text) in trained)
    assert not leaked, f"held-out examples also in training (case/diacritics ignored): {leaked}"


def test_no_duplicates_inside_training(training: list[Example]) -> None:
    counts = Counter(exact_key(example.text) for example in training)
    duplicates = sorted(text for text, count in counts.items() if count > 1)
    assert not duplicates, f"duplicated training examples: {duplicates}"


def test_no_duplicates_inside_held_out(held_out: list[Example]) -> None:
    counts = Counter(fold(example.text) for example in held_out)
    assert not sorted(text for text, count in counts.items() if count > 1)


def test_no_text_is_labelled_with_two_intents(training: list[Example], held_out: list[Example]) -> None:
    intents_by_text: dict[str, set[str]] = defaultdict(set)
    for example in training + held_out:
        intents_by_text[fold(example.text)].add(example.intent)
    conflicts = {text: sorted(i) for text, i in intents_by_text.items() if len(i) > 1}
    assert not conflicts, f"same text (diacritics ignored) under several intents: {conflicts}"


def test_annotated_entities_are_the_five_agreed_names(
    training: list[Example], held_out: list[Example]
) -> None:
    bad = sorted(
        f"{e.source}: {name} in {e.raw}"
        for e in training + held_out
        for _, name in e.entities
        if name not in ENTITIES
    )
    assert not bad


def test_annotation_brackets_are_well_formed(training: list[Example], held_out: list[Example]) -> None:
    broken = sorted(f"{e.source}: {e.raw}" for e in training + held_out if "[" in e.text or "](" in e.text)
    assert not broken, f"unparsed annotations: {broken}"


def test_code_entities_have_the_national_and_ticket_formats(
    training: list[Example], held_out: list[Example]
) -> None:
    wrong = sorted(
        f"{e.source}: {value} as {name}"
        for e in training + held_out
        for value, name in e.entities
        if (name == "dossier_code" and not DOSSIER_CODE_RE.match(value))
        or (name == "petition_code" and not PETITION_CODE.match(value))
    )
    assert not wrong


def test_every_code_in_a_text_is_annotated(training: list[Example], held_out: list[Example]) -> None:
    codes = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}|\b(?:PA|HD|BC|LH)-\d{6}-\d{4,6}\b")
    missing = sorted(
        f"{e.source}: {code}"
        for e in training + held_out
        for code in codes.findall(e.text)
        if code not in {value for value, _ in e.entities}
    )
    assert not missing, f"codes left unannotated: {missing}"


def test_texts_are_nfc(training: list[Example], held_out: list[Example]) -> None:
    not_nfc = sorted(
        f"{e.source}: {e.raw}" for e in training + held_out if unicodedata.normalize("NFC", e.raw) != e.raw
    )
    assert not not_nfc


def test_training_mixes_diacritics_and_plain_spelling(training: list[Example]) -> None:
    plain = sum(1 for e in training if fold(e.text) == " ".join(e.text.lower().split()))
    share = plain / len(training)
    assert 0.25 <= share <= 0.6, f"share of examples written without diacritics: {share:.2f}"


def test_every_annotated_location_is_a_real_place_of_dong_thap(
    training: list[Example], held_out: list[Example]
) -> None:
    """Each location value is a whole place name known to bot/places.py (new units or former names)."""

    def is_place(value: str) -> bool:
        for candidate in (value, value.title()):  # ambiguous lower-case names need capitals in free text
            matches = find_places(candidate)
            if len(matches) == 1 and (matches[0].start, matches[0].end) == (0, len(candidate)):
                return True
        return False

    values = {value for e in training + held_out for value, name in e.entities if name == "location"}
    unknown = sorted(value for value in values if not is_place(value))
    assert not unknown, f"location annotations that are not places of Đồng Tháp: {unknown}"


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", fold(text)))


def test_held_out_sentences_are_not_near_copies_of_training(
    training: list[Example], held_out: list[Example]
) -> None:
    """A held-out sentence of five words or more shares less than 85% of its words with any training one."""
    trained = [_words(example.text) for example in training]
    near_copies = []
    for example in held_out:
        words = _words(example.text)
        if len(words) < 5:
            continue
        overlap = max(len(words & other) / len(words | other) for other in trained)
        if overlap >= 0.85:
            near_copies.append(f"{example.source}: {example.text}")
    assert not near_copies, f"held-out near-copies of training examples: {near_copies}"
