"""The 102 communes and wards of Đồng Tháp (from 1 July 2025) and the names citizens still use for them.

Runtime-neutral: imported by the bot runtime (the Rasa gazetteer entity extractor) and the app runtime
(triage, directory). It imports only the standard library, PyYAML and :mod:`vietnam.text`.

Data: ``vietnam/data/places.yml`` (Resolution 1663/NQ-UBTVQH15, Article 1, clauses 1-102). Matching is
diacritics- and case-insensitive, at syllable boundaries, longest match first, and understands:

- current names with or without ``xã``/``phường``/``x.``/``p.`` prefixes ("P. Mỹ Phong", "xa Hau My");
- former communes, wards and towns merged into a unit ("thị trấn Sa Rài" -> xã Tân Hồng), including the old
  numbered wards ("P1", "F.4", "phường 5") which need their city ("phường 1, TP Mỹ Tho");
- former districts, towns and cities ("huyện Cái Bè", "TX Cai Lậy"): no single unit, so the match carries
  ``place=None`` and the units it now spans as ``candidates``; a bare name that is both a current unit and
  such a former district ("Cao Lãnh", "Cái Bè") is asked back too (the current unit first);
- a former commune followed by its former district ("xã Tân Phú, huyện Châu Thành") is one match, resolved
  through that district.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from vietnam.text import fold

__all__ = [
    "District",
    "FormerUnit",
    "Place",
    "PlaceMatch",
    "all_districts",
    "all_places",
    "district_units",
    "find_places",
    "get_district",
    "get_place",
    "resolve_place",
    "source",
]

DATA_PATH = Path(__file__).resolve().parent / "data" / "places.yml"

KIND_PREFIX = {"xa": "Xã", "phuong": "Phường", "thi_tran": "Thị trấn"}


@dataclass(frozen=True)
class FormerUnit:
    """A commune, ward or town that no longer exists, merged (wholly or in part) into a current unit."""

    name: str  # official name with its prefix, e.g. "Thị trấn Sa Rài", "Phường 1"
    kind: str  # xa | phuong | thi_tran
    district: str  # id of the former district it lay in
    scope: str = "whole"  # whole | part | remainder (of a commune split between two new units)

    @property
    def short_name(self) -> str:
        return _strip_prefix(self.name)


@dataclass(frozen=True)
class District:
    """A district-level unit abolished on 1 July 2025 (huyện, thị xã, thành phố thuộc tỉnh)."""

    id: str
    name: str  # "Huyện Cái Bè", "Thành phố Mỹ Tho"
    province: str  # former province: "Đồng Tháp" or "Tiền Giang"

    @property
    def short_name(self) -> str:
        return re.sub(r"^(Huyện|Thị xã|Thành phố) ", "", self.name)

    @property
    def is_urban(self) -> bool:
        return not self.name.startswith("Huyện ")


@dataclass(frozen=True)
class Place:
    """One of the 102 commune-level units of Đồng Tháp."""

    code: str  # "phuong_my_tho", "xa_tan_phuoc_1"
    name: str  # "Phường Mỹ Tho"
    kind: str  # xa | phuong
    former_units: tuple[FormerUnit, ...] = ()
    aliases: tuple[str, ...] = ()
    former_districts: tuple[str, ...] = ()
    clause: int = 0
    verified: bool = True

    @property
    def short_name(self) -> str:
        return _strip_prefix(self.name)


@dataclass(frozen=True)
class PlaceMatch:
    """A place mention: ``text[start:end] == matched``.

    ``place`` is the unit meant, or None when the mention spans several units (a former district, a name
    shared by several former communes); ``candidates`` lists the units it may mean (the resolved place
    first). ``via`` says what matched: ``name``, ``alias``, ``former_unit`` or ``former_district``.
    ``former_units``: the former communes, wards and towns the mention may name, each with the unit it
    went to; ``districts``: the former districts, towns and cities it may name.
    """

    start: int
    end: int
    place: Place | None
    matched: str
    candidates: tuple[Place, ...] = ()
    via: str = "name"
    former_units: tuple[tuple[FormerUnit, Place], ...] = ()
    districts: tuple[District, ...] = ()


def _strip_prefix(name: str) -> str:
    return re.sub(r"^(Xã|Phường|Thị trấn) ", "", name)


# --------------------------------------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    """The data file, parsed once."""
    return yaml.safe_load(DATA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _load() -> tuple[tuple[Place, ...], dict[str, District]]:
    raw = _raw()
    districts = {
        d["id"]: District(id=d["id"], name=_nfc(d["name"]), province=_nfc(d["province"]))
        for d in raw["districts"]
    }
    places = []
    for unit in raw["units"]:
        former = tuple(
            FormerUnit(
                name=_nfc(f["name"]),
                kind=_former_kind(f["name"]),
                district=f["district"],
                scope=f.get("scope", "whole"),
            )
            for f in unit.get("former_units", [])
        )
        places.append(
            Place(
                code=unit["code"],
                name=_nfc(unit["name"]),
                kind=unit["kind"],
                former_units=former,
                aliases=tuple(_nfc(a) for a in unit.get("aliases", [])),
                former_districts=tuple(unit.get("former_districts", [])),
                clause=int(unit.get("clause", 0)),
                verified=bool(unit.get("verified", False)),
            )
        )
    return tuple(places), districts


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", str(text))


def _former_kind(name: str) -> str:
    if name.startswith("Phường"):
        return "phuong"
    if name.startswith("Thị trấn"):
        return "thi_tran"
    return "xa"


def all_places() -> list[Place]:
    """The 102 units, in the order of the resolution's clauses."""
    return list(_load()[0])


