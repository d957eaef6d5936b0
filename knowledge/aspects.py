"""Which aspect of a procedure a citizen asks about: ``detect_aspect``.

Aspects: ``overview`` (nothing specific), ``documents`` (papers), ``fee``, ``time`` (processing time),
``place`` (where to submit), ``online``, ``eligibility`` (who may apply, the conditions, what one receives
and how much), ``steps``, ``form`` (the form to fill in or download), ``deadline`` (the filing deadline,
e.g. 60 days after a birth, as distinct from the processing time), ``result`` (what one receives in the
end: "kết quả giải quyết gồm những gì") and ``validity`` (how long the paper one
receives stays valid or a registration lasts: "giấy xác nhận độc thân có giá trị bao lâu", "tạm trú được
tối đa bao lâu", "căn cước tới tuổi nào phải đổi", as distinct from the processing time and the filing
deadline). A follow-up like "còn lệ phí thì sao?" maps to ``fee`` for the procedure already in the
conversation, "giấy đó xài được bao lâu" to ``validity``.

The aspect is learnt, not looked up: a multinomial naive Bayes model is trained, when first needed, on the
question frames of ``knowledge/data/aspect_examples.yml`` (how citizens ask about each aspect, each frame
filled with several procedure names so that a procedure's own words carry no aspect). A question is read
as folded words (normalised, abbreviations spelt out, lower case, no diacritics, digits as ``#``) and
described by its words, its word pairs and the cue phrases below; the model weighs them all, so a phrasing
that is in no list ("có tốn đồng nào không", "được lãnh mấy tháng") is still placed by the words it shares
with the examples, and one cue phrase ("giá bao nhiêu") does not decide alone when the rest of the question
says otherwise ("người già bao nhiêu tuổi thì được trợ cấp").

The cue phrases are matched longest first without overlap, so "thời hạn đăng ký" counts for ``deadline``
and not also as "thời hạn" for ``time``; a phrase counts 2 when it says the aspect on its own and 1 when
it is also an everyday word ("phí", "lâu"). ``aspect_points`` gives those points alone.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import yaml

from vietnam.text import expand_abbreviations, fold, normalize_text

__all__ = [
    "ASPECTS",
    "ASPECT_ORDER",
    "EXAMPLES_FILE",
    "AspectModel",
    "aspect_points",
    "cue_positions",
    "detect_aspect",
    "question_words",
    "stated_aspect",
]

EXAMPLES_FILE = Path(__file__).resolve().parent / "data" / "aspect_examples.yml"

ASPECTS = (
    "overview", "documents", "fee", "time", "place", "online", "eligibility", "steps", "form", "deadline",
    "validity", "result",
)  # fmt: skip
# Ties go to the first ("nộp online mất mấy ngày" asks about time).
ASPECT_ORDER = (
    "fee", "deadline", "validity", "time", "online", "form", "place", "eligibility", "result", "documents",
    "steps",
)  # fmt: skip

# Folded keyword phrases per aspect; "#" stands for any number.
_STRONG: dict[str, tuple[str, ...]] = {
    "fee": (
        "le phi", "bao nhieu tien", "nhieu tien", "mat tien", "ton tien", "het tien", "mien phi",
        "chi phi", "tien phi", "gia bao nhieu", "dong tien", "mat bao nhieu", "ton bao nhieu",
        "het bao nhieu", "tra tien", "nop tien", "ton phi", "mat phi", "co phi", "thu phi",
        "giam phi", "giam le phi", "mien giam", "duoc giam", "mien phi khong", "giam tien",
        # "tốn nhiêu", typed "tốn nhiu": how much it costs ("tốn nhiều ngày không": the time, below)
        "ton nhieu", "ton nhiu", "het nhiu", "mat nhiu tien", "bao nhiu tien", "nhiu tien",
    ),
    "time": (
        "bao lau", "may ngay", "bao nhieu ngay", "thoi gian", "thoi han", "mat bao lau", "lau khong",
        "lau ko", "may hom", "bao gio", "khi nao co", "khi nao lay", "khi nao nhan", "may tuan",
        "nhanh khong", "ngay nao", "tra ket qua", "nhieu ngay", "nhieu tuan", "nhieu thang",
        "thoi han giai quyet", "thoi gian giai quyet", "bao lau thi co", "bao lau co",
        "het bao nhieu ngay", "mat bao nhieu ngay", "ton bao nhieu ngay", "het may ngay", "mat may ngay",
        "chung nao", "chung nao co", "chung nao lay", "hoi nao co", "bua nao co", "bua nao lay",
        "lien khong", "lien ko", "lien hong", "co lien", "lay lien", "nhan lien", "lay ngay", "co ngay",
        # "lấy giấy liền trong ngày hay phải hẹn"
        "trong ngay", "lien trong ngay", "phai hen", "giay hen", "hen ngay", "hen lay",
        "ton nhieu ngay", "ton nhieu thoi gian", "ton nhieu thang", "ton nhiu ngay",
        # "mất giấy thì phải chờ xác minh hả": the wait for the office's verification
        "cho xac minh", "doi xac minh", "xac minh bao lau", "xac minh may ngay",
    ),
    "online": (
        "online", "onl", "truc tuyen", "qua mang", "tren mang", "dich vu cong", "vneid", "tai nha",
        "link", "duong link", "website", "trang web", "qua app", "ung dung", "internet", "dvc",
    ),
    "place": (
        "o dau", "cho nao", "noi nao", "dia chi", "co quan nao", "den dau", "lam o", "nop o", "nop tai",
        "tai dau", "di dau", "o cho nao", "phong nao", "bo phan nao", "xa nao", "phuong nao",
        "nop dau", "lam dau", "tham quyen", "co tham quyen", "tiep nhan va giai quyet", "tiep nhan ho so",
        "giai quyet ho so",
        # "ủy ban hay công an", "ra ủy ban được không hay phải ra phòng công chứng": which office
        "uy ban hay", "hay uy ban", "hay cong an", "cong an hay", "hay phai ra", "hay phai len",
        "lien he co quan", "lien he dau", "lien he o dau",
    ),
    "documents": (
        "can gi", "can nhung gi", "chuan bi", "mang theo", "thanh phan", "can mang",
        "nhung gi", "giay gi", "can nhung", "dem theo", "can co", "can gi khong", "giay to gi",
        "ho so gom", "ho so can",
        # "làm hộ chiếu cần ảnh cỡ mấy": the photo is one of the papers
        "anh co may", "hinh co may", "anh co nao", "hinh co nao", "can anh", "can hinh", "may tam anh",
        "may tam hinh", "anh kich thuoc", "hinh kich thuoc",
    ),
    "eligibility": (
        "ai duoc", "ai co the", "ai co quyen", "nguoi nao duoc", "dieu kien", "du dieu kien",
        "tieu chuan", "thuoc dien", "dien nao", "truong hop nao", "co duoc huong", "duoc huong khong",
        "co duoc tro cap", "duoc tro cap khong", "co duoc ho tro", "duoc ho tro khong", "co duoc cap",
        "duoc cap khong", "may tuoi", "bao nhieu tuoi", "du tuoi", "doi tuong nao", "ai phai", "ai lam",
        "ai dung ra", "ai dung ten", "ai di lam", "ai lanh", "ai nhan", "ai ky",
        "bang cap", "chung chi chuyen mon", "trinh do chuyen mon", "trinh do gi", "lop boi duong",
        # who may do it, whether the law allows it
        "lam thay", "di thay", "dung luat", "trai luat",
        # doing it in someone's stead ("tui làm thế cho nó được hông"): who may apply (and see ``_for_whom``)
        "lam the cho", "lam dum cho", "lam gium cho", "lam ho cho",
        # how long a benefit is paid, not how long a paper lasts ("tối đa bao lâu")
        "huong toi da bao lau", "lanh toi da bao lau", "huong toi da may thang",
    ),
    "steps": (
        "cac buoc", "trinh tu", "quy trinh", "tung buoc", "cach lam", "cach thuc", "huong dan cach",
        "buoc nao", "buoc dau", "bat dau tu dau", "lam nhu the nao", "lam the nao", "thu tuc the nao",
        "thu tuc ra sao",
    ),
    "form": (
        "mau don", "to khai", "bieu mau", "mau to khai", "tai mau", "lay mau", "xin mau", "mau so",
        "file mau", "download", "tai ve", "dien mau", "mau nao", "mau gi", "viet don", "mau giay",
        "don mau", "mau ban khai",
    ),
    "deadline": (
        "han chot", "han cuoi", "thoi han dang ky", "thoi han khai", "thoi han nop", "thoi han phai",
        "thoi han lam", "bao lau phai", "trong bao lau", "may ngay phai", "bao nhieu ngay phai",
        "phai dang ky trong", "phai lam trong", "phai khai trong", "phai bao trong", "cham nhat",
        "tre han", "dang ky tre", "khai tre", "lam tre", "dang ky muon", "khai muon", "lam muon",
        "bi phat", "phat khong", "co bi phat", "bi sao khong", "co bi sao", "bi gi khong",
        "qua # ngay", "qua # thang", "tre # ngay", "sau # ngay", "dung han", "khong dung han",
        "qua thoi han", "het thoi han", "truoc bao lau",
    ),
    # What the citizen receives in the end ("kết quả giải quyết gồm những gì"), not when ("trả kết quả").
    "result": (
        "ket qua gom", "ket qua bao gom", "ket qua giai quyet gom", "ket qua giai quyet bao gom",
        "ket qua la gi", "ket qua giai quyet la gi", "ket qua nhan duoc", "nhan duoc nhung gi",
        "nhan duoc giay gi", "duoc cap giay gi", "duoc cap nhung gi", "ket qua thu tuc",
    ),
    # How long the paper received stays valid, or a registration lasts. Not "hết hạn" alone, not even as a
    # weak cue: "căn cước hết hạn rồi đổi ở đâu" tells what happened and asks where.
    "validity": (
        "co gia tri", "gia tri bao lau", "gia tri may", "gia tri den", "gia tri trong", "con gia tri",
        "het gia tri", "gia tri su dung", "hieu luc", "het hieu luc", "con hieu luc", "thoi han su dung",
        "han su dung", "co thoi han", "co han", "con han", "han may nam", "thoi han may nam",
        "thoi han bao nhieu nam", "xai duoc bao lau", "xai bao lau", "dung duoc bao lau",
        "su dung duoc bao lau", "xai duoc may", "dung duoc may", "toi da bao lau",
        "bao lau thi het han", "bao lau het han", "bao lau phai doi", "bao lau thi phai doi",
        "may nam phai doi", "may nam thi phai doi", "bao nhieu nam phai doi", "tuoi nao phai doi",
        "may tuoi phai doi", "may tuoi thi phai doi", "tuoi phai doi", "khi nao het han", "bao gio het han",
        "het han khi nao", "het han chua", "vo thoi han", "khong thoi han", "khong co thoi han",
        "suot doi", "con xai duoc", "con dung duoc", "con su dung duoc",
    ),
}  # fmt: skip
# Everyday words that lean towards an aspect without saying it.
_WEAK: dict[str, tuple[str, ...]] = {
    "fee": ("phi", "tien"),
    # an office named as where to go ("ra ủy ban xã", "phòng công chứng"), which a fee question names too
    "place": ("ra uy ban", "len uy ban", "phong cong chung", "van phong cong chung"),
    "time": ("lau", "may thang", "bao nhieu thang"),
    # "không có giấy chứng sinh thì ...": what replaces a missing paper
    # "hình thẻ cỡ mấy", "ảnh chụp nền gì": the photo is one of the papers
    "documents": (
        "ho so",
        "giay to",
        "khong co giay",
        "hong co giay",
        "thieu giay",
        "hinh the",
        "anh the",
        "hinh chup",
        "anh chup",
        "tam hinh",
        "tam anh",
        "co hinh",
        "kho hinh",
        "kho anh",
        "kich thuoc hinh",
        "kich thuoc anh",
    ),
    # "bằng bị tẩy xóa thì có chứng thực cho không": a paper the office may refuse
    # "bằng bị tẩy xóa thì có chứng thực cho không": a paper the office may refuse; whose consent it needs,
    # what is compulsory, whether a card must be changed: also everyday words ("ba tui đồng ý cho đất rồi")
    "eligibility": (
        "doi tuong",
        "tay xoa",
        "bi tay xoa",
        "bat buoc",
        "lam dum",
        "lam gium",
        "dong y",
        "co phai doi",
        "phai doi lai",
        "co can doi",
    ),
    "steps": ("lam sao", "the nao", "nhu the nao", "ra sao", "huong dan"),
    "form": ("mau",),
    # Not "trễ"/"muộn" alone: folded they are "trẻ" (a child) and "muốn" (to want).
    "deadline": ("qua han", "trong bao nhieu ngay", "trong may ngay"),
    "validity": ("gia tri", "may nam", "bao nhieu nam"),
}
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"^\d+$")
# "bao lâu thì phải đăng ký", "mấy ngày phải đi khai tử", "người nhà mất bao lâu phải khai": a length of
# time followed by what one MUST do asks for the filing deadline, not how long the office takes ("phải
# chờ/đợi bao lâu", "bao lâu phải lên lấy kết quả" stay processing time). The span, from the length of time
# to "phải", is matched before any phrase it overlaps ("mất bao lâu" is then a death, not a duration).
_DURATIONS = (("bao", "lau"), ("may", "ngay"), ("bao", "nhieu", "ngay"), ("may", "thang"), ("may", "tuan"))
# "chừng nào phải đi làm", "khi nào phải đi gia hạn": a point in time followed by what one MUST do asks
# for the filing deadline too ("chừng nào có", "khi nào phải lên lấy" stay processing time).
_WHEN = (("chung", "nao"), ("khi", "nao"), ("bao", "gio"), ("hoi", "nao"), ("luc", "nao"))
_MUST = "phai"
_NOT_AN_OBLIGATION = ("cho", "doi", "lay", "nhan", "len", "quay", "toi", "den")
_MAX_GAP = 2  # words between the length of time and "phải" ("bao lâu thì phải", "mấy ngày là phải")
_PAYING_IN = ("dong", "tham")  # "đóng bảo hiểm", "tham gia bảo hiểm"
_RECEIVING = ("huong", "lanh", "nhan", "rut")


def _phrases() -> dict[tuple[str, ...], tuple[str, int]]:
    table: dict[tuple[str, ...], tuple[str, int]] = {}
    for points, source in ((1, _WEAK), (2, _STRONG)):
        for aspect, phrases in source.items():
            for phrase in phrases:
                table[tuple(phrase.split())] = (aspect, points)
    return table


_PHRASES = _phrases()
_MAX_PHRASE = max(len(p) for p in _PHRASES)


def _tokens(text: str) -> list[str]:
    words = _WORD.findall(fold(expand_abbreviations(normalize_text(text))))
    return ["#" if _NUMBER.match(word) else word for word in words]


def _must_within(tokens: list[str]) -> list[tuple[int, int, str]]:
    """Spans "<length of time> [up to two words] phải <an act>" (``deadline``, see ``_DURATIONS``) and
    "đóng / tham gia ... <length of time> [up to two words] được <hưởng>" (``eligibility``: how long one
    must have paid in to qualify, "đóng bảo hiểm bao lâu thì được hưởng thai sản")."""
    spans = []
    for start in range(len(tokens)):
        for duration in _DURATIONS + _WHEN:
            end = start + len(duration)
            if tuple(tokens[start:end]) != duration:
                continue
            paid_in = any(word in _PAYING_IN for word in tokens[:start])
            for must in range(end, min(end + _MAX_GAP + 1, len(tokens))):
                after = tokens[must + 1] if must + 1 < len(tokens) else ""
                if tokens[must] == _MUST:
                    # "có phải" / "không phải" ask or deny, they do not oblige ("mất bao lâu, có phải ...")
                    asks = tokens[must - 1] in ("co", "khong", "ko")
                    if after and after not in _NOT_AN_OBLIGATION and not asks:
                        spans.append((start, must + 1, "deadline"))
                    break
                if tokens[must] == "duoc" and paid_in and after in _RECEIVING:
                    spans.append((start, must + 2, "eligibility"))
                    break
    return spans


# "làm cho em trai dc ko", "làm dùm cho má tui được hông": whether one may do it for someone, a span from
# "làm" to the question; "làm cho con 10 tuổi cần giấy gì" asks the papers of it (no "được" question).
_FOR_WHOM = ("lam", "cho")
_FOR_WHOM_GAP = 3  # words naming whom ("em trai", "con gái tui")
_MAY = ("duoc", "dc")
_ASKS = ("khong", "ko", "k", "hong", "hok", "hem", "chu", "chua")
# "làm cho nhanh được không", "làm cho kịp được không": how, not for whom
_HOW = frozenset(("nhanh", "kip", "xong", "gon", "le", "som"))


def _for_whom(tokens: list[str]) -> list[tuple[int, int, str]]:
    """Spans "làm [thế/dùm/giùm/hộ] cho <up to three words> được không" (``eligibility``)."""
    spans = []
    for start, token in enumerate(tokens):
        if token != _FOR_WHOM[0]:
            continue
        at = start + 1
        if at < len(tokens) and tokens[at] in ("the", "dum", "gium", "ho", "thay"):
            at += 1
        if at + 1 >= len(tokens) or tokens[at] != _FOR_WHOM[1] or tokens[at + 1] in _HOW:
            continue
        for may in range(at + 2, min(at + 2 + _FOR_WHOM_GAP, len(tokens))):
            if tokens[may] in _MAY:
                asked = may + 1 < len(tokens) and tokens[may + 1] in _ASKS
                if asked or may + 1 == len(tokens):
                    spans.append((start, may + 1 + asked, "eligibility"))
                break
    return spans


def _cue_matches(tokens: list[str]) -> list[tuple[int, int, str, int]]:
    """The cue spans of ``tokens`` (``_tokens``' form) as (start, end, aspect, points): longest phrases
    first, no overlap; a "duration ... phải" span before any phrase."""
    matches: list[tuple[int, int, str, int, int]] = [
        (start, end, aspect, 2, 0) for start, end, aspect in [*_must_within(tokens), *_for_whom(tokens)]
    ]
    for start in range(len(tokens)):
        for length in range(min(_MAX_PHRASE, len(tokens) - start), 0, -1):
            found = _PHRASES.get(tuple(tokens[start : start + length]))
            if found:
                matches.append((start, start + length, *found, 1))
    matches.sort(key=lambda m: (m[4], -(m[1] - m[0]), m[0]))
    used: set[int] = set()
    kept: list[tuple[int, int, str, int]] = []
    for start, end, aspect, value, _rank in matches:
        if used.intersection(range(start, end)):
            continue
        used.update(range(start, end))
        kept.append((start, end, aspect, value))
    return kept


def aspect_points(text: str) -> dict[str, int]:
    """Points per aspect for ``text`` (longest phrases first, no overlap; a "duration ... phải" span
    before any phrase)."""
    points: dict[str, int] = {}
    for _start, _end, aspect, value in _cue_matches(_tokens(text or "")):
        points[aspect] = points.get(aspect, 0) + value
    return points


def cue_positions(tokens: Sequence[str]) -> set[int]:
    """Positions of folded syllables ``tokens`` (``vietnam.text.fold`` of an expanded question) that lie
    in a phrase asking about an aspect ("trường hợp nào", "miễn phí", "ai ký"): what the question asks,
    not what it is about."""
    words = ["#" if _NUMBER.match(token) else token for token in tokens]
    return {i for start, end, _aspect, _value in _cue_matches(words) for i in range(start, end)}


@lru_cache(maxsize=1)
def question_words() -> frozenset[str]:
    """Folded words citizens ask with: the words of the example frames (not the procedure names filled
    in), openers, endings and cue phrases ("gồm", "cung cấp", "nhiêu"). Search keeps them as written
    rather than reading them as typos of a procedure's words ("gồm" is not "gốc")."""
    data = yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8")) or {}
    texts = [str(t) for key in ("openers", "endings") for t in data.get(key) or []]
    for frames in (data.get("aspects") or {}).values():
        texts += [str(f).replace("{b}", " ").replace("{p}", " ") for f in frames or []]
    words = {word for text in texts for word in _tokens(text)}
    words.update(word for phrase in _PHRASES for word in phrase)
    return frozenset(words - {"#"})


# ------------------------------------------------------------------------------------------------ model
_FILLS_PER_FRAME = 4  # procedure names each frame is filled with
_SMOOTHING = 1.0  # additive (Laplace) smoothing of the word counts
_CUE_WEIGHT = 2  # a cue phrase point counts as two words: it names the aspect itself
# Without a cue phrase, an aspect is chosen only when its likelihood beats "overview" by this much (log
# odds; e^4 is about 55 to 1): a reply that names no aspect gets the overview, as before.
_EVIDENCE = 4.0


def _features(
    text: str, ignored: frozenset[str] = frozenset(), ignored_pairs: frozenset[tuple[str, str]] = frozenset()
) -> list[str]:
    """Words, word pairs and cue phrases of ``text`` (the cue ``cue:fee`` once per point). ``ignored``
    words, and both words of an ``ignored_pairs`` pair ("gia hạn", "lần đầu": a procedure's name, not
    "giá", "đâu"), are left out with the pairs they are in."""
    raw = _tokens(text or "")
    tokens = [t for i, t in enumerate(raw) if not (t == "#" and i and raw[i - 1] == "#")]  # "0912 345 678"
    skip = [token in ignored for token in tokens]
    for i, pair in enumerate(pairwise(tokens)):
        if pair in ignored_pairs:
            skip[i] = skip[i + 1] = True
    kept = [(token, not skipped) for token, skipped in zip(tokens, skip, strict=True)]
    features = [token for token, keep in kept if keep and token != "#"]  # a number alone says nothing
    features += [f"{a}_{b}" for (a, keep_a), (b, keep_b) in pairwise(kept) if keep_a and keep_b]
    for aspect, points in aspect_points(text).items():
        features += [f"cue:{aspect}"] * (points * _CUE_WEIGHT)
    return features


@dataclass(frozen=True)
class AspectModel:
    """Multinomial naive Bayes over :func:`_features`, equal priors (a question is not more likely about
    fees because more fee examples were written)."""

    log_likelihood: dict[str, dict[str, float]]  # aspect -> feature -> log P(feature | aspect)
    unseen: dict[str, float]  # aspect -> log P(a feature never seen with this aspect | aspect)
    vocabulary: frozenset[str]
    names_only: frozenset[str] = frozenset()  # words met only in procedure names: no aspect evidence
    name_pairs: frozenset[tuple[str, str]] = frozenset()  # word pairs met only in procedure names

    @classmethod
    def train(
        cls,
        examples: list[tuple[str, str]],
        names_only: frozenset[str] = frozenset(),
        name_pairs: frozenset[tuple[str, str]] = frozenset(),
    ) -> AspectModel:
        counts: dict[str, Counter[str]] = {aspect: Counter() for aspect in ASPECTS}
        for text, aspect in examples:
            counts[aspect].update(_features(text, names_only, name_pairs))
        vocabulary = frozenset(f for counter in counts.values() for f in counter)
        size = len(vocabulary)
        log_likelihood, unseen = {}, {}
        for aspect, counter in counts.items():
            total = sum(counter.values()) + _SMOOTHING * size
            log_likelihood[aspect] = {f: math.log((n + _SMOOTHING) / total) for f, n in counter.items()}
            unseen[aspect] = math.log(_SMOOTHING / total)
        return cls(log_likelihood, unseen, vocabulary, names_only, name_pairs)

    def scores(self, text: str) -> dict[str, float]:
        """Log-likelihood of ``text`` under each aspect (known features only)."""
        features = [f for f in _features(text, self.names_only, self.name_pairs) if f in self.vocabulary]
        return (
            {
                aspect: sum(table.get(f, self.unseen[aspect]) for f in features)
                for aspect, table in self.log_likelihood.items()
            }
            if features
            else {}
        )

    def predict(self, text: str) -> str:
        scores = self.scores(text)
        if not scores:
            return "overview"
        best = max(scores, key=scores.__getitem__)
        if not aspect_points(text) and scores[best] - scores["overview"] < _EVIDENCE:
            return "overview"  # no cue phrase and no clear evidence: a name, a place, a number, "cảm ơn"
        # Ties (rare) go to the order of ASPECT_ORDER, then overview.
        order = {aspect: i for i, aspect in enumerate((*ASPECT_ORDER, "overview"))}
        return max(scores, key=lambda aspect: (scores[aspect], -order.get(aspect, len(order))))


def _fill(frame: str, slot: str, names: list[str]) -> list[str]:
    if slot not in frame or not names:
        return []
    start = zlib.crc32(frame.encode("utf-8"))
    step = max(1, len(names) // _FILLS_PER_FRAME)
    return [frame.replace(slot, names[(start + k * step) % len(names)]) for k in range(_FILLS_PER_FRAME)]


def _dress(texts: list[str], openers: list[str], endings: list[str]) -> list[str]:
    """The second example of a frame gets an opener, the third an ending, the fourth both (the same ones
    for the same frame on every run)."""
    dressed = []
    for k, text in enumerate(texts):
        pick = zlib.crc32(text.encode("utf-8"))
        if k % 2 == 1 and openers:
            text = f"{openers[pick % len(openers)]} {text}"
        if k >= 2 and endings:
            text = f"{text} {endings[pick % len(endings)]}"
        dressed.append(text)
    return dressed


@dataclass(frozen=True)
class Examples:
    """The training questions and the words met only in procedure names (see ``load_examples``)."""

    questions: list[tuple[str, str]]  # (question, aspect)
    names_only: frozenset[str]
    name_pairs: frozenset[tuple[str, str]]


def load_examples(path: Path = EXAMPLES_FILE) -> Examples:
    """Every frame of ``path`` filled with procedure names (see its header). The words that appear in the
    names and in no frame ("sinh", "thất", "nghiệp"), and the word pairs of the names that no frame has
    ("gia hạn", "lần đầu", "căn cước"), say which procedure, not which aspect: the model ignores them, in
    the examples and in the questions it reads."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    procedures = [str(p) for p in data.get("procedures") or []]
    benefits = [str(b) for b in data.get("benefits") or []]
    openers = [str(o) for o in data.get("openers") or []]
    endings = [str(e) for e in data.get("endings") or []]
    questions: list[tuple[str, str]] = []
    frame_words: set[str] = set()
    frame_pairs: set[tuple[str, str]] = set()
    for aspect, frames in (data.get("aspects") or {}).items():
        if aspect not in ASPECTS:
            raise ValueError(f"{path}: unknown aspect {aspect!r} (one of {ASPECTS})")
        for frame in frames or []:
            frame = str(frame)
            for part in frame.replace("{b}", "{p}").split("{p}"):
                words = _tokens(part)
                frame_words.update(words)
                frame_pairs.update(pairwise(words))
            filled = _fill(frame, "{p}", procedures) or _fill(frame, "{b}", benefits)
            if not filled:  # a follow-up: as much weight as a frame filled with names
                filled = [frame] * _FILLS_PER_FRAME
            questions += [(text, aspect) for text in _dress(filled, openers, endings)]
    names = [_tokens(name) for name in (*procedures, *benefits)]
    name_words = {word for words in names for word in words}
    name_pairs = {pair for words in names for pair in pairwise(words)}
    return Examples(questions, frozenset(name_words - frame_words), frozenset(name_pairs - frame_pairs))


@lru_cache(maxsize=1)
def default_model() -> AspectModel:
    """The model trained on ``knowledge/data/aspect_examples.yml`` (trained once per process)."""
    examples = load_examples()
    return AspectModel.train(examples.questions, examples.names_only, examples.name_pairs)


def detect_aspect(text: str) -> str:
    """The aspect asked about in ``text``; ``overview`` when none is recognisable."""
    return default_model().predict(text)


# Points of a phrase that says the aspect on its own ("thời hạn giải quyết", "hết bao nhiêu", "có thẩm
# quyền"), not an everyday word that only leans to it ("phí", "hồ sơ").
STATED_POINTS = 2


def stated_aspect(text: str) -> str | None:
    """The aspect ``text`` asks about when a phrase of its own says it outright (the model's reading,
    backed by a cue phrase worth ``STATED_POINTS``): "cơ quan có thẩm quyền cấp" states the place, "đề
    nghị cho biết thời hạn giải quyết" the time, "công chứng photo ... hết bao nhiêu" the fee. None when
    the question states none (a paper named, "phí nhiêu" alone)."""
    aspect = detect_aspect(text)
    return aspect if aspect_points(text).get(aspect, 0) >= STATED_POINTS else None
