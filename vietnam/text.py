"""The one place where Vietnamese text is normalised, for both runtimes.

Runtime-neutral on purpose: the bot runtime (Rasa components) and the app runtime (hub, search, triage)
both import this module; it imports only the standard library.

- :func:`normalize_text` is applied once to every incoming message, at the hub, before Rasa.
- :func:`strip_diacritics` and :func:`fold` give the keys for diacritics-insensitive matching; on NFC text
  they keep the length, so an offset found in the folded text is an offset in the original.
- :func:`expand_abbreviations` spells out what citizens abbreviate, for search and triage.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ABBREVIATIONS",
    "ENGLISH_TERMS",
    "expand_abbreviations",
    "expand_english_terms",
    "expand_shorthand_in_context",
    "fold",
    "normalize_text",
    "strip_diacritics",
]

# Letters from other scripts that look like Latin letters and turn up in pasted or spoofed text.
_LOOKALIKES = {
    # Cyrillic
    "а": "a",
    "в": "B",
    "е": "e",
    "к": "k",
    "м": "M",
    "н": "H",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "T",
    "у": "y",
    "х": "x",
    "і": "i",
    "ј": "j",
    "ѕ": "s",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "У": "Y",
    "Х": "X",
    "І": "I",
    "Ј": "J",
    "Ѕ": "S",
    # Greek
    "α": "a",
    "ο": "o",
    "ν": "v",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "ι": "i",
    "κ": "k",
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
    "Ζ": "Z",
    # Icelandic eth, often typed for Đ
    "Ð": "Đ",
    "ð": "đ",
    # Typographic punctuation
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u3000": " ",
}
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_WORD_CORE = re.compile(r"^(\W*)(\w+)(\W*)$")


def _fullwidth_to_ascii(char: str) -> str:
    code = ord(char)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return char


_LOOKALIKE_TABLE = str.maketrans(
    {**_LOOKALIKES, **{chr(c): _fullwidth_to_ascii(chr(c)) for c in range(0xFF01, 0xFF5F)}}
)


TONE_PLACEMENT_FILE = Path(__file__).resolve().parent / "data" / "tone_placement.tsv"


@lru_cache(maxsize=1)
def _tone_placement_map() -> dict[str, str]:
    """Misplaced tone marks to the standard placement ("hoà" -> "hòa", "thuỷ" -> "thủy").

    The table is vendored from underthesea (source and what was left out: the header of
    ``data/tone_placement.tsv``), so both runtimes place tones the same way whatever they install.
    """
    table: dict[str, str] = {}
    for line in TONE_PLACEMENT_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            typed, standard = line.split("\t")
            table[typed] = standard
    return table


def _fix_tone_placement(text: str) -> str:
    table = _tone_placement_map()
    words = text.split(" ")
    for i, word in enumerate(words):
        if word.isascii() or len(word) > 12:
            continue
        match = _WORD_CORE.match(word)
        if match and match.group(2) in table:
            words[i] = match.group(1) + table[match.group(2)] + match.group(3)
    return " ".join(words)


def normalize_text(text: str) -> str:
    """Normalise one incoming message: NFC, no control or invisible characters, look-alike letters mapped
    to Vietnamese/Latin ones, tone marks placed the standard way, whitespace collapsed and trimmed.

    Meaning-bearing characters are kept: codes like ``000.00.20.H19-250312-0004``, phone numbers,
    punctuation, emoji and the citizen's own abbreviations pass through unchanged.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = text.translate(_LOOKALIKE_TABLE)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text).strip()
    return _fix_tone_placement(text)


def _build_strip_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base != char and base.isascii():
            table[code] = base
    return table


