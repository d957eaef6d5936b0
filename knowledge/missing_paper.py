"""A paper of the dossier the citizen does not have yet ("nếu chưa có giấy xác nhận khuyết tật thì sao"):
the procedure of the catalogue that issues it, and where.

The paper is one of the current procedure's documents (``knowledge.answers.papers_asked``); its issuer
is the procedure whose result (``result``) is that paper, found by searching the paper's name as a first
issue ("chưa có ..." reads as the first issue: ``knowledge.procedure_actions``). No issuer in the
catalogue: nothing is said here (the ordinary answer stands).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from knowledge.answers import papers_asked
from knowledge.records import DocumentRecord, ProcedureRecord
from knowledge.search import SearchIndex
from vietnam.text import fold

__all__ = ["MissingPaper", "asks_without_paper", "issuer_of_missing_paper", "missing_paper_answer"]

# "chưa có giấy X thì sao", "nếu chưa làm giấy X thì làm sao", "chưa được cấp giấy X thì phải làm gì"
# (folded): not yet having a paper, then what to do. "không có giấy chứng sinh thì sao" is left to the
# papers' own notes (a paper that can be replaced by another), answered with the procedure.
_NOT_YET = re.compile(r"\bchua (?:co|lam|xin|duoc cap|cap)\b")
_THEN_WHAT = re.compile(r"\b(?:thi sao|lam sao|phai lam gi|tinh sao)\b")
_PARENTHESES = re.compile(r"\([^)]*\)")
_SEARCH_LIMIT = 8


def asks_without_paper(question: str) -> bool:
    """Whether ``question`` asks what to do without a paper not had yet."""
    folded = fold(question)
    return bool(_NOT_YET.search(folded)) and bool(_THEN_WHAT.search(folded))


def _core(paper: DocumentRecord) -> str:
    """The paper's name folded, without what is in parentheses and without "bản sao"/"bản chính"."""
    name = " ".join(fold(_PARENTHESES.sub(" ", paper.name)).split())
    return re.sub(r"^ban (?:sao|chinh|goc) ", "", name)


def _named_papers(current: ProcedureRecord, question: str) -> list[DocumentRecord]:
    """The papers of ``current`` the question names: as ``papers_asked`` reads them, or (typed without
    diacritics) a paper whose whole name, of three syllables or more, the question has."""
    asked = papers_asked(current, question)
    if asked:
        return asked
    said = f" {' '.join(fold(question).split())} "
    return [d for d in current.documents if len(_core(d).split()) >= 3 and f" {_core(d)} " in said]


def _result_words(record: ProcedureRecord) -> str:
    return " ".join(fold(_PARENTHESES.sub(" ", record.result or "")).split())


class MissingPaper:
    """The paper not had yet (``paper``, a document of ``current``) and the procedure issuing it."""

    def __init__(self, current: ProcedureRecord, paper: DocumentRecord, issuer: ProcedureRecord) -> None:
        self.current = current
        self.paper = paper
        self.issuer = issuer


def issuer_of_missing_paper(
    current: ProcedureRecord,
    question: str,
    index: SearchIndex,
    get: Callable[[str], ProcedureRecord | None],
) -> MissingPaper | None:
    """The paper of ``current``'s dossier the question says is not had yet, and the catalogue procedure
    whose result is that paper (a first issue before a re-issue), or None."""
    if not asks_without_paper(question):
        return None
    for paper in _named_papers(current, question):
        name = _core(paper)
        for hit in index.search(f"chưa có {paper.name}", limit=_SEARCH_LIMIT):
            if hit.code == current.code:
                continue
            issuer = get(hit.code)
            result = _result_words(issuer) if issuer is not None else ""
            if issuer is not None and len(result.split()) >= 2 and f" {result} " in f" {name} ":
                return MissingPaper(current, paper, issuer)
    return None


def _paper_name(paper: DocumentRecord) -> str:
    """ "Giấy xác nhận khuyết tật" of "Bản sao Giấy xác nhận khuyết tật"."""
    name = _PARENTHESES.sub("", paper.name).strip()
    name = re.sub(r"(?i)^bản (?:sao|chính)\s+", "", name)
    return name[:1].lower() + name[1:]


def missing_paper_answer(found: MissingPaper) -> str:
    """Which procedure issues the paper, who decides and where to file; its papers on request."""
    issuer = found.issuer
    lines = [
        f"Dạ, nếu chưa có {_paper_name(found.paper)}, anh/chị làm thủ tục «{issuer.name}» trước để được "
        f"cấp giấy này."
    ]
    if issuer.competent_agency:
        lines.append(f"Cơ quan giải quyết: {issuer.competent_agency}.")
    where = issuer.place or issuer.executing_agency
    if where:
        lines.append(f"Nơi nộp hồ sơ: {where}.")
    lines.append(
        f"Khi có giấy này, anh/chị nộp kèm hồ sơ {found.current.name[:1].lower()}{found.current.name[1:]}. "
        "Anh/chị cần biết hồ sơ của thủ tục cấp giấy thì hỏi em ạ."
    )
    return "\n".join(lines)