def all_districts() -> list[District]:
    """The 23 former district-level units of the two former provinces."""
    return list(_load()[1].values())


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Place]:
    return {p.code: p for p in _load()[0]}


def get_place(code: str) -> Place | None:
    return _by_code().get(code)


def get_district(district_id: str) -> District | None:
    return _load()[1].get(district_id)


def district_units(district_id: str) -> list[Place]:
    """The current units that took (part of) the territory of a former district, in clause order."""
    return [_by_code()[code] for code in _district_units().get(district_id, ())]


def source() -> tuple[str, str]:
    """(the legal source of the data, the date it took effect as YYYY-MM-DD), from the data file."""
    raw = _raw()
    return _nfc(raw["source"]), str(raw["effective"])


# -------------------------------------------------------------------------------------------- gazetteer

# Prefix words (folded token sequences) and what they announce.
_UNIT_PREFIXES: dict[tuple[str, ...], str] = {
    ("xa",): "xa",
    ("x",): "xa",
    ("phuong",): "phuong",
    ("p",): "phuong",
    ("f",): "phuong",  # southern shorthand: "F1" for phường 1
    ("ph",): "phuong",
    ("thi", "tran"): "thi_tran",
    ("tt",): "thi_tran",
}
_DISTRICT_PREFIXES: dict[tuple[str, ...], str] = {
    ("huyen",): "rural",
    ("h",): "rural",
    ("thanh", "pho"): "urban",
    ("tp",): "urban",
    ("thi", "xa"): "urban",
    ("tx",): "urban",
}
_PREFIXES_BY_FIRST_WORD: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _table in (_UNIT_PREFIXES, _DISTRICT_PREFIXES):
    for _prefix, _meaning in _table.items():
        _PREFIXES_BY_FIRST_WORD.setdefault(_prefix[0], []).append((_prefix, _meaning))
