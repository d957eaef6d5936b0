"""Procedure search: Vietnamese, diacritics-insensitive, typo-tolerant, synonym and abbreviation aware.

Ranking, for a query normalised once (``normalize_text`` + ``expand_abbreviations``) and folded
(``fold``: lower case, no diacritics) into syllables:

1. BM25F over each procedure's fields (name, aliases, keywords, terms from
   ``vietnam/data/procedure_terms.yml``, field of work, result), on syllables and syllable bigrams.
2. Phrase matches: an alias, keyword or synonym met as a whole phrase in the query adds a bonus that
   grows with its length; a phrase inside a longer matched phrase adds none ("sang tên sổ đỏ" beats
   "sổ đỏ"). Synonym entries expand the query with their canonical term ("sổ đỏ" -> "giấy chứng nhận
   quyền sử dụng đất"). A gift of land or a house to a relative ("cho con miếng đất") is read as
   "tặng cho đất", and a pupil's grade ("lớp 7") adds its school level ("trung học cơ sở")
   (``knowledge.search_cues``).
3. Typos: a query syllable that no procedure uses is replaced by the closest known syllables
   (rapidfuzz), or split in two when two syllables were typed together; the words citizens ask with
   (``knowledge.aspects.question_words``: "gồm", "cung cấp") are kept as written.
4. Priors: shipped (curated, Đồng Tháp) records over imported ones; commune/province level over
   ministry level; the common case over a special case of it whose qualifier the question does not
   name ("Đăng ký khai sinh" over "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân").
5. Action: what the citizen wants done (first issue, re-issue, exchange, extension, re-registration,
   change, correction, suspension, closing, authorising someone; certifying a signature or a copy),
   read from cue words of the question ("mất", "hết hạn", "đăng ký lại", "tạm nghỉ", "lãnh dùm"),
   is matched with what each procedure does, read from its official name ("Cấp lại ...", "Đổi ...",
   "Đăng ký lại ...", "Chấm dứt ..."). The fit multiplies the score, so sibling procedures that share
   every topic word are told apart however many topic words the question repeats. A question that
   names no action leaves siblings close (the first issue slightly ahead) and the bot asks
   (``knowledge.procedure_actions``).

The cue tables (question words, aspect phrases, search-only synonyms, foreign-element hints, action cues)
are in ``knowledge.search_cues``. The index reads any objects with the read model's field names
(``knowledge.records.ProcedureRecord``, or rows selecting those columns): see ``Searchable``.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.aspects import cue_positions, question_words
from knowledge.procedure_actions import action_factor, died_positions, name_actions, query_actions
from knowledge.search_cues import (
    ASSISTANCE_FIELDS,
    DIED_AFTER,
    DOMESTIC_HINTS,
    FAMILY_SIDE,
    FILLER_SYLLABLES,
    FOREIGN_HINTS,
    FOREIGN_SUFFIX,
    FORMAL_ASK_CUES,
    NEGATED_GAP,
    NEGATED_TOPICS,
    NEGATED_VERBS,
    NEGATIONS,
    NEUTRAL,
    OTHER_PLACES,
    QUERY_ACTION_CUES,
    QUERY_SYNONYMS,
    SETTINGS,
    SHOP_SUBJECT,
    SHOP_WORDS,
    SIDED_KIN,
    STATE_GIVES_CUES,
    STOP_SYLLABLES,
    as_gift,
    aspect_positions,
    names_setting,
    phrase_at,
    says_insured_death,
    shop_spans,
    with_school_level,
)
from vietnam.places import find_places
from vietnam.procedure_terms import TERMS_FILE, TermEntry, load_terms
from vietnam.text import expand_abbreviations, fold, normalize_text

__all__ = [
    "TERMS_PATH",
    "ProcedureHit",
    "QueryCoverage",
    "SearchIndex",
    "Searchable",
    "TermEntry",
    "is_ambiguous",
    "load_terms",
    "requirement_start",
    "tokenize",
]

TERMS_PATH = TERMS_FILE

FIELD_WEIGHTS = {"name": 1.0, "aliases": 1.0, "terms": 0.9, "keywords": 0.6, "result": 0.25, "field": 0.2}
K1 = 1.2
B = 0.6
BIGRAM_WEIGHT = 1.6
STOP_BIGRAM_FACTOR = 0.4
PHRASE_WEIGHT = 2.2
EXPANSION_WEIGHT = 0.6
SHIPPED_PRIOR = 1.25
LOCAL_LEVEL_PRIOR = 1.08
CENTRAL_ONLY_PRIOR = 0.85
AMBIGUITY_RATIO = 0.88
# "đi khai sinh có cần giấy ủy quyền chứng thực không": what follows "có cần" is a requirement of the
# procedure named before it, weaker evidence of the topic (see ``requirement_start``).
REQUIREMENT_FACTOR = 0.5
# The citizen's status said in passing ("nhà thuộc hộ nghèo", see ``status_positions``): the case, not the
# topic.
STATUS_FACTOR = 0.3
# Offer the foreign-element variant (the bot asks which) when it scores at least this share of the top;
# 0.55 gives the same decisions with the shipped catalogue alone and with the national crawl imported.
VARIANT_RATIO = 0.55
# A procedure whose official name is another's plus a qualifier ("Đăng ký khai sinh cho người đã có hồ
# sơ, giấy tờ cá nhân", "Đăng ký khai tử lưu động") is a special case of it: when the question has none of
# the qualifier's words, the common case wins over it.
SPECIAL_CASE_FACTOR = 0.92
# A social-assistance procedure when the question tells the death of someone in the contributory scheme
# (``knowledge.search_cues.says_insured_death``): the law leaves that person out of it.
ASSISTANCE_MISMATCH = 0.3
# A procedure that applies only in a setting (``knowledge.search_cues.SETTINGS``) the question does not name.
SETTING_MISSING_FACTOR = 0.3
COMMON_FRACTION = 0.08  # a gram in more than this share of documents is "common"
COMMON_MIN_DF = 50

_WORD = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    """Folded syllables of ``text`` (NFC first, so ``fold`` keeps one character per character)."""
    return _WORD.findall(fold(unicodedata.normalize("NFC", text)))


_PLACE_PREPOSITION = re.compile(r"(?i)(?<!\w)(?:ở|o|tại|tai)\s+$")


def _other_places(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` naming a city or province other than Đồng Tháp (``OTHER_PLACES``)."""
    folded = fold(text)
    spans = []
    for word in _WORD.finditer(folded):
        for phrase in _OTHER_PLACES_BY_FIRST.get(word.group(), ()):
            pattern = r"\W+".join(phrase) + r"(?![a-z0-9])"
            found = re.compile(pattern).match(folded, word.start())
            if found:
                spans.append((found.start(), found.end()))
    return spans