_STRIP_TABLE = _build_strip_table()
_COMBINING = re.compile("[\u0300-\u036f]")


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese tone and vowel marks and map ``đ`` to ``d``.

    On NFC text every character maps to exactly one character, so the result has the same length and
    offsets carry over. Stray combining marks (text that was not NFC) are dropped.
    """
    stripped = text.translate(_STRIP_TABLE)
    if not stripped.isascii() and _COMBINING.search(stripped):
        stripped = _COMBINING.sub("", stripped)
    return stripped


def fold(text: str) -> str:
    """The matching key: lower case without diacritics, same length as NFC ``text``."""
    folded = strip_diacritics(text).lower()
    if len(folded) != len(text):  # a few characters change length when lowered (e.g. "İ")
        folded = "".join(strip_diacritics(c).lower()[:1] or c for c in text)
    return folded


# Abbreviations citizens type, keyed by their lower-case form. Spelt-out forms carry diacritics.
ABBREVIATIONS: dict[str, str] = {
    "ko": "không",
    "k": "không",
    "kh": "không",
    "hok": "không",
    "hông": "không",
    "khong": "không",
    "dc": "được",
    "đc": "được",
    "dk": "đăng ký",
    "đk": "đăng ký",
    "dky": "đăng ký",
    "hs": "hồ sơ",
    "hso": "hồ sơ",
    "gplx": "giấy phép lái xe",
    "blx": "bằng lái xe",
    "cccd": "căn cước công dân",
    "cmnd": "chứng minh nhân dân",
    "sdt": "số điện thoại",
    "sđt": "số điện thoại",
    "đt": "điện thoại",
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "hdnd": "hội đồng nhân dân",
    "tthc": "thủ tục hành chính",
    "bhyt": "bảo hiểm y tế",
    "bhxh": "bảo hiểm xã hội",
    "bhtn": "bảo hiểm thất nghiệp",
    "đkkd": "đăng ký kinh doanh",
    "dkkd": "đăng ký kinh doanh",
    "hkd": "hộ kinh doanh",
    "gcn": "giấy chứng nhận",
    "qsdđ": "quyền sử dụng đất",
    "qsdd": "quyền sử dụng đất",
    "gpxd": "giấy phép xây dựng",
    "lltp": "lý lịch tư pháp",
    "tp": "thành phố",
    "tx": "thị xã",
    "j": "gì",
    "ntn": "như thế nào",
    "bn": "bao nhiêu",
    "bnhieu": "bao nhiêu",
    "vs": "với",
    "r": "rồi",
    "ng": "người",
    "trc": "trước",
    "ms": "mới",
    "lm": "làm",
}
_TOKEN = re.compile(r"\w+", re.UNICODE)
# Procedure words as voice typing or a hurried hand mis-spells them, keyed by the mis-spelt phrase (as
# typed, with diacritics, or folded): only in the phrase that names the procedure ("khai xinh", not "xinh"
# alone; "thường chú", not "chú" the uncle). Runs before :data:`ABBREVIATIONS` ("kết hông" is not "kết
# không"). Runtime only: the NLU's tokenizer reads :data:`ABBREVIATIONS` syllable by syllable.
MISHEARINGS: dict[str, str] = {
    "khai xinh": "khai sinh",
    "căn cướt": "căn cước",
    "can cuot": "căn cước",
    "căn cướt công dân": "căn cước công dân",
    "thường chú": "thường trú",
    "thuong chu": "thường trú",
    "tạm chú": "tạm trú",
    "tam chu": "tạm trú",
    "dăng ký": "đăng ký",
    "dăng kí": "đăng ký",
    "kết hông": "kết hôn",
    "ket hong": "kết hôn",
}
_MISHEARING = re.compile(
    r"(?<!\w)(" + "|".join(sorted(map(re.escape, MISHEARINGS), key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)


def correct_mishearings(text: str) -> str:
    """Put the procedure words of :data:`MISHEARINGS` right; everything else is left as written."""
    return _MISHEARING.sub(lambda match: MISHEARINGS[match.group(0).lower()], text)


# Shorthand that means one thing only next to certain words, matched on the folded text (keys without
# diacritics): "hd"/"hđ" is "hợp đồng" before what a contract does ("hd mua bán đất", "hđ ủy quyền"), not
# "hướng dẫn" or "hóa đơn"; "pa" is "phản ánh" where a complaint is sent or made ("pa giúp tui", "gửi pa",
# "muốn pa vụ ...": elsewhere "pa" may be a father). Runtime only, like :data:`MISHEARINGS`.
_SHORTHAND_IN_CONTEXT: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\bhd(?=\s+(?:mua ban|ban|mua|thue|cho thue|uy quyen|tang cho|cho tang|chuyen nhuong|"
            r"lao dong|dat coc|vay|the chap|gop von|doi|chia)\b)"
        ),
        "hợp đồng",
    ),
    (
        re.compile(
            r"\bpa\b(?=\s+(?:giup|gium|dum|vu|ve|viec|chuyen|can bo|cb)\b)"
            r"|(?:"
            + "|".join(rf"(?<=\b{verb} )" for verb in ("gui", "muon", "lam", "nop", "viet", "can"))
            + r")pa\b"
        ),
        "phản ánh",
    ),
)


def expand_shorthand_in_context(text: str) -> str:
    """Spell out the shorthand of :data:`_SHORTHAND_IN_CONTEXT` where the words around it settle what it
    means; everything else is left as written."""
    for pattern, spelt_out in _SHORTHAND_IN_CONTEXT:
        folded = fold(text)
        spans = [match.span() for match in pattern.finditer(folded)]
        for start, end in reversed(spans):
            text = text[:start] + spelt_out + text[end:]
    return text


# English administrative words young citizens mix in ("how to register temporary residence, e ở Sa Đéc"),
# keyed by their lower-case form, in the Vietnamese the procedure names and cue tables use. A plain
# glossary (no facts): longer phrases win over the words inside them. "online" is left as typed: the
# search and aspect cues read it already, as everyday Vietnamese.
ENGLISH_TERMS: dict[str, str] = {
    "temporary residence": "tạm trú",
    "temporary residence registration": "đăng ký tạm trú",
    "permanent residence": "thường trú",
    "permanent residence registration": "đăng ký thường trú",
    "passport": "hộ chiếu",
    "id card": "căn cước",
    "identity card": "căn cước",
    "citizen id": "căn cước",
    "citizen identity card": "căn cước",
    "driving licence": "giấy phép lái xe",
    "driving license": "giấy phép lái xe",
    "driver license": "giấy phép lái xe",
    "driver's license": "giấy phép lái xe",
    "drivers license": "giấy phép lái xe",
    "birth certificate": "giấy khai sinh",
    "birth registration": "đăng ký khai sinh",
    "death certificate": "trích lục khai tử",
    "death registration": "đăng ký khai tử",
    "marriage registration": "đăng ký kết hôn",
    "marriage certificate": "giấy chứng nhận kết hôn",
    "register marriage": "đăng ký kết hôn",
    "get married": "kết hôn",
    "criminal record": "lý lịch tư pháp",
    "criminal record certificate": "phiếu lý lịch tư pháp",
    "business registration": "đăng ký kinh doanh",
    "household business": "hộ kinh doanh",
    "building permit": "giấy phép xây dựng",
    "construction permit": "giấy phép xây dựng",
    "health insurance": "bảo hiểm y tế",
    "social insurance": "bảo hiểm xã hội",
    "unemployment insurance": "bảo hiểm thất nghiệp",
    "fee": "lệ phí",
    "fees": "lệ phí",
    "register": "đăng ký",
    "registration": "đăng ký",
    "renew": "cấp đổi",
    "renewal": "cấp đổi",
    "lost": "mất",
    "how long": "bao lâu",
    "how much": "bao nhiêu",
}
_ENGLISH_TERM = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(term) for term in sorted(ENGLISH_TERMS, key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)


def expand_english_terms(text: str) -> str:
    """Put the English administrative terms of :data:`ENGLISH_TERMS` into Vietnamese (whole words, any
    case); everything else is left as written."""
    return _ENGLISH_TERM.sub(lambda match: ENGLISH_TERMS[match.group(0).lower()], text)


def expand_abbreviations(text: str) -> str:
    """Spell out the abbreviations in :data:`ABBREVIATIONS` (whole words, any case, with or without
    diacritics), after putting mis-heard procedure words right (:data:`MISHEARINGS`), spelling out the
    shorthand whose neighbours settle it (:func:`expand_shorthand_in_context`) and putting common English
    administrative terms into Vietnamese (:data:`ENGLISH_TERMS`); everything else is left as written."""

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        return ABBREVIATIONS.get(word.lower(), word)

    return _TOKEN.sub(replace, expand_english_terms(expand_shorthand_in_context(correct_mishearings(text))))
