"""A fast linear intent classifier over the sparse sentence features.

Rasa's LogisticRegressionClassifier uses raw counts, has no regularisation setting and fails on a message
without features (empty text). This one:
- scales each featurizer's sentence vector separately, TF-IDF-like (log counts times the inverse document
  frequency learned in training, L2 norm), so each family weighs alike whatever the message length and
  a feature found in many examples (``cho``, ``ạ``) counts less than a rare, telling one;
- trains a multinomial logistic regression (sklearn) with a configurable ``C``;
- stores only the weights (numpy, no pickle) and predicts with one sparse product and a softmax;
- answers a message without any known feature with confidence 0, so the FallbackClassifier takes over, and
  scales down the confidence of a message known only by character n-grams (keyboard mash).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

# Confidence factor of a message known only by character n-grams. With idf, keyboard mash sharing a rare
# n-gram with one example ("asdf qwerty" with the out_of_scope "asdfgh") reaches 0.86 before it, typos of
# short words ("oki") 0.91: 0.45 keeps the first under the FallbackClassifier's 0.4, the second over it.
CHARS_ONLY_FACTOR = 0.45


def _is_char_family(origin: str) -> bool:
    """Character n-gram families (``<name>:char``, ``<name>:text_char``): evidence of spelling, not words."""
    return origin.endswith("char")


def inverse_document_frequency(block: scipy.sparse.csr_matrix) -> np.ndarray:
    """sklearn's smooth idf of each column of ``block``: ln((1 + n) / (1 + df)) + 1."""
    document_frequency = np.bincount(block.indices, minlength=block.shape[1])
    return np.log((1 + block.shape[0]) / (1 + document_frequency)) + 1.0


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Multinomial logistic regression on per-featurizer normalised sparse sentence features."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 10.0,
            # "liblinear": one-vs-rest, trains in a couple of seconds; "lbfgs": multinomial, slower
            "solver": "liblinear",
            "max_iter": 2000,
            "class_weight": "balanced",
            # weigh each feature by its inverse document frequency in the training examples
            "idf": True,
            "random_state": 42,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: np.ndarray | None = None,
        bias: np.ndarray | None = None,
        classes: list[str] | None = None,
        origins: list[str] | None = None,
        idf: np.ndarray | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.weights = weights  # (n_classes, n_features)
        self.bias = bias  # (n_classes,)
        self.classes = classes or []
        self.origins = origins or []  # featurizer names, in the column order used in training
        self.idf = idf  # (n_features,): column weights, all 1 without idf
        self._widths: dict[str, int] = {}
        self._one_vs_rest = False

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    # features -------------------------------------------------------------------------------------------
    @staticmethod
    def _sentence_blocks(message: Message) -> dict[str, scipy.sparse.spmatrix]:
        blocks: dict[str, scipy.sparse.spmatrix] = {}
        for feature in message.features:
            if feature.attribute != TEXT or feature.type != FEATURE_TYPE_SENTENCE:
                continue
            matrix = feature.features
            if not scipy.sparse.issparse(matrix):
                matrix = scipy.sparse.csr_matrix(np.asarray(matrix))
            origin = feature.origin if isinstance(feature.origin, str) else "+".join(feature.origin)
            blocks[origin] = matrix.tocsr()
        return blocks

    def _matrix(
        self, messages: list[Message], widths: dict[str, int], fit_idf: bool = False
    ) -> scipy.sparse.csr_matrix:
        """One row per message: each featurizer's block with log counts times idf and unit L2 norm, side
        by side. With ``fit_idf`` the idf is learned from these rows first (training)."""
        from sklearn.preprocessing import normalize

        per_origin: dict[str, list[scipy.sparse.spmatrix]] = {origin: [] for origin in self.origins}
        for message in messages:
            blocks = self._sentence_blocks(message)
            for origin in self.origins:
                block = blocks.get(origin)
                if block is None or block.shape != (1, widths[origin]):
                    block = scipy.sparse.csr_matrix((1, widths[origin]))
                per_origin[origin].append(block)
        blocks = [scipy.sparse.vstack(per_origin[o], format="csr").astype(np.float64) for o in self.origins]
        for block in blocks:
            block.sum_duplicates()
            block.data = np.log1p(np.abs(block.data))
        if fit_idf:
            use_idf = bool(self._config["idf"])
            self.idf = np.concatenate(
                [inverse_document_frequency(b) if use_idf else np.ones(b.shape[1]) for b in blocks]
            )
        matrix = scipy.sparse.hstack(blocks, format="csr")
        if self.idf is not None:
            matrix = matrix.multiply(self.idf[np.newaxis, :]).tocsr()
        column, scaled = 0, []
        for block in blocks:  # unit L2 norm per featurizer block
            width = block.shape[1]
            scaled.append(normalize(matrix[:, column : column + width], norm="l2", copy=False))
            column += width
        return scipy.sparse.hstack(scaled, format="csr")

    # training -------------------------------------------------------------------------------------------
    def _training_matrix(self, examples: list[Message]) -> scipy.sparse.csr_matrix:
        """The scaled feature rows of ``examples``; sets the featurizer columns (``origins``, widths) and
        learns the idf."""
        widths: dict[str, int] = {}
        for example in examples:
            for origin, block in self._sentence_blocks(example).items():
                widths.setdefault(origin, block.shape[1])
        self.origins = sorted(widths)
        self._widths = widths
        return self._matrix(examples, widths, fit_idf=True)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = [e.get(INTENT) for e in examples]
        if len(set(labels)) < 2:
            logger.warning("LinearIntentClassifier needs at least two intents; not trained")
            return self._resource
        X = self._training_matrix(examples)
        clf = LogisticRegression(
            C=float(self._config["C"]),
            max_iter=int(self._config["max_iter"]),
            class_weight=self._config["class_weight"],
            random_state=self._config["random_state"],
            solver=self._config["solver"],
        )
        clf.fit(X, labels)
        self.classes = [str(c) for c in clf.classes_]
        self._one_vs_rest = self._config["solver"] == "liblinear"
        if len(self.classes) == 2:  # sklearn keeps one row for two classes
            self.weights = np.vstack([-clf.coef_[0], clf.coef_[0]]) / 2
            self.bias = np.array([-clf.intercept_[0], clf.intercept_[0]]) / 2
        else:
            self.weights, self.bias = clf.coef_, clf.intercept_
        self.persist()
        return self._resource

    def persist(self) -> None:
        if self.weights is None or self.bias is None:
            return
        with self._model_storage.write_to(self._resource) as directory:
            idf = self.idf if self.idf is not None else np.ones(self.weights.shape[1])
            np.savez(directory / "weights.npz", weights=self.weights, bias=self.bias, idf=idf)
            meta = {
                "classes": self.classes,
                "origins": self.origins,
                "widths": self._widths,
                "one_vs_rest": self._one_vs_rest,
            }
            (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / "weights.npz", allow_pickle=False)
                meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            logger.warning("LinearIntentClassifier: no trained weights in the model; no intents predicted")
            return cls(config, model_storage, resource)
        component = cls(
            config,
            model_storage,
            resource,
            weights=arrays["weights"],
            bias=arrays["bias"],
            classes=meta["classes"],
            origins=meta["origins"],
            idf=arrays["idf"] if "idf" in arrays.files else None,
        )
        component._widths = {k: int(v) for k, v in meta["widths"].items()}
        component._one_vs_rest = bool(meta.get("one_vs_rest", False))
        return component

    # inference ------------------------------------------------------------------------------------------
    def _offsets(self) -> dict[str, int]:
        offsets, column = {}, 0
        for origin in self.origins:
            offsets[origin] = column
            column += self._widths[origin]
        return offsets

    def _scores(self, message: Message, offsets: dict[str, int]) -> tuple[np.ndarray, bool]:
        """Class scores of one message, straight from its sparse blocks (same scaling as ``_matrix``), and
        whether any of its features is known."""
        scores, known, _ = self._scores_and_evidence(message, offsets)
        return scores, known

    def _scores_and_evidence(
        self, message: Message, offsets: dict[str, int]
    ) -> tuple[np.ndarray, bool, bool]:
        """Scores, whether any feature is known, whether any word or syllable feature is known."""
        scores = np.array(self.bias, dtype=np.float64)
        known = words_known = False
        for feature in message.features:
            if feature.attribute != TEXT or feature.type != FEATURE_TYPE_SENTENCE:
                continue
            origin = feature.origin if isinstance(feature.origin, str) else "+".join(feature.origin)
            offset = offsets.get(origin)
            matrix = feature.features
            if offset is None or matrix.shape != (1, self._widths[origin]):
                continue
            if isinstance(matrix, scipy.sparse.coo_matrix) and matrix.has_canonical_format:
                columns, values = matrix.col, matrix.data  # what our featurizer emits: no conversion
            elif scipy.sparse.issparse(matrix):
                row = matrix.tocsr()
                row.sum_duplicates()
                columns, values = row.indices, row.data
            else:
                dense = np.asarray(matrix).ravel()
                columns = np.flatnonzero(dense)
                values = dense[columns]
            values = np.log1p(np.abs(values.astype(np.float64)))
            if self.idf is not None:
                values = values * self.idf[offset + columns]
            norm = float(np.sqrt(values @ values))
            if norm == 0:
                continue
            scores += self.weights[:, offset + columns] @ (values / norm)
            known = True
            words_known = words_known or not _is_char_family(origin)
        return scores, known, words_known

    def predict_proba(self, messages: list[Message]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (n_messages, n_classes) and whether each message had any known feature."""
        offsets = self._offsets()
        rows = [self._scores_and_evidence(message, offsets) for message in messages]
        scores = np.vstack([r[0] for r in rows])
        if self._one_vs_rest and len(self.classes) > 2:  # as sklearn: sigmoid per class, then normalise
            probabilities = 1.0 / (1.0 + np.exp(-scores))
        else:
            probabilities = np.exp(scores - scores.max(axis=1, keepdims=True))
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        # Only character n-grams known (no word, no syllable): they catch typos of known words, but keyboard
        # mash ("asdf qwerty", "zzz xyz abc") shares some with everything; the confidence is scaled down
        # (CHARS_ONLY_FACTOR), so a weak guess falls under the FallbackClassifier's threshold.
        unsure = np.array([r[1] and not r[2] for r in rows])
        probabilities[unsure] *= CHARS_ONLY_FACTOR
        return probabilities, np.array([r[1] for r in rows])

    def process(self, messages: list[Message]) -> list[Message]:
        if self.weights is None or not messages:
            return messages
        probabilities, has_features = self.predict_proba(messages)
        length = int(self._config["ranking_length"])
        for message, row, known in zip(messages, probabilities, has_features, strict=False):
            if not known:  # nothing we know: let the FallbackClassifier decide
                row = np.zeros_like(row)
            order = np.argsort(-row, kind="stable")
            ranking = [{"name": self.classes[i], "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[:length] if length > 0 else ranking, add_to_output=True)
        return messages
