"""What a plausible answer to one of the bot's questions looks like: a person's name, a place, a day and time.

Forms take a value only when it fits the question (docs/architecture.md, "Dialogue"): these readers say
whether it does, and what the value is. They are pure functions of the text (and of the places of
Đồng Tháp), so the form validations, the confirmation step and the tests share them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vietnam.codes import find_codes
from vietnam.places import Place, PlaceMatch, find_places, joint_place
from vietnam.text import fold, normalize_text

__all__ = [
    "LocationAnswer",
    "find_introduced_name",
    "find_time",
    "has_diacritics",
    "merge_time",
    "read_detail",
    "read_location",
    "read_name",
    "with_place",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ------------------------------------------------------------------------------------------------ names

# Vietnamese family names (folded), the first syllable of most full names.
_SURNAMES = _words(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly lam truong dinh mai trinh doan "
    "luong cao ta quach thai la chau tang luu kieu ha van giang tong thach son diep lu mac tieu tat bach "
    "au ong khuu tra"
)
# How people introduce their name, and kinship titles used as names in the South ("chị Sáu", "bà Năm").
_NAME_INTRO = re.compile(
    r"^(?:(?:dạ|da|vâng|vang)[\s,]+)?(?:(?:họ\s+(?:và\s+)?tên|ho\s+(?:va\s+)?ten|tên|ten)\s*(?:của\s+|cua\s+)?"
    r"(?:tui|tôi|toi|em|e|mình|minh|mik|mìk|mk|mjk|con|chị|chi|anh|cháu|chau)?\s*(?:là|la)?\s*[:\-]?"
    r"|(?:tui|tôi|toi|em|e|mình|minh|mik|mìk|mk|mjk|anh|chị|chi|chú|chu|cô|co|bác|bac|con|cháu|chau|bà|ba|ông|ong)"
    r"\s+(?:tên|ten|là|la)(?:\s+(?:là|la))?)\s*",
    re.IGNORECASE,
)
FAMILY_NAMES = _SURNAMES
_TITLES = _words("chi anh co chu ba ong bac di cau thim em")
# One capitalised word at the name step is a name ("Tư", "Út"), unless it is one of these.
_NOT_NAMES = _words(
    "khong ko co da vang ok oke thoi bo huy dung sai chua roi ua u a alo xin chao cam on sao gi nao"
)
# Words that open an answer before it, set off by a comma ("rồi, Lý Thị Bé", "dạ, Nguyễn Văn Tư", "ok, Út").
_LEAD_IN = re.compile(
    r"^(?:(?:dạ|da|vâng|vang|rồi|roi|ừ|ừm|ờ|ok|oke|okay|à|thì|thi|được|duoc|vậy|vay)"
    r"(?:\s+(?:rồi|roi|nha|nhé|ha|thì|thi))?\s*[,.]\s*)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"(?:[\s,.!]+(?:ạ|a|nha|nhé|nhe|nhen|nghen|đó|do|á|nè|ne))?[\s,.!]*$", re.IGNORECASE)
_LETTERS_ONLY = re.compile(r"^[^\W\d_]+(?:\s+[^\W\d_]+)*$")


def read_name(text: str, *, answered: bool = False) -> str | None:
    """The person's name in ``text`` ("Nguyễn Văn Tư", "tui tên Tư", "chị Sáu"), or None when the text does
    not look like a name. ``answered``: the text answers "what is your name?" and the NLU read it as a
    bare value, which is enough for a short one-word name typed in lower case."""
    text = _LEAD_IN.sub("", normalize_text(text or "").strip())
    if not text or len(text) > 60:
        return None
    intro = _NAME_INTRO.match(text)
    introduced = bool(intro and intro.end() > 0)
    rest = text[intro.end() :] if introduced and intro else text
    rest = _TRAILING.sub("", rest).strip()
    if not rest or not _LETTERS_ONLY.match(rest):
        return None
    words = rest.split()
    if not 1 <= len(words) <= 5:
        return None
    folded = fold(rest).split()
    capitalised = all(w[0].isupper() for w in words)
    if introduced and len(words) <= 4:
        return _title_case(rest)
    if capitalised and (len(words) >= 2 or answered or folded[0] not in _NOT_NAMES):
        return _title_case(rest)
    if folded[0] in _SURNAMES and len(words) >= 2:
        return _title_case(rest)
    if folded[0] in _TITLES and 2 <= len(words) <= 4 and (all(w[0].isupper() for w in words[1:]) or answered):
        return rest[0].lower() + rest[1:]  # "chị Sáu", "chú Út Hiền"
    if answered and len(words) <= 3 and folded[0] in _SURNAMES:
        return _title_case(rest)
    return None


# "tôi là Trần Văn Bé", "tui tên là Võ Văn Hai", "e ten Huynh Ngoc Anh", "tên tui là nguyễn văn tư", "chú tên
# Ba", "..., tên Châu Văn Hiền" inside a longer message: the name follows the introduction ("tên" alone only
# after a comma: "phản ánh tên Nguyễn Văn A xả rác" names someone else). ``ten``: introduced by "tên", which
# names a person whatever follows; ``la``: by "tôi là", which needs capitalised words ("tôi là người dân").
# The words that announce a phone number right after a name ("tên Võ Thị Lài số 0939 ...").
_PHONE_WORD = r"(?:sđt|sdt|số|so|đt|dt|điện\s+thoại|dien\s+thoai)(?!\w)"
_PRONOUNS = (
    r"(?:tôi|tui|toi|em|e|mình|minh|mik|mìk|mk|mjk|con|cháu|chau|chú|chu|cô|bác|bac|anh|chị|chi|bà|ông|ong)"
)
_INTRODUCED_NAME = re.compile(
    rf"(?:(?<!\w)(?P<ten>{_PRONOUNS}\s+(?:tên|ten)(?:\s+(?:là|la))?"
    rf"|(?:tên|ten)\s+(?:của\s+|cua\s+)?{_PRONOUNS}(?:\s*(?:là|la|:)|(?!\w))"
    rf"|(?:họ\s+(?:và\s+)?tên|ho\s+(?:va\s+)?ten)(?:\s+(?:của\s+|cua\s+)?{_PRONOUNS})?\s*(?:là|la|:)?)"
    rf"|(?P<comma>(?:^|[,;.])\s*(?:tên|ten)(?!\s+(?:của\s+|cua\s+)?{_PRONOUNS}(?!\w))\s*(?:là|la|:)?)"
    r"|(?<!\w)(?P<la>(?:tôi|tui|toi|em|mình|minh|mik|mìk|mk|con|cháu|chau)\s+(?:là|la)"
    r"|(?:người|nguoi)\s+(?:nhận|nhan|liên\s+hệ|lien\s+he|đứng\s+tên|dung\s+ten)(?:\s+(?:là|la|:))?"
    # a label on a form-like message ("Người phản ánh: Trương Công Danh. Điện thoại: 0914 ...")
    r"|(?:người|nguoi)\s+(?:phản\s+ánh|phan\s+anh|kiến\s+nghị|kien\s+nghi|gửi|gui|yêu\s+cầu|yeu\s+cau"
    r"|đề\s+nghị|de\s+nghi|khai|báo|bao|viết|viet)\s*(?:là|la|:))"
    # "tên" inside a clause, right before the phone ("... lúc 8 giờ tên Võ Thị Lài số 0939 111 222")
    rf"|(?<!\w)(?P<phone>(?:tên|ten)(?:\s+(?:là|la))?)(?=\s+[^,;.\d]+?\s{_PHONE_WORD}\s*(?:là|la)?\s*:?\s*\+?\d)"
    r")(?!\w)\s*(?P<rest>[^,;.\d]*)",
    re.IGNORECASE,
)
# A pronoun opening a clause right before a name, no verb between ("Tôi Trịnh Văn Đức, 0392 ...", "Tui
# Nguyen Van Ut, ..."): tried after the introductions above, and only before a family name.
_PRONOUN_NAME = re.compile(r"(?:^|[,;.])\s*(?P<bare>tôi|tui|toi|mình|minh)(?!\w)\s*(?P<rest>[^,;.\d]*)", re.I)
# Where a name given in words ends: the phone number's words ("tui tên nguyễn văn tư sđt 09...").
_NAME_END = re.compile(r"(?i)\s(?:sđt|sdt|số|so|đt|dt|điện|dien)(?:\s.*)?$")


def find_introduced_name(text: str) -> str | None:
    """The name a message introduces ("Tôi là Trần Văn Bé, sđt ...", "e ten Huynh Ngoc Anh", "tên tui là
    nguyễn văn tư", "..., tên Châu Văn Hiền sđt ...", "người nhận Lý Văn Tâm", and a pronoun opening a
    clause right before a family name: "Tôi Trịnh Văn Đức, 0392 ..."), without the introduction; None
    without one. The name must look like one, as at the name step (``read_name``): capitalised words (one
    is enough after "tên", two to four after "tôi là"), or, typed in lower case after "tên", two to four words
    from a family name."""
    found = _introduced_name(normalize_text(text or ""))
    return found[0] if found else None


def introduced_name_span(text: str) -> tuple[int, int] | None:
    """Where, in ``text`` (normalised), the introduction of a name and the name are ("Tên Võ Thị Thu" in
    "..., Tên Võ Thị Thu, điện thoại ..."), or None (see ``find_introduced_name``)."""
    found = _introduced_name(text)
    return found[1] if found else None


def _introduced_name(text: str) -> tuple[str, tuple[int, int]] | None:
    for match in [*_INTRODUCED_NAME.finditer(text), *_PRONOUN_NAME.finditer(text)]:
        groups = match.groupdict()
        rest = _NAME_END.sub("", " " + match.group("rest")).strip()
        words: list[str] = []
        for word in rest.split():
            if not word[0].isupper() or len(words) == 4:
                break
            words.append(word)
        least = 2 if groups.get("la") or groups.get("bare") else 1
        if groups.get("bare") and (not words or fold(words[0]) not in _SURNAMES):
            continue  # "Tôi Trịnh Văn Đức": a pronoun opens a name only right before a family name
        if least <= len(words) and fold(words[0]) not in _NOT_NAMES and not find_places(" ".join(words)):
            return _title_case(" ".join(words)), _span(text, match, words)
        if groups.get("la") or groups.get("bare") or words:
            continue
        rest = _TRAILING.sub("", rest).strip()
        lower = rest.split()
        if 2 <= len(lower) <= 4 and fold(lower[0]) in _SURNAMES and not find_places(rest):
            name = read_name(rest)
            if name is not None:
                return name, _span(text, match, lower)
    return None


def _span(text: str, match: re.Match[str], words: list[str]) -> tuple[int, int]:
    """From the introduction to the name's last word."""
    end = match.start("rest")
    for word in words:
        end = text.index(word, end) + len(word)
    return match.start(), end


