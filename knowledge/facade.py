"""What actions call (docs/architecture.md, "Facades used by actions"). No SQL or rules in actions.

All functions read ``DATABASE_URL`` (default ``sqlite:///var/helpdesk.sqlite3``); the schema is migrated
and the shipped catalogue imported on first use. Every text returned is polite Vietnamese for the
citizen, ready to send.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge import search as _search
from knowledge.answers import render_answer
from knowledge.aspects import ASPECTS
from knowledge.aspects import detect_aspect as _detect_aspect
from knowledge.aspects import stated_aspect as _stated_aspect
from knowledge.catalogue_match import CatalogueMatch
from knowledge.catalogue_match import match_catalogue as _match_catalogue
from knowledge.contacts import ContactAnswer
from knowledge.contacts import asks_how_to_reach_office as _asks_how_to_reach_office
from knowledge.contacts import contact_answer as _contact_answer
from knowledge.contacts import is_contact_question as _is_contact_question
from knowledge.dossiers import DossierAnswer, default_service
from knowledge.merger_papers import asks_about_merger_papers, merger_papers_answer
from knowledge.missing_paper import issuer_of_missing_paper, missing_paper_answer
from knowledge.next_step import asks_next_step, follow_on_codes, follow_on_procedure
from knowledge.other_action import other_action_sibling
from knowledge.page_fees import page_fee, pages_asked
from knowledge.records import ProcedureRecord
from knowledge.search import ProcedureHit
from knowledge.service import get_catalogue

__all__ = [
    "ASPECTS",
    "CatalogueMatch",
    "ContactAnswer",
    "DossierAnswer",
    "ProcedureHit",
    "ProcedureRecord",
    "answer",
    "asks_how_to_reach_office",
    "asks_page_fee",
    "contact_answer",
    "coverage",
    "detect_aspect",
    "get_procedure",
    "is_ambiguous",
    "is_contact_question",
    "lookup_dossier",
    "match_catalogue",
    "merger_papers",
    "missing_paper",
    "next_procedure",
    "other_action",
    "search_procedures",
    "stated_aspect",
]

UNKNOWN_CODE_MESSAGE = (
    "Dạ, em chưa tìm thấy thủ tục này trong danh mục. "
    "Anh/chị vui lòng cho em biết tên thủ tục hoặc để lại câu hỏi, tổng đài viên sẽ hỗ trợ ạ."
)


def search_procedures(query: str, limit: int = 5) -> list[ProcedureHit]:
    """Best matching procedures for a citizen's words, best first (empty for an empty query)."""
    return get_catalogue().search(query, limit=limit)


def match_catalogue(query: str, limit: int = 5) -> CatalogueMatch:
    """Search ``query`` and say whether the catalogue has what it asks about.

    ``outcome`` is ``found`` (answer ``hits[0]``; ``is_ambiguous(hits)`` says when to ask which),
    ``not_in_catalogue`` (send ``message``: it says the catalogue does not have it and offers to pass the
    question to an agent as an ``HD-`` question ticket) or ``no_topic`` (the question names no procedure:
    a follow-up for the procedure in the conversation, or ask which procedure)."""
    return _match_catalogue(get_catalogue().index(), query, limit=limit)


def coverage(query: str, code: str) -> _search.QueryCoverage:
    """How much of ``query`` procedure ``code`` accounts for: its content words, those the procedure does
    not have (``uncovered``), the weighted share it has."""
    return get_catalogue().index().coverage(query, code)


def is_ambiguous(hits: Sequence[ProcedureHit]) -> bool:
    """True when the two best hits are too close to choose: the bot should ask which one."""
    return _search.is_ambiguous(hits)


def get_procedure(code: str) -> ProcedureRecord | None:
    """The full procedure with this code (national ``1.001193`` or local ``DT.…``), or None."""
    return get_catalogue().get(code)


def missing_paper(code: str, question: str) -> tuple[str, str] | None:
    """A paper of procedure ``code``'s dossier the question says is not had yet ("nếu chưa có giấy xác nhận
    khuyết tật thì sao"): (the code of the catalogue procedure issuing it, the answer naming it, who
    decides and where), or None when the question is not that or the catalogue has no issuer."""
    current = get_procedure(code)
    if current is None:
        return None
    catalogue = get_catalogue()
    found = issuer_of_missing_paper(current, question, catalogue.index(), catalogue.get)
    return (found.issuer.code, missing_paper_answer(found)) if found is not None else None


def other_action(code: str, question: str, mentioned: Sequence[str] = ()) -> str | None:
    """The sibling of procedure ``code`` doing what ``question`` now asks with the same paper ("còn cuốn
    sổ bị rách nát thì sao" after the re-issue of a lost land certificate: its exchange), or None.
    ``mentioned``: procedure names the NLU found in the question ("lỡ làm mất hộ chiếu" finds "Trình báo
    mất hộ chiếu"); a name of another paper makes it None."""
    current = get_procedure(code)
    if current is None:
        return None
    return other_action_sibling(get_catalogue().index(), current, question, mentioned)