_PROVINCES = {("tien", "giang"): "Tiền Giang", ("dong", "thap"): "Đồng Tháp"}
# Former names that are also everyday words or other provinces' names: matched only after a prefix
# ("xã Thành Công") or when written as a proper name ("Thành Công").
_COMMON_WORDS = {
    "thanh cong",
    "hoa binh",
    "an binh",
    "thanh binh",
    "binh an",
    "long an",
    "thanh hoa",
    "an lac",
    "phu quy",
    "an cu",
    "hoa thuan",
    "an hoa",
    "hoa an",
    "dong hoa",
    "tam binh",
    "an khanh",
    "hoa hung",
    "song binh",
    "an nhon",
    "hoa long",
    "hoa thanh",
    "tan tay",
    "tan dong",
    "phu an",
    "my an",
    "an phu",
}
# Folded collisions between two current names: the reading to take when the text has no diacritics.
_PREFERRED_READING = {"my tho": "phuong_my_tho"}
# Words allowed between a former commune and its former district ("xã Tân Phú cũ thuộc huyện Châu Thành",
# "xã Tân Thạnh cũng huyện Tân Phú Đông", "xã Mỹ Long trong huyện Cao Lãnh", "Bình Thành bên Lấp Vò").
_GAP_WORDS = {"cu", "thuoc", "o", "tai", "tinh", "truoc", "day", "cung", "trong", "cua", "ben"}
# "xã Tân Thành cũ": the word after a name that says the unit no longer exists.
_SAID_OLD = re.compile(r"[\s(]*(?:cũ|cu)\b", re.IGNORECASE)
# A name right after these is a hamlet, street, canal... named like a commune ("ấp Mỹ Thạnh", "đường Đốc
# Binh Kiều", "kênh Phước Xuyên"), not the commune itself.
# Compared on the lower-case words as written: "Dương" (a name) is not "đường" (a street), "duong" may be.
_NOT_A_UNIT_BEFORE = {
    ("ấp",),
    ("ap",),
    ("khóm",),
    ("khom",),
    ("khu", "phố"),
    ("khu", "pho"),
    ("kp",),
    ("đường",),
    ("duong",),
    ("kênh",),
    ("kenh",),
    ("rạch",),
    ("rach",),
    ("hẻm",),
    ("hem",),
}
# A name right after a title for a person ("anh Tân Phước chủ nhà trọ", "chú Mỹ An", "bà Thanh Bình") is
# that person's name, not a place. As written, lower case; not the titles that fold to other words before
# a place ("đi" Tân Phước, "có" Tân Phước, "ba"/"cậu" typed without diacritics).
_PERSON_TITLES = {
    (title,)
    for title in (
        *("anh", "chị", "chú", "cô", "bác", "ông", "bà", "dì", "cậu", "thím", "dượng", "mợ"),
        *("chi", "chu", "bac", "ong", "thim"),
    )
}
# Current names that, typed in lower case without a prefix, also read as everyday Southern speech: "tui
# hong ngu duoc" is "tôi hông (không) ngủ được", not the ward Hồng Ngự. Taken as that phrase when a subject
# comes right before or a verb complement right after.
_EVERYDAY_PHRASES = {("hong", "ngu")}
_EVERYDAY_BEFORE = {
    *("tui", "toi", "em", "minh", "ma", "ba", "bo", "me", "con", "no", "ong", "anh", "chi", "nguoi", "ai"),
    *("dem", "ca", "luon", "van", "cung", "nen", "chua"),
}
_EVERYDAY_AFTER = {"duoc", "dc", "noi", "ngon", "yen", "it", "nua", "het", "luon", "gi"}
_PLACE_BEFORE = {"o", "tai", "ve", "len", "xuong", "tu", "den", "di", "qua"}  # "ở hong ngu dc ko": a place
_TOKEN_RE = re.compile(r"[a-z]+|\d+")
_ROMAN = {"1": "i", "2": "ii", "3": "iii"}
_MAX_NAME_TOKENS = 6


@dataclass(frozen=True)
class _Reading:
    """One interpretation of a surface form."""

    level: str  # unit | former | district
    target: str  # place code (unit, former) or district id
    surface: str  # lower-case original spelling with diacritics, for accent-exact preference
    kind: str = ""  # unit kind / former unit kind / "rural"|"urban" for districts
    district: str = ""  # former: the district it lay in
    needs_prefix: bool = False
    common: bool = False
    via: str = "name"


@dataclass
class _Gazetteer:
    names: dict[tuple[str, ...], list[_Reading]] = field(default_factory=dict)

    def add(self, surface: str, reading: _Reading) -> None:
        for variant in _variants(surface):
            bucket = self.names.setdefault(variant, [])
            if reading not in bucket:
                bucket.append(reading)


def _tokens(folded: str) -> tuple[str, ...]:
    return tuple(_TOKEN_RE.findall(folded))


