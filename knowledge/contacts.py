"""Where to go and whom to call: office address, phone and hours from the office directory.

The directory (``knowledge/data/offices.yml``, loaded and validated by ``knowledge.offices``; format in
``knowledge/schema.md``, "Office directory") names, for each of the 102 communes and wards, its People's
Committee, its public-administration service centre and its police, and lists the province's service centre,
departments, police, social insurance and utilities, each contact detail with its source or null.

A question names a commune or ward (current or old name, resolved by ``vietnam.places``; a former district
spanning several units is asked back), a province office (by name, with or without "tỉnh Đồng Tháp", or a
former department name), or neither (the province service centre is given and the commune asked).
``contact_answer`` gives the fields asked (address, phone, hours; all three when the question names none)
and says plainly when one has no official source, pointing to the 1022 hotline and the national portal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.offices import OFFICES_FILE, Office, OfficeDirectory, load_offices
from vietnam.places import Place, PlaceMatch, find_places, get_place, joint_place
from vietnam.procedure_terms import load_terms
from vietnam.text import expand_abbreviations, fold, normalize_text
from vietnam.workdays import format_date_vi

__all__ = [
    "FIELDS",
    "ContactAnswer",
    "asked_fields",
    "asks_how_to_reach_office",
    "contact_answer",
    "is_contact_question",
]

FIELDS = ("address", "phone", "hours")
_FIELD_LABEL = {"address": "Địa chỉ", "phone": "Điện thoại", "hours": "Giờ làm việc"}
_FIELD_WHAT = {"address": "địa chỉ", "phone": "số điện thoại", "hours": "giờ làm việc"}


@dataclass(frozen=True)
class ContactAnswer:
    """What the bot says to a contact question; ``message`` is the only thing to show.

    ``outcome``: ``office`` (the offices ``offices`` answered: directory keys, i.e. a place code or an
    agency code), ``ambiguous_place`` (an old district or a shared name: ask which of ``candidates``, place
    codes, and call again with ``place=<code>``), ``ask_place`` (no office named: the province service
    centre is given and the citizen asked for their commune or ward) or ``hotline`` (no office named, the
    question asks whom to call about procedures in general or where to complain: the 1022 hotline and the
    national portal). ``fields`` are the fields answered."""

    outcome: str
    message: str
    offices: tuple[str, ...] = ()
    place: str | None = None
    candidates: tuple[str, ...] = ()
    fields: tuple[str, ...] = FIELDS


# ------------------------------------------------------------------------------------------- questions
_WORD = re.compile(r"[a-z0-9]+")
# Folded cue phrases for each field.
_FIELD_CUES: dict[str, tuple[str, ...]] = {
    "phone": (
        "so dien thoai", "dien thoai", "hotline", "duong day nong", "so may", "goi so", "goi dien",
        "so lien lac", "so ban", "so de goi", "alo", "zalo", "goi ai", "goi dau", "goi cho ai", "goi so nao",
        "tong dai",
    ),
    "address": (
        "dia chi", "tru so", "nam o dau", "o duong nao", "duong nao", "vi tri", "cho nao", "o dau", "den dau",
    ),
    "hours": (
        "gio lam viec", "may gio", "mo cua", "dong cua", "thu bay", "thu #", "chu nhat", "gio hanh chinh",
        "nghi trua", "lam viec khong", "lam viec ko", "co lam viec", "lam viec may", "lich lam viec",
        "sang thu", "chieu thu", "gio giac", "lam den may gio", "ngay le", "lam viec ngay",
        "lam viec thu may", "lam viec gio nao", "lam viec luc nao", "lam viec ngay nao", "may gio mo",
    ),
}  # fmt: skip
# Ways to reach an office that are none of the fields ("email sở nội vụ", "liên hệ ủy ban phường bằng cách
# nào"): a contact question when an office is named, answered with every field.
_OTHER_CONTACT_CUES = (
    "email", "thu dien tu", "fanpage", "trang facebook", "thong tin lien he", "cach lien he", "cach lien lac",
    "lien he bang cach nao", "lien lac bang cach nao", "lien he the nao", "lien he sao",
)  # fmt: skip
# Asking for an e-mail address ("email sở tư pháp"; the directory holds none), folded.
_EMAIL_CUES = ("email", "e mail", "mail", "gmail", "thu dien tu")
# Words that name an office (folded).
_OFFICE_CUES = (
    "uy ban", "trung tam phuc vu", "hanh chinh cong", "bo phan mot cua", "mot cua", "so", "cong an",
    "bao hiem xa hoi", "van phong dang ky dat dai", "toa an", "co quan", "van phong", "tru so", "dien luc",
    "cap nuoc", "buu dien",
)  # fmt: skip
# A question about the hotline itself or about whom to ask, or where to complain, about procedures in
# general ("tổng đài hỗ trợ thủ tục", "muốn hỏi cán bộ về thủ tục", "phản ánh thủ tục hành chính"): when it
# names no office and no place, the answer is the 1022 hotline and the national portal (folded).
_HOTLINE_CUES = (
    "tong dai", "hoi ve thu tuc", "hoi thu tuc", "hoi can bo", "hoi cac thu tuc", "phan anh", "kien nghi",
    "ho tro thu tuc", "ho tro ve thu tuc", "tu van", "hoi dap", "giai dap", "thac mac", "huong dan thu tuc",
    "huong dan ve thu tuc", "khieu nai ve thu tuc", "ho tro dich vu cong", "dich vu cong", "hotline",
    "so ho tro", "dien thoai ho tro", "duong day ho tro", "tien do ho so", "hoi tien do",
)  # fmt: skip
# Paperwork in general ("làm giấy tờ ở Cao Lãnh thì đến đâu") names no procedure: where to go is the office.
_GENERIC_PAPERWORK = re.compile(r" (?:lam |xin )?(?:giay to|thu tuc hanh chinh|thu tuc|ho so)(?= )")
# Said when a former district is named (Luật Tổ chức chính quyền địa phương 2025: two levels from
# 1 July 2025).
_NO_DISTRICTS = (
    " Từ ngày 01/7/2025 chính quyền địa phương còn hai cấp (tỉnh và xã, phường), không còn cấp huyện; "
    "thủ tục trước đây làm ở huyện nay nộp tại xã, phường hoặc tỉnh."
)
# The one-stop service centres: named without a procedure, the question is about the centre.
_SERVICE_CENTRE_NAMES = ("trung tam phuc vu hanh chinh cong", "trung tam hanh chinh cong", "bo phan mot cua")
# What a commune-level office is said with ("công an xã", "ủy ban phường").
_COMMUNE_UNITS = ("xa", "phuong", "thi tran")
# "Đóng cửa tiệm" closes a business (a procedure), it does not ask when an office closes.
_CLOSING_A_BUSINESS = re.compile(
    r" dong cua (?:tiem|hang|quan|cong ty|doanh nghiep|xuong|co so|ho kinh doanh|kinh doanh|buon ban|sap) "
)
# "Mẫu số mấy" asks which numbered form, not a phone number ("số máy" folds the same).
_FORM_NUMBER = re.compile(r" mau so may(?= )")
# The hotline addressed, not asked for ("Kính gửi tổng đài, tôi muốn đổi giấy phép lái xe ...", "tổng đài
# ơi cho hỏi"), folded.
_ADDRESSING = re.compile(r" (?:kinh gui|kinh chao|xin chao|chao|gui|thua) tong dai(?= )| tong dai oi(?= )")
# Words of a procedure question ("nộp hồ sơ khai sinh ở đâu" asks about a procedure, not an office).
_PROCEDURE_CUES = ("nop", "ho so", "thu tuc", "dang ky", "cap", "lam giay", "xin giay", "lam the", "lam so")
_POWER = (
    "dien luc", "cup dien", "mat dien", "cat dien", "su co dien", "tien dien", "hoa don dien", "dien nuoc",
    "cong ty dien",
)  # fmt: skip
_WATER = (
    "cap nuoc",
    "cup nuoc",
    "mat nuoc",
    "cat nuoc",
    "nuoc may",
    "tien nuoc",
    "hoa don nuoc",
    "cong ty nuoc",
)
# How citizens name province offices besides their official name (folded), and former names of merged
# departments (Nghị định 45/2025/NĐ-CP; ticketing/data/agencies.yml): agency code -> phrases.
_PROVINCE_NAMES: dict[str, tuple[str, ...]] = {
    "ttphcc_tinh": (
        "trung tam phuc vu hanh chinh cong tinh", "trung tam hanh chinh cong tinh", "mot cua tinh",
        "trung tam phuc vu hanh chinh cong dong thap", "trung tam hanh chinh cong dong thap",
    ),
    "vp_ubnd_tinh": ("van phong uy ban nhan dan tinh", "uy ban nhan dan tinh", "uy ban tinh"),
    "cong_an_tinh": ("cong an tinh",),
    "bhxh_tinh": ("bao hiem xa hoi", "bao hiem xa hoi tinh"),
    "so_xay_dung": ("so giao thong", "so giao thong van tai"),
    "so_nong_nghiep_moi_truong": ("so tai nguyen", "so tai nguyen va moi truong", "so nong nghiep"),
    "so_tai_chinh": ("so ke hoach", "so ke hoach va dau tu", "so ke hoach dau tu"),
    "so_noi_vu": ("so lao dong", "so lao dong thuong binh va xa hoi", "so ldtbxh"),
    "so_khoa_hoc_cong_nghe": ("so thong tin", "so thong tin va truyen thong"),
    "so_van_hoa_the_thao_du_lich": ("so van hoa",),
    "so_giao_duc_dao_tao": ("so giao duc",),
    # Citizens name the utility by what went wrong ("cúp điện", "mất nước") more often than by its name.
    "pc_dong_thap": _POWER,
    "pc_tien_giang": _POWER,
    "cap_nuoc_dong_thap": _WATER,
    "cap_nuoc_tien_giang": _WATER,
    "buu_dien_tinh": ("buu dien", "buu dien tinh"),
}  # fmt: skip
_PROVINCE_SUFFIX = " tinh dong thap"
_CLOCK = re.compile(r"\d\s*(?:giờ|gio|h\b|:\d)", re.IGNORECASE)  # "7 giờ", "7h30", "13:30"
# Offices that receive dossiers (the Saturday-morning rule of the directory's `hours` applies to them).
_SERVICE_CENTRE = "ttphcc_tinh"


def _folded(text: str) -> str:
    words = _WORD.findall(fold(expand_abbreviations(normalize_text(text or ""))))
    return " " + " ".join("#" if word.isdigit() else word for word in words) + " "


def _has(folded: str, cues: tuple[str, ...]) -> bool:
    return any(f" {cue} " in folded for cue in cues)


def asked_fields(text: str) -> tuple[str, ...]:
    """The contact fields a question asks for; all three when it names none."""
    folded = _folded(text)
    return tuple(name for name in FIELDS if _has(folded, _FIELD_CUES[name])) or FIELDS


@lru_cache(maxsize=1)
def _procedure_names() -> tuple[str, ...]:
    """How citizens name procedures (``vietnam/data/procedure_terms.yml``), folded."""
    names = {_folded(name).strip() for entry in load_terms() for name in (entry.term, *entry.aliases)}
    return tuple(sorted(name for name in names if name))


def is_contact_question(text: str) -> bool:
    """True when ``text`` asks for an office's phone, hours or address rather than about a procedure. A
    commune or ward named in a question about a procedure ("làm hộ chiếu ở đâu, ở Sa Đéc được không")
    says where the citizen is, not which office they want to reach."""
    folded = _folded(text)
    if _has(_ADDRESSING.sub(" ", _FORM_NUMBER.sub(" ", folded)), _FIELD_CUES["phone"]):
        return not _has(folded, ("thoi han", "bao lau", "may ngay"))  # "mấy giờ" vs a processing time
    if _has(_CLOSING_A_BUSINESS.sub(" ", folded), _FIELD_CUES["hours"]):
        return not _has(folded, ("thoi han", "bao lau", "may ngay"))
    how_to_reach = _has(folded, ("lien he", "lien lac")) and _has(
        folded, ("bang cach nao", "cach nao", "the nao")
    )
    if _has(folded, _SERVICE_CENTRE_NAMES) and not _has(_GENERIC_PAPERWORK.sub(" ", folded), _PROCEDURE_CUES):
        return True  # "trung tâm hành chính công huyện Cao Lãnh": the centre itself
    if _has(folded, _FIELD_CUES["address"]) or _has(folded, _OTHER_CONTACT_CUES) or how_to_reach:
        names_office = _has(folded, _OFFICE_CUES) or (
            bool(find_places(text)) and not _has(folded, _procedure_names())
        )
        return names_office and not _has(_GENERIC_PAPERWORK.sub(" ", folded), _PROCEDURE_CUES)
    return False


# ------------------------------------------------------------------------------------------- directory
def _province_keys(directory: OfficeDirectory) -> dict[str, set[str]]:
    """Folded phrase -> agency codes it names."""
    keys: dict[str, set[str]] = {}
    for code, office in directory.province.items():
        name = _folded(office.name).strip()
        phrases = {name, name.removesuffix(_PROVINCE_SUFFIX.strip()).strip(), *_PROVINCE_NAMES.get(code, ())}
        for phrase in phrases:
            if phrase:
                keys.setdefault(phrase, set()).add(code)
    return keys


def _province_offices(text: str, directory: OfficeDirectory) -> tuple[str, ...]:
    """Agency codes the question names (the longest phrase wins). A name both levels share said with a
    commune or ward ("công an phường", "công an xã Mỹ Hiệp") names the commune's office, not the
    province's, unless it says "tỉnh"."""
    folded = _folded(text)
    best: tuple[str, set[str]] = ("", set())
    for phrase, codes in _province_keys(directory).items():
        if f" {phrase} " in folded and len(phrase) > len(best[0]):
            best = (phrase, codes)
    phrase = best[0]
    if (
        phrase
        and " tinh" not in f" {phrase}"
        and _has(folded, tuple(f"{phrase} {u}" for u in _COMMUNE_UNITS))
    ):
        return ()
    return tuple(code for code in directory.province if code in best[1])


