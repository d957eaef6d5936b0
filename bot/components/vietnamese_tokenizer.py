"""Vietnamese word segmentation for Rasa, with exact character offsets into the original text.

underthesea groups syllables into words ("khai sinh") but may rewrite characters on the way (tone
placement "hoà" -> "hòa", spacing around punctuation). We therefore never trust its strings for offsets:
each word it returns is aligned on a *key* of the original text (diacritics-free, lower case, without
whitespace or combining marks), and the offsets are read back from the original characters. Whatever
cannot be aligned is covered by plain syllable tokens, so every non-space character of the input ends up
in a token and no input makes the tokenizer raise.

The token lemma is the diacritics-free, lower-case word with ``_`` between syllables (``khai_sinh``), so
"giấy khai sinh" and "giay khai sinh" share word features. Citizen abbreviations are spelt out in the lemma
(``hs`` -> ``ho_so``) when ``expand_abbreviations`` is on.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from vietnam.codes import LEMMAS as CODE_LEMMAS
from vietnam.codes import find_codes
from vietnam.text import ABBREVIATIONS, fold, strip_diacritics

logger = logging.getLogger(__name__)

# Fallback tokens: runs of word characters (plus the combining marks of non-NFC text), or single
# other visible characters (punctuation, emoji).
_SYLLABLE = re.compile(r"(?:\w[\w\u0300-\u036f]*)|[^\w\s\u0300-\u036f]")
# How far ahead (in key characters) a word underthesea returned may be found before it is dropped.
_RESYNC_WINDOW = 64


@dataclass(frozen=True)
class Segment:
    """One word of the original text: ``text[start:end]`` and its matching lemma."""

    start: int
    end: int
    lemma: str


@lru_cache(maxsize=8192)
def _char_key(char: str) -> str:
    """The matching key of one character: '' for whitespace and combining marks."""
    if char.isspace() or unicodedata.combining(char):
        return ""
    key = fold(unicodedata.normalize("NFKC", char))
    key = "".join(c for c in key if not unicodedata.combining(c) and not c.isspace())
    return key


def _text_key(text: str) -> tuple[str, list[int]]:
    """Key of ``text`` and, for each key character, the index of the original character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for key_char in _char_key(char):
            chars.append(key_char)
            origin.append(index)
    return "".join(chars), origin


def make_lemma(surface: str, expand: bool = True) -> str:
    """Diacritics-free lower-case lemma, ``_`` between syllables; abbreviations spelt out if ``expand``."""
    parts: list[str] = []
    for syllable in surface.split():
        if expand:
            expanded = ABBREVIATIONS.get(syllable.lower())
            if expanded:
                parts.extend(fold(expanded).split())
                continue
        parts.append(fold(unicodedata.normalize("NFKC", syllable)))
    lemma = "_".join(parts)
    return lemma or surface


def _syllable_segments(text: str, start: int, end: int, expand: bool) -> list[Segment]:
    return [
        Segment(start + m.start(), start + m.end(), make_lemma(m.group(0), expand))
        for m in _SYLLABLE.finditer(text[start:end])
    ]


def _underthesea_words(text: str) -> list[str] | None:
    try:
        from underthesea import word_tokenize

        return list(word_tokenize(text))
    except Exception:  # the segmenter must never take the bot down; syllables are a fine fallback
        logger.warning("underthesea word_tokenize failed; using syllable tokens", exc_info=True)
        return None