def _title_case(name: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split())


# ----------------------------------------------------------------------------------------------- places

# Address details kept with the unit: house number, hamlet, neighbourhood group, street, landmark (folded).
# Nouns that are also everyday words ("số", "tổ" = "to", "chợ" = "cho") need a number or a proper name after.
_DETAIL_NOUNS = {
    ("so", "nha"): False,
    ("ap",): False,
    ("khom",): False,
    ("khu", "pho"): False,
    ("kp",): False,
    ("thon",): False,
    ("xom",): False,
    ("hem",): False,
    ("to",): True,
    ("so",): True,
    ("duong",): True,
    ("cho",): True,
    ("cau",): True,
    ("truong",): True,
    ("kenh",): True,
    ("nga", "ba"): True,
    ("nga", "tu"): True,
}
# Nouns that name the same kind of detail: a house number is "số nhà 72" or "số 72", a quarter "khu phố 1"
# or "kp 1"; one replaces the other when corrected.
_DETAIL_KIND = {("so", "nha"): ("so",), ("kp",): ("khu", "pho")}
# How each folded word of a noun above is written: a word typed with diacritics is that noun only when they
# agree ("Trương Công Định" is a name, "trường" a school; "Dương" a family name, "đường" a street).
_DETAIL_WRITTEN = {
    "so": "số",
    "nha": "nhà",
    "ap": "ấp",
    "khom": "khóm",
    "pho": "phố",
    "thon": "thôn",
    "xom": "xóm",
    "hem": "hẻm",
    "to": "tổ",
    "duong": "đường",
    "cho": "chợ",
    "cau": "cầu",
    "truong": "trường",
    "kenh": "kênh",
    "nga": "ngã",
    "tu": "tư",
}
# Words after which a detail stops: a unit or district prefix, a preposition, a filler.
_DETAIL_STOP = _words(
    "xa phuong p x f huyen h tp tx tinh o tai gan ke canh doi dien moi dung roi a nha nhe nhen "
    "va voi cua thuoc bi co khong ko hong la the vay do"
)
# Words that stop a detail only as the first word of a unit's kind ("thành phố", "thị xã", "thị trấn"):
# alone they are the last syllable of many hamlet names ("ấp Bình Thạnh", "ap Binh Thanh").
_DETAIL_STOP_PAIRS = {"thanh": ("pho",), "thi": ("xa", "tran")}
# Words after which a number opens a house number with its street ("giao về 45 Nguyễn Huệ").
_BEFORE_HOUSE_NUMBER = _words("ve toi den tai o giao gui nha , :")
_ADDRESS_TOKEN = re.compile(r"\w+(?:/\w+)*|[^\w\s]")
_MAX_DETAIL_WORDS = 3