def _variants(surface: str) -> set[tuple[str, ...]]:
    """Folded token sequences for a name: as written, qui/quy swapped, trailing 1/2/3 as roman numerals."""
    base = _tokens(fold(surface))
    out = {base}
    swapped = tuple({"qui": "quy", "quy": "qui"}.get(t, t) for t in base)
    out.add(swapped)
    for seq in list(out):
        if seq and seq[-1] in _ROMAN:
            out.add((*seq[:-1], _ROMAN[seq[-1]]))
    return out


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    places, districts = _load()
    gaz = _Gazetteer()
    for place in places:
        short = place.short_name
        gaz.add(short, _Reading("unit", place.code, short.lower(), kind=place.kind))
        for alias in place.aliases:
            gaz.add(alias, _Reading("unit", place.code, alias.lower(), kind=place.kind, via="alias"))
        for former in place.former_units:
            short_former = former.short_name
            numbered = short_former.isdigit()  # "Phường 1": only with a ward prefix, then a city
            gaz.add(
                short_former,
                _Reading(
                    "former",
                    place.code,
                    short_former.lower(),
                    kind=former.kind,
                    district=former.district,
                    needs_prefix=numbered,
                    common=fold(short_former) in _COMMON_WORDS,
                    via="former_unit",
                ),
            )
    for district in districts.values():
        short = district.short_name
        gaz.add(
            short,
            _Reading(
                "district",
                district.id,
                short.lower(),
                kind="urban" if district.is_urban else "rural",
                via="former_district",
            ),
        )
    # Unit readings of everyday words also need a prefix or capitals ("an bình" = peaceful).
    for key, readings in gaz.names.items():
        if " ".join(key) in _COMMON_WORDS:
            gaz.names[key] = [replace(r, common=True) for r in readings]
    return gaz


@lru_cache(maxsize=1)
def _district_units() -> dict[str, tuple[str, ...]]:
    """District id -> codes of the current units that took (part of) its territory."""
    out: dict[str, list[str]] = {}
    for place in _load()[0]:
        for district_id in place.former_districts:
            out.setdefault(district_id, []).append(place.code)
    return {k: tuple(v) for k, v in out.items()}


# --------------------------------------------------------------------------------------------- matching


@dataclass
class _Raw:
    start_tok: int
    end_tok: int  # exclusive
    start: int
    end: int
    prefix: str  # "" | unit kind | "rural" | "urban"
    readings: list[_Reading]
    province: str = ""
    short_prefix: bool = False  # "P1", "F.4", "x. ..." rather than a spelt-out "phường", "xã"
    qualified: bool = False  # merged with a following former district


def _to_nfc_with_offsets(text: str) -> tuple[str, list[int]]:
    """NFC text and, for each of its characters (plus the end), the offset in ``text``."""
    if unicodedata.is_normalized("NFC", text):
        return text, list(range(len(text) + 1))
    out: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        cluster = unicodedata.normalize("NFC", text[i:j])
        for ch in cluster:
            out.append(ch)
            offsets.append(i)
        i = j
    offsets.append(len(text))
    return "".join(out), offsets


def _aligned_fold(nfc: str) -> str:
    folded = fold(nfc)
    if len(folded) != len(nfc):  # defensive: keep offsets aligned whatever fold() does
        folded = "".join((fold(c) or " ")[:1] for c in nfc)
    return folded


def _scan(nfc: str, folded: str) -> list[_Raw]:
    spans = [(m.start(), m.end(), m.group(0)) for m in _TOKEN_RE.finditer(folded)]
    words = [s[2] for s in spans]
    written = [nfc[a:b].lower() for a, b, _ in spans]
    gaz = _gazetteer().names
    raws: list[_Raw] = []
    i = 0
    while i < len(words):
        found = _match_at(i, words, spans, nfc, gaz)
        if found is None:
            i += 1
            continue
        last_end = raws[-1].end_tok if raws else 0
        if not found.prefix and _everyday_phrase(found, words, nfc):
            i = found.end_tok
            continue
        if not found.prefix and any(
            i - len(w) >= last_end and tuple(written[i - len(w) : i]) == w
            for w in (*_NOT_A_UNIT_BEFORE, *_PERSON_TITLES)
        ):
            i = found.end_tok  # the whole name belongs to the hamlet/street, or is a person's
            continue
        raws.append(found)
        i = found.end_tok
    return raws


