"""Which procedure a question means when the catalogue has close siblings, and what to offer besides.

The ordinary case is answered: among close search hits, the procedure without a variant qualifier in its
official name ("Đăng ký khai sinh", not "... có yếu tố nước ngoài", "Đăng ký lại ...", "Liên thông ...")
is the common one, unless the search itself put a variant clearly first because the question said so
(a foreign spouse, a lost card). The variants are then offered. What the citizen said settles a split
(their age against "dưới 14 tuổi" / "từ đủ 14 tuổi"); the bot asks only when the words really split
(a child of unknown age, two unrelated procedures scoring alike). A typed answer to "which one?" is
matched against the procedures offered (:func:`match_choice`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from knowledge.procedure_actions import name_actions, query_actions
from knowledge.search_cues import (
    FILLER_SYLLABLES,
    NEW,
    QUERY_ACTION_CUES,
    REISSUE,
    STOP_SYLLABLES,
    aspect_positions,
)
from vietnam.text import fold, normalize_text


class Hit(Protocol):
    code: str
    name: str
    score: float


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Variant qualifiers in official procedure names (folded).
VARIANT_MARKERS = (
    "nuoc ngoai",
    "dang ky lai",
    "cap lai",
    "cap doi",
    "ket hop",
    "lien thong",
    "luu dong",
    "da co ho so",
    "trich luc",
    "ban sao",
    "gia han",
    "thay doi",
    "cai chinh",
    "xoa dang ky",
    "cham dut",
    "tam ngung",
    "ghi vao so",
    "xac dinh lai",
    "tich hop",
    "dieu chinh",
    "thu hoi",
    "dich vu cong",
    "truc tuyen",
    "sua doi",
    "huy bo",
    "sua loi",
)
# A hit is close to the top one when it scores at least this share of it.
CLOSE_RATIO = 0.5
# A variant put first by the search stands when it beats the best plain sibling by this factor.
VARIANT_LEAD = 1.15
# Two plain procedures this close are a real split: ask.
SPLIT_RATIO = 0.9
MAX_OFFERED = 3

_AGE = re.compile(r"(?<!\d)(\d{1,3})\s*(?:tuổi|tuoi|t)\b", re.IGNORECASE)
_MONTHS = re.compile(r"(?<!\d)\d{1,2}\s*(?:tháng|thang)\s*(?:tuổi|tuoi)", re.IGNORECASE)
_NEWBORN = ("moi sinh", "moi sanh", "so sinh", "moi de", "vua sinh", "vua sanh")
_CHILD = ("con", "be", "chau", "tre", "em be", "con nit", "nho", "dua nho")
_UNDER = re.compile(r"duoi (\d{1,3}) tuoi")
_FROM = re.compile(r"(?:tu du|tu|tren|du) (\d{1,3}) tuoi")


@dataclass(frozen=True)
class OfferedProcedure:
    """A procedure offered as a button, settled again without its search score (all alike)."""

    code: str
    name: str
    score: float = 1.0


@dataclass
class Settlement:
    """``answer``: the procedure to answer (None: ask); ``offered``: the others, as buttons;
    ``ask``: the question to ask when the words split (with ``offered`` as the choices)."""

    answer: Hit | None
    offered: list[Hit] = field(default_factory=list)
    ask: str | None = None
    facts: list[str] = field(default_factory=list)  # what the citizen said that settled it, as written
    # ``offered`` are the next step after ``answer`` (the paper's re-issue after the report of its loss),
    # not other cases of it
    next_step: bool = False


# "hổng có lương hưu", "không hưởng trợ cấp thất nghiệp": a benefit the person does not receive. Procedures
# for people who receive it ("... người đang hưởng lương hưu") are not their case.
_REFUSED = re.compile(
    r"\b(?:khong|ko|k|hong|hok|hem|chang)\s+(?:(?:co|duoc|dang|huong|lanh|linh|nhan)\s+)+([a-z]+\s+[a-z]+)"
)
_RECEIVING = ("huong", "linh", "lanh", "nhan")


def refused_benefits(question: str) -> list[tuple[str, str]]:
    """(folded, as written) for each benefit the question says the person does not receive."""
    text = normalize_text(question)
    folded = fold(text)
    return [
        (" ".join(m.group(1).split()), f"không có {text[m.start(1) : m.end(1)]}")
        for m in _REFUSED.finditer(folded)
    ]


def _for_receivers(name: str, benefits: Sequence[str]) -> bool:
    """Whether an official name is for people receiving one of ``benefits`` ("hưởng tiếp lương hưu")."""
    words = _folded_words(name)
    return any(re.search(rf" (?:{'|'.join(_RECEIVING)})(?: tiep| lai)? {b} ", words) for b in benefits)


def _siblings(chosen: Hit, hits: Sequence[Hit]) -> list[Hit]:
    """The hits whose official name shares a word pair with ``chosen``'s: variants, not strangers."""

    def pairs(name: str) -> set[tuple[str, str]]:
        words = _folded_words(name).split()
        return set(itertools.pairwise(words))

    own = pairs(chosen.name)
    return [h for h in hits if h is not chosen and pairs(h.name) & own]


