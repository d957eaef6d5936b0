"""Short, exact Vietnamese answers about one procedure, one aspect at a time.

Aspects: ``overview``, ``documents``, ``fee``, ``time``, ``place``, ``online``. ``detect_aspect`` finds
the aspect a citizen asks about (diacritics-insensitive keywords, abbreviations spelt out first), so a
follow-up like "còn lệ phí thì sao?" maps to ``fee`` for the procedure already in the conversation.
"""

from __future__ import annotations

import re

from knowledge.records import DocumentRecord, ProcedureRecord
from vietnam.text import expand_abbreviations, fold, normalize_text

__all__ = ["ASPECTS", "NATIONAL_PORTAL", "detect_aspect", "render_answer"]

ASPECTS = ("overview", "documents", "fee", "time", "place", "online")
NATIONAL_PORTAL = "https://dichvucong.gov.vn"
MAX_DOCUMENTS = 8

# Folded keyword phrases per aspect, in priority order (the first aspect with a hit wins when several
# hit equally often: "nộp online mất mấy ngày" asks about time).
_ASPECT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "fee": (
        "le phi", "phi", "bao nhieu tien", "nhieu tien", "mat tien", "ton tien", "het tien", "mien phi",
        "chi phi", "tien phi", "gia bao nhieu", "dong tien", "mat bao nhieu", "ton bao nhieu",
        "het bao nhieu", "tra tien", "nop tien", "tien", "ton phi", "mat phi", "co phi", "thu phi",
    ),
    "time": (
        "bao lau", "may ngay", "bao nhieu ngay", "thoi gian", "thoi han", "mat bao lau", "lau khong",
        "lau ko", "may hom", "bao gio", "khi nao co", "khi nao lay", "khi nao nhan", "may tuan",
        "nhanh khong", "ngay nao", "tra ket qua", "lau", "nhieu ngay", "nhieu tuan", "nhieu thang",
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
        "giay to", "ho so", "can gi", "can nhung gi", "chuan bi", "mang theo", "thanh phan", "can mang",
        "nhung gi", "giay gi", "can nhung", "dem theo", "can co", "mau don", "can gi khong",
    ),
}  # fmt: skip
_ASPECT_ORDER = ("fee", "time", "online", "place", "documents")
# A keyword counts 2 when it says the aspect on its own (a phrase, or "online"), 1 when it is also an
# everyday word ("phí", "lâu") or names the papers without asking for them ("hồ sơ", "giấy tờ").
_STRONG_WORDS = frozenset({"online", "onl", "vneid", "link", "website", "internet", "dvc"})
_WEAK_PHRASES = frozenset({"ho so", "giay to"})
_WORD = re.compile(r"[a-z0-9]+")


def _folded_words(text: str) -> str:
    return " " + " ".join(_WORD.findall(fold(expand_abbreviations(normalize_text(text))))) + " "


def detect_aspect(text: str) -> str:
    """The aspect asked about in ``text``; ``overview`` when none is recognisable."""
    words = _folded_words(text or "")
    best, best_hits = "overview", 0
    for aspect in _ASPECT_ORDER:
        hits = 0
        for phrase in _ASPECT_KEYWORDS[aspect]:
            if f" {phrase} " in words:
                strong = (" " in phrase and phrase not in _WEAK_PHRASES) or phrase in _STRONG_WORDS
                hits += 2 if strong else 1
        if hits > best_hits:
            best, best_hits = aspect, hits
    return best


# ------------------------------------------------------------------------------------------- rendering
_CHANNEL_LABEL = {"in_person": "Nộp trực tiếp", "online": "Nộp trực tuyến", "postal": "Nộp qua bưu chính"}
_KIND_LABEL = {
    "original": "bản chính",
    "copy": "bản sao",
    "original_or_copy": "bản chính hoặc bản sao",
    "original_and_copy": "bản chính và bản sao",
    "present": "xuất trình bản chính",
}
_LEVEL_LABEL = {"commune": "cấp xã", "province": "cấp tỉnh", "central": "cấp bộ", "other": "cơ quan khác"}


