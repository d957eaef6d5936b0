"""Short, exact Vietnamese answers about one procedure, one aspect at a time (aspects: ``knowledge.aspects``).

Rules every answer follows:
- only facts from the record; ``notes`` and ``audit.note`` are internal and never shown;
- a fact the catalogue does not have, or whose audit found no official figure (``audit.fee`` /
  ``audit.time`` = ``not_published``), is said plainly: "Dạ, hiện em chưa có thông tin chính thức về ...",
  with where to ask (the receiving office, the 1022 hotline, the national portal); a fee the province
  sets whose national-portal figure is recorded (``audit.portal_fee``) is given as the portal's, beside
  who sets the official amount, never as the province's own;
- a pointer (``kind: pointer``: a court, the police) says which body handles the matter and what to do;
- the filing deadline (``deadline``) and the processing time (``channels[].time``) are never mixed up, nor is
  how long the paper received stays valid (``validity``) mistaken for either: without it, the answer says
  the data records no fixed validity and where to ask;
- a time or a fee that differs between channels is given for each channel;
- the papers every applicant needs come first, those needed only in some cases ("nếu có", "khi ...") after;
- where the procedure grants money (``benefit``), the eligibility answer says how much and on what legal
  basis, and a fee question ("được bao nhiêu tiền?") also gets the amount received.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise

from knowledge.aspects import aspect_points
from knowledge.page_fees import page_fee_line
from knowledge.records import DocumentRecord, ProcedureRecord
from knowledge.search_cues import FOREIGN_HINTS
from vietnam.text import expand_abbreviations, fold, normalize_text

__all__ = ["HOTLINE", "NATIONAL_PORTAL", "not_known", "render_answer"]

NATIONAL_PORTAL = "https://dichvucong.gov.vn"
HOTLINE = "1022"
MAX_DOCUMENTS = 8
OVERVIEW_PAPERS = 3  # the main papers an overview names
MAX_STEPS = 8

_CHANNEL_LABEL = {"in_person": "Nộp trực tiếp", "online": "Nộp trực tuyến", "postal": "Nộp qua bưu chính"}
_KIND_LABEL = {
    "original": "bản chính",
    "copy": "bản sao",
    "original_or_copy": "bản chính hoặc bản sao",
    "original_and_copy": "bản chính và bản sao",
    "present": "xuất trình bản chính",
}
_LEVEL_LABEL = {"commune": "cấp xã", "province": "cấp tỉnh", "central": "cấp bộ", "other": "cơ quan khác"}


# ------------------------------------------------------------------------------------------- text helpers
def _shorten(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _lower_first(name: str) -> str:
    """'Đăng ký khai sinh' -> 'đăng ký khai sinh' (keep acronyms such as 'UBND' as written)."""
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short_name(record: ProcedureRecord, *, lower: bool = True, limit: int = 80) -> str:
    """The procedure's name, cut at a word boundary when it is long (answers stay short)."""
    name = record.name
    if record.is_pointer:  # "Ly hôn (...) – do Tòa án giải quyết": the matter, without who handles it
        name = name.split(" – ")[0]
    if len(name) > limit:
        name = name[:limit].rsplit(" ", 1)[0].rstrip(",;:(") + "…"
    return _lower_first(name) if lower else name


def _where(record: ProcedureRecord) -> str | None:
    return record.place or record.executing_agency or record.competent_agency


def _office(record: ProcedureRecord) -> str | None:
    """The office itself, without the alternatives ("...; hoặc nộp trực tuyến ..."), for "ask there"."""
    where = _where(record)
    return _shorten(where.split(";")[0].strip(), 140) if where else None


def _ask_where(record: ProcedureRecord) -> str:
    """Where to ask about a fact the catalogue does not have."""
    where = _office(record)
    office = f"{where}, " if where else "nơi tiếp nhận hồ sơ, "
    return f"{office}tổng đài {HOTLINE} hoặc Cổng Dịch vụ công quốc gia ({NATIONAL_PORTAL})"


def not_known(record: ProcedureRecord, what: str, *, detail: str | None = None, limit: int = 160) -> str:
    """The plain statement that a fact is not known officially, with where to ask."""
    extra = f" ({_lower_first(_shorten(detail, limit).rstrip('.'))})" if detail else ""
    return (
        f"Dạ, hiện em chưa có thông tin chính thức về {what} của thủ tục «{_short_name(record, lower=False)}»"
        f"{extra}, anh/chị liên hệ {_ask_where(record)} để được hướng dẫn ạ."
    )