def _directory(path: Path) -> OfficeDirectory:
    """The directory, read again only when the file changed."""
    return _cached_directory(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _cached_directory(path: Path, _mtime: int) -> OfficeDirectory:
    return load_offices(path)


def _where_to_ask(directory: OfficeDirectory) -> str:
    return (
        f"anh/chị gọi {directory.fallback_name} (số {directory.fallback_phone}) hoặc xem "
        f"{directory.portal_name} ({directory.portal_url})"
    )


def _not_known(directory: OfficeDirectory, what: str) -> str:
    return f"hiện em chưa có thông tin chính thức về {what}, {_where_to_ask(directory)} ạ."


def _fallback_line(directory: OfficeDirectory) -> str:
    return f"Nếu chưa liên hệ được hoặc cần hỏi thêm về thủ tục hành chính, {_where_to_ask(directory)} ạ."


def _with_fallback(message: str, directory: OfficeDirectory) -> str:
    """``message`` ending with the hotline and the portal, unless it already gives them."""
    if f"(số {directory.fallback_phone})" in message:
        return message
    return f"{message}\n{_fallback_line(directory)}"


def _gives_verified_phone(offices: list[Office]) -> bool:
    return any(o.verified and (o.phone or o.hotlines) for o in offices)


def _hotline_message(directory: OfficeDirectory) -> str:
    """Whom to call, and where to look or complain, about administrative procedures in general."""
    message = (
        f"Dạ, để được hỏi đáp, hướng dẫn hoặc phản ánh, kiến nghị về thủ tục hành chính, anh/chị gọi "
        f"{directory.fallback_name} (số {directory.fallback_phone}) hoặc vào {directory.portal_name} "
        f"({directory.portal_url}) để tra cứu thủ tục, nộp hồ sơ trực tuyến, tra cứu hồ sơ và gửi phản ánh, "
        "kiến nghị ạ."
    )
    if not directory.fallback_verified:
        message += (
            f"\nLưu ý: số {directory.fallback_phone} là số tỉnh đã công bố trước đây, em chưa tìm được thông "
            f"báo mới xác nhận lại; nếu chưa gọi được, anh/chị dùng {directory.portal_name} giúp em ạ."
        )
    return message


def _display_name(office: Office) -> str:
    """A commune's entry is named after the unit; citizens go to its service centre."""
    return office.service_point or office.name


def _field_lines(
    office: Office, field: str, directory: OfficeDirectory, *, receives_dossiers: bool
) -> list[str]:
    label = _FIELD_LABEL[field]
    if field == "address":
        if office.address:
            return [f"- {label}: {office.address.rstrip('.')}."]
        if office.sites:
            lines = [f"- {label}:"]
            for site in office.sites:
                since = f" (từ ngày {format_date_vi(site.since)})" if site.since else ""
                check = (
                    "; địa điểm này chưa được xác nhận chính thức, anh/chị nên gọi hỏi trước"
                    if not site.verified
                    else ""
                )
                lines.append(f"  + {site.label}: {site.address.rstrip('.')}{since}{check}.")
            return lines
        return [f"- {label}: {_not_known(directory, 'địa chỉ của cơ quan này')}"]
    if field == "phone":
        if office.phone:
            return [f"- {label}: {office.phone}."]
        if office.hotlines:
            lines = [f"- Đường dây {h.phone}: {h.purpose.rstrip('.')}." for h in office.hotlines]
            return [
                *lines,
                f"- Số điện thoại chung: {_not_known(directory, 'số điện thoại chung của cơ quan này')}",
            ]
        return [f"- {label}: {_not_known(directory, 'số điện thoại của cơ quan này')}"]
    lines = []
    if office.hours:
        lines.append(f"- {label}: {office.hours.rstrip('.')}.")
    elif directory.weekday_hours and receives_dossiers:
        lines.append(f"- {label} các ngày trong tuần: {directory.weekday_hours.rstrip('.')}.")
        if not _CLOCK.search(directory.weekday_hours):  # the days, not the clock hours
            what = "giờ mở cửa, nghỉ trưa, đóng cửa của nơi này"
            lines.append(f"- Giờ mở cửa cụ thể: {_not_known(directory, what)}")
    else:
        lines.append(f"- {label}: {_not_known(directory, 'giờ làm việc của cơ quan này')}")
    if receives_dossiers and directory.saturday_hours:
        lines.append(f"- {directory.saturday_hours.rstrip('.')}.")
    return lines


def _knows(office: Office, field: str, directory: OfficeDirectory, *, receives_dossiers: bool) -> bool:
    if field == "address":
        return bool(office.address or office.sites)
    if field == "phone":
        return bool(office.phone or office.hotlines)
    return bool(office.hours or (receives_dossiers and (directory.weekday_hours or directory.saturday_hours)))


def _render(
    intro: str, offices: list[Office], fields: tuple[str, ...], directory: OfficeDirectory, *, centre: bool
) -> str:
    """``intro`` starts with "Dạ, " and ends with a space or is "Dạ, " alone. Offices whose facts read
    the same (the two power companies share their hotlines) are given once."""
    known = any(_knows(o, f, directory, receives_dossiers=centre) for o in offices for f in fields)
    if not known:
        what = ", ".join(_FIELD_WHAT[f] for f in fields)
        names = "; ".join(_display_name(o) for o in offices)
        start = "hiện" if intro == "Dạ, " else "Hiện"
        return (
            f"{intro}{start} em chưa có thông tin chính thức về {what} của {names}, "
            f"{_where_to_ask(directory)} để được hướng dẫn ạ."
        )
    groups: dict[tuple[str, ...], list[str]] = {}
    for office in offices:
        facts = tuple(
            line for f in fields for line in _field_lines(office, f, directory, receives_dossiers=centre)
        )
        groups.setdefault(facts, []).append(_display_name(office))
    lines = [intro.rstrip()] if intro != "Dạ, " else []
    for facts, names in groups.items():
        head = f"Thông tin liên hệ của {', '.join(names)}:"
        lines.append(f"Dạ, {head[0].lower()}{head[1:]}" if not lines else head)
        lines += facts
    return "\n".join(lines)


def _receiving_office(
    offices: list[Office], fields: tuple[str, ...], directory: OfficeDirectory
) -> Office | None:
    """The office that receives the dossiers of ``offices`` (``dossiers_at``), when none of them has a
    sourced answer to ``fields`` and it has one: what is known is given first."""
    targets = {o.dossiers_at for o in offices}
    if len(targets) != 1 or None in targets:
        return None
    if any(_knows(o, f, directory, receives_dossiers=False) for o in offices for f in fields):
        return None
    receiving = directory.agency(str(next(iter(targets))))
    if receiving is None or not any(_knows(receiving, f, directory, receives_dossiers=True) for f in fields):
        return None
    return receiving


def _filed_elsewhere(
    offices: list[Office],
    receiving: Office,
    fields: tuple[str, ...],
    directory: OfficeDirectory,
    *,
    asks_email: bool,
) -> str:
    """Where the dossiers of ``offices`` are received, with that office's facts, then plainly what is
    not known of ``offices`` themselves and where to ask ("email sở tư pháp")."""
    names = "; ".join(o.name for o in offices)
    intro = f"Dạ, hồ sơ thủ tục hành chính thuộc thẩm quyền của {names} được tiếp nhận tại {receiving.name}. "
    message = _render(intro, [receiving], fields, directory, centre=receiving.key == _SERVICE_CENTRE)
    what = [_FIELD_WHAT[f] for f in fields] + (["địa chỉ thư điện tử (email)"] if asks_email else [])
    return (
        f"{message}\nRiêng {', '.join(what)} của {names}: hiện em chưa có thông tin chính thức, "
        f"{_where_to_ask(directory)} ạ."
    )


def _no_email(offices: list[Office], directory: OfficeDirectory) -> str:
    """The directory holds no e-mail address: said plainly when one is asked."""
    names = "; ".join(_display_name(o) for o in offices)
    return (
        f"Địa chỉ thư điện tử (email) của {names}: hiện em chưa có thông tin chính thức, "
        f"{_where_to_ask(directory)} ạ."
    )


def _commune_intro(place: Place, office: Office | None, note: str) -> str:
    if office is None:
        return f"Dạ, {note}"
    return (
        f"Dạ, {note}thủ tục hành chính của {place.name} được tiếp nhận tại {office.service_point} "
        f"({office.committee}); căn cước, cư trú tại {office.police}. "
    )


def _former_name_note(match: PlaceMatch, place: Place) -> str:
    """ "Xã Tân Mỹ Chánh (cũ) nay thuộc Phường Mỹ Phong; " for a former name, else nothing."""
    if match.via not in ("former_unit", "former_district"):
        return ""
    said = fold(match.matched)
    former = next((u.name for u in place.former_units if fold(u.short_name) in said), match.matched)
    return f"{former} (cũ) nay thuộc {place.name}; "


def _joint_name_note(matches: list[PlaceMatch], place: Place) -> str:
    """ "Phường 1 (Thị xã Cai Lậy cũ) nay thuộc Phường Mỹ Phước Tây; " for names given apart."""
    districts = {d.id: d.name for m in matches for d in m.districts}
    said = " ".join(fold(m.matched) for m in matches)
    former = next(
        (u for u in place.former_units if u.district in districts and fold(u.short_name) in said), None
    )
    if former is None:
        return ""
    return f"{former.name} ({districts[former.district]} cũ) nay thuộc {place.name}; "


def contact_answer(text: str, place: str | None = None, *, path: Path = OFFICES_FILE) -> ContactAnswer:
    """Address, phone and hours of the office ``text`` asks about (``place``: a commune/ward code or name
    from the NLU ``location`` entity, when known)."""
    directory = _directory(Path(path))
    fields = asked_fields(text)
    named = _province_offices(text, directory)
    asks_email = _has(_folded(text), _EMAIL_CUES)
    if named:
        offices = [directory.province[code] for code in named]
        receiving = _receiving_office(offices, fields, directory)
        if receiving is not None:
            message = _filed_elsewhere(offices, receiving, fields, directory, asks_email=asks_email)
            return ContactAnswer("office", message, named, None, (), fields)
        message = _render("Dạ, ", offices, fields, directory, centre=_SERVICE_CENTRE in named)
        if asks_email:
            message += "\n" + _no_email(offices, directory)
        if "phone" in fields and not _gives_verified_phone(offices):
            message = _with_fallback(message, directory)
        return ContactAnswer("office", message, named, None, (), fields)

    unit: Place | None = get_place(place) if place else None
    note = ""
    if unit is None:
        # the place as the NLU read it, unless the text says it already ("ở chợ gạo" + "chợ gạo" would
        # read as one commune-and-district mention "chợ gạo ở chợ gạo")
        said = place if place and fold(place) not in fold(text) else None
        matches = find_places(" ".join(x for x in (said, text) if x))
        resolved = next((m for m in matches if m.place is not None), None)
        if resolved is not None and resolved.place is not None:
            unit = resolved.place
            note = _former_name_note(resolved, unit)
        elif (joint := joint_place(matches)) is not None:  # "thị xã Cai Lậy cũ đó, phường 1"
            unit = joint
            note = _joint_name_note(matches, joint)
        else:
            ambiguous = next((m for m in matches if m.candidates), None)
            if ambiguous is not None:
                names = ", ".join(p.name for p in ambiguous.candidates[:8])
                district = _has(_folded(ambiguous.matched), ("huyen", "thi xa"))
                note = _NO_DISTRICTS if district else ""
                return ContactAnswer(
                    "ambiguous_place",
                    f'Dạ, "{ambiguous.matched}" có thể ứng với nhiều xã, phường hiện nay: {names}.{note} '
                    "Cần hỏi ngay, "
                    f"{_where_to_ask(directory)} ạ. Anh/chị cho em biết cụ thể xã, phường nào để em báo "
                    "thông tin liên hệ ạ?",
                    candidates=tuple(p.code for p in ambiguous.candidates),
                    fields=fields,
                )
    if unit is not None:
        office = directory.commune(unit.code)
        intro = _commune_intro(unit, office, note)
        if office is None:
            what = ", ".join(_FIELD_WHAT[f] for f in fields)
            message = (
                f"{intro}{_not_known(directory, f'{what} của Trung tâm Phục vụ hành chính công {unit.name}')}"
            )
            return ContactAnswer("office", message, (), unit.code, (), fields)
        message = _render(intro, [office], fields, directory, centre=True)
        if asks_email:
            message += "\n" + _no_email([office], directory)
        return ContactAnswer("office", message, (unit.code,), unit.code, (), fields)

    if _has(_folded(text), _HOTLINE_CUES):
        return ContactAnswer("hotline", _hotline_message(directory), fields=fields)
    centre = directory.agency(_SERVICE_CENTRE)
    ask = "Anh/chị cho em biết xã, phường của mình để em báo đúng nơi ạ."
    intro = (
        "Dạ, thủ tục cấp xã nộp tại Trung tâm Phục vụ hành chính công xã, phường nơi anh/chị cư trú; thủ tục "
        "cấp tỉnh tại Trung tâm Phục vụ hành chính công tỉnh. "
    )
    if centre is None:
        return ContactAnswer("ask_place", intro + ask, fields=fields)
    message = _render(intro, [centre], fields, directory, centre=True)
    if "phone" in fields:
        message = _with_fallback(message, directory)
    message += "\n" + ask
    return ContactAnswer("ask_place", message, (_SERVICE_CENTRE,), None, (), fields)


# Meeting or reaching someone ("gặp trực tiếp cán bộ", "liên hệ ai", "hỏi trực tiếp"), folded.
_REACH = re.compile(r" (?:gap|lien he|lien lac|hoi truc tiep|hoi|tim|noi chuyen|trinh bay|lam viec) ")
# Officers and offices of a local agency, and the fields their officers work in ("cán bộ tư pháp",
# "công chức địa chính", "người phụ trách đất đai"), folded.
_OFFICE_PEOPLE = (
    "uy ban", "ubnd", "trung tam phuc vu", "hanh chinh cong", "bo phan mot cua", "mot cua", "cong an",
    "bao hiem xa hoi", "van phong dang ky dat dai", "dien luc", "cap nuoc", "buu dien", "chu tich xa",
    "chu tich phuong", "tu phap", "ho tich", "dia chinh", "dat dai", "xay dung", "van hoa xa hoi",
    "lao dong", "chinh sach", "cu tru", "can cuoc", "thue", "kho bac",
)  # fmt: skip
# Words that mean the hotline's own agent, or the bot ("tổng đài viên", "người thật", "nhân viên tư vấn",
# "chuyển máy"): with them the message asks for the desk, whatever else it names (folded).
# Words that ask how or where to reach someone ("liên hệ ai", "ở đâu", "số điện thoại"), folded.
_HOW_TO_REACH = re.compile(
    r" (?:o dau|cho nao|lien he|lien lac|so dien thoai|sdt|dien thoai|gap ai|hoi ai|tim ai"
    r"|lam sao|the nao) "
)
_DESK = (
    "nguoi that", "tong dai vien", "tong dai", "tdv", "tu van vien", "nhan vien tu van", "ho tro vien",
    "nguoi ho tro", "admin", "ad", "bot", "1022", "chuyen may", "chuyen cho", "chuyen qua", "chuyen nguoi",
    "chat voi", "may tra loi", "noi voi may",
)  # fmt: skip


def asks_how_to_reach_office(text: str) -> bool:
    """True when ``text`` asks how to meet or reach an officer of a named office, field or place ("muốn
    gặp trực tiếp cán bộ tư pháp xã Cái Bè thì liên hệ ai", "gặp cán bộ một cửa được không"): a contact
    question about that office, not a request for the hotline's own agent, which names none of them or
    says so ("cho gặp người thật", "cho em nói chuyện với tổng đài viên", "gặp nhân viên tư vấn")."""
    folded = _folded(text)
    if not _REACH.search(folded) or _has(folded, _DESK):
        return False
    verbs = {m.strip() for m in _REACH.findall(folded)}
    if "noi chuyen" in verbs and verbs <= {"noi chuyen", "hoi"} and not _HOW_TO_REACH.search(folded):
        # "cho tui nói chuyện với cán bộ địa chính xã được hông": to talk now, in this chat; the desk's
        # agent takes it (no way to reach the office is asked)
        return False
    if _has(folded, _OFFICE_PEOPLE) or _has(folded, _SERVICE_CENTRE_NAMES):
        return True
    if _province_offices(text, _directory(OFFICES_FILE)):
        return True
    return any(m.place is not None or m.candidates for m in find_places(text))