@dataclass(frozen=True)
class LocationAnswer:
    """A place named in an answer: the unit it resolves to, or the units it may mean, and the detail
    (hamlet, house number, street) to keep with it."""

    place: Place | None
    candidates: tuple[Place, ...]
    detail: str
    mention: str  # the place name as written
    # The former commune or ward the citizen named, now part of the unit ("xã Bình Nhì"), else "".
    former: str = ""

    @property
    def resolved(self) -> bool:
        return self.place is not None

    def text(self, place: Place | None = None) -> str:
        """ "ấp 7, Xã Mỹ Thọ": the detail, then the official unit name, and the former commune or ward the
        citizen named when the unit is now called otherwise ("số 12, ấp Bình Thạnh, Xã Đồng Sơn (xã Bình
        Nhì cũ)"): the citizen recognises their address, the officer finds the unit."""
        unit = place or self.place
        parts = [p for p in (self.detail, unit.name if unit else "") if p]
        former = f" ({self.former} cũ)" if self.former and unit is not None and unit == self.place else ""
        return ", ".join(parts) + former


def read_location(text: str) -> LocationAnswer | None:
    """The place in ``text`` with its detail ("tổ 5 phường Sa Đéc" -> tổ 5, Phường Sa Đéc); None when the
    text names no commune, ward or former unit of Đồng Tháp. A former district or a name several former
    communes shared comes back unresolved with its ``candidates``."""
    text = normalize_text(text or "")
    matches = find_places(text)
    if not matches:
        return None
    resolved = [m for m in matches if m.place is not None]
    match = resolved[-1] if resolved else matches[-1]
    detail = read_detail(text, exclude=[(m.start, m.end) for m in matches])
    if not resolved and (joint := joint_place(matches)) is not None:
        return LocationAnswer(joint, (joint,), detail, match.matched)
    candidates = match.candidates if match.place is None else (match.place,)
    return LocationAnswer(match.place, tuple(candidates), detail, match.matched, _former_unit(match))