def case_sibling(code: str, question: str) -> str | None:
    """The sibling of procedure ``code`` for the case ``question`` states: the foreign-element one for a
    foreign party ("chồng em người Hàn" after the ordinary marriage), the ordinary one for a domestic
    correction ("lấy chồng người Việt, kết hôn bình thường thôi"), or None."""
    return get_catalogue().index().case_sibling(code, question)


def next_procedure(code: str, question: str, named_only: bool = False) -> tuple[str, str] | None:
    """The procedure following procedure ``code`` when the question asks for the next step ("rồi sau đó
    nộp hồ sơ ở đâu" after the gift contract's certification) or names what only it is about ("rồi còn
    thuế thì sao"): (its code, a lead line naming it), or None when the question is not that or
    ``code``'s data names no follow-on procedure. ``named_only``: only a question naming it counts (the
    question names some procedure: "xong rồi đổi căn cước ở đâu" is no next step of the contract)."""
    current = get_procedure(code)
    if current is None or not follow_on_codes(current):
        return None
    hits = search_procedures(question, limit=1)
    following = follow_on_procedure(
        current,
        question,
        get_catalogue().get,
        lambda c: coverage(question, c).uncovered,
        named_only,
        best=hits[0].code if hits else None,
    )
    if following is None:
        return None
    if named_only or not asks_next_step(question):
        # "rồi còn thuế thì sao": what the question names belongs to the follow-on procedure
        return following.code, f"Dạ, việc đó anh/chị làm theo thủ tục «{following.name}» ạ."
    # "Giấy khai sinh (bản chính); số định danh cá nhân của trẻ": the paper itself, said plainly
    done = re.sub(r"\s*\([^)]*\)", "", (current.result or current.name).split(";")[0]).strip()
    lead = f"Dạ, có {done[:1].lower()}{done[1:]} rồi thì anh/chị làm tiếp thủ tục «{following.name}» ạ."
    return following.code, lead


def asks_page_fee(code: str, question: str) -> bool:
    """Whether ``question`` gives a number of pages ("sổ hộ nghèo có 5 trang thì tính sao") for procedure
    ``code``, whose fee is charged by the page: the fee of that many pages is what it asks."""
    record = get_procedure(code)
    return record is not None and page_fee(record) is not None and pages_asked(question) is not None


def merger_papers(question: str) -> str | None:
    """The answer to "sáp nhập rồi có phải đổi giấy tờ không" (papers issued before the 2025 reorganisation
    of administrative units stay valid), or None when the question is not that."""
    return merger_papers_answer(question) if asks_about_merger_papers(question) else None


def detect_aspect(text: str) -> str:
    """One of ``ASPECTS``: overview, documents, fee, time, place, online, eligibility, steps, form,
    deadline (the filing deadline, as distinct from ``time``, the processing time), validity (how long the
    paper received stays valid, as distinct from both), result (what one receives in the end)."""
    return _detect_aspect(text)


def stated_aspect(text: str) -> str | None:
    """The aspect ``text`` states outright by a phrase of its own ("thời hạn giải quyết", "hết bao
    nhiêu"), None when it states none (see ``knowledge.aspects.stated_aspect``)."""
    return _stated_aspect(text)


def answer(code: str, aspect: str, question: str | None = None, alongside: tuple[str, ...] = ()) -> str:
    """A short polite Vietnamese answer about ``aspect`` of procedure ``code`` (``overview`` for an
    unknown aspect). Missing or unverified facts are said plainly with where to ask; a pointer entry
    (a court, the police) says which body handles it and what to do. ``question`` (the citizen's words)
    adds what the catalogue says about a paper it names when the aspect's answer does not give it.
    ``alongside``: the other aspects answered in the same reply (the online answer then leaves the online
    fee and time to them)."""
    record = get_catalogue().get(code)
    if record is None:
        return UNKNOWN_CODE_MESSAGE
    return render_answer(record, aspect if aspect in ASPECTS else "overview", question, alongside)


def is_contact_question(text: str) -> bool:
    """True when ``text`` asks for an office's phone, opening hours or address (not about a procedure):
    a fallback for the NLU's ``contact_info`` intent, and what the bench uses to route a question."""
    return _is_contact_question(text)


def asks_how_to_reach_office(text: str) -> bool:
    """True when ``text`` asks how to meet or reach an officer of a named office, field or place ("gặp
    trực tiếp cán bộ tư pháp xã Cái Bè thì liên hệ ai"): a contact question, never a handoff to the
    hotline's agent, which the citizen asks for without naming an office ("cho gặp người thật")."""
    return _asks_how_to_reach_office(text)


def contact_answer(text: str, place: str | None = None) -> ContactAnswer:
    """Address, phone and hours of the office ``text`` asks about: a commune/ward (current or old name;
    ``place`` = the NLU ``location`` entity when there is one), the province's service centre or a
    department. ``outcome``: ``office``, ``ambiguous_place`` (ask which of ``candidates``) or
    ``ask_place`` (no office named). Fields without an official source are said plainly."""
    return _contact_answer(text, place)


def lookup_dossier(code: str, phone_last4: str | None, requester_key: str) -> DossierAnswer:
    """Where a dossier stands, given its national code and the last 4 digits of the applicant's phone.

    ``requester_key`` identifies who asks (the chat sender) for rate limiting; speak only ``message``.
    """
    return default_service().lookup(code, phone_last4, requester_key)
