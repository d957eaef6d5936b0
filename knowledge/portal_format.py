"""Parse one record of the national portal crawl (dichvucong.gov.vn, JSON lines) into a ProcedureRecord.

The crawler flattened the portal's tables: header cells and row cells run together without separators,
e.g. ``cach_thuc_thuc_hien`` = ``"Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1 Ngày làm việcMiễn
phí..."`` (channel, time, fee, description) and ``thanh_phan_ho_so`` = ``"--Tên giấy tờMẫu đơn, tờ
khaiSố lượngĐơn đề nghị...Mẫu 01.docx1 bản chính,1 bản sao..."`` (document, form, copies). The functions
here cut them back into rows. Whatever they cannot parse is listed in ``parse_problems`` (``"kind:
detail"``) and the raw text of that field is kept in ``raw``; nothing is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from knowledge.records import ChannelRecord, DocumentRecord, LegalBasisRecord, ProcedureRecord

__all__ = [
    "SERIOUS_PROBLEMS",
    "parse_channels",
    "parse_documents",
    "parse_legal_basis",
    "parse_levels",
    "parse_result",
    "parse_steps",
    "record_from_portal",
]

NO_INFO = "Không có thông tin"
# Problems that mean a part of the record is missing in structured form (record flagged parse_ok=False).
SERIOUS_PROBLEMS = frozenset({"channels_unparsed", "documents_unparsed", "missing_code", "missing_name"})

# ---------------------------------------------------------------------------------------------- channels
_CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_CHANNEL_NAMES = {"Trực tiếp": "in_person", "Trực tuyến": "online", "Dịch vụ bưu chính": "postal"}
_CURRENCY = r"(?:Việt Nam Đồng|VNĐ|VND|vnđ|Đồng|đồng|USD)"
# A row starts with a channel name at the start of the table or glued to the previous cell (no space
# before it), followed by the time cell; "- Trực tiếp: nộp tại..." inside a description does not match.
_ROW_START = re.compile(
    r"(?:^|(?<=\S))(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\d|Không|Miễn phí|[A-ZĐ][a-zà-ỹđ]+ )"
)
_TIME = re.compile(r"(?P<num>\d+(?:[.,]\d+)*)\s*(?P<unit>Ngày làm việc|Ngày|Giờ|Tháng|Năm|Tuần|Phút)?")
_FEE_AMOUNT = re.compile(rf"(?P<amount>\d[\d.,]*)(?P<per>/\s*[^\s\d(]+)?\s*(?P<cur>{_CURRENCY})?")
_MONEY_IN_TEXT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d{4,})\s*(?:đồng|Đồng|VNĐ|vnđ|VND|USD|đ\b)?")
_UNIT_DAYS: dict[str, tuple[float, str]] = {
    "Ngày làm việc": (1, "working"),
    "Ngày": (1, "calendar"),
    "Tuần": (7, "calendar"),
    "Tháng": (30, "calendar"),
    "Năm": (365, "calendar"),
    "Giờ": (1 / 24, "calendar"),
    "Phút": (1 / 1440, "calendar"),
}


def _money(text: str) -> int | None:
    digits = re.sub(r"[.,]", "", text)
    return int(digits) if digits.isdigit() else None


def _take_parenthesis(text: str) -> tuple[str | None, str]:
    """Split a leading balanced ``(...)`` group from ``text``: (inside, rest)."""
    if not text.startswith("("):
        return None, text
    depth = 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[1:i].strip(), text[i + 1 :]
    return text[1:].strip(), ""


def _amounts(text: str | None) -> list[int]:
    if not text:
        return []
    found = []
    for match in _MONEY_IN_TEXT.finditer(text):
        value = _money(match.group(1))
        if value is not None and value >= 1000 and not (1900 <= value <= 2100 and "." not in match.group(1)):
            found.append(value)
    return found


def _split_time_and_fee(shown: str, detail: str | None) -> tuple[int, int, bool]:
    """``"120"`` + ``"VNĐ"``: the time (no unit) and the fee ran together. Returns (days, fee, certain).

    Shown without separators ("1100 VNĐ") the portal's fee is in thousands of đồng, with separators
    ("1100,000 VNĐ") in đồng. The fee detail usually repeats the amount ("100.000 đồng/lần"), which
    picks the cut; otherwise the time is taken as the first digit.
    """
    digits = re.sub(r"[.,]", "", shown)
    scale = 1 if re.search(r"[.,]\d{3}$", shown) else 1000
    known = set(_amounts(detail))
    for cut in range(1, len(digits)):
        time_part, fee_part = digits[:cut], digits[cut:]
        if fee_part.startswith("0"):
            continue
        if int(fee_part) * scale in known:
            return int(time_part), int(fee_part) * scale, True
    return int(digits[:1]), int(digits[1:] or 0) * scale, False


def _parse_channel_row(channel: str, body: str, problems: list[str]) -> ChannelRecord:
    record = ChannelRecord(channel=channel)
    rest = body
    time_match = _TIME.match(rest)
    ran_together: str | None = None
    if rest.startswith(NO_INFO):
        rest = rest[len(NO_INFO) :]
    elif time_match:
        num, unit = time_match.group("num"), time_match.group("unit")
        after = rest[time_match.end() :]
        if unit is None and re.match(rf"\s*{_CURRENCY}", after) and len(re.sub(r"[.,]", "", num)) >= 2:
            ran_together = num
            rest = after
        else:
            value = float(num.replace(",", "."))
            if unit:
                factor, day_unit = _UNIT_DAYS[unit]
                record.days = round(value * factor, 3)
                record.days_unit = day_unit
                record.time = f"{num} {unit.lower()}"
            else:
                record.days = value
                record.time = f"{num} ngày"
                problems.append(f"time_unit_missing: {channel} {num!r}")
            rest = after
    else:
        fee_at = re.search(rf"Miễn phí|{NO_INFO}|\d[\d.,]*\s*{_CURRENCY}", rest)
        if fee_at and fee_at.start() > 0:
            record.time = rest[: fee_at.start()].strip()
            rest = rest[fee_at.start() :]
        else:
            problems.append(f"time_unparsed: {body[:60]!r}")

    detail: str | None
    if ran_together is not None:
        cur = re.match(rf"\s*({_CURRENCY})", rest)
        currency = cur.group(1) if cur else ""
        rest = rest[cur.end() :] if cur else rest
        detail, rest = _take_parenthesis(rest)
        days, fee, certain = _split_time_and_fee(ran_together, detail)
        record.days, record.days_unit, record.time = float(days), "working", f"{days} ngày"
        if currency == "USD":
            record.fee_vnd = None
            record.fee = f"{fee // 1000 if '.' not in ran_together and ',' not in ran_together else fee} USD"
        else:
            record.fee_vnd = fee
            record.fee = f"{fee:,} đồng".replace(",", ".")
        record.fee += f" ({detail})" if detail else ""
        if not certain:
            problems.append(f"time_fee_ran_together: {channel} {ran_together!r}")
    elif rest.startswith("Miễn phí"):
        detail, rest = _take_parenthesis(rest[len("Miễn phí") :])
        record.fee = "Miễn phí" + (f" ({detail})" if detail else "")
        amounts = _amounts(detail)
        record.fee_vnd = None if amounts else 0
        if amounts:
            problems.append(f"fee_free_but_amounts: {channel}")
    elif rest.startswith(NO_INFO):
        detail, rest = _take_parenthesis(rest[len(NO_INFO) :])
        record.fee = detail or None
        amounts = _amounts(detail)
        record.fee_vnd = amounts[0] if len(set(amounts)) == 1 else None
    else:
        fee_match = _FEE_AMOUNT.match(rest)
        if fee_match:
            rest = rest[fee_match.end() :]
            detail, rest = _take_parenthesis(rest)
            amount = _money(fee_match.group("amount"))
            if fee_match.group("cur") == "USD":
                amount = None
            elif amount is not None and amount < 1000:
                scaled = [a for a in _amounts(detail) if a == amount * 1000]
                amount = scaled[0] if scaled else None
                if amount is None:
                    problems.append(f"fee_amount_unclear: {channel} {fee_match.group(0)!r}")
            record.fee_vnd = amount
            shown = f"{amount:,} đồng".replace(",", ".") if amount else fee_match.group(0).strip()
            if fee_match.group("cur") is None and not detail:
                problems.append(f"fee_currency_missing: {channel} {fee_match.group(0)!r}")
            if fee_match.group("per"):
                shown += fee_match.group("per")
            record.fee = shown + (f" ({detail})" if detail else "")
        else:
            problems.append(f"fee_unparsed: {channel} {rest[:60]!r}")
    note = rest.strip(" -+:;.\n")
    record.note = note or None
    return record


def parse_channels(text: str | None) -> tuple[list[ChannelRecord], list[str]]:
    """``cach_thuc_thuc_hien`` -> channel rows (channel, time, fee, note) and problems."""
    problems: list[str] = []
    if not text or not text.strip() or text.strip() == NO_INFO:
        return [], ["channels_missing: no submission channels given"]
    body = text[len(_CHANNEL_HEADER) :] if text.startswith(_CHANNEL_HEADER) else text
    starts = list(_ROW_START.finditer(body))
    if not starts:
        return [], [f"channels_unparsed: {text[:80]!r}"]
    prefix = body[: starts[0].start()].strip()
    if prefix:
        problems.append(f"channels_prefix_ignored: {prefix[:60]!r}")
    rows: list[ChannelRecord] = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        channel = _CHANNEL_NAMES[match.group(1)]
        rows.append(_parse_channel_row(channel, body[match.end() : end], problems))
    return rows, problems


# --------------------------------------------------------------------------------------------- documents
_DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# The count cell closes a row: it is glued to the next row (no space, no lower-case word after it).
_QUANTITY = re.compile(r"(\d+) bản chính(?:,\s*(\d+) bản sao)?|(\d+) bản sao")
_FORM_FILE = re.compile(r"\.(?:docx|doc|pdf|xlsx|xls|rtf|odt|zip)$", re.IGNORECASE)


def _split_form(name: str) -> tuple[str, str | None]:
    """``"Tờ khai (Mẫu 01)Mẫu 01.docx"`` -> (``"Tờ khai (Mẫu 01)"``, ``"Mẫu 01.docx"``).

    The file name starts after the last cell boundary: a ``;``/``)`` or a lower-case letter glued to an
    upper-case one. Without a boundary the name is left whole.
    """
    if not _FORM_FILE.search(name):
        return name, None
    cut = 0
    for i in range(1, len(name) - 4):
        before, char = name[i - 1], name[i]
        if before in ";:)]" or (char.isupper() and (before.islower() or before == ".")):
            cut = i
    if cut == 0:
        return name, None
    form = name[cut:].strip()
    return name[:cut].strip(), form or None


def parse_documents(text: str | None) -> tuple[list[DocumentRecord], list[str]]:
    """``thanh_phan_ho_so`` -> document rows (name, kind, copies, form) and problems.

    Group headings that precede a table (``"(1) Hồ sơ cấp mới:"``) become notes of the rows under them.
    """
    if not text or not text.strip() or text.strip() in ("--", NO_INFO):
        return [], ["documents_missing: no documents given"]
    problems: list[str] = []
    documents: list[DocumentRecord] = []
    group: str | None = None
    for part_index, part in enumerate(text.split(_DOC_HEADER)):
        if part_index == 0:
            heading = part.strip(" -\n")
            group = heading or None
            continue
        pos = 0
        found = [m for m in _QUANTITY.finditer(part) if not _continues_text(part, m.end())]
        # "...: 01 bản chính;" + "1 bản chính": the first count belongs to the name.
        matches = [
            m
            for i, m in enumerate(found)
            if i + 1 == len(found) or part[m.end() : found[i + 1].start()].strip(" ;.,")
        ]
        if not matches and part.strip():
            problems.append(f"documents_unparsed: {part[:80]!r}")
            continue
        next_group: str | None = None
        for i, match in enumerate(matches):
            start = match.start()
            digits = match.group(1) or match.group(3)
            # The name may end with digits ("... ngày 01/01/2026" + "1 bản chính"): keep only the last
            # digit as the count when more digits ran together.
            if len(digits) > 1:
                start += len(digits) - 1
                digits = digits[-1]
            name = part[pos:start].strip(" \n;")
            pos = match.end()
            if i == len(matches) - 1:
                tail = part[pos:].strip(" -\n")
                if tail:
                    next_group = tail
            if not name:
                problems.append("document_name_missing")
                continue
            name, form = _split_form(name)
            originals = int(digits) if match.group(1) else 0
            copies = int(match.group(2)) if match.group(2) else (int(digits) if match.group(3) else 0)
            if match.group(3):
                originals = 0
            if originals and copies:
                kind: str | None = "original_and_copy"
            elif originals:
                kind = "original"
            elif copies:
                kind = "copy"
            else:
                kind = None
            documents.append(
                DocumentRecord(
                    name=_clean_item(name),
                    kind=kind,
                    copies=(originals + copies) or None,
                    form=form,
                    note=group,
                )
            )
        group = next_group
    if not documents and not problems:
        problems.append(f"documents_unparsed: {text[:80]!r}")
    return documents, problems


def _continues_text(text: str, end: int) -> bool:
    """True when a count is followed by a space or a lower-case letter: prose, not the count cell."""
    if end >= len(text) or re.match(r"[a-zđ](?:\.\d+)?\)", text[end : end + 6]):  # next item "a)", "a.1)"
        return False
    return text[end] in " \t" or text[end].islower()


def _clean_item(text: str) -> str:
    return re.sub(r"^(?:[-+*•]+|\(?[a-zđ0-9]{1,2}[.)])\s*", "", text.strip()).strip()


# ------------------------------------------------------------------------------------------- legal basis
_LAW_HEADER = "Tên văn bản pháp lýMã văn bản"
_LAW_NUMBER = re.compile(
    r"(\d{1,8})/(\d{4})/((?:[A-ZĐ]+-)*[A-ZĐ]*QH\d{2}"
    r"|(?:[A-ZĐ]+-)*(?:TTg|[A-ZĐ]+?)(?=[A-ZĐ][a-zà-ỹđ]|[^A-ZĐa-zà-ỹđ-]|$))"
)


def parse_legal_basis(text: str | None) -> tuple[list[LegalBasisRecord], list[str]]:
    """``can_cu_phap_ly`` -> (title, number) rows. The number closes each row ("Luật Hộ tịch60/2014/QH13")."""
    if not text or text.strip() == NO_INFO:
        return [], []
    body = text[len(_LAW_HEADER) :] if text.startswith(_LAW_HEADER) else text
    rows: list[LegalBasisRecord] = []
    pos = 0
    for match in _LAW_NUMBER.finditer(body):
        after = body[match.end() : match.end() + 1]
        # A number that continues with lowercase text is part of a title ("Nghị định 05/2012/NĐ-CP của").
        # A number followed by a digit is repeated right away as the code cell ("Luật54/2014/QH1354/...").
        if after and (after.islower() or after == " " or after.isdigit()):
            continue
        serial = match.group(1)
        start = match.start()
        # "năm 2011" + "02/2011/QH13": a 4-digit year ran into the serial.
        if len(serial) > 4 and re.match(r"(19|20)\d\d", serial):
            start += 4
            serial = serial[4:]
        title = body[pos:start].strip(" ,;.\n")
        title = re.sub(
            r"^(?:Luật số|Luật|Nghị định số|Nghị định|Thông tư số|Thông tư|Quyết định)$", "", title
        )
        number = f"{serial}/{match.group(2)}/{match.group(3)}"
        rows.append(LegalBasisRecord(title=title or number, number=number))
        pos = match.end()
    tail = body[pos:].strip()
    if tail:
        rows.append(LegalBasisRecord(title=tail, number=None))
    problems = [] if rows else [f"legal_basis_unparsed: {text[:60]!r}"]
    return rows, problems


# ------------------------------------------------------------------------------------------------ others
_LEVELS = {"Cấp bộ": "central", "Cấp tỉnh": "province", "Cấp xã": "commune", "Cơ quan khác": "other"}
_RESULT_CODE = re.compile(r"Mã:\s*(?:KQ\.[A-Z]\d+\.\d+|[A-Z]\d+-KQ\d+)")


def parse_levels(text: str | None) -> tuple[list[str], list[str]]:
    levels: list[str] = []
    problems: list[str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if part in _LEVELS:
            levels.append(_LEVELS[part])
        else:
            problems.append(f"level_unknown: {part!r}")
    return levels, problems


def parse_result(text: str | None) -> tuple[str | None, list[str]]:
    """``ket_qua_xu_ly`` -> (result names joined by "; ", keywords)."""
    if not text or text.strip() == NO_INFO:
        return None, []
    keywords: list[str] = []
    match = re.search(r"Từ khóa(.*?)Mô tả", text, re.DOTALL)
    if match and match.group(1).strip() and match.group(1).strip() != NO_INFO:
        keywords = [k.strip() for k in re.split(r"[,;]", match.group(1)) if k.strip()]
    head = text[: text.find("Từ khóa")] if "Từ khóa" in text else text
    names = [n.strip(" .;\n") for n in _RESULT_CODE.split(head)]
    names = [n for n in names if n]
    return ("; ".join(names) or None), keywords


def parse_steps(text: str | None) -> list[str]:
    if not text or text.strip() == NO_INFO:
        return []
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if line]


def _field(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    if not text or text in (NO_INFO, "--"):
        return None
    return text


def _conditions(obj: dict[str, Any]) -> str | None:
    text = _field(obj, "yeu_cau_dieu_kien")
    if text and text.rstrip(".").strip().lower() in ("không", "không có"):
        return None
    return text


def record_from_portal(obj: dict[str, Any]) -> ProcedureRecord:
    """One crawled JSON object -> a record; problems listed, raw text of unparsed fields kept."""
    problems: list[str] = []
    code = _field(obj, "ma_thu_tuc")
    name = _field(obj, "ten_thu_tuc")
    if not code:
        problems.append("missing_code: no ma_thu_tuc")
    if not name:
        problems.append("missing_name: no ten_thu_tuc")
    levels, level_problems = parse_levels(_field(obj, "cap_thuc_hien"))
    channels_text = _field(obj, "cach_thuc_thuc_hien")
    documents_text = _field(obj, "thanh_phan_ho_so")
    channels, channel_problems = parse_channels(channels_text)
    documents, document_problems = parse_documents(documents_text)
    legal, legal_problems = parse_legal_basis(_field(obj, "can_cu_phap_ly"))
    result, result_keywords = parse_result(_field(obj, "ket_qua_xu_ly"))
    problems += level_problems + channel_problems + document_problems + legal_problems

    raw: dict[str, Any] = {}
    kinds = {p.split(":", 1)[0] for p in problems}
    if kinds & {"channels_unparsed", "channels_prefix_ignored", "time_unparsed", "fee_unparsed"} or any(
        k in kinds for k in ("time_fee_ran_together", "fee_amount_unclear")
    ):
        raw["cach_thuc_thuc_hien"] = channels_text
    if kinds & {"documents_unparsed", "document_name_missing"}:
        raw["thanh_phan_ho_so"] = documents_text
    if "legal_basis_unparsed" in kinds:
        raw["can_cu_phap_ly"] = obj.get("can_cu_phap_ly")
    if not code or not name:
        raw = dict(obj)

    has_online = any(c.channel == "online" for c in channels)
    return ProcedureRecord(
        code=code or "",
        name=name or "",
        origin="imported",
        levels=levels,
        keywords=result_keywords,
        field=_field(obj, "linh_vuc"),
        competent_agency=_field(obj, "co_quan_co_tham_quyen"),
        executing_agency=_field(obj, "co_quan_thuc_hien"),
        place=_field(obj, "dia_chi_tiep_nhan"),
        applicants=_field(obj, "doi_tuong_thuc_hien"),
        steps=parse_steps(_field(obj, "trinh_tu_thuc_hien")),
        conditions=_conditions(obj),
        result=result,
        legal_basis=legal,
        # The crawl lists an online channel but not whether the service is end-to-end ("toàn trình").
        online_level="unknown" if has_online else "none",
        online_url=None,
        channels=channels,
        documents=documents,
        source_url=_field(obj, "detail_url"),
        decision=_field(obj, "so_quyet_dinh"),
        verified=False,
        notes="Nhập tự động từ dữ liệu Cổng Dịch vụ công quốc gia; chưa được rà soát.",
        parse_ok=not (kinds & SERIOUS_PROBLEMS),
        parse_problems=problems,
        raw=raw or None,
    )
