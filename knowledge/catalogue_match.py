"""Is a question about a procedure in the catalogue? A question the catalogue cannot answer is never
answered with a neighbouring procedure: the bot says so and offers to pass it to an agent (an ``HD-``
question ticket).

The decision reads the search's confidence (the top hit's score) and how much of the question's content
words the top procedure accounts for (``SearchIndex.coverage``):

- ``no_topic``: the question names nothing (only question words, an aspect, fillers): a follow-up
  ("còn lệ phí thì sao?") for the procedure already in the conversation, or a question to ask back;
- ``not_in_catalogue``: it names something, the top procedure does not stand far ahead of the next one
  (the second scores at least ``DOMINANT_RATIO`` of the top: a neighbour found through generic words
  has close rivals), and either nothing matches for real (top score below ``MIN_SCORE``, unless the top
  procedure has at least ``SHORT_SHARE`` of the content words as written, typo corrections not counted:
  a short question such as "bị trộm xe" scores low) or the match is weak (below ``WEAK_SCORE``) and the
  top procedure has less than ``MIN_SHARE`` of the content words ("xin giấy phép karaoke" -> "giấy
  phép xây dựng");
  The same for a weak match (below ``WEAK_SCORE``) that leaves a foreign word of the question unaccounted
  for, a word no procedure uses and no Vietnamese syllable ("xin phép bay flycam quay đám cưới": the
  wedding is in a procedure, the drone is not);
  The same for a match short of ``PAPER_SCORE`` whose procedure has no head word of the kind of paper
  the question asks for ("cấp giấy phép lao động cho người nước ngoài" -> the employer's social-insurance
  registration, which issues no permit: the question's employment words found it, not its paper);
- ``found``: otherwise; ``hits[0]`` is the procedure (``is_ambiguous`` still tells when to ask which).

Thresholds were set on tests/data/procedure_questions.yml and procedure_questions_dev.yml (in the
catalogue: none refused) and tests/data/out_of_catalogue_questions.yml; `make bench` reports the false
"not in catalogue" rate on both held-out question sets and the share of out-of-catalogue questions caught.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from knowledge.other_action import NAME_ACTION_WORDS
from knowledge.search import ProcedureHit, QueryCoverage, SearchIndex, tokenize

__all__ = [
    "DOMINANT_RATIO",
    "MIN_SCORE",
    "MIN_SHARE",
    "NOT_IN_CATALOGUE",
    "PAPER_SCORE",
    "SHORT_SHARE",
    "TIE_RATIO",
    "WEAK_SCORE",
    "CatalogueMatch",
    "covering_first",
    "match_catalogue",
]

MIN_SCORE = 10.0
SHORT_SHARE = 0.6
WEAK_SCORE = 30.0
MIN_SHARE = 0.35
DOMINANT_RATIO = 0.3
# Hits scoring this close to the top are a tie the question's words settle (``covering_first``): closer
# than the search's ambiguity ratio, since a paper copied or a relative's side ("sao y giấy khai sinh",
# "ông ngoại") has words of a neighbour scoring within it.
TIE_RATIO = 0.95
PAPER_SCORE = 2 * WEAK_SCORE

FOUND, NOT_IN_CATALOGUE, NO_TOPIC = "found", "not_in_catalogue", "no_topic"

# One Vietnamese syllable, folded (initial consonant, vowels, final consonant): a word that is none
# ("flycam", "karaoke") is a foreign word.
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?$"
)
# Foreign words citizens use about how to file, never the topic of a question.
_FILING_WORDS = frozenset(
    (
        "online",
        "zalo",
        "email",
        "mail",
        "internet",
        "app",
        "web",
        "website",
        "vneid",
        "sms",
        "ok",
        "pdf",
        "file",
    )
)


# Kinds of paper a question asks to be issued, folded: the head word (the last) is what tells them apart
# ("giấy" is in every procedure, "phép" only in those that issue a permit).
_PAPER_KINDS = (("giay", "phep"), ("chung", "chi"))


def unmatched_paper(query: str, coverage: QueryCoverage) -> bool:
    """Whether ``query`` names a kind of paper ("giấy phép", "chứng chỉ") whose head word the procedure
    ``coverage`` was measured for does not have."""
    tokens = tokenize(query)
    pairs = set(itertools.pairwise(tokens))
    return any(kind in pairs and kind[-1] in coverage.uncovered for kind in _PAPER_KINDS)


def foreign_word(index: SearchIndex, word: str) -> bool:
    """Whether ``word`` (folded, as written) is a foreign word no procedure uses ("flycam")."""
    return (
        not index.knows(word)
        and not any(c.isdigit() for c in word)
        and word not in _FILING_WORDS
        and not _SYLLABLE.match(word)
    )


@dataclass(frozen=True)
class CatalogueMatch:
    """What the catalogue can say about a question.

    ``outcome``: ``found`` (answer ``hits[0]``), ``not_in_catalogue`` (say so, offer an agent: ``message``)
    or ``no_topic`` (a follow-up or a question that names no procedure). ``hits`` are the search results
    (best first), ``coverage`` how much of the question the top hit accounts for."""

    outcome: str
    hits: tuple[ProcedureHit, ...]
    coverage: QueryCoverage
    message: str | None = None

    @property
    def found(self) -> bool:
        return self.outcome == FOUND

    @property
    def top(self) -> ProcedureHit | None:
        return self.hits[0] if self.hits else None


def not_in_catalogue_message() -> str:
    """What the bot says about a procedure it has no data for, offering a question ticket."""
    return (
        "Dạ, nội dung anh/chị hỏi hiện chưa có trong danh mục thủ tục em được cung cấp, nên em không dám "
        "trả lời để tránh sai sót ạ. Em có thể chuyển câu hỏi của anh/chị cho tổng đài viên 1022 (tạo phiếu "
        "hỏi đáp, mã HD-...) để được trả lời sau. Anh/chị có muốn em chuyển không ạ?"
    )


def covering_first(
    index: SearchIndex, query: str, hits: tuple[ProcedureHit, ...], coverage: QueryCoverage
) -> tuple[tuple[ProcedureHit, ...], QueryCoverage]:
    """``hits`` with the close hit that accounts for more of the question first, and its coverage
    (``coverage``: the top hit's): among the hits scoring within ``TIE_RATIO`` of the top, the first
    that has every content word the top has and, in its official name, some it lacks ("làm khai sinh với
    thẻ bảo hiểm y tế cho bé": the birth registration linked with the child's health-insurance card, named
    with "khai sinh", over the general card, which scores alike on the card's words alone). The words
    saying what is to be done ("làm lại", "cấp mới") count for neither: the search's action fit has
    weighed them."""
    missed = set(coverage.uncovered) - NAME_ACTION_WORDS
    if len(hits) < 2 or not missed:
        return hits, coverage
    for position, hit in enumerate(hits[1:], start=1):
        if hit.score < TIE_RATIO * hits[0].score:
            break
        other = index.coverage(query, hit.code)
        lacks = set(other.uncovered) - NAME_ACTION_WORDS
        if lacks < missed and missed - lacks <= set(tokenize(hit.name)):
            return (hit, *hits[:position], *hits[position + 1 :]), other
    return hits, coverage


def match_catalogue(index: SearchIndex, query: str, limit: int = 5) -> CatalogueMatch:
    """Search ``query`` and decide whether the catalogue has the procedure it is about, from the search's
    own top hit; when it has, the close hit accounting for more of the question comes first
    (``covering_first``)."""
    hits = tuple(index.search(query, limit=limit)) if query and query.strip() else ()
    match = _decide(index, query, hits)
    if not match.found:
        return match
    hits, coverage = covering_first(index, query, hits, match.coverage)
    return CatalogueMatch(FOUND, hits, coverage)


def _decide(index: SearchIndex, query: str, hits: tuple[ProcedureHit, ...]) -> CatalogueMatch:
    """Whether the catalogue has what ``query`` asks (the module doc), read from the search's top hit."""
    coverage = index.coverage(query or "", hits[0].code if hits else "")
    if not hits:
        if not coverage.content:
            return CatalogueMatch(NO_TOPIC, hits, coverage)
        return CatalogueMatch(NOT_IN_CATALOGUE, hits, coverage, not_in_catalogue_message())
    if not coverage.content:
        return CatalogueMatch(NO_TOPIC, hits, coverage)
    score = hits[0].score
    if len(hits) > 1 and hits[1].score < DOMINANT_RATIO * score:
        return CatalogueMatch(FOUND, hits, coverage)
    short_and_covered = coverage.strict_share >= SHORT_SHARE
    if (score < MIN_SCORE and not short_and_covered) or (score < WEAK_SCORE and coverage.share < MIN_SHARE):
        return CatalogueMatch(NOT_IN_CATALOGUE, hits, coverage, not_in_catalogue_message())
    if score < WEAK_SCORE and any(foreign_word(index, word) for word in coverage.uncovered):
        return CatalogueMatch(NOT_IN_CATALOGUE, hits, coverage, not_in_catalogue_message())
    if score < PAPER_SCORE and unmatched_paper(query, coverage):
        return CatalogueMatch(NOT_IN_CATALOGUE, hits, coverage, not_in_catalogue_message())
    return CatalogueMatch(FOUND, hits, coverage)