def _per_channel(record: ProcedureRecord, value: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for channel in record.channels:
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


def _compact(rows: list[tuple[str, str]], limit: int = 90) -> str | None:
    """One line: the value when every channel has it, else "trực tiếp: A; trực tuyến: B"."""
    if not rows:
        return None
    if len({text for _, text in rows}) == 1:
        return _shorten(rows[0][1], limit)
    short = {"Nộp trực tiếp": "trực tiếp", "Nộp trực tuyến": "trực tuyến", "Nộp qua bưu chính": "bưu chính"}
    return "; ".join(
        f"{short.get(label, label)}: {_shorten(text.rstrip('.'), limit)}" for label, text in rows
    )


def _distinct(rows: list[tuple[str, str]]) -> list[str]:
    """The different texts of ``rows``, a text already said by a longer one left out."""
    texts = list(dict.fromkeys(text.strip().rstrip(".") for _, text in rows if text.strip()))
    return [t for t in texts if not any(t != other and t.lower() in other.lower() for other in texts)]


def _sentences(text: str, count: int) -> str:
    """The first ``count`` sentences of ``text``."""
    parts = [p for p in (part.strip() for part in text.replace(". ", ".\n").split("\n")) if p]
    return " ".join(parts[:count])


def _not_published(record: ProcedureRecord, part: str) -> bool:
    """True when the audit found no official fee/time (``part`` "fee" or "time")."""
    return record.audit is not None and getattr(record.audit, part) == "not_published"


def _fee_text(record: ProcedureRecord, limit: int = 200) -> str | None:
    return None if _not_published(record, "fee") else _same_or_list(_per_channel(record, "fee"), limit)


def _time_text(record: ProcedureRecord, limit: int = 200) -> str | None:
    return None if _not_published(record, "time") else _same_or_list(_per_channel(record, "time"), limit)


def _review_note(record: ProcedureRecord) -> str:
    if record.origin == "imported":
        return (
            "\n(Thông tin lấy từ Cổng Dịch vụ công quốc gia, có thể chưa cập nhật; anh/chị vui lòng kiểm tra "
            "lại khi nộp hồ sơ.)"
        )
    if not record.verified:
        return "\n(Một số thông tin đang được rà soát; anh/chị vui lòng kiểm tra lại khi nộp hồ sơ.)"
    return ""


def _online_sentence(record: ProcedureRecord) -> str:
    url = record.online_url or NATIONAL_PORTAL
    if record.online_level == "full":
        return f"Thủ tục này làm trực tuyến toàn trình được: nộp hồ sơ và nhận kết quả qua mạng tại {url}."
    if record.online_level == "partial":
        return (
            f"Thủ tục này nộp trực tuyến một phần: anh/chị nộp hồ sơ qua mạng tại {url}, "
            "nhưng vẫn phải đến nhận kết quả hoặc xuất trình giấy tờ bản chính."
        )
    if record.online_level == "unknown" and record.has_online_channel:
        return f"Thủ tục này có hình thức nộp trực tuyến trên Cổng Dịch vụ công quốc gia: {url}."
    return "Thủ tục này hiện chưa nộp trực tuyến được."


def _online_possible(record: ProcedureRecord) -> bool:
    return record.online_level in ("full", "partial") or (
        record.online_level == "unknown" and record.has_online_channel
    )


def _numbered(items: list[str], limit: int) -> list[str]:
    return [f"{i}. {_shorten(item, limit)}" for i, item in enumerate(items, start=1)]


def _benefit_line(
    record: ProcedureRecord, *, label: str = "Mức được hưởng", sentences: int = 0
) -> str | None:
    """What the procedure pays, with its legal basis (``sentences`` > 0: only that many sentences)."""
    if record.benefit is None:
        return None
    text = _sentences(record.benefit.text, sentences) if sentences else record.benefit.text
    return f"{label}: {_sentence(text)} Căn cứ: {_sentence(record.benefit.basis)}"


# ------------------------------------------------------------------------------------------------ aspects
_CONDITIONAL = ("nếu", "khi ", "chỉ khi", "trường hợp", "với ", "tùy", "không cần", "không phải nộp")


def _conditional(doc: DocumentRecord) -> bool:
    """A paper only some applicants need ("Nếu có", "Khi ủy quyền", "(nếu có)" in its name)."""
    note = (doc.note or "").strip().lower()
    return note.startswith(_CONDITIONAL) or doc.name.strip().lower().endswith("(nếu có)")


def main_papers_first(documents: list[DocumentRecord]) -> list[DocumentRecord]:
    """The papers every applicant needs, then the ones needed only in some cases (each group in order)."""
    return [d for d in documents if not _conditional(d)] + [d for d in documents if _conditional(d)]


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


def _answer_documents(record: ProcedureRecord) -> str:
    if not record.documents:
        return not_known(record, "danh sách giấy tờ")
    shown = main_papers_first(record.documents)[:MAX_DOCUMENTS]
    lines = [f"Dạ, hồ sơ {_short_name(record)} gồm:"]
    lines += [_document_line(i, d) for i, d in enumerate(shown, start=1)]
    if len(record.documents) > len(shown):
        lines.append(f"… và {len(record.documents) - len(shown)} giấy tờ khác tùy trường hợp.")
    return "\n".join(lines)


def _portal_fee(record: ProcedureRecord) -> str | None:
    """The national portal's fee where we have no official amount: '«Miễn phí» (theo ...)'."""
    if record.audit is None or not record.audit.portal_fee or not _not_published(record, "fee"):
        return None
    value, paren, rest = record.audit.portal_fee.partition(" (")
    return f"«{value.strip()}»" + (f" ({rest}" if paren else "")


def _portal_fee_answer(record: ProcedureRecord) -> str | None:
    """The fee answer from the portal's figure, marked as the portal's, with who sets the official amount."""
    portal = _portal_fee(record)
    if portal is None:
        return None
    said = "; ".join(map(_lower_first, _distinct(_per_channel(record, "fee"))))
    lines = [f"Dạ, về lệ phí {_short_name(record)}: theo Cổng Dịch vụ công quốc gia, {portal}."]
    if said:
        # our own fee text is often only who sets it ("theo Nghị quyết của Hội đồng nhân dân tỉnh")
        said = f"mức thu {said}" if said.startswith("theo ") else said
        lines.append(f"Lưu ý: {_sentence(_shorten(said, 280))}")
    lines.append(
        f"Em chưa có mức thu chính thức của tỉnh Đồng Tháp, anh/chị liên hệ {_ask_where(record)} "
        "để biết chính xác trước khi nộp ạ."
    )
    return "\n".join(lines)


def _answer_fee(record: ProcedureRecord) -> str:
    benefit = _benefit_line(record)
    portal = _portal_fee_answer(record)
    if portal is not None:
        return portal + (f"\n{benefit}" if benefit else "")
    if _not_published(record, "fee"):
        said = "; ".join(map(_lower_first, _distinct(_per_channel(record, "fee"))))  # who sets it, taxes
        answer = not_known(record, "mức lệ phí", detail=said or None, limit=280)
        return answer + (f"\n{benefit}" if benefit else "")
    text = _fee_text(record)
    if text is None:
        answer = not_known(record, "lệ phí")
    elif "\n" in text:
        answer = f"Dạ, lệ phí {_short_name(record)}:\n{text}"
    else:
        answer = f"Dạ, lệ phí {_short_name(record)}: {_sentence(text)}"
    return answer + (f"\n{benefit}" if benefit else "")


def _answer_time(record: ProcedureRecord) -> str:
    text = _time_text(record)
    if text is None:
        return not_known(record, "thời hạn giải quyết")
    if "\n" in text:
        return f"Dạ, thời hạn giải quyết {_short_name(record)}:\n{text}"
    return f"Dạ, thời hạn giải quyết {_short_name(record)}: {_sentence(text)}"


def _channels_sentence(record: ProcedureRecord) -> str:
    labels = {"in_person": "trực tiếp", "online": "trực tuyến", "postal": "qua bưu chính"}
    names = [labels[c.channel] for c in record.channels if c.channel in labels]
    unique = list(dict.fromkeys(names))
    if not unique:
        return ""
    listed = unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " hoặc " + unique[-1]
    return f"Anh/chị có thể nộp {listed}."


def _answer_place(record: ProcedureRecord) -> str:
    where = _where(record)
    if not where:
        return not_known(record, "nơi nộp hồ sơ")
    parts = [f"Dạ, hồ sơ {_short_name(record)} nộp tại {_sentence(_shorten(where, 260))}"]
    deciding = _deciding_office(record)
    if deciding:
        parts.append(f"Cơ quan giải quyết: {_sentence(_shorten(deciding, 160))}")
    channels = _channels_sentence(record)
    if channels:
        parts.append(channels)
    if _online_possible(record):
        parts.append(f"Nộp trực tuyến tại {record.online_url or NATIONAL_PORTAL}.")
    return " ".join(parts)


# Reception desks of the one-stop rule (Nghị định 118/2025/NĐ-CP): they receive, another office decides.
_ONE_STOP_DESKS = ("trung tam phuc vu hanh chinh cong", "bo phan mot cua")


def _deciding_office(record: ProcedureRecord) -> str | None:
    """The office that decides a province-only procedure when the place to file does not name it: the
    provincial one-stop centre only receives ("Phòng Đăng ký kinh doanh thuộc Sở Tài chính" decides an
    enterprise's registration). At commune level the desk is the deciding committee's own: None."""
    office = record.executing_agency or record.competent_agency
    if not office or not record.place or set(record.levels) != {"province"}:
        return None
    if not any(desk in _folded(record.place) for desk in _ONE_STOP_DESKS):
        return None  # filed with the deciding office itself, or through others (a driving school)
    head = re.split(r"\s*[(;]|\s+hoặc\s+", office, maxsplit=1)[0]
    return None if _folded(head) in _folded(record.place) else office


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(normalize_text(text))))


