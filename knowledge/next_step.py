"""The next step after a procedure ("rồi sau đó nộp hồ sơ ở đâu", "xong rồi đi đâu sang tên"): the
follow-on procedure the current procedure's own data names.

A procedure's steps or conditions may name the procedure that follows it by its national code ("nộp hồ
sơ đăng ký biến động đất đai (thủ tục 1.013831) kèm văn bản đã chứng thực"). A question asking what
comes after ("rồi sau đó", "tiếp theo", "xong rồi") is answered about that procedure; a question about
the filing of the current procedure itself ("nộp hồ sơ xong rồi bao lâu có") is not a next step. A
question naming what only the follow-on procedure is about ("rồi còn thuế thì sao" after the business
household registration, whose data names the household tax declaration) moves to it as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from knowledge.records import ProcedureRecord
from vietnam.text import fold

__all__ = ["asks_next_step", "follow_on_codes", "follow_on_procedure", "names_follow_on"]

# folded: "rồi sau đó", "sau đó", "tiếp theo", "bước tiếp", "kế tiếp", "tiếp đó", "xong rồi" (also "xong r"),
# "xong thì", "làm xong ... thì"
_NEXT = re.compile(r"\b(?:sau do|tiep theo|buoc tiep|ke tiep|tiep do|xong roi|xong r|xong thi|xong xuoi)\b")
# "nộp hồ sơ xong rồi", "nộp xong thì": the filing of the procedure in the talk, then its wait
_FILED = re.compile(r"\bnop(?: ho so| giay to)? xong\b")
# "(thủ tục 1.013831)": a national procedure code named in the data
_CODE = re.compile(r"thủ tục\s+(\d\.\d{6})")


def asks_next_step(question: str) -> bool:
    """Whether ``question`` asks what comes after the procedure in the talk."""
    folded = " ".join(fold(question).split())
    return bool(_NEXT.search(folded)) and not _FILED.search(folded)


def follow_on_codes(record: ProcedureRecord) -> list[str]:
    """The codes of the procedures that ``record``'s steps or conditions name as following it, in order."""
    codes: list[str] = []
    for text in [*record.steps, record.conditions or ""]:
        codes.extend(c for c in _CODE.findall(text) if c != record.code and c not in codes)
    return codes


def names_follow_on(
    uncovered_by_current: Sequence[str],
    uncovered_by_following: Sequence[str],
    uncovered_by_best: Sequence[str] = (),
) -> bool:
    """Whether a question names the follow-on procedure rather than the current one: the follow-on
    procedure accounts for some content word of the question the current one does not ("thuế" after the
    business household registration), for every one the current one accounts for, and for every one the
    search's best match accounts for ("đổi căn cước" names the ID card, not the land registration)."""
    current, following = set(uncovered_by_current), set(uncovered_by_following)
    return bool(current - following) and following <= current and following <= set(uncovered_by_best)


def follow_on_procedure(
    current: ProcedureRecord,
    question: str,
    get: Callable[[str], ProcedureRecord | None],
    uncovered: Callable[[str], Sequence[str]] | None = None,
    named_only: bool = False,
    best: str | None = None,
) -> ProcedureRecord | None:
    """The catalogue procedure that follows ``current`` when ``question`` asks for the next step or names
    what only that procedure is about; ``uncovered(code)``: the question's content words procedure
    ``code`` does not account for (none given: only the next step counts); ``named_only``: only a
    question naming it counts; ``best``: the code of the search's best match for the question."""
    codes = follow_on_codes(current)
    if not codes:
        return None
    if not named_only and asks_next_step(question):
        return get(codes[0])
    if uncovered is None:
        return None
    # "còn thường trú cho bé thì sao": the one of the procedures named that the question names
    own = uncovered(current.code)
    top = uncovered(best) if best is not None else own
    named = next((code for code in codes if names_follow_on(own, uncovered(code), top)), None)
    return get(named) if named is not None else None
