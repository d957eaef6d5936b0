"""The same paper, another action ("còn cuốn sổ bị rách nát thì sao" right after the re-issue of a lost
land certificate): the sibling procedure that does what the citizen now wants with the paper in the talk.

A follow-up that names an action (``knowledge.procedure_actions.query_actions``: damaged -> exchange,
lost -> re-issue, "nghỉ bán vài tháng" -> suspension) which the current procedure does not do, and
nothing else the current procedure does not have (its other words are the current paper's: "cuốn sổ", or
tell how the mishap came about: "lỡ", "rủi"),
asks about the sibling: the search is run again with the current procedure's topic words (its official
name without its action words), and the first hit that does the wanted action on the same paper
(``same_paper``) is the answer.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from knowledge.procedure_actions import name_actions
from knowledge.records import ProcedureRecord
from knowledge.search import SearchIndex
from knowledge.search_cues import LIFECYCLE, MISHAP_PHRASES, QUERY_ACTION_CUES, phrase_at
from vietnam.text import fold

__all__ = ["other_action_sibling", "topic_words"]

# Words of official names that say what a procedure does, not what about ("Cấp lại Giấy chứng nhận do bị
# mất", "Trình báo mất hộ chiếu phổ thông").
NAME_ACTION_WORDS = frozenset(
    "cap lai moi doi gia han trinh bao mat dang ky lam do bi tam ngung cham dut xoa thay".split()  # noqa: SIM905
)
_CUE_WORDS = frozenset(word for phrase, _ in QUERY_ACTION_CUES for word in phrase)
SEARCH_LIMIT = 8
# Asking for the paper again ("làm lại tốn nhiêu", "cấp lại ở đâu") wants a paper issued; a procedure that
# only reports a loss ("Trình báo mất hộ chiếu phổ thông") issues none.
_REMAKE = re.compile(r"\b(?:lam lai|cap lai|xin lai|in lai|lam cuon moi|lam cai moi|cap cuon moi)\b")
_REPORT_ONLY = re.compile(r"^(?:trinh bao|bao mat|khai bao)\b")
SAME_TOPIC_WORDS = 3
# Words that say how old the paper in the talk is ("đổi thẻ cũ hết hạn", "cuốn sổ cũ"): of that paper,
# they name no other one.
PAPER_AGE_WORDS = frozenset({"cu"})
# The case a procedure's name says it applies in, after what it is about.
_CASE_CLAUSE = re.compile(r"\b(?:trong|doi voi) truong hop\b")


def topic_words(name: str) -> list[str]:
    """The folded words of an official name that say what it is about (bracketed level and the case it
    applies in left out: "Cấp lại tem AB trong trường hợp hộ chiếu bị mất" is about the stamp)."""
    name = re.sub(r"\(.*?\)", " ", fold(name)).replace("thanh lap", " ")
    name = _CASE_CLAUSE.split(name, maxsplit=1)[0]
    return [w for w in re.findall(r"[a-z0-9]+", name) if w not in NAME_ACTION_WORDS]


def same_paper(current: list[str], other: list[str]) -> bool:
    """Whether two topics (``topic_words``) are the same paper: they share a run of at least
    ``SAME_TOPIC_WORDS`` words (all of ``current`` when it is shorter) that ends one of them ("giấy chứng
    nhận" | "giấy chứng nhận quyền sử dụng đất"; "... của hộ kinh doanh" | "... đăng ký hộ kinh doanh"),
    not a head both go on from ("giấy xác nhận" tình trạng hôn nhân | khuyết tật) nor a shorter run
    ("chứng nhận" of a vehicle's registration)."""
    needed = min(SAME_TOPIC_WORDS, len(current))
    if not needed:
        return False
    for i, j in itertools.product(range(len(current)), range(len(other))):
        length = 0
        while (
            i + length < len(current) and j + length < len(other) and current[i + length] == other[j + length]
        ):
            length += 1
        if length >= needed and (i + length == len(current) or j + length == len(other)):
            return True
    return False


def mishap_words(question: str) -> frozenset[str]:
    """The words of ``question`` that tell how a mishap came about ("lỡ làm mất", "rủi đánh rơi":
    ``MISHAP_PHRASES``), folded: they say nothing of the paper, which the current procedure has."""
    tokens = re.findall(r"[a-z0-9]+", fold(question))
    return frozenset(word for start, end in phrase_at(tokens, MISHAP_PHRASES) for word in tokens[start:end])


def names_the_paper(current: ProcedureRecord, mentioned: str) -> bool:
    """Whether a procedure name the gazetteer found in the question (``mentioned``: "Trình báo mất hộ
    chiếu", "Cấp lại thẻ căn cước") is about the paper of ``current`` alone: its topic words are all
    ``current``'s. Said of the paper in the talk, it names no other topic."""
    said = topic_words(mentioned)
    return bool(said) and set(said) <= set(topic_words(current.name))


def other_action_sibling(
    index: SearchIndex, current: ProcedureRecord, question: str, mentioned: Sequence[str] = ()
) -> str | None:
    """The code of the sibling of ``current`` that does the action ``question`` asks for, when the
    question asks another action on the same paper (see the module doc); None otherwise. ``mentioned``:
    the procedure names the gazetteer found in the question; each must be about the same paper."""
    wanted = index.wanted_actions(question) & LIFECYCLE
    if not wanted or wanted & name_actions(current.name):
        return None
    if not all(names_the_paper(current, name) for name in mentioned):
        return None
    coverage = index.coverage(question, current.code)
    told = _CUE_WORDS | mishap_words(question) | PAPER_AGE_WORDS
    if any(word not in told for word in coverage.uncovered):
        return None  # it says something the current procedure does not have: a search of its own
    topic = topic_words(current.name)
    hits = index.search(f"{question} {' '.join(topic)}", limit=SEARCH_LIMIT)
    remake = bool(_REMAKE.search(fold(question)))
    for hit in hits:
        if hit.code == current.code or not wanted & name_actions(hit.name):
            continue
        if remake and _REPORT_ONLY.match(fold(hit.name)):
            continue  # "lỡ làm mất hộ chiếu thì làm lại tốn nhiêu": the passport's re-issue, not the report
        if same_paper(topic, topic_words(hit.name)):
            return hit.code
    return None