def _answer_online(record: ProcedureRecord, *, differences: bool = True) -> str:
    sentence = _online_sentence(record)
    if not _online_possible(record):
        where = _where(record)
        tail = f" Anh/chị nộp trực tiếp tại {_shorten(where, 200)}" if where else " Anh/chị nộp trực tiếp"
        postal = any(c.channel == "postal" for c in record.channels)
        tail += " hoặc gửi qua bưu chính." if postal else "."
        return f"Dạ, {_lower_first(sentence)}{tail}"
    differs = _online_differences(record) if differences else None
    return f"Dạ, {_lower_first(sentence)}" + (f"\n{differs}" if differs else "")


def _online_differences(record: ProcedureRecord) -> str | None:
    """One line with the online fee and time where they differ from filing in person ("con nộp qua mạng
    thì sao" after a fee of 20.000 in person, 10.000 online): the reason to file online."""
    by_channel = {c.channel: c for c in record.channels}
    online, in_person = by_channel.get("online"), by_channel.get("in_person")
    if online is None or in_person is None:
        return None
    parts = []
    for part, label in (("fee", "lệ phí"), ("time", "thời hạn giải quyết")):
        ours, theirs = getattr(online, part), getattr(in_person, part)
        if ours and theirs and ours.strip() != theirs.strip() and not _not_published(record, part):
            parts.append(f"{label}: {_lower_first(_shorten(ours.rstrip('.'), 120))}")
    return f"Khi nộp trực tuyến, {'; '.join(parts)} (khác với nộp trực tiếp)." if parts else None