_OTHER_PLACES_BY_FIRST: dict[str, list[tuple[str, ...]]] = defaultdict(list)
for _place in OTHER_PLACES:
    _OTHER_PLACES_BY_FIRST[_place[0]].append(_place)


# Where the citizen lives, said as background ("hộ khẩu ở Gò Công mà ...", "có phải về nơi thường trú
# không"), folded: the residence registered is a place then, not the residence registration asked about.
_RESIDENCE_BEFORE_PLACE = re.compile(
    r"\b(?:ho khau(?: thuong tru)?|thuong tru|tam tru|que(?: quan)?)\W+(?:o|tai)?\W*$"
)
_RESIDENCE_PLACE = re.compile(r"\b(?:ve|o|tai|tu) noi (?:thuong tru|tam tru|cu tru|o)\b")
# ... unless the residence is what is done: a registration anywhere in the question ("hộ khẩu ở Sa Đéc
# muốn chuyển về Cao Lãnh"), or a verb just before it ("làm tạm trú ở ...")
_RESIDENCE_REGISTERED = re.compile(r"\b(?:dang ky|dk|nhap|chuyen|xoa|tach|cat|khai bao|gia han)\b")
_RESIDENCE_VERB_BEFORE = re.compile(r"\b(?:lam|xin|cap|bao)\W+(?:\w+\W+)?$")