def _everyday_phrase(raw: _Raw, words: list[str], nfc: str) -> bool:
    """Whether a prefix-less match is an everyday phrase in context ("tui hong ngu duoc"), not a place."""
    if tuple(words[raw.start_tok : raw.end_tok]) not in _EVERYDAY_PHRASES:
        return False
    if _is_capitalised(nfc[raw.start : raw.end]):
        return False
    before = words[raw.start_tok - 1] if raw.start_tok else ""
    after = words[raw.end_tok] if raw.end_tok < len(words) else ""
    return before not in _PLACE_BEFORE and (before in _EVERYDAY_BEFORE or after in _EVERYDAY_AFTER)


def _match_at(i: int, words: list[str], spans, nfc: str, gaz) -> _Raw | None:
    options: list[tuple[int, str]] = [(0, "")]
    for prefix, meaning in _PREFIXES_BY_FIRST_WORD.get(words[i], ()):
        if tuple(words[i : i + len(prefix)]) == prefix:
            options.append((len(prefix), meaning))
    best: _Raw | None = None
    for plen, meaning in sorted(options, key=lambda o: -o[0]):
        start = i + plen
        for length in range(min(_MAX_NAME_TOKENS, len(words) - start), 0, -1):
            key = tuple(words[start : start + length])
            readings = gaz.get(key)
            if not readings:
                continue
            name_text = nfc[spans[start][0] : spans[start + length - 1][1]]
            usable = _prefer_exact([r for r in readings if _allowed(r, meaning, name_text)], name_text)
            if not usable:
                continue
            raw = _Raw(
                start_tok=i,
                end_tok=start + length,
                start=spans[i][0],
                end=spans[start + length - 1][1],
                prefix=meaning,
                readings=usable,
                short_prefix=plen > 0 and len(words[i]) <= 2,
            )
            if best is None or raw.end_tok > best.end_tok:
                best = raw
            break
    if best is not None:
        return best
    for key, province in _PROVINCES.items():
        if tuple(words[i : i + len(key)]) == key:
            end_tok = i + len(key)
            return _Raw(i, end_tok, spans[i][0], spans[end_tok - 1][1], "", [], province=province)
    return None


def _allowed(reading: _Reading, prefix: str, name_text: str) -> bool:
    if reading.needs_prefix and prefix not in ("phuong",):
        return False
    # everyday words count only after a prefix or written as a proper name
    return not (reading.common and not prefix and not _is_capitalised(name_text))


def _is_capitalised(text: str) -> bool:
    syllables = [w for w in re.findall(r"\w+", text) if not w.isdigit()]
    return bool(syllables) and all(w[0].isupper() for w in syllables)