def _answer_eligibility(record: ProcedureRecord) -> str:
    benefit = _benefit_line(record)
    if not record.applicants and not record.conditions and not benefit:
        proxy = _proxy_line(record)
        return not_known(record, "đối tượng và điều kiện") + (f"\n{proxy}" if proxy else "")
    lines = []
    if record.applicants:
        applicants = _sentence(_shorten(record.applicants, 400))
        lines.append(f"Dạ, người thực hiện thủ tục {_short_name(record)}: {applicants}")
    if record.conditions:
        label = "Điều kiện" if lines else f"Dạ, điều kiện để thực hiện thủ tục {_short_name(record)}"
        lines.append(f"{label}: {_sentence(_shorten(record.conditions, 500))}")
    if benefit:
        lines.append(benefit if lines else f"Dạ, về thủ tục {_short_name(record)}: {_lower_first(benefit)}")
    proxy = _proxy_line(record)
    if proxy and lines:
        lines.append(proxy)
    return "\n".join(lines)


def _proxy_line(record: ProcedureRecord) -> str | None:
    """Whether someone else may do it for the applicant: the authorisation paper the dossier lists."""
    for doc in record.documents:
        note = doc.note or ""
        if "ủy quyền" in note.lower() and "ủy quyền" in doc.name.lower():
            paper, when = _lower_first(doc.name), _lower_first(_shorten(note, 160))
            return f"Nhờ người khác làm thay: nộp kèm {paper} ({when})."
    return None


def _answer_steps(record: ProcedureRecord) -> str:
    if not record.steps:
        return not_known(record, "các bước thực hiện") + "\n" + _overview_lines(record, intro=False)
    lines = [f"Dạ, các bước thực hiện thủ tục {_short_name(record)}:"]
    lines += _numbered(record.steps[:MAX_STEPS], 240)
    if len(record.steps) > MAX_STEPS:
        lines.append("… và các bước tiếp theo theo hướng dẫn của nơi tiếp nhận.")
    where = _where(record)
    if where:
        lines.append(f"Nơi nộp hồ sơ: {_sentence(_shorten(where, 200))}")
    return "\n".join(lines)


