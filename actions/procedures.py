"""Questions about administrative procedures, answered from ``knowledge.facade``, in the context of the talk.

- What a question asks about (fee, papers, time, place, online, eligibility, steps, form, deadline) is
  learned by the NLU (``bot/components/aspect_classifier.py``: parse keys ``aspects`` and ``followup``);
  a message parsed without them (a button payload) falls back to ``knowledge.facade.detect_aspect``. The
  aspects the NLU has no label for (``validity``: how long the paper stays valid) are read by
  ``knowledge.facade.detect_aspect`` and replace what the NLU mistook them for (``UNLEARNED_ASPECTS``).
- A question that names no procedure ("hết nhiêu tiền", "nộp qua mạng dc hông") is a follow-up on the
  procedure of the last answer (slot ``current_procedure``). With none yet, the bot asks which procedure
  and keeps what was asked (slot ``procedure_aspects``) for the next message.
- Close siblings in the catalogue: the ordinary case is answered and the variants offered as buttons
  (``actions/procedure_choice.py``); the bot asks only when the words really split. The procedures offered
  are kept (slot ``procedure_choices``) so that a typed reply ("cái có yếu tố nước ngoài", "con tui 10
  tuổi") picks one; buttons send ``/ask_procedure{"procedure": "<code>"}``.
"""

from __future__ import annotations

import itertools
import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    OffLoopAction,
    among_likeliest,
    entity_values,
    latest_intent,
    latest_text,
    named_lately,
    previous_action,
)
from actions.contact_info import ActionContactInfo
from actions.dossier import due_answer, next_step_answer
from actions.forms import form_reminder
from actions.place_questions import answer_place_reply, name_the_unit, place_followup, to_place_answer
from actions.procedure_choice import (
    CLOSE_RATIO,
    MAX_OFFERED,
    OfferedProcedure,
    Settlement,
    match_choice,
    settle,
    variant_note,
)
from actions.requests import file_ticket, lower_first
from knowledge import facade as knowledge
from knowledge.aspects import aspect_points, cue_positions
from knowledge.search_cues import FORMAL_ASK_CUES
from vietnam.text import fold, normalize_text

logger = logging.getLogger(__name__)

# A search hit scoring at least this names a procedure on its own. knowledge.search scores are unbounded
# (BM25-like): a question naming a procedure scores 20-170, a bare follow-up ("còn lệ phí thì sao?",
# "mất bao lâu") below 6.
CONFIDENT_SCORE = 10.0
# A question the NLU read as a follow-up, with nothing in the talk to follow, names what its search finds at
# this score ("nhập khẩu vợ vô nhà chồng" 18, a channel word alone such as "nộp trực tiếp ở đâu" 12).
TOPIC_SCORE = 15.0
# Hits weighed for the common case: enough that the ordinary sibling is among them when variants crowd the
# top (foreign, combined, mobile, re-registration).
SEARCH_LIMIT = 8
# Below this, a hit is a stray word, not a topic.
WEAK_SCORE = 4.0
# Learned confidences (aspect_classifier) above which an aspect is asked / the question is a follow-up.
ASPECT_THRESHOLD = 0.5
FOLLOWUP_THRESHOLD = 0.5
# A message this short with no aspect of its own ("còn kết hôn thì sao?", "khai sinh") keeps the aspects
# asked before.
CARRY_OVER_WORDS = 10

# What each learned aspect is called in a question back to the citizen.
ASPECT_LABELS = {
    "documents": "giấy tờ cần chuẩn bị",
    "fee": "lệ phí",
    "time": "thời gian giải quyết",
    "place": "nơi nộp hồ sơ",
    "online": "cách nộp trực tuyến",
    "eligibility": "điều kiện, đối tượng",
    "steps": "các bước thực hiện",
    "form": "mẫu đơn, tờ khai",
    "deadline": "thời hạn phải làm thủ tục",
    "validity": "thời hạn sử dụng của giấy tờ",
    "result": "kết quả giải quyết",
}
# What an aspect is answered with, besides itself: who may apply comes with the papers (someone else may
# apply with an authorisation, "người nhà đi làm giùm được không").
ASPECT_COMPANIONS = {"eligibility": ("documents",)}
# Until the knowledge layer renders an aspect, the closest ones it does: who may apply and how are read
# from the papers asked (an authorisation, both spouses' ID) and where to file.
ASPECT_FALLBACK = {
    "eligibility": ("documents",),
    "steps": ("documents", "place"),
    "form": ("documents",),
    "deadline": ("time",),
}
# A follow-up naming only a channel ("nộp qua mạng thì sao") after an answer about these asks them of it.
CHANNEL_ASPECT = "online"
CHANNEL_FACTS = ("fee", "time")
# A question that asks nothing in particular ("làm khai sinh cho con") gets the overview and the papers.
GENERAL = ("overview", "documents")
# A typed pick among variants keeps what was asked unless it clearly asks something of its own.
SWITCH_OWN_ASPECT = 0.9

NOT_FOUND_MESSAGE = (
    "Dạ, em chưa tìm thấy thủ tục phù hợp với câu hỏi. Anh/chị nói rõ tên thủ tục giúp em "
    '(ví dụ: "đăng ký khai sinh", "cấp phiếu lý lịch tư pháp", "đổi giấy phép lái xe") ạ. '
    'Nếu cần, anh/chị nhắn "gặp tổng đài viên" để được hỗ trợ trực tiếp.'
)
FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hệ thống tra cứu thủ tục đang gián đoạn. Anh/chị vui lòng thử lại sau ít phút "
    'hoặc nhắn "gặp tổng đài viên" ạ.'
)
WHICH_MESSAGE = "Dạ, anh/chị đang hỏi về thủ tục nào dưới đây ạ?"
AGE_MESSAGE = "Dạ, người cần làm thủ tục bao nhiêu tuổi ạ? Anh/chị chọn giúp em trường hợp phù hợp:"
NOT_IN_CATALOGUE_IN_FORM = (
    "Dạ, nội dung này hiện chưa có trong danh mục thủ tục em được cung cấp nên em không dám trả lời ạ; "
    "xong phần đang làm, anh/chị có thể nhờ tổng đài viên 1022 giải đáp."
)
QUESTION_SENT_MESSAGE = (
    "Dạ, em đã chuyển câu hỏi của anh/chị cho tổng đài viên 1022 với mã {code}. Câu trả lời sẽ được gửi cho "
    "anh/chị qua kênh này; anh/chị lưu lại mã để tra cứu ạ."
)
QUESTION_FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hệ thống tạm thời chưa chuyển được câu hỏi. Anh/chị vui lòng thử lại sau ít phút hoặc "
    'nhắn "gặp tổng đài viên" ạ.'
)
# Said after "em chưa hiểu rõ ý anh/chị" (action_clarify) when the message was a real-looking question: the
# same way out as for a question outside the catalogue (action_offer_question), or the hotline.
UNREAD_QUESTION_OFFER = (
    "Nếu đây là câu hỏi ngoài các thủ tục em hỗ trợ, em có thể chuyển câu hỏi của anh/chị cho tổng đài viên "
    "1022 (tạo phiếu hỏi đáp, mã HD-...) để được trả lời sau, hoặc anh/chị gọi trực tiếp số 1022 ạ. "
    "Anh/chị có muốn em chuyển không ạ?"
)
# The question the catalogue could not answer, kept until the citizen accepts to pass it to an agent.
PENDING_QUESTION_SLOT = "pending_question"


def learned_aspects(tracker: Tracker) -> list[str] | None:
    """The aspects the NLU read in the latest message (best first), or None when it gave no reading."""
    ranking = tracker.latest_message.get("aspects")
    if ranking is None:
        return None
    return [a["name"] for a in ranking if float(a.get("confidence") or 0) >= ASPECT_THRESHOLD]


# A learned aspect this sure, well ahead of the next, is what an unplaced short follow-up leans to.
LEANING_THRESHOLD = 0.3
LEANING_LEAD = 2.0