def _folded_words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", fold(normalize_text(text)))) + " "


def is_variant(name: str, question: str = "", shared: Sequence[str] = ()) -> bool:
    """Whether an official name carries a variant qualifier the question does not mention; the markers in
    ``shared`` are no qualifier here (see :func:`shared_markers`)."""
    words, asked = _folded_words(name), _folded_words(question)
    return any(f" {m} " in words and f" {m} " not in asked and m not in shared for m in VARIANT_MARKERS)


def shared_markers(hit: Hit, hits: Sequence[Hit]) -> list[str]:
    """The variant markers of ``hit``'s name that are words of its topic, not a qualifier: when another of
    ``hits`` is ``hit``'s name with a qualifier added ("... có yếu tố nước ngoài"), the markers every
    sibling has. "Thay đổi, cải chính, bổ sung thông tin hộ tịch" is then the common case of its foreign
    variant although "thay đổi" and "cải chính" are variant words elsewhere; two names that merely share
    "điều chỉnh" keep it as a qualifier."""
    siblings = _siblings(hit, hits)
    own = _folded_words(hit.name)
    if not any(_folded_words(s.name).startswith(own) for s in siblings):
        return []
    return [
        m
        for m in VARIANT_MARKERS
        if f" {m} " in own and all(f" {m} " in _folded_words(s.name) for s in siblings)
    ]


def age_range(name: str) -> tuple[int, int] | None:
    """(lowest, highest) age a procedure is for, from its name ("dưới 14 tuổi" -> (0, 13))."""
    words = _folded_words(name)
    under = _UNDER.search(words)
    low = _FROM.search(words)
    if not under and not low:
        return None
    return (int(low.group(1)) if low else 0, int(under.group(1)) - 1 if under else 200)


def stated_age(question: str) -> int | None:
    """The age the citizen gives ("con 10 tuổi" -> 10, "bé 6 tháng tuổi" or "mới sinh" -> 0)."""
    text = normalize_text(question)
    if _MONTHS.search(text) or any(f" {w} " in _folded_words(text) for w in _NEWBORN):
        return 0
    match = _AGE.search(text)
    return int(match.group(1)) if match else None


def about_a_child(question: str) -> bool:
    words = _folded_words(question)
    return any(f" {w} " in words for w in _CHILD)


# "hai đứa đều người Việt", "kết hôn trong nước": the citizen rules out a foreign element.
_DOMESTIC = (
    "trong nuoc", "deu la nguoi viet", "deu nguoi viet", "ca hai la nguoi viet", "khong co yeu to nuoc ngoai",
    "khong yeu to nuoc ngoai", "khong phai nguoi nuoc ngoai",
)  # fmt: skip


def contradicted(question: str, hit: Hit) -> bool:
    """Whether what the citizen said rules ``hit`` out: an age outside the ages it is for ("con tui 10
    tuổi" against "... từ đủ 14 tuổi trở lên"), or a foreign element when they said there is none."""
    age = stated_age(question)
    span = age_range(hit.name)
    if age is not None and span is not None and not span[0] <= age <= span[1]:
        return True
    asked = _folded_words(question)
    return " nuoc ngoai " in _folded_words(hit.name) and any(f" {d} " in asked for d in _DOMESTIC)


def settle(question: str, hits: Sequence[Hit], ambiguous: bool) -> Settlement:
    """Which of the search ``hits`` to answer for ``question`` and which to offer (see the module doc);
    a procedure that what the citizen said rules out is never offered (``contradicted``)."""
    settled = _settle(question, hits, ambiguous)
    settled.offered = [h for h in settled.offered if not contradicted(question, h)]
    if settled.answer is None and settled.ask and len(settled.offered) == 1:
        return Settlement(settled.offered[0])  # one choice left: nothing to ask
    return settled