def _answer_form(record: ProcedureRecord) -> str:
    rows = [
        f"- {form.name}"
        + (f" ({_shorten(form.source, 160)})" if form.source else "")
        + (f": tải tại {form.url}" if form.url else "")
        for form in record.forms
    ]
    if not rows:  # the papers that are filled in on a form
        rows = [
            f"- {doc.name} (theo {_lower_first(_shorten(doc.form, 120))})"
            for doc in record.documents
            if doc.form
        ]
    if not rows:
        return not_known(record, "mẫu đơn, tờ khai")
    lines = [f"Dạ, mẫu đơn, tờ khai của thủ tục {_short_name(record)}:", *rows]
    if not any(form.url for form in record.forms):
        where = _where(record)
        get = (
            f"Anh/chị nhận mẫu tại {_shorten(where, 160)}" if where else "Anh/chị nhận mẫu tại nơi nộp hồ sơ"
        )
        if _online_possible(record):
            get += (
                f", hoặc khai tờ khai điện tử khi nộp trực tuyến tại {record.online_url or NATIONAL_PORTAL}"
            )
        lines.append(get + ".")
    return "\n".join(lines)


def _answer_result(record: ProcedureRecord) -> str:
    if not record.result:
        return not_known(record, "kết quả giải quyết")
    return f"Dạ, kết quả của thủ tục {_short_name(record)}: {_sentence(_shorten(record.result, 400))}"


def _answer_deadline(record: ProcedureRecord) -> str:
    time_text = None if _not_published(record, "time") else _compact(_per_channel(record, "time"), 120)
    processing = f"Thời gian giải quyết sau khi nộp đủ hồ sơ: {_sentence(time_text)}" if time_text else None
    if record.deadline is None:  # said plainly, then the processing time ("trong bao lâu" may mean it)
        text = not_known(record, "thời hạn phải nộp hồ sơ")
        return text + (f"\n{processing}" if processing else "")
    basis = f" (theo {record.deadline.basis})" if record.deadline.basis else ""
    deadline = _lower_first(record.deadline.text.rstrip("."))
    lines = [f"Dạ, về thời hạn phải làm thủ tục {_short_name(record)}: {deadline}{basis}."]
    if processing:
        lines.append(f"Đây là hạn phải nộp hồ sơ; còn thời gian giải quyết là việc khác. {processing}")
    return "\n".join(lines)


def _answer_validity(record: ProcedureRecord) -> str:
    validity = record.validity
    if validity is None:
        return (
            "Dạ, trong dữ liệu của em, giấy tờ, kết quả của thủ tục "
            f"«{_short_name(record, lower=False)}» không ghi thời hạn sử dụng cố định nên em chưa dám "
            f"trả lời chắc chắn; anh/chị liên hệ {_ask_where(record)} để được xác nhận ạ."
        )
    text = _lower_first(validity.text.strip().rstrip("."))
    answer = f"Dạ, {text} (căn cứ {validity.basis.strip().rstrip('.')})."
    if validity.uncertain:
        answer += (
            "\n(Thời hạn này em chưa kiểm chứng được trên văn bản gốc; anh/chị vui lòng hỏi lại "
            f"{_ask_where(record)} cho chắc ạ.)"
        )
    return answer


# Abbreviations of official procedure names spelt out once in an overview: older citizens and those who
# wrote the words in full ("thẻ bảo hiểm y tế") should recognise their procedure.
_ABBREVIATIONS = {
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "BHTN": "bảo hiểm thất nghiệp",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
}


def _spelt_out(name: str) -> list[str]:
    return [
        f"{short} là {full}" for short, full in _ABBREVIATIONS.items() if re.search(rf"\b{short}\b", name)
    ]


def _overview_lines(record: ProcedureRecord, *, intro: bool = True) -> str:
    notes = "; ".join(
        part
        for part in (
            ", ".join(_LEVEL_LABEL[level] for level in record.levels if level in _LEVEL_LABEL),
            ", ".join(_spelt_out(record.name)),
        )
        if part
    )
    lines = [f"Dạ, thủ tục «{record.name}»" + (f" ({notes})" if notes else "") + "."] if intro else []
    if record.applicants:
        lines.append(f"Người thực hiện: {_sentence(_shorten(record.applicants, 160))}")
    if record.conditions:  # "bản chính rách nát có chứng thực được không": what rules a request out
        lines.append(f"Điều kiện: {_sentence(_shorten(record.conditions, 160))}")
    where = _where(record)
    if where:
        lines.append(f"Nơi nộp: {_sentence(_shorten(where, 200))}")
    time_text = None if _not_published(record, "time") else _compact(_per_channel(record, "time"))
    if time_text:
        lines.append(f"Thời hạn giải quyết: {_sentence(time_text)}")
    fee_text = None if _not_published(record, "fee") else _compact(_per_channel(record, "fee"))
    if fee_text:
        lines.append(f"Lệ phí: {_sentence(fee_text)}")
    elif _portal_fee(record):
        portal = _portal_fee(record)
        lines.append(f"Lệ phí: theo Cổng Dịch vụ công quốc gia, {portal}; mức thu do HĐND tỉnh quy định.")
    benefit = _benefit_line(record, sentences=2)
    if benefit:
        lines.append(benefit)
    if record.deadline is not None:
        lines.append(f"Hạn phải làm: {_sentence(_lower_first(_shorten(record.deadline.text, 160)))}")
    lines.append(_online_sentence(record))
    if record.documents:
        main = [d for d in record.documents if not _conditional(d)][:OVERVIEW_PAPERS]
        if main:
            names = "; ".join(_lower_first(_shorten(d.name.split(" (")[0], 90)) for d in main)
            others = len(record.documents) - len(main)
            more = f" (và {others} giấy tờ khác tùy trường hợp)" if others else ""
            lines.append(_sentence(f"Giấy tờ chính: {names}{more}"))
        else:
            lines.append(f"Hồ sơ gồm {len(record.documents)} loại giấy tờ.")
    return "\n".join(lines)