# A former ward named by its number only ("Phường 1") is said as the citizen wrote it, with its town.
_NUMBERED_UNIT = re.compile(r"^(?:phường|phuong)\s+\d+$", re.IGNORECASE)
_KIND_WORD = re.compile(r"^(?:xã|xa|phường|phuong|thị trấn|thi tran)\s+", re.IGNORECASE)


def _former_unit(match: PlaceMatch) -> str:
    """The former commune, ward or town ``match`` names, when it is now part of a unit called otherwise
    ("xã Bình Nhì", "phường 4 TP Mỹ Tho"); "" otherwise."""
    if match.via != "former_unit" or match.place is None or len(match.former_units) != 1:
        return ""
    unit = match.former_units[0][0].name
    if fold(_KIND_WORD.sub("", unit)) == fold(_KIND_WORD.sub("", match.place.name)):
        return ""
    if _NUMBERED_UNIT.match(unit):
        return " ".join(match.matched.replace(",", " ").split())
    return unit[:1].lower() + unit[1:]


def read_detail(text: str, exclude: list[tuple[int, int]] | None = None) -> str:
    """The address details in ``text`` ("số 12, đường Lê Lợi", "ấp 7", "tổ 5"), comma-separated, as written;
    spans in ``exclude`` (the place names) and codes are skipped."""
    parts = [text[start:end] for start, end in _detail_spans(text, exclude)]
    return ", ".join(dict.fromkeys(parts))