def _shorten(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _where(view: ProcedureRecord) -> str | None:
    return view.place or view.executing_agency or view.competent_agency


def _document_line(index: int, doc: DocumentRecord) -> str:
    details = []
    if doc.kind in _KIND_LABEL:
        label = _KIND_LABEL[doc.kind]
        if doc.copies and doc.copies > 1 and doc.kind != "original_and_copy":
            label = f"{doc.copies:02d} {label}"
        details.append(label)
    if doc.note:
        details.append(_lower_first(_shorten(doc.note, 120)))
    suffix = f" ({'; '.join(details)})" if details else ""
    return f"{index}. {_shorten(doc.name, 180)}{suffix}"


def _per_channel(view: ProcedureRecord, value: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for channel in view.channels:
        text = getattr(channel, value)
        if text:
            rows.append((_CHANNEL_LABEL.get(channel.channel, channel.channel), text))
    return rows


def _same_or_list(rows: list[tuple[str, str]], limit: int = 200) -> str | None:
    if not rows:
        return None
    values = {text for _, text in rows}
    if len(values) == 1:
        return _shorten(rows[0][1], limit)
    return "\n".join(f"- {label}: {_shorten(text, limit)}" for label, text in rows)


def _review_note(view: ProcedureRecord) -> str:
    if view.origin == "imported":
        return (
            "\n(Thông tin lấy từ Cổng Dịch vụ công quốc gia, có thể chưa cập nhật; anh/chị vui lòng kiểm tra "
            "lại khi nộp hồ sơ.)"
        )
    if not view.verified:
        return "\n(Một số thông tin đang được rà soát; anh/chị vui lòng kiểm tra lại khi nộp hồ sơ.)"
    return ""


def _online_sentence(view: ProcedureRecord) -> str:
    url = view.online_url or NATIONAL_PORTAL
    if view.online_level == "full":
        return f"Thủ tục này làm trực tuyến toàn trình được: nộp hồ sơ và nhận kết quả qua mạng tại {url}."
    if view.online_level == "partial":
        return (
            f"Thủ tục này nộp trực tuyến một phần: anh/chị nộp hồ sơ qua mạng tại {url}, "
            "nhưng vẫn phải đến nhận kết quả hoặc xuất trình giấy tờ bản chính."
        )
    if view.online_level == "unknown" and view.has_online_channel:
        return f"Thủ tục này có hình thức nộp trực tuyến trên Cổng Dịch vụ công quốc gia: {url}."
    return "Thủ tục này hiện chưa nộp trực tuyến được."


def _answer_documents(view: ProcedureRecord) -> str:
    if not view.documents:
        return (
            f"Dạ, hiện chưa có danh sách giấy tờ cụ thể cho thủ tục «{_short_name(view, lower=False)}». "
            f"Anh/chị vui lòng liên hệ {_where(view) or 'cơ quan tiếp nhận'} để được hướng dẫn ạ."
        )
    shown = view.documents[:MAX_DOCUMENTS]
    lines = [f"Dạ, hồ sơ {_short_name(view)} gồm:"]
    lines += [_document_line(i, d) for i, d in enumerate(shown, start=1)]
    if len(view.documents) > len(shown):
        lines.append(f"… và {len(view.documents) - len(shown)} giấy tờ khác tùy trường hợp.")
    return "\n".join(lines)


def _short_name(view: ProcedureRecord, *, lower: bool = True, limit: int = 80) -> str:
    """The procedure's name, cut at a word boundary when it is long (answers stay short)."""
    name = view.name
    if len(name) > limit:
        name = name[:limit].rsplit(" ", 1)[0].rstrip(",;:(") + "…"
    return _lower_first(name) if lower else name


def _lower_first(name: str) -> str:
    """'Đăng ký khai sinh' -> 'đăng ký khai sinh' (keep acronyms such as 'UBND' as written)."""
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


def _answer_fee(view: ProcedureRecord) -> str:
    text = _same_or_list(_per_channel(view, "fee"))
    if text is None:
        return (
            f"Dạ, hiện chưa có thông tin lệ phí của thủ tục «{_short_name(view, lower=False)}». "
            f"Anh/chị vui lòng hỏi {_where(view) or 'cơ quan tiếp nhận'} khi nộp hồ sơ ạ."
        )
    if "\n" in text:
        return f"Dạ, lệ phí {_short_name(view)}:\n{text}"
    return f"Dạ, lệ phí {_short_name(view)}: {_sentence(text)}"


def _answer_time(view: ProcedureRecord) -> str:
    text = _same_or_list(_per_channel(view, "time"))
    if text is None:
        return (
            f"Dạ, hiện chưa có thông tin thời hạn giải quyết của thủ tục «{_short_name(view, lower=False)}». "
            f"Anh/chị vui lòng hỏi {_where(view) or 'cơ quan tiếp nhận'} khi nộp hồ sơ ạ."
        )
    if "\n" in text:
        return f"Dạ, thời hạn giải quyết {_short_name(view)}:\n{text}"
    return f"Dạ, thời hạn giải quyết {_short_name(view)}: {_sentence(text)}"


def _channels_sentence(view: ProcedureRecord) -> str:
    labels = {"in_person": "trực tiếp", "online": "trực tuyến", "postal": "qua bưu chính"}
    names = [labels[c.channel] for c in view.channels if c.channel in labels]
    unique = list(dict.fromkeys(names))
    if not unique:
        return ""
    listed = unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " hoặc " + unique[-1]
    return f"Anh/chị có thể nộp {listed}."


def _answer_place(view: ProcedureRecord) -> str:
    where = _where(view)
    parts = []
    if where:
        parts.append(f"Dạ, hồ sơ {_short_name(view)} nộp tại {_sentence(_shorten(where, 260))}")
    else:
        parts.append(
            f"Dạ, hiện chưa có thông tin nơi nộp hồ sơ của thủ tục «{_short_name(view, lower=False)}»."
        )
    channels = _channels_sentence(view)
    if channels:
        parts.append(channels)
    if view.online_level in ("full", "partial") or (
        view.online_level == "unknown" and view.has_online_channel
    ):
        parts.append(f"Nộp trực tuyến tại {view.online_url or NATIONAL_PORTAL}.")
    return " ".join(parts)


def _answer_online(view: ProcedureRecord) -> str:
    sentence = _online_sentence(view)
    if view.online_level in ("none",) or (view.online_level == "unknown" and not view.has_online_channel):
        where = _where(view)
        tail = f" Anh/chị nộp trực tiếp tại {_shorten(where, 200)}" if where else " Anh/chị nộp trực tiếp"
        postal = any(c.channel == "postal" for c in view.channels)
        tail += " hoặc gửi qua bưu chính." if postal else "."
        return f"Dạ, {_lower_first(sentence)}{tail}"
    return f"Dạ, {_lower_first(sentence)}"


def _answer_overview(view: ProcedureRecord) -> str:
    levels = ", ".join(_LEVEL_LABEL[level] for level in view.levels if level in _LEVEL_LABEL)
    lines = [f"Dạ, thủ tục «{view.name}»" + (f" ({levels})" if levels else "") + "."]
    where = _where(view)
    if where:
        lines.append(f"Nơi nộp: {_sentence(_shorten(where, 200))}")
    time_text = _same_or_list(_per_channel(view, "time"), 120)
    if time_text and "\n" not in time_text:
        lines.append(f"Thời hạn: {_sentence(time_text)}")
    fee_text = _same_or_list(_per_channel(view, "fee"), 120)
    if fee_text and "\n" not in fee_text:
        lines.append(f"Lệ phí: {_sentence(fee_text)}")
    lines.append(_online_sentence(view))
    if view.documents:
        lines.append(f"Hồ sơ gồm {len(view.documents)} loại giấy tờ.")
    lines.append("Anh/chị muốn biết thêm về giấy tờ, lệ phí, thời gian hay nơi nộp ạ?")
    return "\n".join(lines)


_RENDERERS = {
    "overview": _answer_overview,
    "documents": _answer_documents,
    "fee": _answer_fee,
    "time": _answer_time,
    "place": _answer_place,
    "online": _answer_online,
}


def render_answer(view: ProcedureRecord, aspect: str) -> str:
    """The answer about ``aspect`` of ``view`` (unknown aspects get the overview)."""
    renderer = _RENDERERS.get(aspect, _answer_overview)
    return renderer(view) + _review_note(view)