def _residence_background(text: str, places: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of ``text`` saying where the citizen lives as background: before a place ("hộ khẩu ở" Gò
    Công) or as a place itself ("về nơi thường trú"), when the question registers no residence and
    something else is left to name what is asked."""
    folded = fold(text)
    if _RESIDENCE_REGISTERED.search(folded):
        return []
    spans = []
    for start, _ in places:
        found = _RESIDENCE_BEFORE_PLACE.search(folded, 0, start)
        if found and not _RESIDENCE_VERB_BEFORE.search(folded, 0, found.start()):
            spans.append((found.start(), start))
    for found in _RESIDENCE_PLACE.finditer(folded):
        if not _RESIDENCE_VERB_BEFORE.search(folded, 0, found.start()):
            spans.append((found.start(), found.end()))
    if not spans:
        return []
    left = list(folded)
    for start, end in [*places, *spans]:
        left[start:end] = " " * (end - start)
    content = [
        t for t in _WORD.findall("".join(left)) if t not in STOP_SYLLABLES and t not in FILLER_SYLLABLES
    ]
    return spans if content else []


def _without_places(text: str) -> str:
    """Blank out commune/ward/district names: "ở Cao Lãnh" says where, not which procedure ("lãnh"); and
    other provinces' names ("đi làm ở Sài Gòn"); and where the citizen lives said as background
    (``_residence_background``)."""
    spans = [(match.start, match.end) for match in find_places(text)] + _other_places(text)
    spans += _residence_background(text, spans)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        # "ở Cao Lãnh", "tại xã ...": the preposition goes with the place.
        before = _PLACE_PREPOSITION.search(text, 0, start)
        if before and before.end() == start:
            start = before.start()
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _accented_tokens(text: str) -> list[str]:
    """``tokenize``'s syllables as written (lower case, diacritics kept): ``fold`` keeps one character per
    character, so the folded spans cut the NFC text at the same places."""
    nfc = unicodedata.normalize("NFC", text).lower()
    return [nfc[m.start() : m.end()] for m in _WORD.finditer(fold(nfc))]


def without_negated_topics(tokens: list[str]) -> list[str]:
    """``tokens`` with a topic the citizen says is absent ("không để lại di chúc") read as what the case is
    instead (``NEGATED_TOPICS``: "thừa kế theo pháp luật, phân chia di sản"); the negation and its verbs
    go with it."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        replaced = False
        if tokens[i] in NEGATIONS:
            j = i + 1
            while j < len(tokens) and j - i - 1 < NEGATED_GAP and tokens[j] in NEGATED_VERBS:
                j += 1
            for topic, reading in NEGATED_TOPICS.items():
                if tuple(tokens[j : j + len(topic)]) == topic:
                    out.extend(reading)
                    i = j + len(topic)
                    replaced = True
                    break
        if not replaced:
            out.append(tokens[i])
            i += 1
    return out


def _query_variants(text: str) -> list[list[str]]:
    """The query's syllables with abbreviations spelt out, and as typed when that differs: a short form
    can also be a word ("so hong" is "sổ hồng", not "sổ không"). Place names are left out, a negated topic
    is read as what the case is instead (``without_negated_topics``)."""
    normalized = _without_places(normalize_text(text))
    expanded = without_negated_topics(tokenize(expand_abbreviations(normalized)))
    raw = without_negated_topics(tokenize(normalized))
    return [expanded] if raw == expanded else [expanded, raw]


FOREIGN_PENALTY = 0.6
FOREIGN_BOOST = 1.2
# The top hit must match for real (not just one stray word) before its foreign variant is offered.
MIN_VARIANT_SCORE = 8.0


@dataclass(frozen=True)
class ProcedureHit:
    """A search result. ``level`` is the lowest level that handles it: commune, province, central."""

    code: str
    name: str
    score: float
    level: str
    origin: str = "shipped"
    levels: tuple[str, ...] = ()
    # "foreign_variant": the same procedure "có yếu tố nước ngoài", offered next to the top hit because
    # the question did not say whether a foreign element is involved.
    variant: str | None = None


@dataclass(frozen=True)
class QueryCoverage:
    """How much of a question one procedure accounts for (``SearchIndex.coverage``).

    ``content``: the question's content syllables (folded, as typed; question words, aspect phrases,
    fillers, numbers and place names left out). ``uncovered``: those the procedure's searchable text
    (name, aliases, keywords, terms, field, result) does not have, directly, through a phrase or synonym
    of the procedure, or after typo correction. ``share``: the idf-weighted share of the content
    syllables the catalogue knows that the procedure has (1.0 when there are none). ``strict_share``: the
    same, counting a syllable read as a typo of a known word as not covered ("visa" is not "vỉa" hè), and
    0.0 when nothing is weighed."""

    content: tuple[str, ...]
    uncovered: tuple[str, ...]
    share: float
    strict_share: float = 0.0


class Searchable(Protocol):
    """What the index reads of a procedure: fields of ``knowledge.records.ProcedureRecord``."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def levels(self) -> Sequence[str]: ...
    @property
    def aliases(self) -> Sequence[str]: ...
    @property
    def keywords(self) -> Sequence[str]: ...
    @property
    def field(self) -> str | None: ...
    @property
    def result(self) -> str | None: ...


def _level(levels: Sequence[str]) -> str:
    for level in ("commune", "province", "central", "other"):
        if level in levels:
            return level
    return levels[0] if levels else "unknown"


def _grams(tokens: Sequence[str]) -> list[str]:
    return [*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens))]


@dataclass
class _Phrase:
    docs: set[int] = field(default_factory=set)
    expansions: set[tuple[str, ...]] = field(default_factory=set)


class SearchIndex:
    """An in-memory BM25F index over the catalogue. Build it once; ``search`` is read-only."""

    def __init__(self, docs: Sequence[Searchable], terms: Sequence[TermEntry] = ()) -> None:
        self.docs = list(docs)
        self._by_code = {d.code: i for i, d in enumerate(self.docs)}
        self._assistance = frozenset(
            i for i, d in enumerate(self.docs) if fold(d.field or "") in ASSISTANCE_FIELDS
        )
        field_texts: dict[str, list[list[str]]] = {f: [[] for _ in self.docs] for f in FIELD_WEIGHTS}
        for i, doc in enumerate(self.docs):
            field_texts["name"][i] = [doc.name]
            field_texts["aliases"][i] = list(doc.aliases)
            field_texts["keywords"][i] = list(doc.keywords)
            field_texts["field"][i] = [doc.field] if doc.field else []
            field_texts["result"][i] = [doc.result[:300]] if doc.result else []
        for entry in terms:
            if entry.code and entry.code in self._by_code:
                field_texts["terms"][self._by_code[entry.code]] += [entry.term, *entry.aliases]

        # postings[gram] -> {doc: {field: tf}}
        self._postings: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        self._lengths: dict[str, list[int]] = {f: [0] * len(self.docs) for f in FIELD_WEIGHTS}
        vocabulary: set[str] = set()
        doc_tokens: list[set[str]] = [set() for _ in self.docs]
        doc_accented: list[set[str]] = [set() for _ in self.docs]
        for name, per_doc in field_texts.items():
            for i, texts in enumerate(per_doc):
                length = 0
                for text in texts:
                    tokens = tokenize(text)
                    vocabulary.update(tokens)
                    doc_tokens[i].update(tokens)
                    doc_accented[i].update(_accented_tokens(text))
                    length += len(tokens)
                    for gram in _grams(tokens):
                        slot = self._postings[gram][i]
                        slot[name] = slot.get(name, 0) + 1
                self._lengths[name][i] = length
        self._avg = {
            f: (sum(lengths) / max(1, sum(1 for n in lengths if n))) or 1.0
            for f, lengths in self._lengths.items()
        }
        n_docs = max(1, len(self.docs))
        self._idf = {
            gram: math.log(1 + (n_docs - len(posting) + 0.5) / (len(posting) + 0.5))
            for gram, posting in self._postings.items()
        }
        # Precompute each (gram, doc) contribution: idf * BM25F-saturated weighted term frequency * prior.
        # Grams in many documents ("đăng ký", "cấp") only add to documents that rarer grams found.
        self._priors = [self._prior(doc) for doc in self.docs]
        common_df = max(COMMON_MIN_DF, int(COMMON_FRACTION * n_docs))
        self._contrib: dict[str, tuple[list[int], list[float]]] = {}
        self._common: dict[str, dict[int, float]] = {}
        for gram, posting in self._postings.items():
            idf = self._idf[gram]
            ids: list[int] = []
            values: list[float] = []
            for doc, tfs in posting.items():
                tf = 0.0
                for name, count in tfs.items():
                    norm = 1 - B + B * self._lengths[name][doc] / self._avg[name]
                    tf += FIELD_WEIGHTS[name] * count / norm
                ids.append(doc)
                values.append(idf * tf / (K1 + tf) * self._priors[doc])
            if len(ids) > common_df:
                self._common[gram] = dict(zip(ids, values, strict=True))
            else:
                self._contrib[gram] = (ids, values)
        del self._postings
        self._doc_tokens = [frozenset(tokens) for tokens in doc_tokens]
        self._doc_accented = [frozenset(tokens) for tokens in doc_accented]
        self._max_idf = max(self._idf.values(), default=1.0)
        self.vocabulary = sorted(vocabulary)
        self._vocab_set = vocabulary

        # Phrases: aliases and keywords of each procedure, term aliases (with or without a code).
        self._phrases: dict[tuple[str, ...], _Phrase] = defaultdict(_Phrase)
        for i, doc in enumerate(self.docs):
            phrases = list(doc.aliases) + list(doc.keywords)
            if doc.origin == "shipped":
                phrases.append(doc.name)
            for text in phrases:
                tokens = tuple(tokenize(text))
                if tokens:
                    self._phrases[tokens].docs.add(i)
        for entry in terms:
            canonical = tuple(tokenize(entry.term))
            for text in (entry.term, *entry.aliases):
                tokens = tuple(tokenize(text))
                if not tokens:
                    continue
                phrase = self._phrases[tokens]
                if entry.code and entry.code in self._by_code:
                    phrase.docs.add(self._by_code[entry.code])
                if canonical != tokens:
                    phrase.expansions.add(canonical)
                vocabulary.update(tokens)
        self._phrases = dict(self._phrases)  # type: ignore[assignment]
        # "Đăng ký khai sinh" -> "Đăng ký khai sinh có yếu tố nước ngoài" (and back).
        by_name = {tuple(tokenize(d.name)): i for i, d in enumerate(self.docs) if d.origin == "shipped"}
        self._foreign_of: dict[int, int] = {}
        self._domestic_of: dict[int, int] = {}
        for name, i in by_name.items():
            if len(name) > len(FOREIGN_SUFFIX) and name[-len(FOREIGN_SUFFIX) :] == FOREIGN_SUFFIX:
                base = by_name.get(name[: -len(FOREIGN_SUFFIX)])
                if base is not None:
                    self._foreign_of[base] = i
                    self._domestic_of[i] = base
        # "Đăng ký khai sinh" -> "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân" (a special
        # case of it): the words the special case's name adds (``SPECIAL_CASE_FACTOR``).
        self._special_of: dict[int, tuple[int, frozenset[str]]] = {}
        for name, i in by_name.items():
            if i in self._domestic_of:
                continue
            for cut in range(len(name) - 1, 0, -1):
                base = by_name.get(name[:cut])
                if base is not None:
                    self._special_of[i] = (base, frozenset(name[cut:]) - STOP_SYLLABLES)
                    break
        self._actions = [name_actions(d.name) for d in self.docs]
        self._max_phrase = max((len(p) for p in self._phrases), default=1)
        _query_variants("hoà thuận ở Cao Lãnh")  # load normaliser and places tables now, not on a question
        self.vocabulary = sorted(vocabulary)
        # Action cue words and the words citizens ask with ("gồm", "cung cấp") are known words, never
        # "corrected" into something else (not targets either).
        self._question_only = question_words() - vocabulary
        self._vocab_set = (
            vocabulary | {t for phrase, _ in QUERY_ACTION_CUES for t in phrase} | question_words()
        )

    # ------------------------------------------------------------------------------------ queries
    def _correct(self, tokens: list[str]) -> list[str]:
        """Replace syllables no procedure uses by the closest known ones (typos, glued syllables)."""
        return list(self._correct_cached(tuple(tokens)))

    @lru_cache(maxsize=4096)  # noqa: B019 - the index lives as long as its cache
    def _correct_cached(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        out: list[str] = []
        died = died_positions(tokens)  # "ba em mất hôm qua": a death (khai tử), not a lost paper
        for i, token in enumerate(tokens):
            if i in died or (i and i - 1 in died and token in DIED_AFTER):
                out.append("chet" if i in died else token)  # "hôm" after it is no typo of "hộ"
                continue
            if token in FAMILY_SIDE and i and tokens[i - 1] in SIDED_KIN:
                # "bà ngoại", "ông nội": which side of the family, not "nước ngoài" or "nội địa"; kept as a
                # word that carries nothing, so positions stay aligned
                out.append(NEUTRAL)
                continue
            if (
                token in self._vocab_set
                or token in STOP_SYLLABLES
                or token in FILLER_SYLLABLES
                or token.isdigit()
                or len(token) < 3
            ):
                out.append(token)
                continue
            split = self._split_glued(token)
            if split:
                out.extend(split)
                continue
            out.append(
                self._closest(token, out[-1] if out else None, tokens[i + 1] if i + 1 < len(tokens) else None)
            )
        return tuple(out)

    def _closest(self, token: str, before: str | None, after: str | None) -> str:
        """The known syllable closest to ``token`` (edit distance with transpositions), preferring one
        that forms a known bigram with its neighbours ("khia sinh" -> "khai sinh", not "khi sinh")."""
        candidates = process.extract(
            token, self.vocabulary, scorer=OSA.normalized_similarity, score_cutoff=0.6, limit=12
        )
        best, best_score = token, 0.0
        for candidate, similarity, _ in candidates:
            score = similarity
            if (before and f"{before} {candidate}" in self._idf) or (
                after and f"{candidate} {after}" in self._idf
            ):
                score += 0.3
            if score > best_score:
                best, best_score = candidate, score
        return best

    def _split_glued(self, token: str) -> tuple[str, str] | None:
        for cut in range(2, len(token) - 1):
            left, right = token[:cut], token[cut:]
            if len(left) > 1 and len(right) > 1 and f"{left} {right}" in self._idf:
                return left, right
        return None

    def _phrase_matches(self, tokens: list[str]) -> list[tuple[int, int, _Phrase]]:
        found: list[tuple[int, int, _Phrase]] = []
        for start in range(len(tokens)):
            for length in range(min(self._max_phrase, len(tokens) - start), 0, -1):
                key = tuple(tokens[start : start + length])
                phrase = self._phrases.get(key)
                if phrase is None:
                    continue
                if length == 1 and key[0] in STOP_SYLLABLES:
                    continue
                found.append((start, start + length, phrase))
        return found

    def search(self, query: str, limit: int = 5) -> list[ProcedureHit]:
        raw_variants = _query_variants(query)
        # "cho con miếng đất" is read as the gift it says ("tặng cho đất"), "lớp 7" also as its school level
        variants = [with_school_level(as_gift(self._correct(tokens))) for tokens in raw_variants]
        variants = [tokens for tokens in variants if tokens]
        if not variants:
            return []
        weights: dict[str, float] = defaultdict(float)
        bonus: dict[int, float] = defaultdict(float)
        for tokens in variants:
            v_weights, v_bonus = self._query_weights(tokens)
            for gram, weight in v_weights.items():
                weights[gram] = max(weights[gram], weight)
            for doc, value in v_bonus.items():
                bonus[doc] = max(bonus[doc], value)
        folded = " " + " ".join(variants[0]) + " "
        foreign_hint = any(f" {hint} " in folded for hint in FOREIGN_HINTS)
        # Cue words as typed too: slang the catalogue never uses ("nhận dùm") is not a typo.
        wanted = frozenset().union(*(query_actions(tokens) for tokens in (*variants, *raw_variants)))
        words = frozenset().union(*variants, *raw_variants)
        insured = any(says_insured_death(tokens) for tokens in (*variants, *raw_variants))
        unset = frozenset(
            self._by_code[code]
            for code in SETTINGS
            if code in self._by_code
            and not any(names_setting(tokens, code) for tokens in (*variants, *raw_variants))
        )
        return self._rank(weights, bonus, limit, foreign_hint, wanted, words, insured, unset)

    def _query_weights(self, tokens: list[str]) -> tuple[dict[str, float], dict[int, float]]:
        weights: dict[str, float] = defaultdict(float)
        aspect = aspect_positions(tokens)
        required = requirement_start(tokens)
        done = background_end(tokens)
        status = status_positions(tokens)

        def weak(i: int) -> float:
            """The weight of evidence at position ``i``: a requirement, a step done already or the
            citizen's status is weaker."""
            if i in status:
                return STATUS_FACTOR
            return REQUIREMENT_FACTOR if i >= required or i < done else 1.0

        for i, token in enumerate(tokens):
            if token not in STOP_SYLLABLES and i not in aspect:
                weights[token] += weak(i)
        for i, (a, b) in enumerate(itertools.pairwise(tokens)):
            weak_a = a in STOP_SYLLABLES or i in aspect
            weak_b = b in STOP_SYLLABLES or i + 1 in aspect
            if weak_a and weak_b:
                continue
            # A bigram with a question word ("sinh có", "làm khai") is weaker evidence.
            weight = BIGRAM_WEIGHT * (STOP_BIGRAM_FACTOR if weak_a or weak_b else 1.0)
            weights[f"{a} {b}"] += weight * weak(i)

        for n in (3, 2, 1):
            for start in range(len(tokens) - n + 1):
                expansion = QUERY_SYNONYMS.get(tuple(tokens[start : start + n]))
                if expansion:
                    factor = weak(start)
                    for gram in _grams(expansion):
                        weights[gram] += EXPANSION_WEIGHT * (BIGRAM_WEIGHT if " " in gram else 1.0) * factor

        bonus: dict[int, float] = defaultdict(float)
        matches = self._phrase_matches(tokens)
        for start, end, phrase in matches:
            inside_longer = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in matches)
            factor = weak(start)
            for expansion in phrase.expansions:
                for gram in _grams(expansion):
                    if gram not in STOP_SYLLABLES:
                        weights[gram] += EXPANSION_WEIGHT * (BIGRAM_WEIGHT if " " in gram else 1.0) * factor
            if inside_longer:
                continue
            for doc in phrase.docs:
                bonus[doc] = max(bonus[doc], PHRASE_WEIGHT * (end - start) ** 0.8 * factor)
        return weights, bonus

    def _rank(
        self,
        weights: dict[str, float],
        bonus: dict[int, float],
        limit: int,
        foreign_hint: bool,
        wanted: frozenset[str] = frozenset(),
        words: frozenset[str] = frozenset(),
        insured: bool = False,
        unset: frozenset[int] = frozenset(),
    ) -> list[ProcedureHit]:
        scores: dict[int, float] = defaultdict(float)
        common: list[tuple[dict[int, float], float]] = []
        for gram, weight in weights.items():
            entry = self._contrib.get(gram)
            if entry is None:
                if gram in self._common:
                    common.append((self._common[gram], weight))
                continue
            for doc, value in zip(*entry, strict=True):
                scores[doc] += weight * value
        prior = self._priors
        for doc, value in bonus.items():
            scores[doc] += value * prior[doc]
        for posting, weight in common:
            if scores:
                for doc in scores:
                    value = posting.get(doc)
                    if value is not None:
                        scores[doc] += weight * value
            else:  # only common words: let them find documents
                for doc, value in posting.items():
                    scores[doc] += weight * value

        factors: dict[frozenset[str], float] = {}
        actions = self._actions
        for doc in scores:
            does = actions[doc]
            factor = factors.get(does)
            if factor is None:
                factor = factors[does] = action_factor(wanted, does)
            if factor != 1.0:
                scores[doc] *= factor
        if insured:  # "ông già đang lãnh lương hưu thì mất": tử tuất (BHXH), not the commune's assistance
            for doc in self._assistance & scores.keys():
                scores[doc] *= ASSISTANCE_MISMATCH
        for doc in unset & scores.keys():  # "bảng quảng cáo trước cửa hàng": no road, no road-zone approval
            scores[doc] *= SETTING_MISSING_FACTOR
        for special, (base, adds) in self._special_of.items():
            if special in scores and base in scores and not adds & words:
                scores[special] *= SPECIAL_CASE_FACTOR
        if foreign_hint:
            for base, variant in self._foreign_of.items():
                if base in scores:
                    scores[base] *= FOREIGN_PENALTY
                if variant in scores:
                    scores[variant] *= FOREIGN_BOOST
        ranked = heapq.nlargest(limit + 1, ((score, doc) for doc, score in scores.items()))
        ranked.sort(key=lambda item: (-item[0], self.docs[item[1]].code))
        ranked = ranked[:limit]
        variant_at: int | None = None
        if (
            ranked
            and not foreign_hint
            and limit > 1
            and ranked[0][1] in self._foreign_of
            and ranked[0][0] >= MIN_VARIANT_SCORE
        ):
            sibling = self._foreign_of[ranked[0][1]]
            rest = [item for item in ranked[1:] if item[1] != sibling]
            sibling_score = scores.get(sibling, 0.0)
            ranked = [ranked[0], (sibling_score, sibling), *rest][:limit]
            variant_at = 1
        hits = []
        for position, (score, doc) in enumerate(ranked):
            d = self.docs[doc]
            hits.append(
                ProcedureHit(
                    code=d.code,
                    name=d.name,
                    score=round(score, 4),
                    level=_level(d.levels),
                    origin=d.origin,
                    levels=tuple(d.levels),
                    variant="foreign_variant" if position == variant_at else None,
                )
            )
        return hits

    def case_sibling(self, code: str, query: str) -> str | None:
        """The sibling of procedure ``code`` for the other case that ``query`` states: the foreign-element
        one when the question names a foreign party ("chồng em người Hàn" after the ordinary marriage),
        the ordinary one when it corrects the case to a domestic one ("lấy chồng người Việt, kết hôn bình
        thường thôi" after the foreign marriage); None when ``code`` has no such sibling or the question
        states neither (or both)."""
        doc = self._by_code.get(code)
        variants = _query_variants(query)
        if doc is None or not variants:
            return None
        folded = " " + " ".join(variants[0]) + " "
        foreign = any(f" {hint} " in folded for hint in FOREIGN_HINTS)
        domestic = any(f" {hint} " in folded for hint in DOMESTIC_HINTS)
        if foreign == domestic:
            return None
        sibling = (self._foreign_of if foreign else self._domestic_of).get(doc)
        return self.docs[sibling].code if sibling is not None else None

    def wanted_actions(self, query: str) -> frozenset[str]:
        """What the citizen wants done (``knowledge.procedure_actions.query_actions``), read from the
        question's cue words as the search reads them (places left out, typos corrected)."""
        return frozenset().union(*(query_actions(self._correct(t)) for t in _query_variants(query)))

    def knows(self, syllable: str) -> bool:
        """Whether a folded syllable is a word some procedure (or a cue word) uses."""
        return syllable in self._vocab_set

    def coverage(self, query: str, code: str) -> QueryCoverage:
        """How much of ``query`` the procedure ``code`` accounts for (see ``QueryCoverage``); for a code
        not in the index, nothing is covered (``content`` still lists the question's content words)."""
        variants = _query_variants(query)
        if not variants or not variants[0]:
            return QueryCoverage((), (), 1.0, 0.0)
        typed = variants[0]
        tokens = self._correct(typed)
        aligned = len(tokens) == len(typed)
        # As written, with diacritics: "Hàn Quốc" is not "gia hạn", "nhà" is not "nha khoa".
        accented = _accented_tokens(expand_abbreviations(_without_places(normalize_text(query))))
        if len(accented) != len(typed):
            accented = typed
        doc = self._by_code.get(code)
        has = self._doc_tokens[doc] if doc is not None else frozenset()
        has_accented = self._doc_accented[doc] if doc is not None else frozenset()
        covered: set[int] = set()
        if doc is not None:
            for start, end, phrase in self._phrase_matches(tokens):
                if doc in phrase.docs or any(has.issuperset(expansion) for expansion in phrase.expansions):
                    covered.update(range(start, end))
            for n in (3, 2, 1):
                for start in range(len(tokens) - n + 1):
                    key = tuple(tokens[start : start + n])
                    expansion = None if key in SHOP_WORDS else QUERY_SYNONYMS.get(key)  # by shop_spans
                    if expansion and has.issuperset(expansion):
                        covered.update(range(start, start + n))
            if has.issuperset(SHOP_SUBJECT):  # "tiệm sửa xe": the household business and its trade
                for start, end in shop_spans(tokens):
                    covered.update(range(start, end))
        aspect = aspect_positions(tokens)
        # "trường hợp nào được miễn lệ phí": what the question asks; it counts when the procedure has
        # the words, never against it
        asked = cue_positions(typed if aligned else tokens)
        # "đi khai sinh có cần giấy ủy quyền chứng thực không": the requirement names a paper of the
        # procedure, which is not there to be found in its name
        required = requirement_start(tokens)
        content: list[str] = []
        uncovered: list[str] = []
        known = known_covered = strict = strict_covered = 0.0
        for i, token in enumerate(tokens):
            written = typed[i] if aligned else token
            if (
                i in aspect
                or i >= required
                or len(written) < 2
                or written.isdigit()
                or token in STOP_SYLLABLES
                or written in STOP_SYLLABLES
                or written in FILLER_SYLLABLES
                or written in self._question_only
            ):
                continue
            content.append(written)
            # the accented form lines up with what was typed only when the correction kept the token count
            as_typed = accented[i] if aligned else written
            if as_typed != written:  # typed with diacritics: compare as written
                found = i in covered or as_typed in has_accented or (token != written and token in has)
            else:
                found = i in covered or token in has or written in has
            if not found and i in asked:
                continue
            if not found:
                uncovered.append(written)
            if written in self._vocab_set:
                weight = self._idf.get(written, 1.0)
            elif token == written:  # a word no procedure uses, and no typo of one ("karaoke")
                weight = self._max_idf
            else:  # read as a typo of a known word: only the strict share counts it, as not covered
                strict += self._idf.get(token, 1.0)
                continue
            known += weight
            known_covered += weight if found else 0.0
            strict += weight
            strict_covered += weight if found else 0.0
        share = known_covered / known if known else 1.0
        strict_share = strict_covered / strict if strict else 0.0
        return QueryCoverage(tuple(content), tuple(uncovered), round(share, 4), round(strict_share, 4))

    @staticmethod
    def _prior(doc: Searchable) -> float:
        prior = SHIPPED_PRIOR if doc.origin == "shipped" else 1.0
        if "commune" in doc.levels or "province" in doc.levels:
            prior *= LOCAL_LEVEL_PRIOR
        elif doc.levels:
            prior *= CENTRAL_ONLY_PRIOR
        return prior