def leaning_aspects(tracker: Tracker) -> list[str]:
    """The aspect the NLU leans to without being sure ([] when none clearly leads)."""
    ranking = sorted(
        (float(a.get("confidence") or 0), str(a["name"])) for a in tracker.latest_message.get("aspects") or []
    )[::-1]
    if not ranking or ranking[0][0] < LEANING_THRESHOLD:
        return []
    runner_up = ranking[1][0] if len(ranking) > 1 else 0.0
    return [ranking[0][1]] if ranking[0][0] >= LEANING_LEAD * runner_up else []


def top_aspect(tracker: Tracker) -> str | None:
    """The aspect the NLU ranks first, however sure (None without a reading)."""
    ranking = tracker.latest_message.get("aspects") or []
    best = max(ranking, key=lambda a: float(a.get("confidence") or 0), default=None)
    return str(best["name"]) if best else None


def is_followup(tracker: Tracker) -> bool | None:
    reading = tracker.latest_message.get("followup")
    if not isinstance(reading, dict):
        return None
    return float(reading.get("confidence") or 0) >= FOLLOWUP_THRESHOLD


# Aspects the NLU's aspect classifier has no label for, read by the knowledge layer, with what the NLU reads
# them as instead: "tạm trú được tối đa bao lâu" and "căn cước tới tuổi nào phải đổi" are no processing
# time, filing deadline or age condition; "kết quả giải quyết gồm những gì" asks for no papers.
UNLEARNED_ASPECTS: dict[str, tuple[str, ...]] = {
    "validity": ("time", "deadline", "eligibility"),
    # "kết quả giải quyết gồm những gì": what one receives, which the NLU reads as the papers
    "result": ("documents", "time"),
}


def asked_aspects(tracker: Tracker, text: str) -> list[str]:
    learned = learned_aspects(tracker)
    if learned is None:
        return detected_aspects(text)
    by_clause = clause_aspects(text)
    if by_clause:
        aspects = with_clause_aspects(learned, text, by_clause)
    else:
        aspects = with_stated_aspect(learned, text)
    return with_unlearned_aspects(aspects, by_clause or detected_aspects(text))


def with_stated_aspect(learned: list[str], text: str) -> list[str]:
    """The learned aspects, unless the question states another outright by a phrase of its own
    (``knowledge.stated_aspect``): "công chứng photo căn cước với học bạ ở xã hết bao nhiêu" names papers,
    which the NLU reads as a question about papers, but asks the fee. The stated aspect comes first; a
    learned one stays only when words of the question point to it too."""
    stated = knowledge.stated_aspect(text)
    if stated is None or stated in learned:
        return learned
    points = aspect_points(text)
    return [stated, *(a for a in learned if points.get(a))]


def with_unlearned_aspects(aspects: list[str], read: list[str]) -> list[str]:
    """``aspects`` (the NLU's, completed by the clauses') with the aspects of ``UNLEARNED_ASPECTS`` the
    knowledge layer ``read`` in the question first, and without what the NLU mistook them for (unless a
    clause of its own asks it: "bao lâu thì có, có giá trị mấy tháng")."""
    own = [a for a in read if a in UNLEARNED_ASPECTS]
    if not own:
        return aspects
    mistaken = {m for a in own for m in UNLEARNED_ASPECTS[a]} - set(read)
    kept = [a for a in aspects if a not in mistaken]
    return kept if all(a in kept for a in own) else [*own, *(a for a in kept if a not in own)]


# Where a message asking several things splits into its questions ("làm lại ở đâu, cần giấy khám sức khỏe
# không", "phí bao nhiêu, mấy ngày có", "cần gì với lại nộp ở đâu").
_CLAUSE_BREAK = re.compile(r"[,;?!.]+|\b(?:va|voi lai|them nua)\b")
# A clause asks something only with a question word ("con nhỏ 10 tuổi" before "làm căn cước cần gì" asks
# nothing of its own) or a phrase stating an aspect outright (``knowledge.stated_aspect``).
_CLAUSE_QUESTION = re.compile(r"\b(?:may|nhieu|nhiu|lau|k|hok|hem)\b")


def clause_aspects(text: str) -> list[str]:
    """What each clause of ``text`` asks, in the order asked, when it asks two things or more ([] else):
    the learned reading of a whole message keeps its strongest aspect only ("mất bằng lái B2 rồi, làm lại ở
    đâu, cần giấy khám sức khỏe không" reads as the papers), so each clause is read on its own."""
    folded = fold(text)
    clauses = [c.strip() for c in _CLAUSE_BREAK.split(folded) if c and c.strip()]
    if len(clauses) < 2:
        return []
    found: list[str] = []
    for clause in clauses:
        # a formal request asks without a question word ("đề nghị cho biết cơ quan có thẩm quyền cấp và
        # thời hạn giải quyết"): a clause stating an aspect outright asks it too
        if not (_QUESTION_WORDS.search(clause) or _CLAUSE_QUESTION.search(clause)):
            aspect = knowledge.stated_aspect(clause) or "overview"
        else:
            aspect = knowledge.detect_aspect(clause)
        if aspect != "overview" and aspect not in found:
            found.append(aspect)
    return found if len(found) >= 2 else []


def with_clause_aspects(learned: list[str], text: str, by_clause: list[str] | None = None) -> list[str]:
    """The learned aspects, completed by those the clauses ask one by one, in the order asked
    (``by_clause``: ``clause_aspects(text)`` when already read)."""
    by_clause = clause_aspects(text) if by_clause is None else by_clause
    if not by_clause:
        return learned
    return by_clause + [a for a in learned if a not in by_clause]


# "Tôi ... có hộ chiếu còn giá trị sử dụng, nay về nước ... Đề nghị cho biết hồ sơ đăng ký thường trú": a
# formal question tells its circumstances, then asks; the aspects are read from what it asks.
_FORMAL_ASK = re.compile(r"\b(?:" + "|".join(" ".join(cue) for cue in FORMAL_ASK_CUES) + r")\b")
_CIRCUMSTANCE_WORDS = 6  # words the circumstances before the asking words must have


def asked_part(text: str) -> str:
    """What a formal question asks: ``text`` from its asking words ("đề nghị cho biết", "xin hỏi") on,
    when circumstances of some length come before them; ``text`` itself otherwise."""
    folded = fold(text)
    found = _FORMAL_ASK.search(folded)
    if found is None or len(folded[: found.start()].split()) < _CIRCUMSTANCE_WORDS:
        return text
    if "?" in text[: found.start()]:
        return text  # "Cơ quan nào có thẩm quyền ...? Đề nghị cho biết lệ phí": two questions, no story
    return text[found.start() :]


def detected_aspects(text: str) -> list[str]:
    """The knowledge layer's own reading of what ``text`` asks ([] for none in particular)."""
    aspect = knowledge.detect_aspect(text)
    return [] if aspect == "overview" else [aspect]


def render(code: str, aspects: list[str], question: str | None = None) -> str:
    """The answer about ``aspects`` of procedure ``code`` (its overview when none). ``question``, the
    citizen's words: a paper it names ("không có giấy chứng sinh thì sao") is said about once, unless the
    list of papers is part of the answer anyway."""
    supported = set(knowledge.ASPECTS)
    wanted: list[str] = []
    for aspect in aspects or GENERAL:
        rendered = (aspect,) if aspect in supported else ASPECT_FALLBACK.get(aspect, ("overview",))
        rendered += ASPECT_COMPANIONS.get(aspect, ())
        wanted += [r for r in rendered if r not in wanted and r in supported]
    if aspects and len(wanted) > 1 and "overview" in wanted:
        wanted.remove("overview")
    about_paper = None if "documents" in wanted else question
    parts = [
        knowledge.answer(
            code, aspect, about_paper if i == 0 else None, tuple(a for a in wanted if a != aspect)
        )
        for i, aspect in enumerate(wanted)
    ]
    text = parts[0]
    for part in parts[1:]:
        text += "\n\n" + (part[4:5].upper() + part[5:] if part.startswith("Dạ, ") else part)
    return text


