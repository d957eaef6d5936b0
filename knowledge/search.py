"""Procedure search: Vietnamese, diacritics-insensitive, typo-tolerant, synonym and abbreviation aware.

Ranking, for a query normalised once (``normalize_text`` + ``expand_abbreviations``) and folded
(``fold``: lower case, no diacritics) into syllables:

1. BM25F over each procedure's fields (name, aliases, keywords, terms from
   ``vietnam/data/procedure_terms.yml``, field of work, result), on syllables and syllable bigrams.
2. Phrase matches: an alias, keyword or synonym met as a whole phrase in the query adds a bonus that
   grows with its length; a phrase inside a longer matched phrase adds none ("sang tên sổ đỏ" beats
   "sổ đỏ"). Synonym entries expand the query with their canonical term ("sổ đỏ" -> "giấy chứng nhận
   quyền sử dụng đất").
3. Typos: a query syllable that no procedure uses is replaced by the closest known syllables
   (rapidfuzz), or split in two when two syllables were typed together.
4. Priors: shipped (curated, Đồng Tháp) records over imported ones; commune/province level over
   ministry level.
5. Action: what the citizen wants done (first issue, re-issue, exchange, extension, re-registration,
   change, correction, suspension, closing, authorising someone; certifying a signature or a copy),
   read from cue words of the question ("mất", "hết hạn", "đăng ký lại", "tạm nghỉ", "lãnh dùm"),
   is matched with what each procedure does, read from its official name ("Cấp lại ...", "Đổi ...",
   "Đăng ký lại ...", "Chấm dứt ..."). The fit multiplies the score, so sibling procedures that share
   every topic word are told apart however many topic words the question repeats. A question that
   names no action leaves siblings close (the first issue slightly ahead) and the bot asks.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from vietnam.procedure_terms import TERMS_FILE, TermEntry, load_terms
from vietnam.text import expand_abbreviations, fold, normalize_text

try:
    from vietnam.places import find_places
except ImportError:  # pragma: no cover - the places module is part of the bot package
    find_places = None  # type: ignore[assignment]

__all__ = [
    "TERMS_PATH",
    "IndexDoc",
    "ProcedureHit",
    "SearchIndex",
    "TermEntry",
    "is_ambiguous",
    "load_terms",
    "tokenize",
]

TERMS_PATH = TERMS_FILE

# Syllables that carry the question, not the procedure (folded). Bigrams keep them.
# fmt: off
STOP_SYLLABLES = frozenset(
    [
        "a", "ah", "oi", "da", "vay", "nhe", "ne", "ha", "hoi", "cho", "em", "anh", "chi", "toi", "minh",
        "con", "ong", "ba", "chu", "bac", "can", "gi", "nhung", "nao", "the", "sao", "lam", "duoc",
        "khong", "ko", "k", "phai", "muon", "xin", "biet", "voi", "va", "hay", "hoac", "la", "thi", "ma",
        "bao", "nhieu", "tien", "lau", "may", "ngay", "o", "dau", "den", "ve", "nop", "khoang", "nay",
        "kia", "roi", "chua", "thu", "tuc", "giay", "nhu", "cach", "thong", "tin", "co",
    ]
)
# fmt: on
# Phrases that ask about an aspect (fee, time, online, documents) rather than name a procedure: they do
# not score on their own ("còn lệ phí thì sao?" finds nothing), but still count inside a known phrase.
# fmt: off
ASPECT_PHRASES = tuple(tuple(p.split()) for p in (
    "le phi", "phi", "mien phi", "chi phi", "tien phi", "thoi gian", "thoi han", "bao lau",
    "mat bao lau", "truc tuyen", "online", "onl", "qua mang", "tren mang", "dich vu cong", "link",
    "giay to", "ho so", "thanh phan", "tra ket qua", "nhan ket qua", "o dau", "cho nao", "dia chi",
    "bao nhieu", "nhieu ngay", "giay gi", "nop", "lam sao", "the nao", "nhu the nao", "duoc khong",
    "thu tuc", "ton tien", "mat tien", "het tien", "ton phi", "mat phi", "may ngay", "lau khong",
    "bao gio", "khi nao", "mang theo", "dem theo", "can mang", "chuan bi",
))
# fmt: on
_ASPECT_BY_FIRST: dict[str, list[tuple[str, ...]]] = defaultdict(list)
for _aspect_phrase in ASPECT_PHRASES:
    _ASPECT_BY_FIRST[_aspect_phrase[0]].append(_aspect_phrase)
# Everyday words for what a procedure is about, and the administrative words in procedure names. Search
# only (the NLU gazetteer reads vietnam/data/procedure_terms.yml, which names procedures). Words for what
# is to be done ("mất", "đổi", "sửa", "nghỉ bán") are not expanded into topic words here: they are
# read as the question's action (see ``query_actions``), which cannot pull in another topic.
QUERY_SYNONYMS: dict[tuple[str, ...], tuple[str, ...]] = {
    tuple(k.split()): tuple(v.split())
    for k, v in {
        "chua vo": "tinh trang hon nhan",
        "chua chong": "tinh trang hon nhan",
        "doc than": "tinh trang hon nhan",
        "noi o": "cu tru",
        "cho o": "cu tru",
        "lan tay": "diem chi",
        "khong biet ky": "diem chi",
        "hoan tien": "thanh toan truc tiep",
        "thuong binh": "nguoi co cong",
        "liet si": "nguoi co cong",
        "sanh": "sinh",
        "cuoi": "ket hon",
        "lay chong": "ket hon",
        "lay vo": "ket hon",
        "chet": "khai tu",
        "qua doi": "khai tu",
        "tu tran": "khai tu",
    }.items()
}  # fmt: skip
FIELD_WEIGHTS = {"name": 1.0, "aliases": 1.0, "terms": 0.9, "keywords": 0.6, "result": 0.25, "field": 0.2}
K1 = 1.2
B = 0.6
BIGRAM_WEIGHT = 1.6
STOP_BIGRAM_FACTOR = 0.4
PHRASE_WEIGHT = 2.2
EXPANSION_WEIGHT = 0.6
SHIPPED_PRIOR = 1.25
LOCAL_LEVEL_PRIOR = 1.08
CENTRAL_ONLY_PRIOR = 0.85
AMBIGUITY_RATIO = 0.88
# Offer the foreign-element variant (the bot asks which) when it scores at least this share of the top;
# 0.55 gives the same decisions with the shipped catalogue alone and with the national crawl imported.
VARIANT_RATIO = 0.55
COMMON_FRACTION = 0.08  # a gram in more than this share of documents is "common"
COMMON_MIN_DF = 50

_WORD = re.compile(r"[a-z0-9]+")
_ANY_WORD = re.compile(r"\w+")
_LIST_SEPARATOR = re.compile(r"[,;/]")


def tokenize(text: str) -> list[str]:
    """Folded syllables of ``text`` (NFC first, so ``fold`` keeps one character per character)."""
    return _WORD.findall(fold(unicodedata.normalize("NFC", text)))


def _query_tokens(text: str) -> list[str]:
    return tokenize(expand_abbreviations(normalize_text(text)))


_PLACE_PREPOSITION = re.compile(r"(?i)(?<!\w)(?:ở|o|tại|tai)\s+$")


def _without_places(text: str) -> str:
    """Blank out commune/ward/district names: "ở Cao Lãnh" says where, not which procedure ("lãnh")."""
    if find_places is None:
        return text
    matches = find_places(text)
    if not matches:
        return text
    chars = list(text)
    for match in matches:
        start = match.start
        # "ở Cao Lãnh", "tại xã ...": the preposition goes with the place.
        before = _PLACE_PREPOSITION.search(text, 0, start)
        if before and before.end() == start:
            start = before.start()
        chars[start : match.end] = " " * (match.end - start)
    return "".join(chars)


def _query_variants(text: str) -> list[list[str]]:
    """The query's syllables with abbreviations spelt out, and as typed when that differs: a short form
    can also be a word ("so hong" is "sổ hồng", not "sổ không"). Place names are left out."""
    normalized = _without_places(normalize_text(text))
    expanded = tokenize(expand_abbreviations(normalized))
    raw = tokenize(normalized)
    return [expanded] if raw == expanded else [expanded, raw]


# Words that tell a foreign element is involved (folded, matched as whole syllable sequences).
FOREIGN_HINTS = (
    "nuoc ngoai", "yeu to", "viet kieu", "quoc tich", "ngoai quoc", "dinh cu", "ngoai kieu", "han quoc",
    "trung quoc", "dai loan", "nhat ban", "campuchia", "thai lan", "singapore", "malaysia", "anh quoc",
    "nguoi my", "nuoc my", "ben my", "nguoi uc", "ben uc", "nguoi tay", "chong tay", "vo tay", "nguoi han",
    "chong han", "chong dai loan", "chong trung quoc", "nguoi nhat", "nguoi lao", "nuoc lao",
)  # fmt: skip
FOREIGN_SUFFIX = ("co", "yeu", "to", "nuoc", "ngoai")
FOREIGN_PENALTY = 0.6
FOREIGN_BOOST = 1.2
# The top hit must match for real (not just one stray word) before its foreign variant is offered.
MIN_VARIANT_SCORE = 8.0
# Action fit (see ``action_factor``), multiplying a procedure's score.
ACTION_MATCH = 1.4
ACTION_MISMATCH = 0.75
ACTION_UNASKED = 0.95


# ------------------------------------------------------------------------------------ actions
# What the citizen wants done (a new paper, a replacement, a change, ...), read from cue words in the
# question, against what each procedure does, read from its official name. Siblings ("Đăng ký khai
# sinh" / "Đăng ký lại khai sinh", "Đăng ký thành lập hộ kinh doanh" / "Chấm dứt hoạt động hộ kinh
# doanh") share their topic words, so BM25 alone cannot tell them apart; the action can.
NEW, REISSUE, EXCHANGE, EXTEND, REREGISTER, CHANGE, CORRECT, SUSPEND, TERMINATE, AUTHORISE = (
    "new", "reissue", "exchange", "extend", "reregister", "change", "correct", "suspend", "terminate",
    "authorise",
)  # fmt: skip
# Not lifecycle actions but the same kind of sibling split: certifying a signature or thumbprint vs
# certifying a copy.
SIGNATURE, COPY = "signature", "copy"
LIFECYCLE = frozenset(
    {NEW, REISSUE, EXCHANGE, EXTEND, REREGISTER, CHANGE, CORRECT, SUSPEND, TERMINATE, AUTHORISE}
)


# A procedure doing a related action is not penalised: a lost birth certificate is replaced by a copy
# of the register's extract; a card past its date is exchanged or renewed; a wrong entry is corrected
# by a change.
RELATED_ACTIONS: dict[str, frozenset[str]] = {
    REISSUE: frozenset({COPY, EXCHANGE}),
    EXCHANGE: frozenset({REISSUE, EXTEND}),
    EXTEND: frozenset({EXCHANGE}),
    REREGISTER: frozenset({REISSUE}),
    CHANGE: frozenset({CORRECT}),
    CORRECT: frozenset({CHANGE}),
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(spec: dict[str, str]) -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple(
        (tuple(phrase.split()), action)
        for action, phrases in spec.items()
        for phrase in phrases.split(",")
        if phrase.strip()
    )


# Words of official procedure names (folded) -> the action the procedure performs.
NAME_ACTION_CUES = _phrases({
    NEW: "lan dau,cap moi,thanh lap,dang ky moi,xay dung moi",
    REISSUE: "cap lai,lam lai,bao mat,bi mat",
    EXCHANGE: "cap doi,doi lai",
    EXTEND: "gia han",
    REREGISTER: "dang ky lai",
    CHANGE: "thay doi,bien dong,dieu chinh,cap nhat,bo sung",
    CORRECT: "cai chinh,dinh chinh,dieu chinh",
    SUSPEND: "tam ngung,tam dung,tiep tuc kinh doanh",
    TERMINATE: "cham dut,thu hoi,thoi huong,giai the,xoa dang ky",
    AUTHORISE: "uy quyen,linh thay,nhan thay",
    SIGNATURE: "chu ky,diem chi",
    COPY: "ban sao",
})  # fmt: skip
# Citizens' words (folded) -> the action they want. "mất" and "đổi" are read in context (below).
QUERY_ACTION_CUES = _phrases({
    NEW: "lan dau,cap moi,lam moi,dang ky moi,chua tung co,chua bao gio co,chua co,mo moi,mo tiem,"
         "mo cua hang,mo quan,thanh lap",
    REISSUE: "cap lai,xin lai,lam lai,in lai,bi mat,lam mat,danh mat,danh roi,that lac,bi chay,chay mat,"
             "bi trom,bi moc tui,bi cuop,khong tim thay,tim khong thay,kiem khong ra,lam rot",
    # A damaged paper is exchanged (Luật Căn cước 2023 art. 24, Luật Đất đai 2024 art. 136), a lost one
    # re-issued.
    EXCHANGE: "cap doi,doi lai,het han,qua han,het date,mau moi,bi hong,hu hong,bi hu,bi rach,rach,bi uot,"
              "bi mo,mo het,nhoe,bi o,bong troc",
    EXTEND: "gia han,het han,qua han,o them,them thoi gian",
    REREGISTER: "dang ky lai",
    CHANGE: "thay doi,dieu chinh,bo sung,cap nhat,sang ten,doi ten,doi ho,doi dia chi,doi chu,doi nganh,"
            "them nganh,bot nganh,doi tru so,chuyen dia diem,chuyen cho,doi cho,doi noi,tang von,giam von",
    CORRECT: "cai chinh,dinh chinh,dieu chinh,sua lai,sua thong tin,ghi sai,bi sai,sai,nham,ghi nham,in sai,"
             "ghi lon,bi lon,lon ten,lon ngay,khong khop,khong trung khop",
    SUSPEND: "tam ngung,tam nghi,nghi tam,ngung tam,tam dung,tam dong,nghi mot thoi gian,tiep tuc kinh doanh,"
             "kinh doanh lai,ban lai,mo cua lai,hoat dong lai",
    TERMINATE: "cham dut,dong cua,nghi ban,dep,giai the,nghi luon,nghi han,ngung han,khong kinh doanh nua,"
               "khong ban nua,tra giay phep,tra lai giay,thoi kinh doanh,xoa,nghi kinh doanh,"
               "ngung kinh doanh,dong ho kinh doanh,ngung hoat dong,thoi ban,khong lam nua,cat ho khau,"
               "cat khau,xoa ten,thoi huong,ngung huong,cat tro cap,khong huong nua,nghi buon,"
               "khong buon ban nua",
    AUTHORISE: "uy quyen,linh thay,lanh thay,nhan thay,nhan dum,nhan gium,lanh dum,lanh gium,"
               "linh dum,lay dum,lay gium,nho nguoi nhan,nho nguoi lanh,nho con nhan,"
               "nho con lanh,nho nguoi nha,nguoi nha nhan,nguoi nha lanh,nguoi nha di,nguoi than nhan,"
               "lanh ho,nhan ho,linh ho",
    SIGNATURE: "chu ky,ky ten,diem chi,lan tay,biet ky,ky giay,ky xac nhan,khong biet chu,mu chu",
    COPY: "ban sao,sao y,photo",
})  # fmt: skip
# "mất" means "lost" before or after a paper, "died" after a person ("ông tôi (đã) mất"), "takes"
# before a duration ("mất bao lâu").
_PERSON = _words(
    "ba me bo ma cha ong chong vo con chau ngoai noi toi tui minh nguoi em anh chi co chu bac di cau thim "
    "nha ay"
)
_JUST = _words("da vua moi")
_LOSS_NOT_BEFORE = _words("bao tien phi nhieu may cong thoi gian lau ngay thang nam hang truoc sau")
# "mặt bằng" (premises) unless "mất bằng lái", "mất bằng tốt nghiệp".
_PAPER_AFTER_BANG = _words("lai tot dai cap")
# "nhận hộ" (on someone's behalf), not "chứng nhận hộ kinh doanh", "lãnh hộ nghèo".
_HOUSEHOLD_AFTER_HO = _words("kinh ngheo can gia khau tich chieu dan")
# A lost register book ("sổ gốc bị cháy", "xã không còn sổ"): the civil status event is registered
# again. A loss word within a few syllables after "sổ" ("sổ gốc ở xã cũng bị cháy"), "mất"/"cháy" just
# before it, or "không còn" ("không còn lưu sổ") within three syllables before it. Not "sổ đỏ", "sổ
# hồng", "sổ BHXH", "sổ hộ khẩu", "sổ tiết kiệm": those are papers, not the civil status register.
_BOOK_LOSS_WINDOW = 6
_NOT_REGISTER_BOOK = _words("do hong bhxh bao ho tiet")
_BOOK_LOSS_AFTER = _words("mat chay hu hong lac")
_BOOK_LOSS_JUST_BEFORE = _words("het mat chay")
_NO_LONGER = frozenset({("khong", "con"), ("hong", "con"), ("ko", "con"), ("k", "con")})
# "Đăng ký khai sinh lại": "lại" after the event, not right after "đăng ký".
_REGISTER_AGAIN_WINDOW = 4
_QUERY_CUES_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
for _phrase, _action in QUERY_ACTION_CUES:
    _QUERY_CUES_BY_FIRST[_phrase[0]].append((_phrase, _action))
# "sửa chữa nhà" repairs a house (a building permit), it corrects nothing.
_REPAIR_AFTER_SUA = _words("chua nha xe mai tuong cai")
# Folded "doi" is "đổi" (exchange, change) but also "đối với", "đối tượng", "đời sống", "đội", "đợi".
# "đổi tên", "đổi địa chỉ", "sửa đổi" change a record; "đổi thẻ", "đổi bằng" exchange a paper.
_NOT_EXCHANGE_BEFORE_DOI = _words("thay chuyen bien cap")
_CHANGE_BEFORE_DOI = _words("sua")
_NOT_DOI_AFTER = _words("voi tuong chieu tac thoai ung xu dien song ngu phuong khang lap ngoai dau moi")
_CHANGE_AFTER_DOI = _words("ten ho chu dia nganh tru noi cho von thanh")


def _doi_action(before: str, after: str) -> str | None:
    """The action of a bare "doi" between ``before`` and ``after``, if it is "đổi" at all."""
    if after in _NOT_DOI_AFTER or before in _NOT_EXCHANGE_BEFORE_DOI:
        return None
    if before in _CHANGE_BEFORE_DOI or after in _CHANGE_AFTER_DOI:
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


@lru_cache(maxsize=4096)
def _query_actions(tokens: tuple[str, ...]) -> frozenset[str]:
    aspect = _aspect_positions(tokens)
    actions: set[str] = set()
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        for phrase, action in _QUERY_CUES_BY_FIRST.get(token, ()):
            end = i + len(phrase)
            if tokens[i:end] != phrase or (end - i == 1 and i in aspect):
                continue
            following = tokens[end] if end < len(tokens) else ""
            if phrase[-1] == "doi" and following in _NOT_DOI_AFTER:
                continue  # "trợ cấp đối với"
            if phrase[-1] == "mat" and following in _LOSS_NOT_BEFORE:
                continue  # "làm mất bao lâu" takes time
            if phrase[-1] == "ho" and following in _HOUSEHOLD_AFTER_HO:
                continue
            actions.add(action)
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i < last else ""
        if token == "mat":
            if before in _JUST:
                before = tokens[i - 2] if i > 1 else ""
            premises = after == "bang" and (tokens[i + 2] if i + 2 <= last else "") not in _PAPER_AFTER_BANG
            if i not in aspect and before not in _PERSON and after not in _LOSS_NOT_BEFORE and not premises:
                actions.add(REISSUE)
        elif token == "doi":
            doi = _doi_action(before, after)
            if doi:
                actions.add(doi)
        elif token == "sua":
            if after not in _REPAIR_AFTER_SUA:
                actions.add(CORRECT)
        elif token == "dang" and after == "ky" and "lai" in tokens[i + 2 : i + 2 + _REGISTER_AGAIN_WINDOW]:
            actions.add(REREGISTER)
    if SUSPEND in actions:  # "tạm nghỉ bán" pauses; "nghỉ bán" alone would close
        actions.discard(TERMINATE)
    if REISSUE in actions and _book_lost(tokens):
        actions.add(REREGISTER)
    return frozenset(actions)


def _book_lost(tokens: Sequence[str]) -> bool:
    for i, token in enumerate(tokens):
        if token not in ("so", "luu"):  # the register book, its archive ("không còn lưu")
            continue
        if i + 1 < len(tokens) and tokens[i + 1] in _NOT_REGISTER_BOOK:
            continue
        if _BOOK_LOSS_AFTER.intersection(tokens[i + 1 : i + 1 + _BOOK_LOSS_WINDOW]):
            return True
        if i and tokens[i - 1] in _BOOK_LOSS_JUST_BEFORE:
            return True
        if any(pair in _NO_LONGER for pair in itertools.pairwise(tokens[max(0, i - 4) : i])):
            return True
    return False


def action_factor(wanted: frozenset[str], does: frozenset[str]) -> float:
    """How much a procedure that ``does`` these actions fits a question that ``wanted`` these."""
    if not wanted:
        return 1.0 if does & LIFECYCLE <= {NEW} else ACTION_UNASKED
    if wanted & does:
        return ACTION_MATCH
    if any(RELATED_ACTIONS.get(action, frozenset()) & does for action in wanted):
        return 1.0
    return ACTION_MISMATCH


@dataclass(frozen=True)
class ProcedureHit:
    """A search result. ``level`` is the lowest level that handles it: commune, province, central."""

    code: str
    name: str
    score: float
    level: str
    origin: str = "shipped"
    levels: tuple[str, ...] = ()
    # "foreign_variant": the same procedure "có yếu tố nước ngoài", offered next to the top hit because
    # the question did not say whether a foreign element is involved.
    variant: str | None = None


@dataclass
class IndexDoc:
    code: str
    name: str
    origin: str
    levels: tuple[str, ...]
    aliases: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    field_name: str | None = None
    result: str | None = None


def _aspect_positions(tokens: Sequence[str]) -> set[int]:
    covered: set[int] = set()
    tokens = tuple(tokens)
    for start, token in enumerate(tokens):
        for phrase in _ASPECT_BY_FIRST.get(token, ()):
            if tokens[start : start + len(phrase)] == phrase:
                covered.update(range(start, start + len(phrase)))
    return covered


def _level(levels: Sequence[str]) -> str:
    for level in ("commune", "province", "central", "other"):
        if level in levels:
            return level
    return levels[0] if levels else "unknown"


def _grams(tokens: Sequence[str]) -> list[str]:
    return [*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens))]


@dataclass
class _Phrase:
    docs: set[int] = field(default_factory=set)
    expansions: set[tuple[str, ...]] = field(default_factory=set)


class SearchIndex:
    """An in-memory BM25F index over the catalogue. Build it once; ``search`` is read-only."""

    def __init__(self, docs: Sequence[IndexDoc], terms: Sequence[TermEntry] = ()) -> None:
        self.docs = list(docs)
        self._by_code = {d.code: i for i, d in enumerate(self.docs)}
        field_texts: dict[str, list[list[str]]] = {f: [[] for _ in self.docs] for f in FIELD_WEIGHTS}
        for i, doc in enumerate(self.docs):
            field_texts["name"][i] = [doc.name]
            field_texts["aliases"][i] = list(doc.aliases)
            field_texts["keywords"][i] = list(doc.keywords)
            field_texts["field"][i] = [doc.field_name] if doc.field_name else []
            field_texts["result"][i] = [doc.result[:300]] if doc.result else []
        for entry in terms:
            if entry.code and entry.code in self._by_code:
                field_texts["terms"][self._by_code[entry.code]] += [entry.term, *entry.aliases]

        # postings[gram] -> {doc: {field: tf}}
        self._postings: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        self._lengths: dict[str, list[int]] = {f: [0] * len(self.docs) for f in FIELD_WEIGHTS}
        vocabulary: set[str] = set()
        for name, per_doc in field_texts.items():
            for i, texts in enumerate(per_doc):
                length = 0
                for text in texts:
                    tokens = tokenize(text)
                    vocabulary.update(tokens)
                    length += len(tokens)
                    for gram in _grams(tokens):
                        slot = self._postings[gram][i]
                        slot[name] = slot.get(name, 0) + 1
                self._lengths[name][i] = length
        self._avg = {
            f: (sum(lengths) / max(1, sum(1 for n in lengths if n))) or 1.0
            for f, lengths in self._lengths.items()
        }
        n_docs = max(1, len(self.docs))
        self._idf = {
            gram: math.log(1 + (n_docs - len(posting) + 0.5) / (len(posting) + 0.5))
            for gram, posting in self._postings.items()
        }
        # Precompute each (gram, doc) contribution: idf * BM25F-saturated weighted term frequency * prior.
        # Grams in many documents ("đăng ký", "cấp") only add to documents that rarer grams found.
        self._priors = [self._prior(doc) for doc in self.docs]
        common_df = max(COMMON_MIN_DF, int(COMMON_FRACTION * n_docs))
        self._contrib: dict[str, tuple[list[int], list[float]]] = {}
        self._common: dict[str, dict[int, float]] = {}
        for gram, posting in self._postings.items():
            idf = self._idf[gram]
            ids: list[int] = []
            values: list[float] = []
            for doc, tfs in posting.items():
                tf = 0.0
                for name, count in tfs.items():
                    norm = 1 - B + B * self._lengths[name][doc] / self._avg[name]
                    tf += FIELD_WEIGHTS[name] * count / norm
                ids.append(doc)
                values.append(idf * tf / (K1 + tf) * self._priors[doc])
            if len(ids) > common_df:
                self._common[gram] = dict(zip(ids, values, strict=True))
            else:
                self._contrib[gram] = (ids, values)
        del self._postings
        self.vocabulary = sorted(vocabulary)
        self._vocab_set = vocabulary

        # Phrases: aliases and keywords of each procedure, term aliases (with or without a code).
        self._phrases: dict[tuple[str, ...], _Phrase] = defaultdict(_Phrase)
        for i, doc in enumerate(self.docs):
            phrases = list(doc.aliases) + list(doc.keywords)
            if doc.origin == "shipped":
                phrases.append(doc.name)
            for text in phrases:
                tokens = tuple(tokenize(text))
                if tokens:
                    self._phrases[tokens].docs.add(i)
        for entry in terms:
            canonical = tuple(tokenize(entry.term))
            for text in (entry.term, *entry.aliases):
                tokens = tuple(tokenize(text))
                if not tokens:
                    continue
                phrase = self._phrases[tokens]
                if entry.code and entry.code in self._by_code:
                    phrase.docs.add(self._by_code[entry.code])
                if canonical != tokens:
                    phrase.expansions.add(canonical)
                vocabulary.update(tokens)
        self._phrases = dict(self._phrases)  # type: ignore[assignment]
        # "Đăng ký khai sinh" -> "Đăng ký khai sinh có yếu tố nước ngoài" (and back).
        by_name = {tuple(tokenize(d.name)): i for i, d in enumerate(self.docs) if d.origin == "shipped"}
        self._foreign_of: dict[int, int] = {}
        self._domestic_of: dict[int, int] = {}
        for name, i in by_name.items():
            if len(name) > len(FOREIGN_SUFFIX) and name[-len(FOREIGN_SUFFIX) :] == FOREIGN_SUFFIX:
                base = by_name.get(name[: -len(FOREIGN_SUFFIX)])
                if base is not None:
                    self._foreign_of[base] = i
                    self._domestic_of[i] = base
        self._actions = [name_actions(d.name) for d in self.docs]
        self._max_phrase = max((len(p) for p in self._phrases), default=1)
        _query_variants("hoà thuận ở Cao Lãnh")  # load normaliser and places tables now, not on a question
        self.vocabulary = sorted(vocabulary)
        # Action cue words are known words, never "corrected" into something else (not targets either).
        self._vocab_set = vocabulary | {t for phrase, _ in QUERY_ACTION_CUES for t in phrase}

    # ------------------------------------------------------------------------------------ queries
    def _correct(self, tokens: list[str]) -> list[str]:
        """Replace syllables no procedure uses by the closest known ones (typos, glued syllables)."""
        return list(self._correct_cached(tuple(tokens)))

    @lru_cache(maxsize=4096)  # noqa: B019 - the index lives as long as its cache
    def _correct_cached(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        out: list[str] = []
        for i, token in enumerate(tokens):
            if token in self._vocab_set or token in STOP_SYLLABLES or token.isdigit() or len(token) < 3:
                out.append(token)
                continue
            split = self._split_glued(token)
            if split:
                out.extend(split)
                continue
            out.append(
                self._closest(token, out[-1] if out else None, tokens[i + 1] if i + 1 < len(tokens) else None)
            )
        return tuple(out)

    def _closest(self, token: str, before: str | None, after: str | None) -> str:
        """The known syllable closest to ``token`` (edit distance with transpositions), preferring one
        that forms a known bigram with its neighbours ("khia sinh" -> "khai sinh", not "khi sinh")."""
        candidates = process.extract(
            token, self.vocabulary, scorer=OSA.normalized_similarity, score_cutoff=0.6, limit=12
        )
        best, best_score = token, 0.0
        for candidate, similarity, _ in candidates:
            score = similarity
            if (before and f"{before} {candidate}" in self._idf) or (
                after and f"{candidate} {after}" in self._idf
            ):
                score += 0.3
            if score > best_score:
                best, best_score = candidate, score
        return best

    def _split_glued(self, token: str) -> tuple[str, str] | None:
        for cut in range(2, len(token) - 1):
            left, right = token[:cut], token[cut:]
            if len(left) > 1 and len(right) > 1 and f"{left} {right}" in self._idf:
                return left, right
        return None

    def _phrase_matches(self, tokens: list[str]) -> list[tuple[int, int, _Phrase]]:
        found: list[tuple[int, int, _Phrase]] = []
        for start in range(len(tokens)):
            for length in range(min(self._max_phrase, len(tokens) - start), 0, -1):
                key = tuple(tokens[start : start + length])
                phrase = self._phrases.get(key)
                if phrase is None:
                    continue
                if length == 1 and key[0] in STOP_SYLLABLES:
                    continue
                found.append((start, start + length, phrase))
        return found

    def search(self, query: str, limit: int = 5) -> list[ProcedureHit]:
        raw_variants = _query_variants(query)
        variants = [self._correct(tokens) for tokens in raw_variants]
        variants = [tokens for tokens in variants if tokens]
        if not variants:
            return []
        weights: dict[str, float] = defaultdict(float)
        bonus: dict[int, float] = defaultdict(float)
        for tokens in variants:
            v_weights, v_bonus = self._query_weights(tokens)
            for gram, weight in v_weights.items():
                weights[gram] = max(weights[gram], weight)
            for doc, value in v_bonus.items():
                bonus[doc] = max(bonus[doc], value)
        folded = " " + " ".join(variants[0]) + " "
        foreign_hint = any(f" {hint} " in folded for hint in FOREIGN_HINTS)
        # Cue words as typed too: slang the catalogue never uses ("nhận dùm") is not a typo.
        wanted = frozenset().union(*(query_actions(tokens) for tokens in (*variants, *raw_variants)))
        return self._rank(weights, bonus, limit, foreign_hint, wanted)

    def _query_weights(self, tokens: list[str]) -> tuple[dict[str, float], dict[int, float]]:
        weights: dict[str, float] = defaultdict(float)
        aspect = _aspect_positions(tokens)
        for i, token in enumerate(tokens):
            if token not in STOP_SYLLABLES and i not in aspect:
                weights[token] += 1.0
        for i, (a, b) in enumerate(itertools.pairwise(tokens)):
            weak_a = a in STOP_SYLLABLES or i in aspect
            weak_b = b in STOP_SYLLABLES or i + 1 in aspect
            if weak_a and weak_b:
                continue
            # A bigram with a question word ("sinh có", "làm khai") is weaker evidence.
            weights[f"{a} {b}"] += BIGRAM_WEIGHT * (STOP_BIGRAM_FACTOR if weak_a or weak_b else 1.0)

        for n in (3, 2, 1):
            for start in range(len(tokens) - n + 1):
                expansion = QUERY_SYNONYMS.get(tuple(tokens[start : start + n]))
                if expansion:
                    for gram in _grams(expansion):
                        weights[gram] += EXPANSION_WEIGHT * (BIGRAM_WEIGHT if " " in gram else 1.0)

        bonus: dict[int, float] = defaultdict(float)
        matches = self._phrase_matches(tokens)
        for start, end, phrase in matches:
            inside_longer = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in matches)
            for expansion in phrase.expansions:
                for gram in _grams(expansion):
                    if gram not in STOP_SYLLABLES:
                        weights[gram] += EXPANSION_WEIGHT * (BIGRAM_WEIGHT if " " in gram else 1.0)
            if inside_longer:
                continue
            for doc in phrase.docs:
                bonus[doc] = max(bonus[doc], PHRASE_WEIGHT * (end - start) ** 0.8)
        return weights, bonus

    def _rank(
        self,
        weights: dict[str, float],
        bonus: dict[int, float],
        limit: int,
        foreign_hint: bool,
        wanted: frozenset[str] = frozenset(),
    ) -> list[ProcedureHit]:
        scores: dict[int, float] = defaultdict(float)
        common: list[tuple[dict[int, float], float]] = []
        for gram, weight in weights.items():
            entry = self._contrib.get(gram)
            if entry is None:
                if gram in self._common:
                    common.append((self._common[gram], weight))
                continue
            for doc, value in zip(*entry, strict=True):
                scores[doc] += weight * value
        prior = self._priors
        for doc, value in bonus.items():
            scores[doc] += value * prior[doc]
        for posting, weight in common:
            if scores:
                for doc in scores:
                    value = posting.get(doc)
                    if value is not None:
                        scores[doc] += weight * value
            else:  # only common words: let them find documents
                for doc, value in posting.items():
                    scores[doc] += weight * value

        factors: dict[frozenset[str], float] = {}
        actions = self._actions
        for doc in scores:
            does = actions[doc]
            factor = factors.get(does)
            if factor is None:
                factor = factors[does] = action_factor(wanted, does)
            if factor != 1.0:
                scores[doc] *= factor
        if foreign_hint:
            for base, variant in self._foreign_of.items():
                if base in scores:
                    scores[base] *= FOREIGN_PENALTY
                if variant in scores:
                    scores[variant] *= FOREIGN_BOOST
        ranked = heapq.nlargest(limit + 1, ((score, doc) for doc, score in scores.items()))
        ranked.sort(key=lambda item: (-item[0], self.docs[item[1]].code))
        ranked = ranked[:limit]
        variant_at: int | None = None
        if (
            ranked
            and not foreign_hint
            and limit > 1
            and ranked[0][1] in self._foreign_of
            and ranked[0][0] >= MIN_VARIANT_SCORE
        ):
            sibling = self._foreign_of[ranked[0][1]]
            rest = [item for item in ranked[1:] if item[1] != sibling]
            sibling_score = scores.get(sibling, 0.0)
            ranked = [ranked[0], (sibling_score, sibling), *rest][:limit]
            variant_at = 1
        hits = []
        for position, (score, doc) in enumerate(ranked):
            d = self.docs[doc]
            hits.append(
                ProcedureHit(
                    code=d.code,
                    name=d.name,
                    score=round(score, 4),
                    level=_level(d.levels),
                    origin=d.origin,
                    levels=d.levels,
                    variant="foreign_variant" if position == variant_at else None,
                )
            )
        return hits

    @staticmethod
    def _prior(doc: IndexDoc) -> float:
        prior = SHIPPED_PRIOR if doc.origin == "shipped" else 1.0
        if "commune" in doc.levels or "province" in doc.levels:
            prior *= LOCAL_LEVEL_PRIOR
        elif doc.levels:
            prior *= CENTRAL_ONLY_PRIOR
        return prior


def is_ambiguous(hits: Sequence[ProcedureHit], ratio: float = AMBIGUITY_RATIO) -> bool:
    """True when the bot should ask which of the first two hits is meant: the second is the top one's
    foreign-element variant, the question did not say and says little else (the variant scores at least
    ``VARIANT_RATIO`` of the top), or the second scores within ``ratio`` of the first."""
    if len(hits) < 2 or hits[0].score <= 0:
        return False
    if hits[1].variant == "foreign_variant":
        return hits[1].score >= VARIANT_RATIO * hits[0].score
    return hits[1].score >= ratio * hits[0].score


def build_index(docs: Iterable[IndexDoc], terms_path: Path = TERMS_PATH) -> SearchIndex:
    return SearchIndex(list(docs), load_terms(terms_path))