_REQUIREMENT_CUES = (("co", "can"), ("can", "phai"), ("co", "phai"), ("co", "bat", "buoc"), ("bat", "buoc"))
_REQUIREMENT_MIN_BEFORE = 2  # content words before the cue that can name the procedure


def requirement_start(tokens: Sequence[str]) -> int:
    """Where a requirement clause begins ("làm A có cần B không": the position of "có cần"), when enough
    content words come before it to name the procedure; ``len(tokens)`` when there is none."""
    for start in range(len(tokens)):
        for cue in _REQUIREMENT_CUES:
            if tuple(tokens[start : start + len(cue)]) == cue:
                before = [t for t in tokens[:start] if t not in STOP_SYLLABLES and t not in FILLER_SYLLABLES]
                return start if len(before) >= _REQUIREMENT_MIN_BEFORE else len(tokens)
    return len(tokens)


# "đất lên thổ cư rồi, giờ xin giấy phép xây nhà": a step done already ("... rồi"), then what is asked now
# ("giờ", "bây giờ", "nay"); the step done is background, weaker evidence of the topic.
_DONE = "roi"
_NOW = frozenset(("gio", "bay", "nay", "h", "con", "thi"))
# What is asked now must have this many content syllables for the step done to be background.
_BACKGROUND_MIN_AFTER = 3


