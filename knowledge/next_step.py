"""The next step after a procedure ("rồi sau đó nộp hồ sơ ở đâu", "xong rồi đi đâu sang tên"): the
follow-on procedure the current procedure's own data names.

A procedure's steps or conditions may name the procedure that follows it by its national code ("nộp hồ
sơ đăng ký biến động đất đai (thủ tục 1.013831) kèm văn bản đã chứng thực"). A question asking what
comes after ("rồi sau đó", "tiếp theo", "xong rồi") is answered about that procedure; a question about
the filing of the current procedure itself ("nộp hồ sơ xong rồi bao lâu có") is not a next step.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from knowledge.records import ProcedureRecord
from vietnam.text import fold

__all__ = ["asks_next_step", "follow_on_code", "follow_on_procedure"]

# folded: "rồi sau đó", "sau đó", "tiếp theo", "bước tiếp", "kế tiếp", "tiếp đó", "xong rồi", "xong thì",
# "làm xong ... thì"
_NEXT = re.compile(r"\b(?:sau do|tiep theo|buoc tiep|ke tiep|tiep do|xong roi|xong thi|xong xuoi)\b")
# "nộp hồ sơ xong rồi", "nộp xong thì": the filing of the procedure in the talk, then its wait
_FILED = re.compile(r"\bnop(?: ho so| giay to)? xong\b")
# "(thủ tục 1.013831)": a national procedure code named in the data
_CODE = re.compile(r"thủ tục\s+(\d\.\d{6})")


def asks_next_step(question: str) -> bool:
    """Whether ``question`` asks what comes after the procedure in the talk."""
    folded = " ".join(fold(question).split())
    return bool(_NEXT.search(folded)) and not _FILED.search(folded)


def follow_on_code(record: ProcedureRecord) -> str | None:
    """The code of the procedure that ``record``'s steps or conditions name as following it, if any."""
    for text in [*record.steps, record.conditions or ""]:
        for code in _CODE.findall(text):
            if code != record.code:
                return code
    return None


def follow_on_procedure(
    current: ProcedureRecord, question: str, get: Callable[[str], ProcedureRecord | None]
) -> ProcedureRecord | None:
    """The catalogue procedure that follows ``current`` when ``question`` asks for the next step."""
    if not asks_next_step(question):
        return None
    code = follow_on_code(current)
    return get(code) if code is not None else None
