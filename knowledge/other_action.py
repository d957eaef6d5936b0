"""The same paper, another action ("còn cuốn sổ bị rách nát thì sao" right after the re-issue of a lost
land certificate): the sibling procedure that does what the citizen now wants with the paper in the talk.

A follow-up that names an action (``knowledge.procedure_actions.query_actions``: damaged -> exchange,
lost -> re-issue, "nghỉ bán vài tháng" -> suspension) which the current procedure does not do, and
nothing else the current procedure does not have (its other words are the current paper's: "cuốn sổ"),
asks about the sibling: the search is run again with the current procedure's topic words (its official
name without its action words), and the first hit that does the wanted action on the same paper
(``same_paper``) is the answer.
"""

from __future__ import annotations

import itertools
import re

from knowledge.procedure_actions import name_actions
from knowledge.records import ProcedureRecord
from knowledge.search import SearchIndex
from knowledge.search_cues import LIFECYCLE, QUERY_ACTION_CUES
from vietnam.text import fold

__all__ = ["other_action_sibling", "topic_words"]

# Words of official names that say what a procedure does, not what about ("Cấp lại Giấy chứng nhận do bị
# mất", "Trình báo mất hộ chiếu phổ thông").
NAME_ACTION_WORDS = frozenset(
    "cap lai moi doi gia han trinh bao mat dang ky lam do bi tam ngung cham dut xoa thay".split()  # noqa: SIM905
)
_CUE_WORDS = frozenset(word for phrase, _ in QUERY_ACTION_CUES for word in phrase)
SEARCH_LIMIT = 8
SAME_TOPIC_WORDS = 3


def topic_words(name: str) -> list[str]:
    """The folded words of an official name that say what it is about (bracketed level left out)."""
    name = re.sub(r"\(.*?\)", " ", fold(name)).replace("thanh lap", " ")
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


def other_action_sibling(index: SearchIndex, current: ProcedureRecord, question: str) -> str | None:
    """The code of the sibling of ``current`` that does the action ``question`` asks for, when the
    question asks another action on the same paper (see the module doc); None otherwise."""
    wanted = index.wanted_actions(question) & LIFECYCLE
    if not wanted or wanted & name_actions(current.name):
        return None
    coverage = index.coverage(question, current.code)
    if any(word not in _CUE_WORDS for word in coverage.uncovered):
        return None  # it says something the current procedure does not have: a search of its own
    topic = topic_words(current.name)
    hits = index.search(f"{question} {' '.join(topic)}", limit=SEARCH_LIMIT)
    for hit in hits:
        if hit.code == current.code or not wanted & name_actions(hit.name):
            continue
        if same_paper(topic, topic_words(hit.name)):
            return hit.code
    return None