def with_place(text: str, place: str) -> str:
    """``text`` with the place it names (the unit, with the detail written just before it: "tổ 5 phuong Cao
    Lanh", "ấp 7 xã Mỹ Quí") replaced by ``place`` (a corrected location, "tổ 5, Phường Sa Đéc"): a
    description that still names the place the citizen corrected would send the officer there. ``text``
    unchanged when it names no unit."""
    text = normalize_text(text or "")
    matches = find_places(text)
    if not matches:
        return text
    match = next((m for m in reversed(matches) if m.place is not None), matches[-1])
    start = match.start
    for d_start, d_end in reversed(_detail_spans(text, [(m.start, m.end) for m in matches])):
        if d_end <= start and not text[d_end:start].strip(" ,"):
            start = d_start  # the detail right before the unit ("ấp 7 xã ...") is part of the mention
    # in running text the unit's kind is not capitalised ("ấp 8, xã Mỹ Quí")
    written = ", ".join(part[:1].lower() + part[1:] for part in place.split(", "))
    return text[:start] + written + text[match.end :]


def _detail_spans(text: str, exclude: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Where the address details of ``text`` are (``read_detail``)."""
    spans = [*(exclude or []), *((c.start, c.end) for c in find_codes(text))]
    # a place name or a code is not part of a detail: it ends one (as a stop word)
    tokens = [
        (m.start(), m.end(), m.group(0), "," if excluded else fold(m.group(0)))
        for m in _ADDRESS_TOKEN.finditer(text)
        for excluded in [any(m.start() < end and start < m.end() for start, end in spans)]
    ]
    # the folded form of each token as a detail noun: none when its written diacritics disagree
    nouns = [t[3] if _written_as_noun(t[2], t[3]) else "" for t in tokens]
    parts: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        found = None
        for noun, needs_name in _DETAIL_NOUNS.items():
            if tuple(nouns[i : i + len(noun)]) == noun:
                found = (len(noun), needs_name)
                break
        # "123/4 Nguyễn Trãi", or a house number opening the answer ("45 ấp Tân Hòa")
        leading_number = tokens[i][3] != "," and (
            re.fullmatch(r"\d+[a-z]?(?:/\d+[a-z]?)+", tokens[i][2], re.IGNORECASE)
            or (
                re.fullmatch(r"\d{1,4}[a-z]?", tokens[i][2], re.IGNORECASE)
                and (i == 0 or _opens_house_number(tokens, i))
            )
        )
        if not found and not leading_number:
            i += 1
            continue
        start = i + (found[0] if found else 1)
        j = start
        while j < len(tokens) and j - start < _MAX_DETAIL_WORDS:
            surface, folded = tokens[j][2], tokens[j][3]
            if not re.match(r"\w", folded) or folded in _DETAIL_STOP or _stops_as_unit_kind(tokens, j):
                break
            if any(tuple(nouns[j : j + len(n)]) == n for n in _DETAIL_NOUNS if not _DETAIL_NOUNS[n]):
                break  # the next detail starts ("số nhà 45 ấp Tân Hòa")
            if j > start and _named_detail_at(tokens, nouns, j):
                break  # "hẻm 5 đường Nguyễn Huệ": the street is a detail of its own, its name kept whole
            if found and found[1] and j == start and not (surface[0].isdigit() or surface[0].isupper()):
                break
            capitalised = surface[0].isdigit() or surface[0].isupper()
            if j > start and found and found[1] and not capitalised and not _date_street_word(tokens, j):
                break
            j += 1
        if j > start or leading_number:
            parts.append((tokens[i][0], tokens[j - 1][1] if j > start else tokens[i][1]))
            i = j if j > start else i + 1
        else:
            i += 1
    return parts


def _stops_as_unit_kind(tokens: list[tuple[int, int, str, str]], j: int) -> bool:
    """Whether token ``j`` opens a unit's kind ("thành phố", "thị trấn"), which ends a detail; "Thạnh" in
    "ấp Bình Thạnh" does not."""
    after = _DETAIL_STOP_PAIRS.get(tokens[j][3])
    return after is not None and j + 1 < len(tokens) and tokens[j + 1][3] in after


def _opens_house_number(tokens: list[tuple[int, int, str, str]], i: int) -> bool:
    """Whether the number at token ``i``, inside a message, is a house number: after "về", "tại", "ở" or a
    comma, and before a capitalised street name ("giao về 45 Nguyễn Huệ, phường 1")."""
    following = tokens[i + 1][2] if i + 1 < len(tokens) else ""
    return (
        tokens[i - 1][3] in _BEFORE_HOUSE_NUMBER
        and following[:1].isupper()
        and tokens[i + 1][3] not in _DETAIL_STOP
    )


def _named_detail_at(tokens: list[tuple[int, int, str, str]], nouns: list[str], j: int) -> bool:
    """Whether a detail noun that needs a name starts at token ``j`` with its name or number after it
    ("đường Nguyễn Huệ", "duong Le Loi", "tổ 5")."""
    for noun, needs_name in _DETAIL_NOUNS.items():
        if needs_name and tuple(nouns[j : j + len(noun)]) == noun:
            after = j + len(noun)
            return after < len(tokens) and (tokens[after][2][0].isdigit() or tokens[after][2][0].isupper())
    return False


def with_detail(recorded: str, detail: str) -> str | None:
    """The place ``recorded`` ("ấp 3, Xã Tân Thuận Bình") with ``detail`` ("ấp 5") in place of the detail of
    the same kind, the unit kept ("ấp 5, Xã Tân Thuận Bình"); a kind not recorded yet is added before the
    others. None when ``recorded`` names no unit."""
    answer = read_location(recorded)
    if answer is None or not answer.resolved:
        return None
    old = answer.detail
    for part in (p.strip() for p in detail.split(",")):
        words = part.split()
        noun = next((n for n in _DETAIL_NOUNS if tuple(fold(w) for w in words[: len(n)]) == n), None)
        if noun is None:
            old = ", ".join(x for x in (part, old) if x)
            continue
        value = words[len(noun) :]
        # the same kind of detail in the recorded one ("số 27" for "số nhà 72"), with one word after it for
        # a number ("hẻm 9" in "hẻm 9 đường Hùng Vương"), else its whole part
        tokens = old.split()
        kind = _DETAIL_KIND.get(noun, noun)
        found = next(
            (
                (i, n)
                for i in range(len(tokens))
                for n in _DETAIL_NOUNS
                if _DETAIL_KIND.get(n, n) == kind
                and tuple(fold(t.strip(",")) for t in tokens[i : i + len(n)]) == n
            ),
            None,
        )
        if found is None:
            old = ", ".join(x for x in (part, old) if x)
            continue
        at, recorded_noun = found
        end = at + len(recorded_noun)
        if value and value[0][:1].isdigit() and end < len(tokens) and tokens[end][:1].isdigit():
            trailing = "," if tokens[end].endswith(",") else ""
            tokens[at : end + 1] = [part + trailing]
            old = " ".join(tokens)
        else:
            parts = [p.strip() for p in old.split(",")]
            old = ", ".join(
                part if fold(p).split()[: len(recorded_noun)] == list(recorded_noun) else p for p in parts
            )
    return answer.text() if not old else ", ".join((old, answer.place.name))  # type: ignore[union-attr]


def _date_street_word(tokens: list[tuple[int, int, str, str]], j: int) -> bool:
    """ "tháng" between two numbers in a street named after a date ("đường 30 tháng 4", "3 tháng 2")."""
    return (
        tokens[j][3] == "thang"
        and tokens[j - 1][2].isdigit()
        and j + 1 < len(tokens)
        and tokens[j + 1][2].isdigit()
    )


def has_diacritics(text: str) -> bool:
    """Whether ``text`` is written with Vietnamese diacritics (or "đ")."""
    return fold(text) != text.lower()


def _written_as_noun(surface: str, folded: str) -> bool:
    written = _DETAIL_WRITTEN.get(folded)
    return written is None or not has_diacritics(surface) or surface.lower() == written


# ------------------------------------------------------------------------------------------------ times

_WEEKDAY = r"(?:thứ|thu|t)\s*(?:[2-7]|hai|ba|tư|tu|năm|nam|sáu|sau|bảy|bay)|chủ\s*nhật|chu\s*nhat|cn"
_DAY_PART = r"sáng|sang|trưa|trua|chiều|chieu|tối|toi"
_CLOCK = r"\d{1,2}\s*(?:h|g|giờ|gio)(?:\s*\d{1,2})?(?:\s*(?:phút|phut|p))?|\d{1,2}:\d{2}"
_DATE = (
    r"(?:(?:ngày|ngay)\s+)?\d{1,2}\s*[/\-.]\s*\d{1,2}(?:\s*[/\-.]\s*\d{2,4})?"
    r"|(?:ngày|ngay)\s+\d{1,2}(?:\s+(?:tháng|thang)\s+\d{1,2})?"
)
_RELATIVE = (
    r"hôm\s*nay|hom\s*nay|ngày\s*mai|ngay\s*mai|mai|mốt|mot|ngày\s*mốt|tuần\s*(?:sau|tới|này)|"
    r"tuan\s*(?:sau|toi|nay)|đầu\s*tuần|dau\s*tuan|cuối\s*tuần|cuoi\s*tuan|bữa\s*nay|bua\s*nay|"
    r"tháng\s*(?:sau|tới)|thang\s*(?:sau|toi)"
)
_BARE = frozenset({"sang", "trua", "chieu", "toi", "mot", "t"})
_TIME = re.compile(
    rf"(?i)(?<!\w)(?:{_WEEKDAY}|{_CLOCK}|{_DATE}|{_RELATIVE}|(?:buổi\s+|buoi\s+)?(?:{_DAY_PART}))(?!\w)"
)


def _opens_a_name(match: re.Match[str], text: str) -> bool:
    """Whether a one-word match is the first word of a capitalised name ("Mai Thanh Phong": Mai is no
    "tomorrow" there)."""
    word = match.group(0)
    following = text[match.end() :].split()
    return (
        " " not in word
        and word[:1].isupper()
        and fold(word) in _SURNAMES
        and bool(following)
        and following[0][:1].isupper()
    )


def find_time(text: str) -> str | None:
    """The day/time expression of ``text`` as written ("sáng thứ Hai tuần sau", "9 giờ ngày 15/12"), or
    None when it names no day, date, time of day or clock time."""
    text = normalize_text(text or "")
    text_without_places = text
    # "ấp 4 xã Mỹ Thọ" names a place, "000.00.20.H19-..." a dossier, "0939 123 456" a phone: not a time
    spans = [(m.start, m.end) for m in find_places(text)] + [(c.start, c.end) for c in find_codes(text)]
    for start, end in spans:
        text_without_places = text_without_places[:start] + " " * (end - start) + text_without_places[end:]
    found = [m for m in _TIME.finditer(text_without_places) if not _opens_a_name(m, text_without_places)]
    # typed without diacritics, "sang", "toi", "chieu" alone are as likely "sang" (go over), "tôi" (I)...
    if not found or (len(found) == 1 and found[0].group(0).lower() in _BARE):
        return None
    start, end = found[0].start(), found[-1].end()
    return text[start:end].strip(" ,.")


_DAY = re.compile(rf"(?i)^(?:{_WEEKDAY}|{_DATE}|{_RELATIVE})$")
_WEEKDAY_ONLY = re.compile(rf"(?i)^(?:{_WEEKDAY})$")
_WEEK = re.compile(r"(?i)^(?:tuần|tuan)\s*(?:sau|tới|toi|này|nay)$")


def _time_parts(when: str) -> tuple[str, str]:
    """A day and time as written, split into its hour ("9 giờ sáng", "chiều") and its day ("thứ năm tuần
    sau", "15/12"), each as written ("" when it gives none)."""
    hours: list[str] = []
    days: list[str] = []
    for match in _TIME.finditer(when):
        word = match.group(0)
        (days if _DAY.match(word.strip()) else hours).append(word)
    return " ".join(hours), " ".join(days)


def _week_kept(old_day: str, new_day: str) -> str:
    """The week of ``old_day`` ("tuần sau") that a new day naming only a weekday ("thứ sáu") stays in: the
    citizen moves the day within the week said before; "" when the new day says its own week or date, or
    the old one said none."""
    new_words = [m.group(0).strip() for m in _TIME.finditer(new_day)]
    if not new_words or not all(_WEEKDAY_ONLY.match(word) for word in new_words):
        return ""
    return " ".join(m.group(0).strip() for m in _TIME.finditer(old_day) if _WEEK.match(m.group(0).strip()))


def merge_time(before: str | None, after: str) -> str:
    """The day and time a correction means: ``after`` ("2 giờ chiều") with the day of ``before`` ("9 giờ
    sáng thứ năm tuần sau") when it gives only an hour ("2 giờ chiều thứ năm tuần sau"), with its hour
    when it gives only a day ("thứ sáu" -> "9 giờ sáng thứ sáu"), and with its week when the new day is a
    weekday alone ("thứ sáu" -> "9 giờ sáng thứ sáu tuần sau", "chiều thứ 6" -> "chiều thứ 6 tuần sau");
    ``after`` when nothing was given before."""
    if not before:
        return after
    old_hour, old_day = _time_parts(before)
    new_hour, new_day = _time_parts(after)
    if new_hour and not new_day and old_day:
        return f"{after} {old_day}"
    week = _week_kept(old_day, new_day)
    merged = f"{old_hour} {after}" if new_day and not new_hour and old_hour else after
    return f"{merged} {week}" if week else merged