_RESULT_NOISE = {"ban", "chinh", "sao", "giay", "cua", "va", "hoac", "cho", "so", "1", "2"}


def names_result_of(code: str, text: str) -> bool:
    """Whether ``text`` names what procedure ``code`` delivers ("bao lâu có trích lục" after a death
    registration, whose result is the Trích lục khai tử): a follow-up, not another procedure."""
    view = knowledge.get_procedure(code)
    result = getattr(view, "result", None) if view is not None else None
    if not result:
        return False
    words = [w for w in re.findall(r"[a-z0-9]+", fold(result)) if w not in _RESULT_NOISE]
    asked = re.findall(r"[a-z0-9]+", fold(text))
    said = " " + " ".join(asked) + " "
    if len(asked) == 2 and " ".join(asked) in " ".join(words):  # "trích lục" as written
        return True
    return any(f" {a} {b} " in said for a, b in itertools.pairwise(words))


def named_procedure(text: str) -> str | None:
    """The catalogue procedure ``text`` clearly names ("nộp hồ sơ đăng ký kết hôn"), or None."""
    match = knowledge.match_catalogue(text, limit=SEARCH_LIMIT)
    if match.outcome != "found" or not match.hits or match.hits[0].score < CONFIDENT_SCORE:
        return None
    return match.hits[0].code


# Words that make a message a petition whatever procedure it names ("phản ánh hàng xóm xây nhà lấn đất").
_PETITION_WORDS = re.compile(
    r"\b(?:phan anh|kien nghi|khieu nai|to cao|trai phep|lan chiem|lan dat|o nhiem|bao cao|hu hong)\b"
)
# A reply naming a variant is short: a longer message is a story, maybe a petition.
REPLY_WORDS = 12


def offered_named(text: str, choices: list[str]) -> str | None:
    """The procedure among ``choices`` (offered as buttons in the last reply) that ``text`` names as well as
    the search's best match does: among the close hits, with every content word of ``text`` the best match
    has ("thẻ BHYT cho bé" is the general health-insurance card first, the offered birth registration
    linked with the child's card close behind, and both have "bảo hiểm y tế"). None when none does."""
    match = knowledge.match_catalogue(text, limit=SEARCH_LIMIT)
    if match.outcome != "found" or not match.hits:
        return None
    top = match.hits[0]
    if top.code in choices:
        return top.code
    missed = set(knowledge.coverage(text, top.code).uncovered)
    for hit in match.hits[1:]:
        if hit.score < CLOSE_RATIO * top.score:
            break
        if hit.code in choices and set(knowledge.coverage(text, hit.code).uncovered) <= missed:
            return hit.code
    return None


# "nhân tiện làm thẻ BHYT cho bé luôn": another paper asked along with the one in the talk (folded).
_ALONG = re.compile(r"\b(?:nhan tien|luon|cung luc|mot lan|kem theo|dong thoi)\b")


def along_with(current: str, text: str) -> str | None:
    """The procedure that does both, when ``text`` asks another paper along with procedure ``current``'s
    ("nhân tiện làm thẻ BHYT cho bé luôn" after the birth registration: the birth registration linked
    with the child's health-insurance card): the best match for the words with ``current``'s topic added,
    when it has every word of that topic, lacks no word of ``text`` its own best match has, and is not
    ``current``. None otherwise."""
    topic = topic_of(current)
    if not topic or not _ALONG.search(fold(text)):
        return None
    own = knowledge.match_catalogue(text, limit=SEARCH_LIMIT)
    match = knowledge.match_catalogue(f"{text} {topic}", limit=SEARCH_LIMIT)
    if not (own.found and match.found) or match.hits[0].code == current:
        return None
    lacks = set(match.coverage.uncovered)
    if lacks & set(topic.split()) or not lacks <= set(own.coverage.uncovered):
        return None
    return match.hits[0].code


def is_procedure_reply(tracker: Tracker) -> bool:
    """Whether the latest message, read as something else (a petition, an unclear message), answers the
    procedure just discussed: right after a procedure answer, short, no complaint words, and the catalogue's
    best match for it is that procedure or one of the variants offered ("xây mới nhà ở riêng lẻ" after the
    building permit)."""
    current = tracker.get_slot("current_procedure")
    text = latest_text(tracker)
    folded = fold(text)
    if not current or len(folded.split()) > REPLY_WORDS or _PETITION_WORDS.search(folded):
        return False
    if previous_action(tracker) != "action_answer_procedure":
        return False
    if picks_an_offered(tracker):
        return True  # "bình thường thôi, ba tui mất ở nhà" under the death registration's variants
    related = {str(current), *(str(c) for c in tracker.get_slot("procedure_choices") or [])}
    code = named_procedure(text)
    return code in related and names_mostly(str(code), folded)


def _official_name(code: str) -> str:
    view = knowledge.get_procedure(code)
    return view.name if view is not None else code


def picks_an_offered(tracker: Tracker) -> bool:
    """Whether the latest message, naming no procedure, picks one of the procedures offered in the last
    reply ("bình thường thôi, ba tui mất ở nhà, xã Thân Cửu Nghĩa" under the death registration's
    variants: the ordinary case): a reply to the choices, whatever place or story it also gives."""
    choices = [str(c) for c in tracker.get_slot("procedure_choices") or []]
    if not choices or entity_values(tracker, "procedure"):
        return False
    current = tracker.get_slot("current_procedure")
    answered = (str(current), _official_name(str(current))) if current else None
    offered = [(code, _official_name(code)) for code in choices]
    return match_choice(latest_text(tracker), offered, answered) is not None


# Words around a variant's name that say nothing of it ("xây mới nhà ở riêng lẻ á", "cái chứng thực chữ ký")
_FILLERS = frozenset(
    re.findall(r"\w+", "a ah nha nhe nhen cai loai truong hop la thi cho tui toi em minh vay do ne")
)
# Share of a reply's words that are words of the procedure's name: a variant named, not a story told with
# a few of its words ("nhà bên cạnh xây không phép").
NAME_SHARE = 0.75


# Folded words that say only what is to be done ("cấp lại", "làm mới", "gia hạn"), never what about: a
# question naming nothing else, right after a procedure, is about that procedure's paper ("cấp lại tốn
# nhiêu" after the lost passport report: the passport).
# ("làm mất bao nhiêu ngày" takes time, "mấy bữa mới xong" says when: "mất", "mới" alone are no such words.)
_ACTION_ONLY = frozenset(("cap lai", "cap doi", "cap moi", "gia han", "doi lai", "doi", "mat lai"))
# Words of a procedure's name that say what it does, not what about ("Trình báo mất hộ chiếu phổ thông").
_NAME_ACTION_WORDS = frozenset(
    ("cap", "lai", "moi", "doi", "gia", "han", "trinh", "bao", "mat", "dang", "ky", "lam")
)


# "mới" says "a new one" only after a classifier of a thing ("làm cuốn mới", "cấp cái mới", "tấm mới"):
# before a verb or after a time ("mấy bữa mới xong", "tui mới nghỉ việc") it says "only then" or "just".
_NEW_ONE = re.compile(r"\b(?:cuon|quyen|cai|tam|chiec|ban|to)\s+moi\b")


# "làm lại", "xin lại": "lại" after a verb of making says "again" ("lại" alone may be "lái").
_AGAIN = re.compile(r"\b(?:lam|xin|cap|in)\s+lai\b")


def asks_only_an_action(content: tuple[str, ...], text: str = "") -> bool:
    """Whether the content words of a question say only what is to be done ("cấp lại", "gia hạn"; "mới"
    when ``text`` says it of a thing: "rồi làm cuốn mới tốn nhiêu" after the lost passport report; "lại"
    after a verb of making: "làm lại cuốn mới mất bao nhiêu ngày")."""
    if " ".join(content) in _ACTION_ONLY:
        return True
    folded = fold(text)
    words = list(content)
    if "moi" in words and _NEW_ONE.search(folded):
        words.remove("moi")
    if "lai" in words and _AGAIN.search(folded):
        words.remove("lai")
    said = " ".join(words)
    return bool(content) and (not words or said in _ACTION_ONLY)


