"""What the citizen wants done, and what each procedure does: the action fit of procedure search.

The wanted action (a new paper, a replacement, a change, ...) is read from cue words of the question
("mất", "hết hạn", "đăng ký lại", "tạm nghỉ", "lãnh dùm"); what a procedure does is read from its official
name ("Cấp lại ...", "Đổi ...", "Đăng ký lại ...", "Chấm dứt ..."). Siblings ("Đăng ký khai sinh" /
"Đăng ký lại khai sinh") share their topic words, so BM25 alone cannot tell them apart; the action can.
The cue tables are in ``knowledge.search_cues``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from knowledge.search_cues import (
    AUTHORISE,
    BOOK_LOSS_AFTER,
    BOOK_LOSS_JUST_BEFORE,
    BOOK_LOSS_WINDOW,
    CHANGE,
    CHANGE_AFTER_DOI,
    CHANGE_BEFORE_DOI,
    CONTRACT,
    COPY,
    CORRECT,
    DIED_AFTER,
    EXCHANGE,
    FOR_A_WHILE_COUNTS,
    FOR_A_WHILE_PHRASES,
    FOR_A_WHILE_UNITS,
    FOR_GOOD,
    FOREIGN_HINTS,
    HEIRS,
    HOUSEHOLD_AFTER_HO,
    JUST,
    KIN,
    LIFECYCLE,
    LOSS_NOT_BEFORE,
    NAME_ACTION_CUES,
    NEW,
    NO_LONGER,
    NOT_DOI_AFTER,
    NOT_EXCHANGE_BEFORE_DOI,
    NOT_REGISTER_BOOK,
    PAPER_AFTER_BANG,
    PERSON,
    QUERY_CUES_BY_FIRST,
    RECORD,
    REGISTER_AGAIN_WINDOW,
    REISSUE,
    RELATED_ACTIONS,
    REPAIR_AFTER_SUA,
    REREGISTER,
    SIGNATURE,
    SPEAKER,
    SUSPEND,
    TERMINATE,
    aspect_positions,
)
from vietnam.text import fold

__all__ = ["action_factor", "died_positions", "name_actions", "query_actions"]

# Action fit (see ``action_factor``), multiplying a procedure's score.
ACTION_MATCH = 1.4
ACTION_MISMATCH = 0.75
ACTION_UNASKED = 0.95
RECORD_MISMATCH = 0.5
# A procedure that certifies nothing, when certifying a contract is asked (see ``action_factor``).
UNCERTIFYING = 0.6
# An authorisation to collect what a dead person was owed: the dead authorise no one (``HEIRS``).
DEAD_AUTHORISE = 0.5

_CERTIFIES = frozenset({SIGNATURE, COPY})

_ANY_WORD = re.compile(r"\w+")
_LIST_SEPARATOR = re.compile(r"[,;/]")


def _doi_action(before: str, after: str) -> str | None:
    """The action of a bare "doi" between ``before`` and ``after``, if it is "đổi" at all."""
    if after in NOT_DOI_AFTER or before in NOT_EXCHANGE_BEFORE_DOI:
        return None
    if before in CHANGE_BEFORE_DOI or after in CHANGE_AFTER_DOI:
        return CHANGE
    return EXCHANGE


def _find(tokens: Sequence[str], phrase: tuple[str, ...]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) == phrase]


def name_actions(name: str) -> frozenset[str]:
    """What a procedure does, from its official name; ``new`` when its name says no other action, or
    when it lists several and the first names none ("Thực hiện, điều chỉnh, thôi hưởng trợ cấp ...",
    "Đăng ký, đăng ký lại, điều chỉnh đóng BHXH tự nguyện")."""
    actions = _name_actions(name)
    head = _LIST_SEPARATOR.split(name, maxsplit=1)
    if len(head) > 1 and actions & LIFECYCLE != {NEW} and not _name_actions(head[0]) & (LIFECYCLE - {NEW}):
        actions = actions | {NEW}
    return actions


def _name_actions(name: str) -> frozenset[str]:
    # Official names carry diacritics: only "đổi" folds to "doi" here, never "đối với" or "đời".
    words = _ANY_WORD.findall(unicodedata.normalize("NFC", name).lower())
    tokens = [
        folded if folded != "doi" or word == "đổi" else "-" for word in words for folded in [fold(word)]
    ]
    actions = {action for phrase, action in NAME_ACTION_CUES if _find(tokens, phrase)}
    # "Đổi giấy phép lái xe", "Đổi, cấp lại ...": a bare "đổi" (not "thay đổi", "chuyển đổi") exchanges.
    for i in _find(tokens, ("doi",)):
        action = _doi_action(tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else "")
        if action:
            actions.add(action)
    if not actions & LIFECYCLE:
        actions.add(NEW)
    return frozenset(actions)


def query_actions(tokens: Sequence[str]) -> frozenset[str]:
    """What the citizen wants done, from cue words of the (folded, corrected) question; empty when the
    question does not say."""
    return _query_actions(tuple(tokens))


# "đăng ký kết hôn bên Đài Loan rồi", "ly hôn ở Hàn Quốc rồi": a marriage or divorce said done over there
# ("bên", or "ở"/"tại" a foreign country) is recorded in the civil register, not registered again (RECORD).
_EVENTS_ABROAD = (("ket", "hon"), ("ly", "hon"))
_ABROAD_WINDOW = 6
_ABROAD_MARKERS = frozenset(("ben", "o", "tai"))


def _done_abroad(tokens: Sequence[str]) -> bool:
    """True when a marriage or divorce is said done already, over there or in a foreign country."""
    for i in range(len(tokens) - 1):
        if (tokens[i], tokens[i + 1]) not in _EVENTS_ABROAD:
            continue
        window = list(tokens[i + 2 : i + 2 + _ABROAD_WINDOW])
        if "roi" not in window:
            continue
        where = window[: window.index("roi")]
        said = " " + " ".join(where) + " "
        # "kết hôn với người Hàn rồi" names the spouse, not where the marriage was done
        if "voi" in where or not _ABROAD_MARKERS & set(where):
            continue
        if "ben" in where or any(f" {hint} " in said for hint in FOREIGN_HINTS):
            return True
    return False


@lru_cache(maxsize=4096)
def _query_actions(tokens: tuple[str, ...]) -> frozenset[str]:
    aspect = aspect_positions(tokens)
    actions: set[str] = set()
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        for phrase, action in QUERY_CUES_BY_FIRST.get(token, ()):
            end = i + len(phrase)
            if tokens[i:end] != phrase or (end - i == 1 and i in aspect):
                continue
            following = tokens[end] if end < len(tokens) else ""
            if phrase[-1] == "doi" and following in NOT_DOI_AFTER:
                continue  # "trợ cấp đối với"
            if phrase[-1] == "mat" and following in LOSS_NOT_BEFORE:
                continue  # "làm mất bao lâu" takes time
            if phrase[-1] == "ho" and following in HOUSEHOLD_AFTER_HO:
                continue
            actions.add(action)
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i < last else ""
        if token == "mat":
            if before in JUST:
                before = tokens[i - 2] if i > 1 else ""
            premises = after == "bang" and (tokens[i + 2] if i + 2 <= last else "") not in PAPER_AFTER_BANG
            if i not in aspect and before not in PERSON and after not in LOSS_NOT_BEFORE and not premises:
                actions.add(REISSUE)
        elif token == "doi":
            doi = _doi_action(before, after)
            if doi:
                actions.add(doi)
        elif token == "sua":
            if after not in REPAIR_AFTER_SUA:
                actions.add(CORRECT)
        elif token == "dang" and after == "ky" and "lai" in tokens[i + 2 : i + 2 + REGISTER_AGAIN_WINDOW]:
            actions.add(REREGISTER)
        elif token in _COLLECT and "thay" in tokens[i + 2 : i + 2 + _COLLECT_WINDOW]:
            actions.add(AUTHORISE)  # "lãnh lương hưu thay ổng": collecting it on someone's behalf
    if _done_abroad(tokens):
        actions.add(RECORD)
    if CONTRACT in actions and not _asks_certification(tokens):
        # "hợp đồng lao động", "mua nhà có hợp đồng rồi làm sổ hồng": the contract is the case, not what
        # is to be done; it tells certifications apart only when certifying is asked
        actions.discard(CONTRACT)
    if TERMINATE in actions and _for_a_while(tokens):  # "nghỉ bán vài tháng" pauses
        actions.add(SUSPEND)
    if SUSPEND in actions:  # "tạm nghỉ bán" pauses; "nghỉ bán" alone would close
        actions.discard(TERMINATE)
    if REISSUE in actions and _book_lost(tokens):
        actions.add(REREGISTER)
    if AUTHORISE in actions and _tells_death(tokens) and not _delegates(tokens):
        # "ba em mất tháng trước, còn lương hưu chưa lãnh, gia đình nhận thay được không": the dead cannot
        # authorise anyone; what the family collects in their stead is the heirs' (truy lĩnh, tử tuất)
        actions.discard(AUTHORISE)
        actions.add(HEIRS)
    return frozenset(actions)


# A death said outright ("chết", "qua đời", "từ trần"; "mất" after a relative is read as "chết" by the
# search's correction, ``died_positions`` as typed).
_DEATH = (("chet",), ("qua", "doi"), ("tu", "tran"))
# The speaker hands the errand to someone ("ủy quyền cho chú", "nhờ người nhà lãnh dùm"): a living survivor
# may authorise, whoever died.
_DELEGATE = (("uy", "quyen"), ("nho",))


def _tells_death(tokens: Sequence[str]) -> bool:
    return bool(died_positions(tokens)) or any(_find(tokens, phrase) for phrase in _DEATH)


def _delegates(tokens: Sequence[str]) -> bool:
    return any(_find(tokens, phrase) for phrase in _DELEGATE)


def _for_a_while(tokens: Sequence[str]) -> bool:
    """Whether a stop is said to last a while ("vài tháng", "2 tuần", "một thời gian") and not for good
    ("nghỉ luôn", "đóng hẳn")."""
    if FOR_GOOD.intersection(tokens):
        return False
    if any(_find(tokens, phrase) for phrase in FOR_A_WHILE_PHRASES):
        return True
    return any(
        (count in FOR_A_WHILE_COUNTS or count.isdigit()) and unit in FOR_A_WHILE_UNITS
        for count, unit in itertools.pairwise(tokens)
    )


# "lãnh lương hưu thay", "nhận tiền trợ cấp thay": a collecting verb (Southern "lãnh" is "lĩnh"), the
# benefit, then "thay" within a few syllables.
_COLLECT = frozenset(("lanh", "linh", "nhan"))
_COLLECT_WINDOW = 4

_CERTIFYING = (("chung", "thuc"), ("cong", "chung"))


# "hợp đồng công chứng rồi", "đã chứng thực xong": the certification is a step done, not what is asked
_DONE_AFTER = frozenset(("roi", "xong"))
_DONE_WINDOW = 4


def _asks_certification(tokens: Sequence[str]) -> bool:
    """Whether the folded question asks for certifying or notarising ("chứng thực", "công chứng"), not
    telling it as a step done already ("đã công chứng", "chứng thực rồi")."""
    return any(
        tuple(tokens[i : i + 2]) in _CERTIFYING
        and not (i and tokens[i - 1] == "da")
        and not _DONE_AFTER.intersection(tokens[i + 2 : i + 2 + _DONE_WINDOW])
        for i in range(len(tokens) - 1)
    )


def died_positions(tokens: Sequence[str]) -> frozenset[int]:
    """Positions of "mất" meaning "died" in folded tokens: after a relative ("ba em (vừa) mất", "ông nội
    mất") and before a time, a question or the end ("... mất hôm qua", "... mới mất, cần làm gì")."""
    found: set[int] = set()
    for i, token in enumerate(tokens):
        if token != "mat" or i == 0:
            continue
        j = i - 1
        if tokens[j] in JUST and j > 0:
            j -= 1
        relative = tokens[j] in KIN or (tokens[j] in SPEAKER and j > 0 and tokens[j - 1] in KIN)
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if relative and (not after or after in DIED_AFTER):
            found.add(i)
    return frozenset(found)


def _book_lost(tokens: Sequence[str]) -> bool:
    for i, token in enumerate(tokens):
        if token not in ("so", "luu"):  # the register book, its archive ("không còn lưu")
            continue
        if i + 1 < len(tokens) and tokens[i + 1] in NOT_REGISTER_BOOK:
            continue
        if BOOK_LOSS_AFTER.intersection(tokens[i + 1 : i + 1 + BOOK_LOSS_WINDOW]):
            return True
        if i and tokens[i - 1] in BOOK_LOSS_JUST_BEFORE:
            return True
        if any(pair in NO_LONGER for pair in itertools.pairwise(tokens[max(0, i - 4) : i])):
            return True
    return False


def action_factor(wanted: frozenset[str], does: frozenset[str]) -> float:
    """How much a procedure that ``does`` these actions fits a question that ``wanted`` these.

    A contract or transaction ("hợp đồng", "giao dịch") is asked about in many fields (land, insurance,
    work): it counts only when certifying it is asked ("hợp đồng đó chứng thực ở xã"), and then the
    contract's certification fits, a certified copy or signature does not, and neither does a procedure
    that certifies nothing (the land or mortgage registration the contract is about)."""
    if RECORD in wanted and RECORD not in does:
        # an event done abroad is recorded, never registered again: stronger than a plain mismatch, which
        # the registration's name words ("đăng ký kết hôn") and the foreign boost would outweigh
        return RECORD_MISMATCH
    if HEIRS in wanted:  # the dead authorise no one; their heirs collect
        if AUTHORISE in does:
            return DEAD_AUTHORISE
        return ACTION_MATCH if HEIRS in does else action_factor(wanted - {HEIRS}, does)
    if CONTRACT in wanted:
        rest = wanted - {CONTRACT}
        unasked = does & _CERTIFIES - rest  # a copy of a contract, when no copy was asked for
        if CONTRACT in does:
            return (1.0 if unasked else ACTION_MATCH) * action_factor(rest, does - {CONTRACT})
        if unasked and not rest & does:
            return ACTION_MISMATCH
        if not does & _CERTIFIES and not rest & does:
            # certifying a contract is a certification whatever the contract is about: registering the
            # mortgage it sets up ("hợp đồng thế chấp ... chứng thực ở xã") is another procedure, whose
            # name shares the question's topic words
            return UNCERTIFYING
        wanted = rest
    if not wanted:
        return 1.0 if does & LIFECYCLE <= {NEW} else ACTION_UNASKED
    if wanted & does:
        return ACTION_MATCH
    if any(RELATED_ACTIONS.get(action, frozenset()) & does for action in wanted):
        return 1.0
    return ACTION_MISMATCH
