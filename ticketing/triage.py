"""Petition triage: which category a citizen's petition belongs to, and which commune or ward it is about.

- Category: a multinomial naive Bayes model over diacritics-free words, word bigrams (Vietnamese words are
  mostly two syllables: "mất điện", "ngập nước") and down-weighted character trigrams (typo tolerance),
  trained in pure Python on first use from ``ticketing/data/triage_train.yml`` (a fraction of a second).
  Place names are masked before featurising, so "Mỹ Tho" is no evidence for any category. Text is folded
  (lower case, no diacritics) and citizens' abbreviations spelt out first, so "mất điện" and "mat dien" are
  the same evidence.
- Area: the first place that resolves to one unit (``vietnam.places``), from the location field if given,
  else from the text.
- ``needs_human``: the model's confidence is below :data:`CONFIDENCE_THRESHOLD`; such petitions go to the
  agents' triage queue instead of being routed on a guess.

Routing to an agency is ``ticketing.routing``; this module only classifies.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ticketing.directory import CATEGORY_CODES
from vietnam.places import Place, find_places
from vietnam.text import expand_abbreviations, fold, strip_diacritics

__all__ = ["CONFIDENCE_THRESHOLD", "TriageResult", "classify", "evaluate"]

TRAIN_PATH = Path(__file__).resolve().parent / "data" / "triage_train.yml"

# Below this posterior the petition goes to the agents' triage queue. The temperature and the threshold were
# chosen by 5-fold cross-validation on the training file only: temperature 3 minimises the log-loss and
# makes the mean confidence match the accuracy (0.73 / 0.75 across folds); at 0.4 about one petition in
# eight of that hard, varied set is queued. Held-out numbers: `make bench` (docs/benchmarks.md).
CONFIDENCE_THRESHOLD = 0.4
_ALPHA = 0.3  # additive smoothing
_CHAR_WEIGHT = 0.2  # character trigrams: enough to survive a typo, not enough to outvote words
_TEMPERATURE = 3.0  # naive Bayes log-odds are overconfident; scale them before the softmax
_MAX_TEXT = 5000
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class TriageResult:
    category: str
    confidence: float  # posterior of `category`, 0..1
    area_code: str | None
    area_name: str | None
    needs_human: bool
    area_candidates: tuple[str, ...] = ()  # when the text names an old district or ambiguous place


# ------------------------------------------------------------------------------------------- features


def _mask_places(text: str) -> str:
    """Blank out place mentions, keeping the rest of the text (and its length) as is."""
    chars = list(text)
    for match in find_places(text):
        for i in range(match.start, match.end):
            chars[i] = " "
    return "".join(chars)


def _features(text: str) -> dict[str, float]:
    """Feature -> weight: folded words and word bigrams (1.0), character trigrams of words (typos, 0.2)."""
    text = unicodedata.normalize("NFC", text[:_MAX_TEXT])
    text = expand_abbreviations(_mask_places(text))
    words = _TOKEN.findall(fold(text))
    feats: dict[str, float] = {}
    for i, word in enumerate(words):
        feats[f"w:{word}"] = 1.0
        if i + 1 < len(words):
            feats[f"b:{word}_{words[i + 1]}"] = 1.0
        if len(word) >= 3 and not word.isdigit():
            padded = f"#{word}#"
            for j in range(len(padded) - 2):
                feats.setdefault(f"c:{padded[j : j + 3]}", _CHAR_WEIGHT)
    return feats


# -------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class _Model:
    classes: tuple[str, ...]
    log_prior: dict[str, float]
    log_likelihood: dict[str, dict[str, float]]  # class -> feature -> log P(f|c)
    log_unseen: dict[str, float]  # class -> log P(f|c) for a known feature never seen with c
    vocabulary: frozenset[str]


def _train(examples: list[tuple[str, str]]) -> _Model:
    counts: dict[str, dict[str, float]] = {c: {} for c in CATEGORY_CODES}
    docs: dict[str, int] = dict.fromkeys(CATEGORY_CODES, 0)
    for text, category in examples:
        bucket = counts[category]
        for feature, weight in _features(text).items():
            bucket[feature] = bucket.get(feature, 0.0) + weight
        docs[category] += 1
    vocabulary = frozenset(f for c in counts.values() for f in c)
    size = len(vocabulary)
    classes = tuple(c for c in CATEGORY_CODES if docs[c])
    total_docs = sum(docs.values())
    log_prior, log_likelihood, log_unseen = {}, {}, {}
    for c in classes:
        total = sum(counts[c].values()) + _ALPHA * size
        log_prior[c] = math.log(docs[c] / total_docs)
        log_likelihood[c] = {f: math.log((n + _ALPHA) / total) for f, n in counts[c].items()}
        log_unseen[c] = math.log(_ALPHA / total)
    return _Model(classes, log_prior, log_likelihood, log_unseen, vocabulary)


def _read_training(path: Path) -> list[tuple[str, str]]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(data["categories"]) - set(CATEGORY_CODES)
    if unknown:
        raise ValueError(f"unknown categories in {path.name}: {sorted(unknown)}")
    return [(str(t), c) for c, texts in data["categories"].items() for t in texts]


@lru_cache(maxsize=1)
def _model() -> _Model:
    return _train(_read_training(TRAIN_PATH))


def _posteriors(model: _Model, text: str) -> dict[str, float]:
    feats = [(f, w) for f, w in _features(text).items() if f in model.vocabulary]
    scores = {}
    for c in model.classes:
        table, unseen = model.log_likelihood[c], model.log_unseen[c]
        scores[c] = model.log_prior[c] + sum(w * table.get(f, unseen) for f, w in feats)
    top = max(scores.values())
    exp = {c: math.exp((s - top) / _TEMPERATURE) for c, s in scores.items()}
    total = sum(exp.values())
    return {c: v / total for c, v in exp.items()}


# --------------------------------------------------------------------------------------------- area


def _area(text: str, location_text: str | None) -> tuple[Place | None, tuple[str, ...]]:
    candidates: tuple[str, ...] = ()
    for source in (location_text, text):
        if not source:
            continue
        matches = find_places(source[:_MAX_TEXT])
        resolved = [m.place for m in matches if m.place is not None]
        if candidates and resolved:  # the location was ambiguous: prefer a text place among its candidates
            inside = [p for p in resolved if p.code in candidates]
            return (inside or resolved)[0], ()
        if resolved:
            return resolved[0], ()
        if not candidates:
            candidates = tuple(c.code for m in matches for c in m.candidates)
    return None, tuple(dict.fromkeys(candidates))


# ---------------------------------------------------------------------------------------------- API


def classify(text: str, location_text: str | None = None) -> TriageResult:
    """Category, confidence and area of a petition; ``needs_human`` when the category is a guess."""
    posteriors = _posteriors(_model(), text or "")
    category = max(posteriors, key=lambda c: posteriors[c])
    confidence = posteriors[category]
    place, candidates = _area(text or "", location_text)
    return TriageResult(
        category=category,
        confidence=round(confidence, 4),
        area_code=place.code if place else None,
        area_name=place.name if place else None,
        needs_human=confidence < CONFIDENCE_THRESHOLD,
        area_candidates=candidates,
    )


def evaluate(path: str | Path) -> dict[str, float | int]:
    """Accuracy on a held-out YAML set (see tests/data/triage_test.yml), as written and stripped.

    Category accuracy counts every example; area accuracy counts the examples that name a place.
    ``needs_human_rate`` is the share sent to the agents' queue; ``routed_accuracy`` the accuracy on the
    others.
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    examples = data["examples"]
    result: dict[str, float | int] = {"examples": len(examples)}
    for variant, transform in (("written", lambda s: s), ("stripped", strip_diacritics)):
        correct = area_total = area_correct = queued = routed_correct = 0
        for ex in examples:
            location = ex.get("location")
            got = classify(transform(ex["text"]), transform(location) if location else None)
            correct += got.category == ex["category"]
            queued += got.needs_human
            routed_correct += (not got.needs_human) and got.category == ex["category"]
            if ex.get("area"):
                area_total += 1
                area_correct += got.area_code == ex["area"]
        suffix = "" if variant == "written" else "_stripped"
        result[f"category_accuracy{suffix}"] = round(correct / len(examples), 4)
        result[f"area_accuracy{suffix}"] = round(area_correct / area_total, 4) if area_total else 0.0
        result[f"needs_human_rate{suffix}"] = round(queued / len(examples), 4)
        routed = len(examples) - queued
        result[f"routed_accuracy{suffix}"] = round(routed_correct / routed, 4) if routed else 0.0
        result["area_examples"] = area_total
    return result