def topic_of(code: str) -> str:
    """The words of a procedure's name that say what it is about ("hộ chiếu phổ thông" for "Trình báo mất
    hộ chiếu phổ thông (thực hiện tại cấp xã)"), folded; "" when unknown."""
    view = knowledge.get_procedure(code)
    if view is None:
        return ""
    name = re.sub(r"\(.*?\)", " ", fold(view.name))
    return " ".join(w for w in re.findall(r"[a-z0-9]+", name) if w not in _NAME_ACTION_WORDS)


def _topic_pairs(code: str) -> set[tuple[str, str]]:
    return set(itertools.pairwise(topic_of(code).split()))


def leads_its_topic(current: str, hits: list[Any]) -> bool:
    """Whether procedure ``current`` is among the close ``hits`` of a short message and no hit above it
    is about the same paper: "bị mất rồi, rớt đâu mất tiêu" right after the re-issue of the ID card finds
    the re-issue of land certificates and driving licences first (strangers that share "cấp lại ... bị
    mất"), and the ID card's own re-issue close behind; "mất thẻ thì sao" after its renewal finds the
    card's re-issue above the renewal, which it then is."""
    if not hits:
        return False
    close = [h for h in hits if h.score >= CLOSE_RATIO * hits[0].score]
    codes = [h.code for h in close]
    if current not in codes:
        return False
    own = _topic_pairs(current)
    return not any(_topic_pairs(h.code) & own for h in close[: codes.index(current)])


def names_mostly(code: str, folded: str) -> bool:
    view = knowledge.get_procedure(code)
    name_words = set(re.findall(r"[a-z0-9]+", fold(view.name))) if view is not None else set()
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in _FILLERS]
    return bool(words) and sum(w in name_words for w in words) >= NAME_SHARE * len(words)


# An office named as where one files ("nộp ở công an xã dc ko", "lên ủy ban tỉnh làm hả"), folded: a place,
# not what the question is about (the complaints against commune police officers share "công an ... xã").
_OFFICE = re.compile(
    r"\b(?:cong an|uy ban(?: nhan dan)?|ubnd|bo phan mot cua|mot cua|buu dien|"
    r"trung tam phuc vu hanh chinh cong|(?:phong quan ly )?xuat nhap canh)"
    r"(?: (?:cap )?(?:xa|phuong|thi tran|huyen|quan|thi xa|thanh pho|tinh))?\b"
)


def names_only_an_office(text: str) -> bool:
    """Whether ``text`` names an office and, without it, nothing the catalogue could be asked about: "nộp
    ở công an xã dc ko" after the passport asks where that procedure is filed."""
    folded = fold(normalize_text(text))
    left = _OFFICE.sub(" ", folded)
    return left != folded and knowledge.match_catalogue(left).outcome == "no_topic"


# Question words (folded): a short message with one, right after a procedure answer, asks about it.
_QUESTION_WORDS = re.compile(
    r"\?|\b(?:ai|dau|nao|sao|gi|j|bao nhieu|bao lau|bao gio|khi nao|chung nao|khong|ko|hong|hok|hem|chua|"
    r"duoc k|dc k|the nao)\b"
)
FOLLOWUP_QUESTION_WORDS = 8


def is_unclear_followup(tracker: Tracker) -> bool:
    """Whether a message the NLU could not read ("vậy ai giải quyết") is a short question right after a
    procedure answer: then it is about that procedure, not a new need to guess."""
    folded = fold(latest_text(tracker))
    return (
        bool(tracker.get_slot("current_procedure"))
        and 0 < len(folded.split()) <= FOLLOWUP_QUESTION_WORDS
        and bool(_QUESTION_WORDS.search(folded))
        and previous_action(tracker) == "action_answer_procedure"
    )


def is_reply_to_choices(tracker: Tracker) -> bool:
    """Whether a message the NLU could not read ("bình thường, trong nước", "làm lần đầu") is a short reply
    right after procedure choices were offered (a "which one?" menu, or the common case answered with its
    variants as buttons): then it answers them, and action_answer_procedure reads it against them."""
    return (
        bool(tracker.get_slot("procedure_choices"))
        and 0 < len(fold(latest_text(tracker)).split()) <= REPLY_WORDS // 2
        and previous_action(tracker) == "action_answer_procedure"
    )


# How sure the NLU must be of ask_procedure, beside another intent as likely, to answer a question that
# names a procedure ("em mới sửa họ tên, giờ đổi căn cước tốn bao nhiêu": correct_info 0.50, ask_procedure
# 0.50) rather than ask the citizen to say it again.
AMBIGUOUS_PROCEDURE_CONFIDENCE = 0.3


def asks_about_a_procedure(tracker: Tracker) -> bool:
    """Whether the latest message names a procedure and asks something ("thôi không cần nữa, cho em hỏi
    làm hộ chiếu cần gì"): whatever else it does (a cancel), the question is answered too."""
    message = tracker.latest_message or {}
    names_one = any(e.get("entity") == "procedure" for e in message.get("entities") or [])
    return names_one and bool(_QUESTION_WORDS.search(fold(latest_text(tracker))))


# How sure the NLU must be of submit_petition, second to ask_procedure, for a message no procedure matches to
# be weighed as a report ("cay cau khi o khom 1 thi tran Lai Vung bi gay tay vin, ba con qua lai so lam":
# ask_procedure 0.74, submit_petition 0.23): once the catalogue has nothing for it, the likelier reading.
UNMATCHED_PETITION_CONFIDENCE = 0.15


def may_be_a_report(tracker: Tracker) -> bool:
    """Whether a message no procedure matches names a place and has submit_petition among its two likeliest
    intents, at least ``UNMATCHED_PETITION_CONFIDENCE`` sure."""
    return bool(entity_values(tracker, "location")) and among_likeliest(
        tracker, "submit_petition", UNMATCHED_PETITION_CONFIDENCE
    )


def is_ambiguous_procedure_question(tracker: Tracker) -> bool:
    """Whether a message the NLU could not settle names a procedure, asks something of it, and has
    ask_procedure among its two likeliest intents: it is answered, not clarified."""
    return asks_about_a_procedure(tracker) and among_likeliest(
        tracker, "ask_procedure", AMBIGUOUS_PROCEDURE_CONFIDENCE
    )


# Word pairs of another procedure's name, absent from the current one's, by which a question names it.
OWN_NAME_PAIRS = 2