def _settle(question: str, hits: Sequence[Hit], ambiguous: bool) -> Settlement:
    if not hits:
        return Settlement(None)
    refused = refused_benefits(question)
    kept = [h for h in hits if not _for_receivers(h.name, [b for b, _ in refused])]
    if kept and len(kept) < len(hits):
        # what the citizen said rules some out ("má tui 81 tuổi, hổng có lương hưu"): the rest settles it
        settled = _settle(question, kept, ambiguous)
        if settled.answer is not None:
            age = stated_age(question)
            settled.facts = [*([f"{age} tuổi"] if age else []), *(said for _, said in refused)]
            settled.offered = _siblings(settled.answer, settled.offered)
        return settled
    top = hits[0]
    reissue = _reissue_over_report(question, hits)
    if reissue is not None:
        return Settlement(*reissue)
    report = _report_over_issue(question, hits)
    if report is not None:
        return Settlement(*report, next_step=True)
    if not ambiguous:
        return Settlement(top)
    close = [h for h in hits if h.score >= CLOSE_RATIO * top.score]
    if len(close) == 1:
        return Settlement(top)
    named = named_in(question, close)
    if named is not None:
        # "... đối với thủ tục đăng ký thường trú trong trường hợp ...": the question writes the official
        # name out; its siblings are offered
        return Settlement(named, [h for h in close if h is not named][:MAX_OFFERED])

    ranged = [(h, age_range(h.name)) for h in close]
    ranged = [(h, r) for h, r in ranged if r is not None]
    # An age split: the top procedure is for an age range, and close siblings for other ranges.
    if age_range(top.name) is not None and len({r for _, r in ranged}) >= 2:
        others = [h for h in close if all(h is not r[0] for r in ranged)]
        age = stated_age(question)
        if age is None and about_a_child(question):
            return Settlement(None, [h for h, _ in ranged][: MAX_OFFERED + 1], ask="age")
        target = 30 if age is None else age
        fitting = [h for h, (low, high) in ranged if low <= target <= high]
        if fitting:
            chosen = fitting[0]
            rest = [h for h, _ in ranged if h is not chosen] + others
            return Settlement(chosen, rest[:MAX_OFFERED], facts=[f"{age} tuổi"] if age else [])

    plain = [h for h in close if not is_variant(h.name, question, shared_markers(h, close))]
    if not plain:
        return Settlement(None, close[: MAX_OFFERED + 1], ask="which")
    best_plain = plain[0]
    chosen: Hit | None
    if best_plain is not top and (
        top.score >= VARIANT_LEAD * best_plain.score or only_named(question, top, best_plain)
    ):
        chosen = top  # the question itself points at the variant
    elif (
        len(plain) >= 2 and plain[1].score >= SPLIT_RATIO * best_plain.score and not _one_contains(plain[:2])
    ):
        return Settlement(None, close[: MAX_OFFERED + 1], ask="which")
    else:
        chosen = best_plain
    return Settlement(chosen, [h for h in close if h is not chosen][:MAX_OFFERED])


def _name_words(name: str) -> set[str]:
    return set(_folded_words(name).split()) - STOP_SYLLABLES - FILLER_SYLLABLES


def only_named(question: str, top: Hit, other: Hit) -> bool:
    """Whether the question's own words are in ``top``'s official name and not in ``other``'s, and none
    the other way: "mua xe máy cũ, sang tên" names the vehicle transfer («... thay đổi chủ xe (đăng ký
    sang tên xe)»), whose "thay đổi" is no variant of the land transfer that merely scores near it."""
    asked = _name_words(question)
    own, others = _name_words(top.name), _name_words(other.name)
    return bool(asked & (own - others)) and not asked & (others - own)


# Official names this short ("Cấp", "Đăng ký") are words of any question, not a name written out.
MIN_NAME_WORDS = 3


def named_in(question: str, hits: Sequence[Hit]) -> Hit | None:
    """The hit whose whole official name (without its bracketed level) the question writes out, the
    longest when several are ("đăng ký khai sinh có yếu tố nước ngoài" writes out both "Đăng ký khai
    sinh" and its foreign variant); None when none is."""
    asked = _folded_words(question)
    written = [
        (len(name.split()), h)
        for h in hits
        if len((name := _folded_words(re.sub(r"\(.*?\)", " ", h.name)).strip()).split()) >= MIN_NAME_WORDS
        and f" {name} " in asked
    ]
    return max(written, key=lambda pair: pair[0])[1] if written else None