@lru_cache(maxsize=4096)
def _marks(syllable: str) -> tuple[str, ...]:
    """The diacritics of a syllable, independent of where the tone mark sits ("hoà" == "hòa")."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    marks = [c for c in decomposed if unicodedata.combining(c)]
    if "đ" in syllable.lower():
        marks.append("đ")
    return tuple(sorted(marks))


def _spelling_agrees(written: str, surface: str) -> bool:
    """A name written with diacritics must carry the reading's diacritics, tone placement aside ("Mỹ Thạnh"
    is not "Mỹ Thành", "Mỹ Tho" not "Mỹ Thọ"); written without any, it accepts every reading."""
    got = re.findall(r"\w+", written)
    want = re.findall(r"\w+", surface)
    if len(got) != len(want) or not any(_marks(g) for g in got):
        return True  # no diacritics, or a variant form (roman numeral): matched on folded letters only
    return all(_marks(g) == _marks(w) for g, w in zip(got, want, strict=True))


def _prefer_exact(readings: list[_Reading], name_text: str) -> list[_Reading]:
    """Keep the readings whose spelling agrees with the diacritics the citizen wrote (none may remain)."""
    if name_text.isascii():
        return readings
    return [r for r in readings if _spelling_agrees(name_text, r.surface)]


def _filter_by_prefix(readings: list[_Reading], prefix: str) -> list[_Reading]:
    if not prefix:
        return readings
    if prefix in ("rural", "urban"):
        chosen = [r for r in readings if r.level == "district" and r.kind == prefix]
        chosen = chosen or [r for r in readings if r.level == "district"]
    else:
        chosen = [r for r in readings if r.level != "district" and r.kind == prefix]
        if prefix == "thi_tran":
            chosen = chosen or [r for r in readings if r.level == "former"]
        chosen = chosen or [r for r in readings if r.level != "district"]
    return chosen or readings


def _resolve(readings: list[_Reading], folded_name: str) -> tuple[str | None, tuple[str, ...], str]:
    """(place code or None, candidate codes, via) for a set of readings."""
    units = _unique(r.target for r in readings if r.level == "unit")
    formers = _unique(r.target for r in readings if r.level == "former")
    district_ids = _unique(r.target for r in readings if r.level == "district")
    spanned = _unique(code for d in district_ids for code in _district_units().get(d, ()))
    if units and (len(_former_provinces(district_ids)) > 1 or len(spanned) > 1):
        # A bare name that is a current unit and also a former district, town or city now spread over
        # several units ("Cao Lãnh": the ward, the former city, the former district) is no unit for sure:
        # asked back, the current unit first, then the units of those districts. With "phường"/"xã" the
        # district readings are gone (the unit), with "huyện"/"thành phố" the unit readings.
        return None, _unique([*units, *formers, *spanned]), "former_district"
    if units:
        via = next(r.via for r in readings if r.level == "unit")
        if len(units) == 1:
            chosen: str | None = units[0]
        else:
            preferred = _PREFERRED_READING.get(folded_name)
            chosen = preferred if preferred in units else None
        ordered = ([chosen] if chosen else []) + [u for u in units if u != chosen]
        return chosen, _unique([*ordered, *formers, *spanned]), via
    if len(formers) == 1 and not district_ids:
        return formers[0], (formers[0],), "former_unit"
    via = "former_district" if district_ids and not formers else "former_unit"
    return None, _unique([*formers, *spanned]), via


def _former_provinces(district_ids: tuple[str, ...]) -> set[str]:
    by_id = {d.id: d for d in all_districts()}
    return {by_id[i].province for i in district_ids if i in by_id}


def _unique(items) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return tuple(seen)


def _qualifies(first: _Raw, second: _Raw, folded: str) -> list[_Reading] | None:
    """Readings of ``first`` consistent with ``second`` read as its former district, or None."""
    gap = folded[first.end : second.start]
    gap_words = _TOKEN_RE.findall(gap)
    if len(gap_words) > 3 or any(w not in _GAP_WORDS for w in gap_words):
        return None
    if re.search(r"[\n!?]", gap):
        return None
    if second.province:
        district_ids = {d.id for d in all_districts() if d.province == second.province}
        if not any(r.level == "district" for r in first.readings):
            return None
    else:
        district_ids = {r.target for r in second.readings if r.level == "district"}
    if not district_ids:
        return None
    places = _by_code()
    kept = [
        r
        for r in first.readings
        if (r.level == "former" and r.district in district_ids)
        or (r.level == "unit" and set(places[r.target].former_districts) & district_ids)
        or (r.level == "district" and r.target in district_ids)
    ]
    return kept or None


def find_places(text: str) -> list[PlaceMatch]:
    """Every place mention in ``text``, left to right, with exact character offsets into ``text``."""
    if not text:
        return []
    nfc, offsets = _to_nfc_with_offsets(text)
    folded = _aligned_fold(nfc)
    raws = _scan(nfc, folded)
    for raw in raws:
        raw.readings = _filter_by_prefix(raw.readings, raw.prefix)
    merged: list[_Raw] = []
    i = 0
    while i < len(raws):
        current = raws[i]
        if current.province:  # a province name alone is not a place of the directory
            i += 1
            continue
        while i + 1 < len(raws):
            kept = _qualifies(current, raws[i + 1], folded)
            if kept is None:
                break
            nxt = raws[i + 1]
            current = _Raw(
                current.start_tok, nxt.end_tok, current.start, nxt.end, current.prefix, kept, qualified=True
            )
            i += 1
        if current.short_prefix and not current.qualified and all(r.needs_prefix for r in current.readings):
            i += 1  # a bare "F1"/"P1" is too often something else ("F1" contacts, "P1" of a form)
            continue
        merged.append(current)
        i += 1
    places = _by_code()
    matches = []
    for raw in merged:
        head = _said_old(raw, nfc)
        name_key = _name_key(raw, folded)
        code, candidates, via = _resolve(head, name_key)
        start, end = offsets[raw.start], offsets[raw.end]
        matches.append(
            PlaceMatch(
                start=start,
                end=end,
                place=places[code] if code else None,
                matched=text[start:end],
                candidates=tuple(places[c] for c in candidates),
                via=via,
                former_units=_former_units_of(head),
                districts=tuple(
                    d
                    for d in (
                        get_district(i) for i in _unique(r.target for r in head if r.level == "district")
                    )
                    if d is not None
                ),
            )
        )
    return matches


def _said_old(raw: _Raw, nfc: str) -> list[_Reading]:
    """The readings of ``raw``, without the current unit's when the citizen calls the name old ("xã Tân Thành
    cũ": the former communes of that name, not the current xã Tân Thành) and a former unit had it."""
    if not _SAID_OLD.match(nfc, raw.end) or not any(r.level == "former" for r in raw.readings):
        return raw.readings
    return [r for r in raw.readings if r.level != "unit"]


