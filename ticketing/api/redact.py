"""Masking of personal data in text shown publicly: the last line of defence.

Public feeds (Open311 reads, the public status page) never show a citizen's own words: they show a
summary written or approved by staff (``ticketing.api.publication``). This module catches what such a
summary may still carry, however it is written:

- phone, ID-card (CMND 9 / CCCD 12 digits), bank-account and card numbers, with any separators
  ("(091) 234 5678", "0912/345/678", "091.234.5678", "+84 912 345 678"), with letters for digits
  ("O912345678", "09l2345678"), spelled out ("không chín một hai ...", also without diacritics), and
  shorter account numbers after a bank keyword ("STK 1903 5678");
- e-mail addresses, also written "an [at] gmail [dot] com" or "an a còng gmail chấm com";
- names after a title (anh/chị/ông/bà/cô/chú/em/bác ...) or "tên là ...", and full names;
- house addresses: house numbers with their street ("45 Nguyễn Huệ", "số 12/3 đường Lê Lợi",
  "hẻm 5", "o 45 nguyen hue"), vehicle plates and passport numbers.

What must stay readable is protected first: ticket and dossier codes, dates, year ranges, amounts of
money with their unit and legal document numbers ("Nghị quyết 202/2025/QH15").
`tests/hardening/test_redaction.py` runs a corpus of Vietnamese variants against it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from vietnam.codes import DOSSIER_CODE_PATTERN, TICKET_CODE_PATTERN

MASK = "***"

# Every upper-case letter (Vietnamese included): a name word starts with one.
_UPPER = "[" + "".join(re.escape(chr(i)) for i in range(0x41, 0x2000) if chr(i).isupper()) + "]"
_NAME_WORD = rf"{_UPPER}[^\W\d_]*"


def _is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


# -- what must stay readable ------------------------------------------------------------------

_PROTECTED = re.compile(
    "|".join(
        (
            TICKET_CODE_PATTERN,
            DOSSIER_CODE_PATTERN,
            # legal documents: 202/2025/QH15, 1663/NQ-UBTVQH15, 15/2020/NĐ-CP
            r"(?<![\w/])\d{1,5}/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*(?![\w/])",
            # dates: 12/03/2025, 5-3-2025, 12.03.2025, 1/7/25
            r"(?<![\w./-])(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|1[0-2])\1(?:19|20)?\d\d(?![\w./-])",
            # year ranges: 2023-2024, 2023 - 2024
            r"(?<![\w./-])(?:19|20)\d\d\s?[-–]\s?(?:19|20)\d\d(?![\w./-])",
            # amounts with a unit: 25.000.000 đồng, 1,5 triệu, 300.000đ
            r"(?<![\w.,])\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?\s?(?:đồng|đ|vnđ|vnd|triệu|tỷ|nghìn|ngàn)(?!\w)",
        )
    ),
    re.IGNORECASE,
)

# -- e-mail addresses -------------------------------------------------------------------------

_TLD = r"(?:com|vn|net|org|edu|gov|info|io|me|biz)"
_AT_WORDS = r"(?:at|a\s?còng|a\s?cong|acong)"
_DOT_WORDS = r"(?:dot|chấm|cham)"
_OBF_AT = rf"(?:\s*@\s*|\s*[\[(]\s*{_AT_WORDS}\s*[\])]\s*|\s+{_AT_WORDS}\s+)"
_OBF_DOT = rf"(?:\s*\.\s*|\s*[\[(]\s*{_DOT_WORDS}\s*[\])]\s*|\s+{_DOT_WORDS}\s+)"
_EMAIL = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    rf"|[\w.+-]+{_OBF_AT}[a-z0-9-]+(?:{_OBF_DOT}[a-z0-9-]+)*{_OBF_DOT}{_TLD}(?:{_OBF_DOT}vn)?(?![\w])",
    re.IGNORECASE,
)

# -- numbers ----------------------------------------------------------------------------------

# A digit, or a letter standing for one (O/o for 0, I/l for 1) next to a digit and not inside a word.
_DIGITISH = r"(?:\d|(?<![^\W\d_])[OoIl](?=\d)|(?<=\d)[OoIl](?![^\W\d_]))"
_NUMBER_RUN = re.compile(rf"[+(]*{_DIGITISH}+(?:(?:[ \t.\-/()_+]{{1,3}}|,(?=\d)){_DIGITISH}+)*\)?")
MIN_DIGITS = 8  # phones have 10, CMND 9, CCCD 12, bank accounts 8-19, cards 16

_DIGIT_WORDS = {
    "không": 0, "khong": 0, "hông": 0, "một": 1, "mot": 1, "mốt": 1, "hai": 2, "ba": 3,
    "bốn": 4, "bon": 4, "tư": 4, "năm": 5, "nam": 5, "lăm": 5, "lam": 5, "sáu": 6, "sau": 6,
    "bảy": 7, "bay": 7, "bẩy": 7, "tám": 8, "tam": 8, "chín": 9, "chin": 9,
}  # fmt: skip
_WORD_ALT = "|".join(sorted(_DIGIT_WORDS, key=len, reverse=True))
_SPELLED_RUN = re.compile(
    rf"(?<!\w)(?:{_WORD_ALT}|\d+)(?:[\s,.\-]+(?:{_WORD_ALT}|\d+)){{3,}}(?!\w)", re.IGNORECASE
)
MIN_SPELLED_WORDS = 4

_BANK_OR_ID_KEYWORD = re.compile(
    r"(?<!\w)(?:stk|s[ốo]\s*tk|s[ốo]\s*t[àa]i\s*kho[ảa]n|t[àa]i\s*kho[ảa]n|tk|account(?:\s*(?:no|number))?"
    r"|vietcombank|vcb|agribank|bidv|vietinbank|techcombank|tcb|mbbank|mb\s*bank|acb|sacombank|vpbank"
    r"|tpbank|momo|zalopay|cccd|cmnd|c[ăa]n\s*c[ưu][ớo]c|ch[ứu]ng\s*minh(?:\s*nh[âa]n\s*d[âa]n)?"
    r"|h[ộo]\s*chi[ếe]u|passport|mst|m[ãa]\s*s[ốo]\s*thu[ếe]|bhxh|b[ảa]o\s*hi[ểe]m)(?!\w)"
    r"[\s:.#\-]*(?:(?:s[ốo]|là|la|:)\s*)?",
    re.IGNORECASE,
)
_SHORT_NUMBER = re.compile(rf"{_DIGITISH}+(?:[ .\-]{_DIGITISH}+)*")
MIN_KEYWORD_DIGITS = 5

_PLATE = re.compile(r"(?<![\w-])\d{2}[A-Z]{1,2}\d?[-\s.]?\d{3}[.\s]?\d{1,2}(?![\w-])")
_PASSPORT = re.compile(r"(?<![\w-])[A-Z]\d{7,8}(?![\w-])")

# -- names ------------------------------------------------------------------------------------

_TITLES = "anh|chị|chi|ông|ong|bà|cô|chú|chu|em|bác|bac|dì|cậu|cau|thím|mợ|dượng|cụ|ngài|mr|mrs|ms"
_TITLE_NAME = re.compile(rf"(?<![\w/])(?i:{_TITLES})\s+({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})")
_NAME_INTRO = re.compile(
    r"(?<!\w)(?:t[êe]n\s*(?:t[ôo]i\s*|c[ủu]a\s*t[ôo]i\s*|em\s*)?(?:l[àa]|:)|h[ọo]\s*(?:v[àa]\s*)?t[êe]n\s*:?"
    r"|ng[ưu][ờo]i\s*(?:ph[ảa]n\s*[áa]nh|g[ửu]i)\s*:?)\s+([^\W\d_]+(?:\s+[^\W\d_]+){0,3})",
    re.IGNORECASE,
)
_NAME_STOP = {
    "ở", "o", "tại", "tai", "số", "so", "sdt", "sđt", "đt", "dt", "phường", "phuong", "xã", "xa", "và",
    "va", "có", "co", "đã", "da", "bị", "bi", "muốn", "muon", "phản", "phan", "hỏi", "hoi", "nhà", "nha",
    "đang", "dang", "cần", "can", "xin", "gửi", "gui", "ấp", "ap", "khóm", "khom", "cho", "là", "la",
}  # fmt: skip
_GENERIC_TITLES = {"anh", "chị", "chi", "em", "ông", "bà", "cô", "chú", "bác", "anh/chị"}
_SURNAMES = (
    "Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Trương|Đinh|Lâm|Mai|Tô"
    "|Nguyen|Tran|Pham|Hoang|Huynh|Vu|Vo|Dang|Bui|Do|Ho|Ngo|Duong|Truong|Dinh|Lam"
)
_FULL_NAME = re.compile(rf"(?<![\w])(?:{_SURNAMES})(?:\s+{_NAME_WORD}){{2,3}}(?!\w)")
_PLACE_BEFORE = re.compile(
    r"(?:đường|duong|phố|pho|hẻm|hem|trường|truong|cầu|cau|chợ|cho|ấp|ap|xã|xa|phường|phuong|khu|công viên"
    r"|bệnh viện|benh vien|thpt|thcs|tiểu học|tieu hoc|quận|huyện|lộ|tượng|đền|chùa|nhà văn hóa)\s*$",
    re.IGNORECASE,
)

# -- house addresses --------------------------------------------------------------------------

_HOUSE_NO = r"\d+[A-Za-z]?(?:\s?/\s?\d+[A-Za-z]?)*"
_NUMBERED_ADDRESS = re.compile(
    rf"(?<!\w)(?:s[ốo]\s*nh[àa]|nh[àa]\s*s[ốo]|s[ốo]|h[ẻẽe]m|ki[ệe]t|ng[õo]|ng[áa]ch|t[ổo](?:\s*d[âa]n\s*ph[ốo])?)"
    rf"\s*:?\s*{_HOUSE_NO}(?![\w/])",
    re.IGNORECASE,
)
_STREET_WORD = r"(?:đường|Đường|duong|Duong|phố|Phố|hẻm|Hẻm|ngõ|Ngõ|kiệt|Kiệt)"
_NUMBER_AND_STREET = re.compile(
    rf"(?<![\w/.,-])(?:(?i:s[ốo]\s*nh[àa]|nh[àa]\s*s[ốo]|s[ốo])\s*:?\s*)?{_HOUSE_NO}\s*,?\s+(?:{_STREET_WORD}\s+)?"
    r"([^\W\d_]+(?:\s+[^\W\d_]+){0,4})"
)
_ADMIN_BEFORE = re.compile(
    r"(?:phường|phuong|xã|quận|quan|huyện|khu\s*phố|khóm|khom|ấp|lộ|lo|ql|đt|dt|tuyến|km|lớp|phòng|tầng|"
    r"tổ|to|hẻm|hem|ngõ|kiệt|ngày|tháng|năm|lúc|khoảng|có|gồm|hơn|trên|dưới|thứ)\s*$",
    re.IGNORECASE,
)
_AT_PLACE_BEFORE = re.compile(
    r"(?:ở|o|tại|tai|đc|dc|địa\s*chỉ|dia\s*chi|nhà|nha)\s*:?\s*$",
    re.IGNORECASE,
)
_ADDRESS_STOP = {
    "phường", "phuong", "xã", "xa", "ấp", "ap", "khóm", "khom", "tp", "thành", "thanh", "quận", "quan",
    "huyện", "huyen", "tỉnh", "tinh", "bị", "bi", "có", "co", "đã", "da", "và", "va", "nhưng", "nhung",
    "thì", "thi", "nên", "nen", "rất", "rat", "đang", "dang", "lúc", "luc", "từ", "tu",
}  # fmt: skip


def redact(text: str | None) -> str | None:
    """``text`` with personal data replaced by ``***`` (codes, dates and amounts kept)."""
    if text is None:
        return None
    parts = []
    last = 0
    for kept in _PROTECTED.finditer(text):
        parts.append(_redact_free_text(text[last : kept.start()]))
        parts.append(kept.group(0))
        last = kept.end()
    parts.append(_redact_free_text(text[last:]))
    return "".join(parts)


def _redact_free_text(text: str) -> str:
    if not text:
        return text
    for step in (
        _mask_emails,
        _mask_plates_and_passports,
        _mask_keyword_numbers,
        _mask_number_runs,
        _mask_spelled_numbers,
        _mask_addresses,
        _mask_names,
    ):
        text = step(text)
    return text


def _mask_emails(text: str) -> str:
    return _EMAIL.sub(MASK, text)


def _digit_count(run: str) -> int:
    return sum(ch.isdigit() or ch in "OoIl" for ch in run)


def _mask_number_runs(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        if sum(ch.isdigit() for ch in run) < 6 or _digit_count(run) < MIN_DIGITS:
            return run
        return MASK

    return _NUMBER_RUN.sub(replace, text)


def _mask_spelled_numbers(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        tokens = re.findall(rf"{_WORD_ALT}|\d+", run, re.IGNORECASE)
        words = [t for t in tokens if not t.isdigit()]
        digits = sum(len(t) if t.isdigit() else 1 for t in tokens)
        if len(words) >= MIN_SPELLED_WORDS and digits >= MIN_DIGITS:
            return MASK
        return run

    return _SPELLED_RUN.sub(replace, text)


def _mask_keyword_numbers(text: str) -> str:
    out: list[str] = []
    last = 0
    for keyword in _BANK_OR_ID_KEYWORD.finditer(text):
        if keyword.start() < last:
            continue
        number = _SHORT_NUMBER.match(text, keyword.end())
        if number is None or _digit_count(number.group(0)) < MIN_KEYWORD_DIGITS:
            continue
        out.append(text[last : number.start()])
        out.append(MASK)
        last = number.end()
    out.append(text[last:])
    return "".join(out)


def _mask_plates_and_passports(text: str) -> str:
    return _PASSPORT.sub(MASK, _PLATE.sub(MASK, text))


def _leading_words(words: str, keep: Callable[[str], bool], stop: set[str]) -> tuple[str, str]:
    """Split `words` into the longest prefix of words that `keep` accepts, and the rest."""
    taken: list[str] = []
    pieces = re.split(r"(\s+)", words)
    index = 0
    while index < len(pieces):
        word = pieces[index]
        if not word or word.lower() in stop or not keep(word):
            break
        taken.append(word)
        index += 2
    if not taken:
        return "", words
    consumed = len("".join(pieces[: index - 1])) if index > 0 else 0
    return words[:consumed], words[consumed:]


def _mask_names(text: str) -> str:
    def after_title(match: re.Match[str]) -> str:
        name, rest = _leading_words(
            match.group(1), lambda w: _is_capitalised(w) and w.lower() not in _GENERIC_TITLES, _NAME_STOP
        )
        if not name:
            return match.group(0)
        head = match.group(0)[: match.start(1) - match.start(0)]
        return f"{head}{MASK}{rest}"

    def after_intro(match: re.Match[str]) -> str:
        name, rest = _leading_words(match.group(1), lambda w: True, _NAME_STOP)
        if not name:
            return match.group(0)
        head = match.group(0)[: match.start(1) - match.start(0)]
        return f"{head}{MASK}{rest}"

    def full_name(match: re.Match[str]) -> str:
        if _PLACE_BEFORE.search(match.string[: match.start()]):
            return match.group(0)
        return MASK

    text = _NAME_INTRO.sub(after_intro, text)
    text = _TITLE_NAME.sub(after_title, text)
    return _FULL_NAME.sub(full_name, text)


def _mask_addresses(text: str) -> str:
    def number_and_street(match: re.Match[str]) -> str:
        before = match.string[: match.start()]
        if _ADMIN_BEFORE.search(before):
            return match.group(0)
        street_words = match.group(1)
        at_place = bool(_AT_PLACE_BEFORE.search(before))
        keep = (lambda w: True) if at_place else _is_capitalised
        street, rest = _leading_words(street_words, keep, _ADDRESS_STOP)
        if not street:
            return match.group(0)
        return MASK + rest

    return _NUMBERED_ADDRESS.sub(MASK, _NUMBER_AND_STREET.sub(number_and_street, text))