def _answer_overview(record: ProcedureRecord) -> str:
    return (
        _overview_lines(record)
        + "\nAnh/chị muốn biết thêm về giấy tờ, lệ phí, thời gian, nơi nộp hay các bước thực hiện ạ?"
    )


# ------------------------------------------------------------------------------------------------ pointers
def _pointer_intro(record: ProcedureRecord) -> str:
    assert record.pointer is not None
    return f"Dạ, việc {_short_name(record)} do {record.pointer.body} giải quyết."


def _answer_pointer(record: ProcedureRecord) -> str:
    pointer = record.pointer
    assert pointer is not None
    lines = [_pointer_intro(record), f"Anh/chị cần làm: {_sentence(_lower_first(pointer.action))}"]
    if pointer.commune_role:
        lines.append(_sentence(_upper_first(pointer.commune_role)))
    if pointer.contact:
        lines.append(f"Liên hệ: {_sentence(pointer.contact)}")
    else:
        lines.append(f"Cần hỗ trợ thêm, anh/chị gọi tổng đài {HOTLINE} ạ.")
    return "\n".join(lines)


_RENDERERS: dict[str, Callable[[ProcedureRecord], str]] = {
    "overview": _answer_overview,
    "documents": _answer_documents,
    "fee": _answer_fee,
    "time": _answer_time,
    "place": _answer_place,
    "online": _answer_online,
    "eligibility": _answer_eligibility,
    "steps": _answer_steps,
    "form": _answer_form,
    "deadline": _answer_deadline,
    "validity": _answer_validity,
    "result": _answer_result,
}
# What a pointer entry may have of its own (a court's fee, the papers of a divorce petition).
_POINTER_FACTS: dict[str, Callable[[ProcedureRecord], bool]] = {
    "documents": lambda r: bool(r.documents),
    "fee": lambda r: _fee_text(r) is not None,
    "time": lambda r: _time_text(r) is not None,
    "eligibility": lambda r: bool(r.applicants or r.conditions),
    "steps": lambda r: bool(r.steps),
    "form": lambda r: bool(r.forms),
    "deadline": lambda r: r.deadline is not None,
    "validity": lambda r: r.validity is not None,
    "result": lambda r: bool(r.result),
}


# ------------------------------------------------------------------------------------ the paper asked about
# A question names a paper with one of these words and what follows it: "giấy chứng sinh", "giấy ủy quyền",
# "ảnh" (with diacritics: "ảnh" a photo is not "anh"). The generic ones ("giấy", "văn bản") say nothing
# alone, the others ("ảnh", "thẻ") name the paper themselves.
_PAPER_HEADS = frozenset({"giấy", "văn", "bản", "đơn", "tờ", "phiếu", "biên", "trích", "quyết"})
_PAPER_NAMES = frozenset({"ảnh", "hình", "thẻ", "sổ"})
# Words that single out no paper.
_GENERIC_WORDS = frozenset((
    "giấy", "tờ", "bản", "sao", "chính", "văn", "của", "và", "hoặc", "có", "không", "ko", "thì", "là",
    "được", "cho", "người", "nếu", "khi", "với", "theo", "mẫu", "các", "trường", "hợp", "đã", "đề",
    "nghị", "cấp", "làm", "đi", "ở", "tại", "trong", "từ", "đến", "này", "đó", "mới", "phải", "cần",
    "nộp", "xuất", "trình", "kèm", "một", "hai", "số", "về", "ra", "vào", "lại", "do", "bị", "nào", "gì",
    "thế", "đâu", "ai", "mình", "tôi", "em", "anh", "chị", "con", "cháu", "ông", "bà", "cha", "mẹ", "hồ",
    "sơ", "thủ", "tục", "đăng", "ký", "quá", "ngày", "tháng", "năm", "tuổi", "dưới", "trên", "đủ",
    "chưa", "còn", "hay", "cũng", "rồi", "nhé", "ạ", "hông", "hả", "vậy",
))  # fmt: skip
_TOKEN = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _TOKEN.findall(expand_abbreviations(normalize_text(text)).lower())