def _former_units_of(readings: list[_Reading]) -> tuple[tuple[FormerUnit, Place], ...]:
    """The former units the ``former`` readings name, each with the unit it went to."""
    places = _by_code()
    found: dict[tuple[str, str], tuple[FormerUnit, Place]] = {}
    for reading in readings:
        if reading.level != "former":
            continue
        place = places[reading.target]
        for former in place.former_units:
            if former.district == reading.district and former.short_name.lower() == reading.surface:
                found.setdefault((former.name, place.code), (former, place))
    return tuple(found.values())


def _name_key(raw: _Raw, folded: str) -> str:
    words = _TOKEN_RE.findall(folded[raw.start : raw.end])
    for table in (_UNIT_PREFIXES, _DISTRICT_PREFIXES):
        for prefix in sorted(table, key=len, reverse=True):
            if tuple(words[: len(prefix)]) == prefix and len(words) > len(prefix):
                return " ".join(words[len(prefix) :])
    return " ".join(words)


def resolve_place(text: str) -> Place | None:
    """The one unit ``text`` designates, or None (nothing found, a former district, or conflicting units).

    Accepts a bare name ("Mỹ Phong", "my phong"), a prefixed or old name ("P. Mỹ Tho", "thị trấn Mỹ
    Phước") or an address ("ấp 3, xã Mỹ Hội, huyện Cái Bè").
    """
    matches = find_places(text)
    resolved = _unique(m.place.code for m in matches if m.place is not None)
    if not resolved:
        return joint_place(matches)
    if len(resolved) != 1:
        return None
    return get_place(resolved[0])


def joint_place(matches: list[PlaceMatch]) -> Place | None:
    """The one unit that every unresolved name of ``matches`` may be, when two or more are given apart
    ("thị xã Cai Lậy cũ đó, phường 1": the former town's Phường 1 is now Phường Mỹ Phước Tây); None
    otherwise (one name alone, or no single unit shared)."""
    open_matches = [m for m in matches if m.place is None and m.candidates]
    if len(open_matches) < 2:
        return None
    shared = set.intersection(*({c.code for c in m.candidates} for m in open_matches))
    return get_place(next(iter(shared))) if len(shared) == 1 else None


def former_unit_notes(text: str) -> dict[str, str]:
    """For an old name shared by former units of several districts, what each became, keyed by the
    current unit's name: ``{"Xã Mỹ Hiệp": "xã Mỹ Long (huyện Cao Lãnh cũ) nay thuộc Xã Mỹ Hiệp", ...}``,
    so that a citizen asked to choose sees which old commune each choice is. Empty when the name is not
    such a shared former name."""
    notes: dict[str, str] = {}
    for match in find_places(text):
        districts = {former.district for former, _ in match.former_units}
        if len(districts) < 2:
            continue
        for former, place in match.former_units:
            district = get_district(former.district)
            if district is None or place.name in notes:
                continue
            notes[place.name] = (
                f"{_lower_kind(former.name)} ({_lower_kind(district.name)} cũ) nay thuộc {place.name}"
            )
    return notes


def _lower_kind(name: str) -> str:
    """ "Xã Mỹ Long" -> "xã Mỹ Long", "Thị xã Cai Lậy" -> "thị xã Cai Lậy"; "Phường 1" stays a ward."""
    return name[0].lower() + name[1:] if name else name