def _bigrams(text: str, asking: bool = True) -> set[str]:
    """The folded word pairs of ``text``; without those within its aspect cues unless ``asking`` ("thẩm
    quyền giải quyết" asks; "lãnh dùm tiền" names who collects the money, "tiền" alone asking the fee)."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    cues = set() if asking else cue_positions(words)
    return {f"{words[i]} {words[i + 1]}" for i in range(len(words) - 1) if not {i, i + 1} <= cues}


def is_question_phrase(text: str) -> bool:
    """Whether ``text`` ends on a question word, as a Vietnamese question does ("cho con đất có phải đóng
    thuế thu nhập không", "lấn ranh đất kiện ở đâu"): a question citizens ask, not a name of what it is
    about ("sao y bản chính", "thừa kế đất không có di chúc")."""
    return bool(re.search(rf"(?:{_QUESTION_WORDS.pattern})\W*$", fold(text).strip()))


def known_names(code: str) -> list[str]:
    """What procedure ``code`` is called: its official name and those of its aliases that are names, not
    questions ("nhờ người nhà lãnh dùm tiền trợ cấp" is a name of the authorisation to collect a benefit;
    "cho con đất có phải đóng thuế thu nhập không", an alias of the income tax return, asks something a
    follow-up on the gift of land asks too)."""
    view = knowledge.get_procedure(code)
    if view is None:
        return []
    return [view.name, *(a for a in view.aliases if not is_question_phrase(a))]


def names_another(current: str, text: str, top: Any, also_known: str = "", by_aliases: bool = True) -> bool:
    """Whether ``text`` names search hit ``top``, another procedure than ``current``, by words of its own
    name, or (``by_aliases``) its last clause by words of one name it is known by (``known_names``):
    "chứng thực chữ ký trong giấy ủy quyền" after the certified copy (chứng thực bản sao) shares "chứng
    thực" with it, but "chữ ký" only with the signature certification; "tui về quê, nhờ má tui lãnh dùm
    tiền được không" during the unemployment benefit asks for the authorisation ("nhờ người nhà lãnh dùm
    tiền trợ cấp"), while "vợ chồng tui đi làm xa, nhờ chú của bé làm thay được không" tells a story
    ("khai báo tạm vắng khi đi làm xa") before it asks."""
    if top is None or top.code == current:
        return False
    view = knowledge.get_procedure(current)
    said = [*known_names(current), str(getattr(view, "result", "") or ""), also_known]
    known = set().union(*map(_bigrams, said))
    # two word pairs at least: one ("trực tiếp") is as often a word of the question as of a name; the words
    # that ask ("cơ quan nào có thẩm quyền giải quyết") are no name ("... thuộc thẩm quyền giải quyết")
    if len((_bigrams(text, asking=False) & _bigrams(top.name)) - known) >= OWN_NAME_PAIRS:
        return True
    if not by_aliases:
        return False
    clauses = [c for c in re.split(r"[,;.!?]+", text) if c.strip()]
    if len(clauses) > 1 and _ASKS_ONLY.match(fold(clauses[-1])):
        # "à mà tui còn giữ bản chính, chỉ muốn photo ra rồi đóng mộc thôi, vậy tính sao": the last clause
        # only asks, what came before says what about
        return top.score >= TOPIC_SCORE and covers_more(top.code, current, text)
    asked = _bigrams(clauses[-1] if clauses else text, asking=False) - known
    return any(len(asked & _bigrams(name)) >= OWN_NAME_PAIRS for name in known_names(top.code)[1:])


# A clause that only asks what to do, naming nothing ("vậy tính sao", "thì làm sao", "phải làm thế nào").
_ASKS_ONLY = re.compile(
    r"^\W*(?:(?:vay|v|the|thi|roi|gio|a|ma)\s+)*(?:tinh|lam|phai lam|xu ly)?\s*"
    r"(?:sao|the nao|nhu the nao|ra sao|gi)(?:\s+(?:a|ha|day|vay|z|dzay|ta|em))*\W*$"
)
# Content words of the question another procedure has and the current one lacks, for it to be named so.
OWN_WORDS = 2


def covers_more(other: str, current: str, text: str) -> bool:
    """Whether procedure ``other`` accounts for at least ``OWN_WORDS`` content words of ``text`` that
    ``current`` lacks, and ``current`` for none that ``other`` lacks."""
    lacks = set(knowledge.coverage(text, current).uncovered)
    other_lacks = set(knowledge.coverage(text, other).uncovered)
    return len(lacks - other_lacks) >= OWN_WORDS and other_lacks <= lacks


# A procedure's name said as a thing of the current one: a paper brought ("có cần đem sổ hộ khẩu không"
# after the ID card) or a place ("làm ở chỗ khác nơi thường trú được không"), not a request to do it.
_BROUGHT = re.compile(r"\b(?:dem|mang|cam|nop|photo|xuat trinh|kem)\s+(?:theo\s+)?$")
_WHERE = re.compile(r"\b(?:noi|o|tai|khac|ngoai)\s+$")


def said_in_passing(text: str, surfaces: list[str]) -> str | None:
    """How every procedure name the gazetteer found in ``text`` is said, when each is a paper brought
    ("paper") or a place ("place"): the question is then about the procedure in the talk. None otherwise."""
    folded = fold(text)
    kinds: set[str] = set()
    for surface in surfaces:
        said = fold(surface)
        at = folded.find(said)
        if not said or at < 0:
            return None
        before = folded[:at]
        if _WHERE.search(before):
            kinds.add("place")
        elif _BROUGHT.search(before) or _BROUGHT.search(before.removesuffix("so ").removesuffix("giay ")):
            kinds.add("paper")
        else:
            return None
    return kinds.pop() if len(kinds) == 1 else None


# A procedure's name said as what the citizen wants made ("còn làm hộ chiếu cho bé thì cần gì" after the birth
# registration, whose papers include a passport shown by the one who registers): that procedure is asked for.
_MADE = re.compile(r"\b(?:lam|xin|cap|dang ky)\s+(?:lai\s+|moi\s+)?(?:cai\s+|cuon\s+|quyen\s+|tam\s+)?$")


def asks_to_make(text: str, surfaces: list[str]) -> bool:
    """Whether a procedure name the gazetteer found in ``text`` follows a verb asking to have it made."""
    folded = fold(text)
    for surface in surfaces:
        said = fold(surface)
        at = folded.find(said) if said else -1
        if at >= 0 and _MADE.search(folded[:at]):
            return True
    return False


# Typed without diacritics, "giay do" / "so do" is the red book (giấy/sổ đỏ) or "that paper" (giấy đó);
# with them, "giấy đó" / "sổ đó" is that paper only.
_THAT_PAPER = re.compile(r"(?:giay|so) do")
_THAT_PAPER_ACCENTED = re.compile(r"(?:giấy|sổ) đó")


def reads_as_that(surface: str) -> bool:
    """Whether a procedure name found in a message may as well be "that paper" (see ``_THAT_PAPER``): in a
    follow-up on another procedure it is the paper just discussed."""
    if surface.isascii():
        return bool(_THAT_PAPER.fullmatch(fold(surface).strip()))
    return bool(_THAT_PAPER_ACCENTED.fullmatch(normalize_text(surface).lower().strip()))


def lately_named_code(tracker: Tracker) -> str | None:
    """The code of the procedure named in the citizen's last messages and never answered ("... hồ sơ đăng ký
    kết hôn" in a postal request given up just before "vậy đi nộp thì hai đứa phải có mặt hết hả")."""
    named = named_lately(tracker)
    if not named:
        return None
    if knowledge.get_procedure(named) is not None:
        return named
    return named_procedure(named)


def papers_of(code: str, notes: bool = False) -> str:
    """The names of the papers of procedure ``code``'s dossier, joined (with what the catalogue notes about
    each, when ``notes``: "không cần chứng thực nếu ...")."""
    view = knowledge.get_procedure(code)
    fields = ("name", "note") if notes else ("name",)
    return " ".join(
        str(getattr(d, f, "") or "") for d in getattr(view, "documents", None) or [] for f in fields
    )


def names_own_paper(current: str, text: str, top: Any) -> bool:
    """Whether ``text`` asks about a paper of procedure ``current``'s dossier ("còn giấy tờ đất thì cần bản
    chính hay photo" after the building permit, whose papers include "giấy tờ hợp pháp về đất đai"), not
    for search hit ``top``, the procedure those words may name elsewhere (the certified copy): a word pair
    of the current papers, and no two of ``top``'s own ("chứng thực chữ ký" names the signature one)."""
    papers = papers_of(current)
    return (
        bool(papers)
        and bool(_bigrams(text) & _bigrams(papers))
        # a paper named as the citizen says it, not as another procedure's alias has it ("chứng thực chữ ký
        # giấy ủy quyền" beside "giấy ủy quyền có phải ra chứng thực không" after the birth registration)
        and not names_another(current, text, top, also_known=papers, by_aliases=False)
    )


def _button(code: str, name: str) -> dict[str, str]:
    return {"title": name, "payload": f'/ask_procedure{{"procedure": "{code}"}}'}


class ActionAnswerProcedure(OffLoopAction):
    def name(self) -> str:
        return "action_answer_procedure"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            # "Long Khánh B" after "which commune?": the unit's office, on the procedure in the talk
            settled = answer_place_reply(dispatcher, tracker)
            if settled is not None:
                return settled
            # "còn xã Tân Mỹ Chánh thì sao" after a place answer: the next place question
            if (rerouted := to_place_answer(tracker)) is not None:
                return rerouted
            # "mà xã Song Thuận cũ cũng lên Kim Sơn hả" after a procedure answer: that place's office;
            # "bình thường thôi, ở xã Thân Cửu Nghĩa" under the variants picks one first (``answer``)
            placed = None if picks_an_offered(tracker) else place_followup(dispatcher, tracker)
            if placed is not None:
                return placed
            events = self.answer(dispatcher, tracker)
            events += name_the_unit(dispatcher, tracker, events)  # a place named: its unit, or which one
        except Exception:
            logger.exception("procedure answer failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=FAILED_MESSAGE)
            return []
        reminder = form_reminder(tracker)
        if reminder:
            dispatcher.utter_message(text=reminder)
        return events

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        text = latest_text(tracker)
        mentioned = entity_values(tracker, "procedure")
        raw = str(tracker.latest_message.get("text") or "")
        surfaces = [
            raw[e.get("start", 0) : e.get("end", 0)]
            for e in tracker.latest_message.get("entities") or []
            if e.get("entity") == "procedure"
        ]
        if (
            surfaces
            and all(map(reads_as_that, surfaces))
            # "làm giấy đó mất mấy ngày" in a petition about the marital status paper: the one named lately
            and (tracker.get_slot("current_procedure") or lately_named_code(tracker))
        ):
            # "giay do xai dc bao lau": that paper, not the red book; "giấy đó", with diacritics, can
            # be nothing else
            that_paper = not all(surface.isascii() for surface in surfaces)
            mentioned, surfaces = [], []
        else:
            that_paper = False
        choices = [str(c) for c in tracker.get_slot("procedure_choices") or []]
        current = tracker.get_slot("current_procedure") or (
            None if mentioned or choices else lately_named_code(tracker)
        )
        aspects = asked = asked_aspects(tracker, asked_part(text))
        carried = list(tracker.get_slot("procedure_aspects") or [])
        if not aspects and len(text.split()) <= CARRY_OVER_WORDS:
            # a question the NLU could not place, a follow-up ("có cần khám sức khỏe hông" after the licence
            # renewal's office) or one naming another procedure ("à mà vợ tui đổi cccd luôn thì phí nhiêu"
            # after the birth registration's office): the knowledge layer reads its words, before what was
            # asked last. A message with no aspect word that is no follow-up ("xây mới nhà ở riêng lẻ"
            # typed at a menu) asks what was asked before: the model's guess alone is no evidence there.
            if (not mentioned and is_followup(tracker)) or aspect_points(text):
                aspects = asked = detected_aspects(text)
            aspects = aspects or carried
        elif not mentioned and aspects == [CHANNEL_ASPECT] and len(text.split()) <= CARRY_OVER_WORDS:
            # "còn nộp qua mạng thì sao" after the fee or the time: that fact, when filing online
            aspects = [CHANNEL_ASPECT, *(a for a in carried if a in CHANNEL_FACTS)]

        # "bao lâu thì có" right after a dossier's status: when that dossier will be ready
        if not mentioned and "time" in aspects and (due := due_answer(tracker)):
            dispatcher.utter_message(text=due)
            return []
        # "vậy giờ tôi phải làm lại hồ sơ từ đầu hả?" right after a dossier came back: what to do with it
        if not mentioned and (next_step := next_step_answer(tracker)):
            dispatcher.utter_message(text=next_step)
            return []

        # "làm giấy đó mất mấy ngày": the paper in the talk, whatever the words would find on their own
        if that_paper and current and not choices:
            return self.reply(dispatcher, str(current), aspects or carried, question=text)

        # A button: the entity carries the procedure code itself.
        chosen = next((v for v in mentioned if knowledge.get_procedure(v) is not None), None)
        if chosen:
            return self.reply(dispatcher, chosen, aspects)

        # "sổ hộ nghèo có 5 trang thì tính sao" after the certified copy's fee of 2.000 đồng a page: the fee
        # of that many pages; the paper it names ("sổ hộ nghèo") is what is copied, not another procedure
        if current and not choices and knowledge.asks_page_fee(str(current), text):
            return self.reply(dispatcher, str(current), ["fee"], question=text)

        # "sáp nhập tỉnh rồi có phải đổi căn cước không": one rule for every paper issued before 1 July 2025
        if (merger := knowledge.merger_papers(text)) is not None:
            dispatcher.utter_message(text=merger)
            return []

        # "nếu chưa có giấy xác nhận khuyết tật thì sao" after the monthly allowance: the procedure issuing
        # that paper, which the talk moves to ("cần giấy gì" next asks for its papers)
        missing = knowledge.missing_paper(str(current), text) if current else None
        if missing is not None:
            issuer, message = missing
            dispatcher.utter_message(text=message)
            return [
                SlotSet("current_procedure", issuer),
                SlotSet("procedure_aspects", []),
                SlotSet("procedure_choices", None),
            ]

        # "rồi sau đó nộp hồ sơ ở đâu" after the gift contract's certification: the procedure that follows,
        # as the current procedure's data names it (the land change registration), asked the same question
        # (a procedure the gazetteer names, "bhyt", counts only when the follow-on accounts for the words)
        following = (
            knowledge.next_procedure(str(current), text, named_only=bool(mentioned)) if current else None
        )
        if following is not None:
            code, lead = following
            dispatcher.utter_message(text=lead)
            return self.reply(dispatcher, code, aspects or carried, question=text)

        # "còn cuốn sổ bị rách nát thì sao" after the re-issue of a lost land certificate: the same paper,
        # another action, which a sibling procedure does (its exchange); a name the gazetteer finds counts
        # when it is of that paper ("còn lỡ làm mất hộ chiếu" finds "Trình báo mất hộ chiếu")
        sibling = knowledge.other_action(str(current), text, mentioned) if current else None
        if sibling is not None:
            # "đổi thẻ cũ hết hạn": the mishap says why the sibling is wanted, it asks no aspect of its own;
            # an aspect guessed from it is dropped, one the words point to ("lỡ làm mất thì làm lại tốn
            # nhiêu": the fee) or carried from the talk stays
            points = aspect_points(text)
            kept = [a for a in aspects if points.get(a) or a in carried]
            return self.reply(dispatcher, sibling, kept, question=text)
        # "lấy chồng người Việt, kết hôn bình thường thôi, có mất tiền không" after the foreign-element
        # marriage, "chồng em người Hàn" after the ordinary one: the case the citizen states is the
        # sibling's, asked the same question
        # (among the choices offered, it is the one picked: below)
        other_case = knowledge.case_sibling(str(current), text) if current else None
        if other_case is not None and other_case not in choices:
            return self.reply(dispatcher, other_case, aspects or carried, question=text)

        # A typed reply to the procedures offered ("cái có yếu tố nước ngoài", "con tui 10 tuổi"), unless it
        # names another procedure ("còn xin giấy xác nhận tình trạng hôn nhân thì sao" after marriage).
        # A reply naming a procedure the search puts above the ones offered ("nhân tiện làm thẻ BHYT cho bé
        # luôn" under the birth registration's variants finds the general health-insurance card first) is
        # read against the buttons first: an offered one that names it as well is what it picks.
        related = {*choices, *([str(current)] if current else [])}
        if choices:
            answered = (current, self._name(current)) if current else None
            if other_case is not None:
                picked = other_case  # "chồng em người Hàn" under the variants: the foreign-element one
            elif mentioned and named_procedure(text) not in related:
                picked = (current and along_with(str(current), text)) or offered_named(text, choices)
            else:
                picked = match_choice(text, [(code, self._name(code)) for code in choices], answered)
            if picked:
                # "nếu mẹ bé là người nước ngoài thì sao?": the same question; one the reply states is its
                # own ("giấy ủy quyền mẫu nào": the form; "xin thêm bản sao ... thì tốn nhiu": the fee)
                if (
                    carried
                    and not self._clearly_asks(tracker)
                    and not knowledge.stated_aspect(asked_part(text))
                ):
                    aspects = carried
                # the siblings stay at hand: "còn có yếu tố nước ngoài thì sao?" moves between them
                siblings = [c for c in [*choices, *([current] if current else [])] if c != picked]
                return self.reply(dispatcher, picked, aspects, siblings)

        # "nộp ở công an xã dc ko" after the passport: where that procedure is filed, the office a place
        if current and not mentioned and not choices and "place" in asked and names_only_an_office(text):
            return self.reply(dispatcher, str(current), aspects, question=text)

        # The question as written first: its own words say what is to be done ("làm mất giấy khai sinh" is a
        # copy of the register's extract, not the birth registration the gazetteer names); the canonical
        # names of the procedures mentioned help only when the words alone find nothing clear.
        match = knowledge.match_catalogue(text, limit=SEARCH_LIMIT)
        retopic = drop_current = False
        query = " ".join([text, *(m for m in mentioned if fold(m) not in fold(text))]).strip()
        if query != text and match.outcome == "no_topic":
            match = knowledge.match_catalogue(query, limit=SEARCH_LIMIT)
        elif (
            current
            and not mentioned
            and asks_only_an_action(match.coverage.content, text)
            and (topic := topic_of(str(current)))
        ):
            # "cấp lại tốn nhiêu" after the lost passport report: the action on the paper in the talk
            asked_action = " ".join(match.coverage.content)
            match = knowledge.match_catalogue(f"{text} {topic}", limit=SEARCH_LIMIT)
            retopic = match.outcome == "found"
            # the procedure just answered does not do what is asked now ("Trình báo mất hộ chiếu" issues
            # nothing): the answer is another procedure on the same paper
            drop_current = retopic and asked_action not in fold(self._name(str(current)))
        hits = list(match.hits) if match.outcome != "no_topic" else []
        if drop_current and any(h.code != current for h in hits):
            hits = [h for h in hits if h.code != current]
        followup = is_followup(tracker)
        strong = bool(hits) and hits[0].score >= CONFIDENT_SCORE
        # "còn giấy tờ đất thì cần bản chính hay photo" after the building permit: its papers, asked about
        own_paper = (
            bool(current)
            and (not mentioned or bool(surfaces))
            and not asks_to_make(text, surfaces)
            # a procedure the gazetteer names in the question may be said of a paper ("giấy ủy quyền có
            # phải chứng thực không": the papers' notes say when it need not be certified)
            and all(fold(said) in fold(papers_of(str(current), notes=True)) for said in surfaces)
            # asking about papers, even below the learned threshold (documents 0.49 against eligibility
            # 0.35 for "giấy ủy quyền có phải chứng thực không"): the paper named decides
            and ("documents" in asked or top_aspect(tracker) == "documents")
            and names_own_paper(str(current), text, hits[0] if hits else None)
        )
        # "có cần đem sổ hộ khẩu không" after the ID card: a paper brought, of the procedure in the talk
        passing = (
            said_in_passing(text, surfaces)
            if current and surfaces and not own_paper and len(text.split()) <= CARRY_OVER_WORDS
            else None
        )
        if passing is not None:
            mentioned = []
            if passing == "paper" and ("documents" in asked or top_aspect(tracker) == "documents"):
                listed = fold(papers_of(str(current), notes=True))
                unlisted = [_paper_as_written(text, s) for s in surfaces if fold(s) not in listed]
                if unlisted:
                    dispatcher.utter_message(
                        text=f"Dạ, hồ sơ thủ tục {lower_first(self._name(str(current)))} không yêu cầu "
                        f"{', '.join(unlisted)} ạ."
                    )
            return self.reply(dispatcher, str(current), aspects or carried, choices, question=text)
        another = (
            bool(current)
            and strong
            and not own_paper
            and (
                names_another(str(current), text, hits[0] if hits else None)
                or (retopic and hits[0].code != current)
            )
        )
        # A question read as a follow-up with nothing in the talk to follow is searched as written: its
        # best match, when confident, is what it names ("nhập khẩu vợ vô nhà chồng thì làm sao").
        unfollowed = not (current or choices) and bool(hits) and hits[0].score >= TOPIC_SCORE
        # Leaving the procedure in the talk for one the message does not name takes a clear match: "cần giấy
        # gì, ba má tui lớn tuổi rồi" after the permanent residence finds the late birth registration by
        # "người lớn tuổi" alone (10.6), which tells who, not what
        clear = bool(hits) and (not current or bool(mentioned) or hits[0].score >= TOPIC_SCORE)
        names_one = (bool(mentioned) and not own_paper) or (
            strong
            and not own_paper
            and (another or (not followup and clear) or unfollowed)
            and match.outcome == "found"
        )
        if choices and not current and not names_one and (followup or match.outcome == "no_topic"):
            if aspects:
                # "làm ở xã hay lên tỉnh" typed under the procedures offered: answered for the common case
                # among them, the others still offered (asking again would repeat the menu forever)
                return self.answer_common(dispatcher, choices, aspects, text)
            # a reply that asks nothing and picks none of them: which one, asked again
            return self.ask_again(dispatcher, choices, aspects)

        # "nếu học bạ dài 10 trang thì tính sao" right after the certified copy: a short question whose words
        # the catalogue does not place asks about the procedure just answered, what the NLU leans to
        unplaced = (
            not mentioned
            and not strong
            and match.outcome == "not_in_catalogue"
            and is_unclear_followup(tracker)
        )
        if unplaced and not aspects:
            aspects = leaning_aspects(tracker) or carried
        # "cái thường xuyên á, nhà tui mới bị tai nạn nên nghèo" after the yearly poor-household recognition
        # "thường xuyên": words of the procedure in the talk, in a message the catalogue has nothing for
        says_current = (
            bool(current)
            and not mentioned
            and match.outcome == "not_in_catalogue"
            and bool(
                (_bigrams(text, asking=False) & _bigrams(self._name(str(current))))
                - (_bigrams(hits[0].name) if hits else set())
            )
        )
        if current and (
            unplaced
            or says_current
            or (not names_one and (followup or aspects or match.outcome != "not_in_catalogue"))
            or (hits and hits[0].code == current)
            or (
                not mentioned
                and not another
                and len(text.split()) <= REPLY_WORDS
                and leads_its_topic(current, hits)
            )
            or (
                not another
                and names_result_of(current, text)
                and all(names_result_of(current, s) for s in surfaces)
            )
        ):
            return self.reply(dispatcher, current, aspects, choices, question=text)
        if (
            not current
            and not mentioned
            and latest_intent(tracker) == "inform"
            and entity_values(tracker, "location")
        ):
            # a place given in reply ("thị xã Cai Lậy cũ đó, phường 1, gần chợ") with no procedure in the
            # talk: the office of that place, not a search of its words ("gần chợ")
            return ActionContactInfo.answer(dispatcher, tracker)
        # Not in the catalogue, unless the gazetteer names one of its procedures (chatty words around a
        # known procedure lower the search's coverage: "xin lỗi em gửi nhầm, cho hỏi làm khai tử cần gì").
        if match.outcome == "not_in_catalogue" and hits and not mentioned:
            return self.not_in_catalogue(dispatcher, tracker, text, match.message)
        if not names_one and (not hits or hits[0].score < WEAK_SCORE or followup):
            if entity_values(tracker, "location") and (
                "place" in aspects or latest_intent(tracker) == "inform"
            ):
                # "tui ở xã Tân Hội cũ, giờ làm giấy tờ ở đâu": the office of that place
                return ActionContactInfo.answer(dispatcher, tracker)
            if aspects and aspects[0] == "place":
                # "vậy nộp trực tiếp ở đâu" with no procedure in the talk: where one files, in general
                return ActionContactInfo.answer(dispatcher, tracker)
            if aspects:
                return self.ask_which_procedure(dispatcher, aspects)
            dispatcher.utter_message(text=NOT_FOUND_MESSAGE)
            return []
        if not hits:
            dispatcher.utter_message(text=NOT_FOUND_MESSAGE)
            return []

        settled = settle(text, hits, knowledge.is_ambiguous(hits))
        if settled.answer is None:
            offered = settled.offered
            dispatcher.utter_message(
                text=AGE_MESSAGE if settled.ask == "age" else WHICH_MESSAGE,
                buttons=[_button(h.code, h.name) for h in offered],
            )
            return [
                SlotSet("procedure_choices", [h.code for h in offered]),
                SlotSet("procedure_aspects", aspects),
            ]
        return self.answer_settled(dispatcher, settled, aspects, text)

    def answer_settled(
        self, dispatcher: CollectingDispatcher, settled: Settlement, aspects: list[str], text: str
    ) -> list[EventType]:
        """Answer ``settled.answer``, then say which case was answered and offer the others as buttons."""
        answer = settled.answer
        assert answer is not None
        events = self.reply(dispatcher, answer.code, aspects, question=text)
        lead = (
            f"Với điều anh/chị cho biết ({', '.join(settled.facts)}), em trả lời theo thủ tục "
            f"«{answer.name}»."
            if settled.facts
            else f"Em trả lời theo trường hợp thông thường («{answer.name}»)."
        )
        if settled.facts and not settled.offered:
            dispatcher.utter_message(text=f"{lead[:-1]} ạ.")
        if settled.offered and settled.next_step:
            names = "; ".join(f"«{lower_first(h.name)}»" for h in settled.offered)
            dispatcher.utter_message(
                text=(
                    f"Bị mất giấy thì anh/chị làm thủ tục «{lower_first(answer.name)}» ở trên trước. "
                    f"Sau đó, để được cấp lại, anh/chị làm thủ tục {names}; anh/chị bấm nút bên dưới để em "
                    "trả lời về thủ tục đó ạ."
                ),
                buttons=[_button(h.code, h.name) for h in settled.offered],
            )
            events.append(SlotSet("procedure_choices", [h.code for h in settled.offered]))
        elif settled.offered:
            note = variant_note(answer, settled.offered)
            dispatcher.utter_message(
                text=(
                    f"{lead} Nếu trường hợp của anh/chị khác ({note}), anh/chị bấm nút tương ứng bên dưới "
                    "để em trả lời đúng thủ tục ạ."
                ),
                buttons=[_button(h.code, h.name) for h in settled.offered],
            )
            events.append(SlotSet("procedure_choices", [h.code for h in settled.offered]))
        return events

    def answer_common(
        self, dispatcher: CollectingDispatcher, choices: list[str], aspects: list[str], text: str
    ) -> list[EventType]:
        """An aspect asked under the procedures offered, none picked: the common case among them (the plain
        one, as :func:`settle` reads it), else the first offered, the best match; the others stay offered."""
        offered = [OfferedProcedure(code, self._name(code)) for code in choices]
        settled = settle(text, offered, ambiguous=True)
        if settled.answer is None:
            settled = Settlement(offered[0], offered[1:])
        settled.offered = [h for h in offered if h is not settled.answer][:MAX_OFFERED]
        return self.answer_settled(dispatcher, settled, aspects, text)

    @staticmethod
    def not_in_catalogue(
        dispatcher: CollectingDispatcher, tracker: Tracker, text: str, message: str | None
    ) -> list[EventType]:
        """Never a neighbour's answer: say the catalogue lacks it and offer to pass the question to an
        agent (action_offer_question, then an HD- question ticket on "có"). In a form, only say so."""
        if (tracker.active_loop or {}).get("name"):
            dispatcher.utter_message(text=NOT_IN_CATALOGUE_IN_FORM)
            return []
        if may_be_a_report(tracker):
            # a problem reported at a place, which no procedure matches: action_clarify takes it as the
            # petition it is (confirmed before sending), or asks whether it is one
            return [FollowupAction("action_clarify")]
        return [SlotSet(PENDING_QUESTION_SLOT, text), FollowupAction("action_offer_question")]

    @staticmethod
    def _clearly_asks(tracker: Tracker) -> bool:
        ranking = tracker.latest_message.get("aspects") or []
        return any(float(a.get("confidence") or 0) >= SWITCH_OWN_ASPECT for a in ranking)

    @staticmethod
    def _name(code: str) -> str:
        view = knowledge.get_procedure(code)
        return view.name if view is not None else code

    def ask_again(
        self, dispatcher: CollectingDispatcher, choices: list[str], aspects: list[str]
    ) -> list[EventType]:
        asked = ", ".join(ASPECT_LABELS.get(a, a) for a in aspects)
        about = f"{asked} của " if asked else ""
        dispatcher.utter_message(
            text=f"Dạ, anh/chị muốn hỏi {about}thủ tục nào dưới đây ạ? Anh/chị bấm chọn giúp em nhé.",
            buttons=[_button(code, self._name(code)) for code in choices],
        )
        return [SlotSet("procedure_choices", choices), SlotSet("procedure_aspects", aspects)]

    @staticmethod
    def ask_which_procedure(dispatcher: CollectingDispatcher, aspects: list[str]) -> list[EventType]:
        asked = ", ".join(ASPECT_LABELS.get(a, a) for a in aspects)
        dispatcher.utter_message(
            text=(
                f"Dạ, anh/chị muốn hỏi {asked} của thủ tục nào ạ? Anh/chị cho em biết tên thủ tục "
                '(ví dụ: "đăng ký khai sinh", "cấp đổi giấy phép lái xe") nhé.'
            )
        )
        return [SlotSet("procedure_aspects", aspects), SlotSet("procedure_choices", None)]

    @staticmethod
    def reply(
        dispatcher: CollectingDispatcher,
        code: str,
        aspects: list[str],
        siblings: list[str] | None = None,
        question: str | None = None,
    ) -> list[EventType]:
        """Answer about ``code``; ``siblings``: its variants still offered (a typed reply may pick one);
        ``question``: the citizen's words, when they are the question answered."""
        dispatcher.utter_message(text=render(code, aspects, question))
        return [
            SlotSet("current_procedure", code),
            SlotSet("procedure_aspects", aspects),
            SlotSet("procedure_choices", siblings or None),
        ]


def _after_clarify(tracker: Tracker) -> bool:
    """Whether action_clarify ran for the citizen's latest message (it follows up with the offer)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == "action_clarify":
            return True
    return False


class ActionOfferQuestion(OffLoopAction):
    """A question the catalogue cannot answer: say so and offer an HD- question ticket for an agent."""

    def name(self) -> str:
        return "action_offer_question"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        question = str(tracker.get_slot(PENDING_QUESTION_SLOT) or "")
        if _after_clarify(tracker):
            message: str | None = UNREAD_QUESTION_OFFER  # the clarification was said: only the way out
        else:
            message = knowledge.match_catalogue(question).message if question else None
        dispatcher.utter_message(
            text=message or NOT_FOUND_MESSAGE,
            buttons=[
                {"title": "Chuyển cho tổng đài viên", "payload": "/affirm"},
                {"title": "Không cần", "payload": "/deny"},
            ],
        )
        return []


class ActionSubmitQuestion(OffLoopAction):
    """The citizen accepted: the question becomes an HD- ticket, answered later on the same channel."""

    def name(self) -> str:
        return "action_submit_question"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        question = tracker.get_slot(PENDING_QUESTION_SLOT)
        if not question:
            dispatcher.utter_message(text=NOT_FOUND_MESSAGE)
            return []
        receipt = file_ticket(
            dispatcher,
            tracker,
            QUESTION_FAILED_MESSAGE,
            kind="question",
            description=str(question),
        )
        if receipt is None:
            return []
        dispatcher.utter_message(text=QUESTION_SENT_MESSAGE.format(code=receipt.code))
        return [SlotSet(PENDING_QUESTION_SLOT, None), SlotSet("last_ticket_code", receipt.code)]


def _paper_as_written(text: str, surface: str) -> str:
    """``surface`` with the paper word written before it ("sổ" hộ khẩu, "giấy" khai sinh)."""
    before = text[: max(text.find(surface), 0)].split()
    head = before[-1] if before else ""
    return f"{head} {surface}" if fold(head) in ("so", "giay") else surface