# "mất hộ chiếu rồi, làm lại bao nhiêu": the citizen asks to have the paper made again; the report of its
# loss ("Trình báo mất hộ chiếu") is a step before it, offered beside the answer, not a question to ask.
_REISSUE = (" lam lai ", " cap lai ", " xin lai ", " lam moi ", " cap moi ", " lam cai khac ")
_REPORT_NAMES = (" trinh bao ", " khai bao mat ", " thong bao mat ", " bao mat ")


def _reissue_over_report(question: str, hits: Sequence[Hit]) -> tuple[Hit, list[Hit]] | None:
    """(the procedure that issues the paper, [the report of its loss]) when the question asks to make a
    paper again and one of the two best hits only reports its loss; None otherwise."""
    if not any(w in _folded_words(question) for w in _REISSUE):
        return None
    report = next((h for h in hits[:2] if _is_report(h.name)), None)
    if report is None:
        return None
    topic = _name_pairs(report.name)
    issuing = next((h for h in hits if not _is_report(h.name) and _name_pairs(h.name) & topic), None)
    return (issuing, [report]) if issuing is not None else None


def _report_over_issue(question: str, hits: Sequence[Hit]) -> tuple[Hit, list[Hit]] | None:
    """(the report of a paper's loss, [the procedure that issues the paper]) when the question tells the
    loss ("hộ chiếu bị mất rồi giờ phải làm gì") without asking to have the paper made again, and the
    report is one of the two best hits, close to the top: the report comes first (the law gives days to
    file it), the re-issue is offered beside it. None otherwise."""
    words = _folded_words(question)
    if any(w in words for w in _REISSUE) or REISSUE not in query_actions(words.split()):
        return None
    report = next((h for h in hits[:2] if _is_report(h.name)), None)
    if report is None or report.score < CLOSE_RATIO * hits[0].score:
        return None
    topic = _name_pairs(report.name)
    issuing = [h for h in hits if not _is_report(h.name) and _name_pairs(h.name) & topic]
    return (report, issuing[:1]) if issuing else None


def _is_report(name: str) -> bool:
    return any(w in _folded_words(name) for w in _REPORT_NAMES)


def _name_pairs(name: str) -> set[tuple[str, str]]:
    """Word pairs of an official name without its bracketed level ("(thực hiện tại cấp xã)")."""
    return set(itertools.pairwise(_folded_words(re.sub(r"\(.*?\)", " ", name)).split()))


def _one_contains(hits: Sequence[Hit]) -> bool:
    """Whether one name is the start of the other ("Đăng ký khai sinh" / "Đăng ký khai sinh cho ...")."""
    a, b = (_folded_words(h.name).strip() for h in hits[:2])
    return a.startswith(b) or b.startswith(a)


def variant_note(chosen: Hit, offered: Sequence[Hit]) -> str:
    """What distinguishes each offered procedure from the one answered, for the offer line."""
    base = chosen.name.rstrip()
    parts = []
    for hit in offered:
        name = hit.name.strip()
        if name.lower().startswith(base.lower()) and len(name) > len(base) + 2:
            parts.append(name[len(base) :].strip(" ,"))
        else:
            parts.append(f"«{_lower_first(name)}»")
    return "; ".join(parts)


def _lower_first(name: str) -> str:
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


_POSITIONS = {
    # "đầu" alone is not a position: folded it is also "đâu" ("nộp ở đâu")
    ("cai dau", "dau tien", "thu nhat", "so 1", "1", "mot"): 0,
    ("thu hai", "thu 2", "so 2", "2", "hai"): 1,
    ("thu ba", "thu 3", "so 3", "3"): 2,
    ("thu tu", "thu 4", "so 4", "4"): 3,
    ("cuoi", "cuoi cung"): -1,
}
# Answers that pick the ordinary case among offered variants.
_PLAIN_WORDS = ("trong nuoc", "binh thuong", "thong thuong", "khong co yeu to", "lan dau", "nguoi viet")
_STOP = _words("cai thu tuc cua cho la thi va nha a ah oi da vay z dzay nhe nhen di")
# Words of official names too common to tell two procedures apart in a reply.
_FUNCTION_WORDS = _words("co cho cua va nguoi doi voi tai o tu den khi trong theo ve cac mot")