def segment_words(text: str, expand: bool = True, max_segmented_chars: int = 2000) -> list[Segment]:
    """Split ``text`` into words with offsets into ``text`` itself.

    Multi-syllable words from underthesea are kept whole; text beyond ``max_segmented_chars`` and any
    part underthesea's output cannot be aligned to is split into syllables.
    """
    if not text or text.isspace():
        return []
    key, origin = _text_key(text)
    if not key:
        return []
    head = text[:max_segmented_chars]
    head_key_len = len(_text_key(head)[0])
    words = _underthesea_words(head) or []

    segments: list[Segment] = []
    pos = 0  # position in key
    covered = 0  # index in text up to which segments exist

    def cover_gap(until_text_index: int) -> None:
        nonlocal covered
        if until_text_index > covered:
            segments.extend(_syllable_segments(text, covered, until_text_index, expand))
            covered = until_text_index

    for word in words:
        word_key, _ = _text_key(word)
        if not word_key:
            continue
        found = key.find(word_key, pos, min(len(key), pos + _RESYNC_WINDOW + len(word_key)))
        if found < 0 or found + len(word_key) > head_key_len:
            continue  # underthesea changed this word beyond recognition: the gap filler covers it
        start = origin[found]
        end = origin[found + len(word_key) - 1] + 1
        # Keep the combining marks that belong to the last letter (non-NFC input).
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        if start < covered:
            continue
        cover_gap(start)
        segments.append(Segment(start, end, make_lemma(text[start:end], expand)))
        covered = end
        pos = found + len(word_key)
    cover_gap(len(text))
    return _protect_codes(text, segments, expand)


def _protect_codes(text: str, segments: list[Segment], expand: bool) -> list[Segment]:
    """Make every dossier code, ticket code and phone number one token with a placeholder lemma."""
    codes = find_codes(text)
    if not codes:
        return segments
    result = [Segment(c.start, c.end, CODE_LEMMAS[c.entity]) for c in codes]
    for seg in segments:
        overlapping = [c for c in codes if c.start < seg.end and seg.start < c.end]
        if not overlapping:
            result.append(seg)
            continue
        cursor = seg.start
        for code in overlapping:
            if code.start > cursor:
                result.extend(_syllable_segments(text, cursor, code.start, expand))
            cursor = max(cursor, code.end)
        if cursor < seg.end:
            result.extend(_syllable_segments(text, cursor, seg.end, expand))
    return sorted(result, key=lambda s: s.start)


def stripped_copies(training_data: TrainingData) -> list[Message]:
    """Copies of the intent examples written with diacritics, without them (same length, so entity
    offsets stay valid)."""
    copies = []
    for example in training_data.intent_examples:
        text = example.get(TEXT)
        if not isinstance(text, str):
            continue
        stripped = strip_diacritics(unicodedata.normalize("NFC", text))
        if stripped == text or len(stripped) != len(text):
            continue
        data = {TEXT: stripped, INTENT: example.get(INTENT)}
        if example.get(ENTITIES):
            data[ENTITIES] = [dict(entity) for entity in example.get(ENTITIES)]
        copies.append(Message(data=data))
    return copies


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(Tokenizer):
    """underthesea word segmentation with exact offsets and diacritics-free lemmas."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # spell out citizen abbreviations (ko, hs, gplx...) in the lemma
            "expand_abbreviations": True,
            # longer messages are segmented up to here, syllables after
            "max_segmented_chars": 2000,
            # training only: also train on a copy of every example with its diacritics stripped, so
            # the classifier sees how underthesea segments text typed without them
            "train_on_stripped_copies": True,
        }

    @staticmethod
    def supported_languages() -> list[str] | None:
        return ["vi"]

    @staticmethod
    def required_packages() -> list[str]:
        return ["underthesea"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseTokenizer:
        tokenizer = cls({**cls.get_default_config(), **config})
        segment_words("xin chào")  # load underthesea's model now rather than on the first message
        return tokenizer

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        if self._config.get("train_on_stripped_copies", True):
            training_data = training_data.merge(TrainingData(stripped_copies(training_data)))
        return super().process_training_data(training_data)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        if not isinstance(text, str):
            return []
        segments = segment_words(
            text,
            expand=bool(self._config.get("expand_abbreviations", True)),
            max_segmented_chars=int(self._config.get("max_segmented_chars", 2000)),
        )
        tokens = [Token(text[s.start : s.end], s.start, s.end, lemma=s.lemma) for s in segments]
        return self._apply_token_pattern(tokens)