# "Tôi ... có hộ chiếu Việt Nam còn giá trị, nay về nước ... Đề nghị cho biết hồ sơ đăng ký thường trú":
# a formal question tells the citizen's circumstances first, then asks; the papers the circumstances
# mention are background, weaker evidence than the procedure asked for.
_CIRCUMSTANCE_MIN_BEFORE = 4  # content syllables the circumstances must have


def _content(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if t not in STOP_SYLLABLES and t not in FILLER_SYLLABLES]


def background_end(tokens: Sequence[str]) -> int:
    """The position after the background of a question, when enough content words follow it to name the
    procedure asked now: a step said done ("lên thổ cư rồi, giờ ..."), or the circumstances a formal
    question tells before it asks ("..., đề nghị cho biết ...") or before it asks what the state gives
    ("..., nhà nước có cho luật sư giúp miễn phí hông"); 0 when there is none."""
    end = 0
    for i, token in enumerate(tokens[:-1]):
        if (
            token == _DONE
            and tokens[i + 1] in _NOW
            and i > 0
            and len(_content(tokens[i + 1 :])) >= _BACKGROUND_MIN_AFTER
        ):
            end = i + 1
            break
    for start, stop in sorted(phrase_at(tokens, FORMAL_ASK_CUES + STATE_GIVES_CUES)):
        if (
            start > end
            and len(_content(tokens[end:start])) >= _CIRCUMSTANCE_MIN_BEFORE
            and len(_content(tokens[stop:])) >= _BACKGROUND_MIN_AFTER
        ):
            return start
    return end