def match_choice(
    text: str, choices: Sequence[tuple[str, str]], answered: tuple[str, str] | None = None
) -> str | None:
    """The code among ``choices`` ((code, official name) as offered, in button order) that a typed reply
    picks: by position ("cái thứ 2"), by age, by the words that tell the names apart ("nước ngoài", "kết
    hợp"), or the ordinary one ("trong nước", "bình thường"), which may be ``answered``, the procedure
    answered with the choices offered. None when the reply picks none of them."""
    if not choices:
        return None
    everything = [*choices, *([answered] if answered else [])]
    words = _without_takes(_folded_words(text))
    content = [w for w in words.split() if w not in _STOP]
    age = stated_age(text)
    ranged = [(code, r) for code, name in everything if (r := age_range(name))]
    if age is not None and len(ranged) >= 2:  # the choices split by age ("dưới 14" / "từ đủ 14")
        fitting = [code for code, (low, high) in ranged if low <= age <= high]
        if len(fitting) == 1:
            return fitting[0]
    if len(content) <= 3:
        for phrases, position in _POSITIONS.items():
            if any(f" {p} " in words for p in phrases) and -len(choices) <= position < len(choices):
                return choices[position][0]
    if any(f" {p} " in words for p in _PLAIN_WORDS) and " nuoc ngoai " not in words.replace(
        " khong co yeu to nuoc ngoai ", " "
    ):
        plain = [code for code, name in everything if not is_variant(name)]
        if len(plain) == 1:
            return plain[0]
    name_words = [set(_folded_words(name).split()) - _FUNCTION_WORDS for _, name in everything]
    by_action = _picked_by_action(text, content, everything, set.union(*name_words))
    if by_action is not None:
        return by_action
    shared = set.intersection(*name_words) if name_words else set()
    said = set(content)
    scores = [len((w - shared) & said) for w in name_words]
    best = max(scores)
    if best < 1 or scores.count(best) != 1:
        return None
    picked = scores.index(best)
    # A variant is picked only by words of its own, whatever the message's length: two in a row that only
    # its name has ("nước ngoài", "kết hợp", "nhận con"), or a reply made of nothing but words of the names
    # offered ("cái cấp lại"). A question sharing a word with a name by chance ("làm mất bao lâu" and "bảo
    # hiểm", "ba mẹ em con đi làm xa" and "nhận cha, mẹ, con") is a follow-up on the procedure answered.
    vocabulary = set.union(*name_words) | _FUNCTION_WORDS
    only_names = all(w in vocabulary for w in content)
    if not (only_names or _names_clearly(words, name_words[picked] - shared)):
        return None
    return everything[picked][0]


def _without_takes(words: str) -> str:
    """Folded ``words`` without a "mất" that says what something takes ("mất bao nhiêu ngày", "mất tiền":
    an aspect phrase), which is no word of a loss report's name ("Trình báo mất hộ chiếu")."""
    tokens = words.split()
    takes = {i for i in aspect_positions(tokens) if tokens[i] == "mat"}
    return " " + " ".join(t for i, t in enumerate(tokens) if i not in takes) + " "


# Syllables of the action cues ("cấp lại", "bị mất", "hết hạn") and the words giving a reason ("do mất",
# "vì hết hạn"): a reply made of them and of the names' words says only what is to be done.
_REASON_WORDS = _words("do vi bi tai roi luon")


def _cue_words(actions: frozenset[str]) -> frozenset[str]:
    return frozenset(w for phrase, action in QUERY_ACTION_CUES if action in actions for w in phrase)


def _picked_by_action(
    text: str, content: Sequence[str], everything: Sequence[tuple[str, str]], vocabulary: set[str]
) -> str | None:
    """The one procedure among ``everything`` doing what a reply asks to have done ("cấp lại do mất á"
    under the ID card's variants: «Cấp lại thẻ căn cước»), when the reply says nothing but the action and
    words of the names offered; a first issue ("làm mới") is no pick (the ages split it). None otherwise."""
    wanted = query_actions(re.findall(r"[a-z0-9]+", fold(normalize_text(text)))) - {NEW}
    said = vocabulary | _cue_words(wanted) | _REASON_WORDS
    if not wanted or any(w not in said for w in content):
        return None
    doers = [code for code, name in everything if name_actions(name) & wanted]
    return doers[0] if len(doers) == 1 else None


# Words a citizen uses of the people in the story ("ba mẹ em con", "vợ chồng tui"): in a variant's name
# ("nhận cha, mẹ, con") they tell it apart only with the words around them.
_PEOPLE = _words("cha me ba ma con vo chong ong anh chi em be chau")


def _names_clearly(words: str, own: set[str]) -> bool:
    """Whether folded ``words`` hold two words in a row that only the variant's name has (``own``), not
    both words for people ("nước ngoài", "kết hợp", "nhận cha", "đã có hồ sơ"; not "cha mẹ")."""
    said = words.split()
    return any(
        a in own and b in own and not (a in _PEOPLE and b in _PEOPLE) for a, b in itertools.pairwise(said)
    )
