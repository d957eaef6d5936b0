"""Which aspect of a procedure a citizen asks about: ``detect_aspect``.

Aspects: ``overview`` (nothing specific), ``documents`` (papers), ``fee``, ``time`` (processing time),
``place`` (where to submit), ``online``, ``eligibility`` (who may apply, conditions), ``steps``, ``form``
(the form to fill in or download) and ``deadline`` (the filing deadline, e.g. 60 days after a birth,
as distinct from the processing time). A follow-up like "còn lệ phí thì sao?" maps to ``fee`` for the
procedure already in the conversation.

The text is normalised, abbreviations spelt out and folded (lower case, no diacritics; digits read as
``#``). Keyword phrases are matched longest first without overlap, so "thời hạn đăng ký" counts for
``deadline`` and not also as "thời hạn" for ``time``. A phrase counts 2 when it says the aspect on its own
and 1 when it is also an everyday word ("phí", "lâu") or names the papers without asking for them
("hồ sơ"); the aspect with most points wins, ties going to the first in ``ASPECT_ORDER``.
"""

from __future__ import annotations

import re

from vietnam.text import expand_abbreviations, fold, normalize_text

__all__ = ["ASPECTS", "ASPECT_ORDER", "detect_aspect"]

ASPECTS = (
    "overview", "documents", "fee", "time", "place", "online", "eligibility", "steps", "form", "deadline",
)  # fmt: skip
# Ties go to the first ("nộp online mất mấy ngày" asks about time).
ASPECT_ORDER = ("fee", "deadline", "time", "online", "form", "place", "eligibility", "documents", "steps")

# Folded keyword phrases per aspect; "#" stands for any number.
_STRONG: dict[str, tuple[str, ...]] = {
    "fee": (
        "le phi", "bao nhieu tien", "nhieu tien", "mat tien", "ton tien", "het tien", "mien phi",
        "chi phi", "tien phi", "gia bao nhieu", "dong tien", "mat bao nhieu", "ton bao nhieu",
        "het bao nhieu", "tra tien", "nop tien", "ton phi", "mat phi", "co phi", "thu phi",
    ),
    "time": (
        "bao lau", "may ngay", "bao nhieu ngay", "thoi gian", "thoi han", "mat bao lau", "lau khong",
        "lau ko", "may hom", "bao gio", "khi nao co", "khi nao lay", "khi nao nhan", "may tuan",
        "nhanh khong", "ngay nao", "tra ket qua", "nhieu ngay", "nhieu tuan", "nhieu thang",
        "thoi han giai quyet", "thoi gian giai quyet", "bao lau thi co", "bao lau co",
        "het bao nhieu ngay", "mat bao nhieu ngay", "ton bao nhieu ngay", "het may ngay", "mat may ngay",
    ),
    "online": (
        "online", "onl", "truc tuyen", "qua mang", "tren mang", "dich vu cong", "vneid", "tai nha",
        "link", "duong link", "website", "trang web", "qua app", "ung dung", "internet", "dvc",
    ),
    "place": (
        "o dau", "cho nao", "noi nao", "dia chi", "co quan nao", "den dau", "lam o", "nop o", "nop tai",
        "tai dau", "di dau", "o cho nao", "phong nao", "bo phan nao", "xa nao", "phuong nao",
        "nop dau", "lam dau",
    ),
    "documents": (
        "can gi", "can nhung gi", "chuan bi", "mang theo", "thanh phan", "can mang",
        "nhung gi", "giay gi", "can nhung", "dem theo", "can co", "can gi khong", "giay to gi",
        "ho so gom", "ho so can",
    ),
    "eligibility": (
        "ai duoc", "ai co the", "ai co quyen", "nguoi nao duoc", "dieu kien", "du dieu kien",
        "tieu chuan", "thuoc dien", "dien nao", "truong hop nao", "co duoc huong", "duoc huong khong",
        "co duoc tro cap", "duoc tro cap khong", "co duoc ho tro", "duoc ho tro khong", "co duoc cap",
        "duoc cap khong", "may tuoi", "bao nhieu tuoi", "du tuoi", "doi tuong nao", "ai phai", "ai lam",
        "ai dung ra", "ai dung ten", "ai di lam", "ai lanh", "ai nhan", "ai ky",
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
        "qua thoi han", "het thoi han",
    ),
}  # fmt: skip
# Everyday words that lean towards an aspect without saying it.
_WEAK: dict[str, tuple[str, ...]] = {
    "fee": ("phi", "tien"),
    "time": ("lau",),
    "documents": ("ho so", "giay to"),
    "eligibility": ("doi tuong",),
    "steps": ("lam sao", "the nao", "nhu the nao", "ra sao", "huong dan"),
    "form": ("mau",),
    # Not "trễ"/"muộn" alone: folded they are "trẻ" (a child) and "muốn" (to want).
    "deadline": ("qua han",),
}
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"^\d+$")


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


def aspect_points(text: str) -> dict[str, int]:
    """Points per aspect for ``text`` (longest phrases first, no overlap)."""
    tokens = _tokens(text or "")
    matches: list[tuple[int, int, str, int]] = []
    for start in range(len(tokens)):
        for length in range(min(_MAX_PHRASE, len(tokens) - start), 0, -1):
            found = _PHRASES.get(tuple(tokens[start : start + length]))
            if found:
                matches.append((start, start + length, *found))
    matches.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    used: set[int] = set()
    points: dict[str, int] = {}
    for start, end, aspect, value in matches:
        if used.intersection(range(start, end)):
            continue
        used.update(range(start, end))
        points[aspect] = points.get(aspect, 0) + value
    return points


def detect_aspect(text: str) -> str:
    """The aspect asked about in ``text``; ``overview`` when none is recognisable."""
    points = aspect_points(text)
    best, best_points = "overview", 0
    for aspect in ASPECT_ORDER:
        if points.get(aspect, 0) > best_points:
            best, best_points = aspect, points[aspect]
    return best