# "ông nội tui mới mất, nhà thuộc hộ nghèo, đi khai tử có mất lệ phí hông": who the citizen is ("nhà
# thuộc hộ nghèo", "tui thuộc diện chính sách") tells the case of the procedure asked, weaker evidence of the
# topic than what is to be done. Not when nothing else is said ("xin xác nhận nhà thuộc hộ nghèo": the
# status is what is asked for, and a verb comes before it).
_STATUS_SUBJECTS = frozenset(
    (
        "nha",
        "gia",
        "dinh",
        "tui",
        "toi",
        "em",
        "minh",
        "ba",
        "ma",
        "me",
        "cha",
        "bo",
        "ong",
        "con",
        "chong",
        "vo",
    )
)
# "thuộc" only: "tôi là công dân Việt Nam, đã ly hôn ..." opens a formal question whose words name the topic
_STATUS_VERBS = frozenset(("thuoc",))
_STATUS_LENGTH = 4  # syllables of the status ("diện hộ cận nghèo")
# Where the status ends, its clause's punctuation gone: what the citizen goes on to do or ask
_STATUS_ENDS = frozenset(
    ("di", "lam", "xin", "dang", "muon", "can", "nop", "thi", "ma", "co", "roi", "nen", "vay", "gio", "khi")
)
_STATUS_MIN_AFTER = 2  # content syllables after it that can name the procedure asked


