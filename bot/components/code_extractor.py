"""Entity extractor for `dossier_code`, `petition_code` and `phone_number` (patterns in codes.py).

Rasa's RegexEntityExtractor only keeps regexes whose name is an entity annotated in the training data and
returns the text as typed; this one always knows the three formats and returns normalised values
(``0912 345 678`` -> ``0912345678``, ``pa-250101-0001`` -> ``PA-250101-0001``).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from vietnam.codes import PATTERNS, find_codes


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class CodeEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Dossier codes, ticket codes and phone numbers, with normalised values."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"entities": list(PATTERNS)}

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        self._wanted = set(self._config["entities"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CodeEntityExtractor:
        return cls(config)

    def extract(self, text: Any) -> list[dict[str, Any]]:
        if not isinstance(text, str):
            return []
        return [
            {"entity": m.entity, "start": m.start, "end": m.end, "value": m.value, "confidence_entity": 1.0}
            for m in find_codes(text)
            if m.entity in self._wanted
        ]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = self.add_extractor_name(self.extract(message.get(TEXT)))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
