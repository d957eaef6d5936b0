"""What actions call (docs/architecture.md, "Facades used by actions"). No SQL or rules in actions.

All functions read ``DATABASE_URL`` (default ``sqlite:///var/helpdesk.sqlite3``); the schema is migrated
and the shipped catalogue imported on first use.
"""

from __future__ import annotations

from collections.abc import Sequence

from knowledge import search as _search
from knowledge.answers import ASPECTS, render_answer
from knowledge.answers import detect_aspect as _detect_aspect
from knowledge.dossiers import DossierAnswer, default_service
from knowledge.records import ProcedureRecord
from knowledge.search import ProcedureHit
from knowledge.service import get_catalogue

__all__ = [
    "ASPECTS",
    "DossierAnswer",
    "ProcedureHit",
    "ProcedureRecord",
    "answer",
    "detect_aspect",
    "get_procedure",
    "is_ambiguous",
    "lookup_dossier",
    "search_procedures",
]


def search_procedures(query: str, limit: int = 5) -> list[ProcedureHit]:
    """Best matching procedures for a citizen's words, best first (empty for an empty query)."""
    return get_catalogue().search(query, limit=limit)


def is_ambiguous(hits: Sequence[ProcedureHit]) -> bool:
    """True when the two best hits are too close to choose: the bot should ask which one."""
    return _search.is_ambiguous(hits)


def get_procedure(code: str) -> ProcedureRecord | None:
    """The full procedure with this national code, or None."""
    return get_catalogue().get(code)


def detect_aspect(text: str) -> str:
    """One of ``overview, documents, fee, time, place, online``."""
    return _detect_aspect(text)


def answer(code: str, aspect: str) -> str:
    """A short polite Vietnamese answer about ``aspect`` of procedure ``code``."""
    view = get_catalogue().get(code)
    if view is None:
        return (
            "Dạ, em chưa tìm thấy thủ tục này trong danh mục. "
            "Anh/chị vui lòng cho em biết tên thủ tục hoặc để lại câu hỏi, tổng đài viên sẽ hỗ trợ ạ."
        )
    return render_answer(view, aspect if aspect in ASPECTS else "overview")


def lookup_dossier(code: str, phone_last4: str | None, requester_key: str) -> DossierAnswer:
    """Where a dossier stands, given its national code and the last 4 digits of the applicant's phone.

    ``requester_key`` identifies who asks (the chat sender) for rate limiting; speak only ``message``.
    """
    return default_service().lookup(code, phone_last4, requester_key)
