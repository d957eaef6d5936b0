"""Diacritics- and case-insensitive gazetteer entity extraction: `procedure` and `location`.

- `procedure`: terms and aliases from ``vietnam/data/procedure_terms.yml``; the entity value is the
  canonical procedure name.
- `location`: the communes/wards of Đồng Tháp through ``vietnam.places.find_places``; the value is the
  official unit name ("Phường Mỹ Tho"). A former district that now spans several units is reported with
  the name as written and its ``candidates``.

Matching is on whole syllables of the folded text (``vietnam.text.fold``), leftmost-longest,
without overlaps; offsets are into the original text.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from vietnam.places import find_places
from vietnam.procedure_terms import TERMS_FILE, load_terms
from vietnam.text import fold

logger = logging.getLogger(__name__)

DEFAULT_PROCEDURE_TERMS = TERMS_FILE
_SYLLABLE = re.compile(r"\w+")


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    value: str
    matched: str


_COMBINING = re.compile("[\u0300-\u036f]")


def _syllables(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded syllable) for each run of letters/digits; offsets into ``text``."""
    if not _COMBINING.search(text):
        folded = fold(text)
        if len(folded) == len(text):
            return [(m.start(), m.end(), m.group(0)) for m in _SYLLABLE.finditer(folded)]
    # Not NFC (combining marks): fold a mark-free key and map each key character back.
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if unicodedata.combining(char):
            continue
        chars.append((fold(char) or char)[:1])
        origin.append(index)
    key = "".join(chars)
    result = []
    for m in _SYLLABLE.finditer(key):
        start, end = origin[m.start()], origin[m.end() - 1] + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        result.append((start, end, m.group(0)))
    return result


class TermMatcher:
    """Leftmost-longest matching of multi-syllable terms, diacritics- and case-insensitive."""

    def __init__(self, terms: Iterable[tuple[str, str]]) -> None:
        """``terms``: (surface form, value) pairs; the first value given for a surface form wins."""
        self._index: dict[tuple[str, ...], str] = {}
        for surface, value in terms:
            key = tuple(s for _, _, s in _syllables(unicodedata.normalize("NFC", surface)))
            if key and key not in self._index:
                self._index[key] = value
        self._longest = max((len(k) for k in self._index), default=0)

    def find(self, text: str) -> list[TermMatch]:
        if not text or not self._index:
            return []
        syllables = _syllables(text)
        keys = [s for _, _, s in syllables]
        matches: list[TermMatch] = []
        i = 0
        while i < len(syllables):
            for n in range(min(self._longest, len(syllables) - i), 0, -1):
                value = self._index.get(tuple(keys[i : i + n]))
                if value is not None:
                    start, end = syllables[i][0], syllables[i + n - 1][1]
                    matches.append(TermMatch(start, end, value, text[start:end]))
                    i += n
                    break
            else:
                i += 1
        return matches


@lru_cache(maxsize=8)
def procedure_matcher(path: str = str(DEFAULT_PROCEDURE_TERMS)) -> TermMatcher:
    if not Path(path).is_file():
        logger.warning("Procedure terms file %s not found: no `procedure` entities", path)
        return TermMatcher([])
    pairs: list[tuple[str, str]] = []
    for entry in load_terms(path):
        pairs.append((entry.term, entry.term))
        pairs.extend((alias, entry.term) for alias in entry.aliases)
    return TermMatcher(pairs)


def find_locations(text: str) -> list[dict[str, Any]]:
    """Location entities (without extractor name) in ``text``."""
    entities = []
    for match in find_places(text):
        place = match.place
        entity: dict[str, Any] = {"entity": "location", "start": match.start, "end": match.end}
        if place is not None:
            entity["value"] = place.name
        else:
            entity["value"] = text[match.start : match.end]
            entity["candidates"] = [c.name for c in match.candidates]
        entities.append(entity)
    return entities


def find_procedures(text: str, path: str = str(DEFAULT_PROCEDURE_TERMS)) -> list[dict[str, Any]]:
    return [
        {"entity": "procedure", "start": m.start, "end": m.end, "value": m.value}
        for m in procedure_matcher(path).find(text)
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class GazetteerEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Finds `procedure` and `location` entities by dictionary, whatever the diacritics and case."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "procedure_terms": None,  # path; default vietnam/data/procedure_terms.yml
            "entities": ["procedure", "location"],
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        self._terms_path = str(self._config["procedure_terms"] or DEFAULT_PROCEDURE_TERMS)
        self._wanted = set(self._config["entities"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GazetteerEntityExtractor:
        component = cls(config)
        procedure_matcher(component._terms_path)  # load once, at model load time
        return component

    def extract(self, text: str) -> list[dict[str, Any]]:
        """Entities in ``text``, left to right; never raises."""
        if not isinstance(text, str) or not text.strip():
            return []
        entities: list[dict[str, Any]] = []
        try:
            if "procedure" in self._wanted:
                entities.extend(find_procedures(text, self._terms_path))
            if "location" in self._wanted:
                entities.extend(find_locations(text))
        except Exception:  # a broken data file must not take the bot down
            logger.exception("Gazetteer extraction failed")
            return []
        for entity in entities:
            entity["confidence_entity"] = 1.0
        return sorted(entities, key=lambda e: (e["start"], e["entity"]))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = self.add_extractor_name(self.extract(message.get(TEXT)))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