def status_positions(tokens: Sequence[str]) -> set[int]:
    """Positions of a status the citizen states of themselves ("nhà thuộc hộ nghèo"), when enough content
    words follow it to name the procedure asked."""
    found: set[int] = set()
    for i in range(1, len(tokens) - 1):
        if tokens[i] in _STATUS_VERBS and tokens[i - 1] in _STATUS_SUBJECTS:
            stop = i + 1
            while stop < min(i + 1 + _STATUS_LENGTH, len(tokens)) and tokens[stop] not in _STATUS_ENDS:
                stop += 1
            span = range(i, stop)
            if len(_content(tokens[span.stop :])) >= _STATUS_MIN_AFTER:
                found.update(span)
    return found


def is_ambiguous(hits: Sequence[ProcedureHit], ratio: float = AMBIGUITY_RATIO) -> bool:
    """True when the bot should ask which of the first two hits is meant: the second is the top one's
    foreign-element variant, the question did not say and says little else (the variant scores at least
    ``VARIANT_RATIO`` of the top), or the second scores within ``ratio`` of the first."""
    if len(hits) < 2 or hits[0].score <= 0:
        return False
    if hits[1].variant == "foreign_variant":
        return hits[1].score >= VARIANT_RATIO * hits[0].score
    return hits[1].score >= ratio * hits[0].score


def build_index(docs: Iterable[Searchable], terms_path: Path = TERMS_PATH) -> SearchIndex:
    return SearchIndex(list(docs), load_terms(terms_path))