def _paper_score(question: list[str], own: set[str], doc: list[str]) -> int:
    """How plainly ``question`` names the paper whose name is ``doc``: a specific paper word ("ảnh")
    counts 2, the word after a paper word ("giấy chứng ...") 1 and 1 more when the paper's name has the
    same pair, every other distinctive word of the few after it 1."""
    names, pairs = set(doc), set(pairwise(doc))
    score = 0
    seen: set[str] = set()
    for i, word in enumerate(question):
        if word in _PAPER_NAMES and word not in own and word in names and word not in seen:
            score += 2
            seen.add(word)
        elif word not in _PAPER_HEADS:
            continue
        following = [w for w in question[i + 1 : i + 4] if w not in _PAPER_HEADS]
        for k, after in enumerate(following):
            if after in own or after in _GENERIC_WORDS or after in seen or after not in names:
                continue
            seen.add(after)
            score += 1
            if k == 0 and (word, after) in pairs:
                score += 1
    return score


def papers_asked(record: ProcedureRecord, question: str) -> list[DocumentRecord]:
    """The papers of ``record`` the question names ("không có giấy chứng sinh thì sao", "giấy ủy quyền
    có cần chứng thực không", "ảnh cỡ bao nhiêu"): the best match, or none. Words of the procedure's own
    name and aliases do not count (every paper of a passport dossier is "hộ chiếu")."""
    asked = _words(question)
    if not asked or not record.documents:
        return []
    own = {w for text in (record.name, *record.aliases) for w in _words(text)}
    scored = [(_paper_score(asked, own, _words(doc.name)), doc) for doc in record.documents]
    best = max(score for score, _ in scored)
    if best < 2:
        return []
    return [doc for score, doc in scored if score == best][:2]


def _paper_validity(record: ProcedureRecord, question: str | None) -> str | None:
    """How long a paper of the dossier the question names lasts ("giấy khám sức khỏe có giá trị bao lâu"),
    when the catalogue's note on that paper states its validity; None otherwise (the validity answer is then
    about the paper the procedure issues)."""
    if not question:
        return None
    lines = [
        _document_line(i, doc).split(". ", 1)[1]
        for i, doc in enumerate(papers_asked(record, question), start=1)
        if doc.note and "giá trị" in doc.note.lower()
    ]
    if not lines:
        return None
    return "Dạ, " + "; ".join(_lower_first(line) for line in lines) + "."


def _paper_lines(record: ProcedureRecord, question: str | None, answer: str, aspect: str) -> str:
    """What the catalogue says about the papers the question names, when the answer does not say it (the
    form answer already names the forms to fill in)."""
    if not question:
        return ""
    lines = [
        _document_line(i, doc).split(". ", 1)[1]
        for i, doc in enumerate(papers_asked(record, question), start=1)
        if _shorten(doc.name, 180).lower() not in answer.lower()
        and not (aspect == "form" and (doc.form or record.forms))
    ]
    if not lines:
        return ""
    return "\nVề giấy tờ anh/chị hỏi: " + "; ".join(_lower_first(line) for line in lines) + "."


# "giấy khai sinh của con tui cấp bên Đài Loan thì xã chứng thực được hông": a paper issued abroad (a
# foreign place or "nước ngoài", and the paper or its issuing named), about which the record says what such
# a paper needs first (consular legalisation).
_ISSUED_ABROAD = re.compile(r"\b(?:cap|bang|giay to|van bang|chung chi)\b")
_LEGALISATION = "hợp pháp hóa lãnh sự"


def _foreign_paper_line(record: ProcedureRecord, question: str | None, answer: str) -> str:
    """What the record says about papers issued abroad (a paper's note, else a sentence of the conditions
    naming consular legalisation), when the question is about such a paper and the answer does not say it."""
    if not question or _LEGALISATION in answer.lower():
        return ""
    folded = fold(expand_abbreviations(normalize_text(question)))
    if not _ISSUED_ABROAD.search(folded) or not any(
        re.search(rf"\b{hint}\b", folded) for hint in FOREIGN_HINTS
    ):
        return ""
    said = [d.note for d in record.documents if d.note and _LEGALISATION in d.note.lower()]
    if not said and record.conditions:
        said = [s for s in re.split(r"(?<=[.;])\s+", record.conditions) if _LEGALISATION in s.lower()]
    if not said:
        return ""
    rule = _sentence(_shorten(said[0].rstrip(" ;,"), 300))
    return f"\nVề giấy tờ do nước ngoài cấp: {_lower_first(rule)}"


