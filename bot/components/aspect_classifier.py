"""What a procedure question asks about (fee, papers, time, place, online, ...), learned from the NLU data.

A follow-up names no procedure ("hết nhiêu tiền", "nộp qua mạng dc hông", "chừng nào có"): the words
that say *what* is asked vary without end (diacritics or not, teen code, Southern speech), so the aspect
is learned from examples, like the intent, rather than looked up in a keyword list.

Training data: the ``ask_procedure`` examples of ``nlu_data/``, grouped in blocks whose Rasa metadata
names what they ask::

    - intent: ask_procedure
      metadata:
        aspects: [fee]           # one or several of ASPECTS; [] or absent: a question naming a procedure
        followup: true           # the question names no procedure (it is about the one in the talk)
      examples: |
        - hết nhiêu tiền

One binary logistic regression per label (one-vs-rest: a question may ask several things, "cần gì, bao
lâu, tốn nhiêu"), on the same scaled sparse features as the intent classifier. Output, for every message,
in the parse data (``tracker.latest_message`` for the actions)::

    "aspects": [{"name": "fee", "confidence": 0.97}, ...]   # every label, best first
    "followup": {"confidence": 0.91}                         # the question names no procedure

A message with no known feature gets an empty ranking and follow-up confidence 0.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, METADATA, METADATA_EXAMPLE, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.linear_intent_classifier import LinearIntentClassifier

logger = logging.getLogger(__name__)

# What a citizen asks about one procedure. knowledge.answers renders each (docs/architecture.md).
ASPECTS = ("documents", "fee", "time", "place", "online", "eligibility", "steps", "form", "deadline")
FOLLOWUP = "followup"
ASPECTS_KEY = "aspects"
FOLLOWUP_KEY = "followup"


def example_labels(message: Message) -> tuple[set[str], bool] | None:
    """(aspects, is a follow-up) from an example's intent-block or example metadata; None when unlabelled."""
    metadata = message.get(METADATA) or {}
    found: dict[str, Any] = {}
    for key in (METADATA_INTENT, METADATA_EXAMPLE):  # example metadata overrides its block's
        part = metadata.get(key)
        if isinstance(part, dict):
            found.update({k: v for k, v in part.items() if k in (ASPECTS_KEY, FOLLOWUP_KEY)})
    if not found:
        return None
    aspects = found.get(ASPECTS_KEY) or []
    if isinstance(aspects, str):
        aspects = [aspects]
    unknown = set(aspects) - set(ASPECTS)
    if unknown:
        raise ValueError(f"unknown aspects {sorted(unknown)} for example {message.get(TEXT)!r}")
    return set(aspects), bool(found.get(FOLLOWUP_KEY, False))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class AspectClassifier(LinearIntentClassifier):
    """Multi-label logistic regression: the aspects a procedure question asks about, and whether it is a
    follow-up. It never changes the intent."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LinearIntentClassifier.get_default_config(),
            "C": 10.0,
            "intent": "ask_procedure",  # the intent whose examples carry the labels
        }

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        examples, labels = [], []
        for example in training_data.intent_examples:
            if example.get(INTENT) != self._config["intent"] or not example.get(TEXT):
                continue
            found = example_labels(example)
            if found is None:
                continue
            examples.append(example)
            labels.append(found[0] | ({FOLLOWUP} if found[1] else set()))
        names = [*ASPECTS, FOLLOWUP]
        present = [n for n in names if any(n in row for row in labels)]
        if not examples or not present:
            logger.warning("AspectClassifier: no labelled %s examples; not trained", self._config["intent"])
            return self._resource
        X = self._training_matrix(examples)
        weights, bias = [], []
        for name in present:
            y = np.array([name in row for row in labels])
            if y.all() or not y.any():
                continue
            clf = LogisticRegression(
                C=float(self._config["C"]),
                max_iter=int(self._config["max_iter"]),
                class_weight=self._config["class_weight"],
                random_state=self._config["random_state"],
                solver="liblinear",
            )
            clf.fit(X, y)
            weights.append(clf.coef_[0])
            bias.append(clf.intercept_[0])
            self.classes.append(name)
        self.weights, self.bias = np.vstack(weights), np.array(bias)
        self.persist()
        return self._resource

    def predict(self, message: Message) -> tuple[list[dict[str, Any]], float]:
        """(every aspect with its confidence, best first; follow-up confidence) for one message."""
        if self.weights is None:
            return [], 0.0
        scores, known = self._scores(message, self._offsets())
        if not known:
            return [], 0.0
        probabilities = 1.0 / (1.0 + np.exp(-scores))
        ranking = sorted(
            (
                {"name": name, "confidence": float(p)}
                for name, p in zip(self.classes, probabilities, strict=True)
                if name != FOLLOWUP
            ),
            key=lambda r: -r["confidence"],
        )
        followup = next(
            (float(p) for name, p in zip(self.classes, probabilities, strict=True) if name == FOLLOWUP), 0.0
        )
        return ranking, followup

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking, followup = self.predict(message)
            message.set(ASPECTS_KEY, ranking, add_to_output=True)
            message.set(FOLLOWUP_KEY, {"confidence": followup}, add_to_output=True)
        return messages