# Abbreviations citizens may not know, spelt out in what they read; not inside a document number
# ("Nghị quyết 26/2025/NQ-HĐND").
_SPELT_OUT = {"HĐND": "Hội đồng nhân dân"}
_ABBREVIATION = re.compile(r"(?<![\w/-])(" + "|".join(map(re.escape, _SPELT_OUT)) + r")(?![\w/-])")


def _plain(text: str) -> str:
    """``text`` with the abbreviations of ``_SPELT_OUT`` spelt out."""
    return _ABBREVIATION.sub(lambda match: _SPELT_OUT[match.group(1)], text)


# "bán mỗi tháng 40 triệu thì đóng thuế nhiêu": the tax owed, not the procedure's fee ("thuế" folds like
# "thuê", so only for a procedure of the tax field, and not when a fee is named).
_TAX_AMOUNT = re.compile(r"\bthue\b.*\b(?:bao nhieu|nhieu|may tien)\b|\b(?:bao nhieu|nhieu) tien thue\b")
_NAMES_FEE = re.compile(r"\b(?:phi|le phi)\b")


def asks_tax_amount(record: ProcedureRecord, question: str | None) -> bool:
    """Whether ``question`` asks how much tax is owed, about a procedure of the tax field."""
    if not question or record.field != "Thuế":
        return False
    folded = fold(expand_abbreviations(normalize_text(question)))
    return bool(_TAX_AMOUNT.search(folded)) and not _NAMES_FEE.search(folded)


def _answer_tax_amount(record: ProcedureRecord) -> str | None:
    """Who sets the tax owed, from the procedure's own steps (the step naming the tax office), and the
    procedure's fee; None when no step says it."""
    step = next((s for s in record.steps if "cơ quan thuế" in s.lower()), None)
    if step is None:
        return None
    agency = record.executing_agency or record.competent_agency or "cơ quan thuế"
    return "\n".join(
        [
            f"Dạ, số thuế phải đóng không phải lệ phí thủ tục, em không tính thay được ạ. Theo thủ tục "
            f"«{record.name}»: {_sentence(_lower_first(step))}",
            f"Anh/chị liên hệ {agency} để biết số thuế cụ thể ạ.",
            _upper_first(_answer_fee(record).removeprefix("Dạ, ")),
        ]
    )


def render_answer(
    record: ProcedureRecord, aspect: str, question: str | None = None, alongside: tuple[str, ...] = ()
) -> str:
    """The answer about ``aspect`` of ``record`` (unknown aspects get the overview). ``question``, the
    citizen's words, adds what the catalogue says about a paper it names ("đẻ ở nhà không có giấy chứng
    sinh thì sao") when the aspect's answer does not already give it. ``alongside``: the other aspects
    answered in the same reply (the online answer leaves the fee and time to their own answers)."""
    if record.is_pointer and record.pointer is not None:
        has_fact = _POINTER_FACTS.get(aspect)
        if has_fact is None or not has_fact(record):
            return _plain(_answer_pointer(record) + _review_note(record))
        specific = _RENDERERS[aspect](record).removeprefix("Dạ, ")
        answer = f"{_pointer_intro(record)}\n{_upper_first(specific)}"
        return _plain(answer + _paper_lines(record, question, answer, aspect) + _review_note(record))
    if aspect == "online" and {"fee", "time"} & set(alongside):
        answer = _answer_online(record, differences=False)
    elif aspect == "validity" and (paper := _paper_validity(record, question)):
        answer = paper
    else:
        answer = _RENDERERS.get(aspect, _answer_overview)(record)
    if aspect == "eligibility" and question and "fee" in aspect_points(question):
        # "ai được miễn lệ phí", "trường hợp nào thì được miễn phí": who qualifies for the fee's
        # exemptions, which the fee line names
        answer += "\n" + _upper_first(_answer_fee(record).removeprefix("Dạ, "))
    if aspect == "fee" and asks_tax_amount(record, question) and (tax := _answer_tax_amount(record)):
        answer = tax  # "đóng thuế nhiêu": who sets the tax owed, then the procedure's fee
    if aspect == "fee" and (pages := page_fee_line(record, question)):
        answer += "\n" + pages  # "5 trang thì tính sao" after a fee charged by the page
    answer += _foreign_paper_line(record, question, answer)
    return _plain(answer + _paper_lines(record, question, answer, aspect) + _review_note(record))
