"""Dossier status for citizens: where a submitted dossier (hồ sơ) stands, and what to do next.

Privacy rules, all here:
- details are given only for the national code PLUS the last four digits of the applicant's phone on file,
  checked by the one second factor of the project (``security.second_factor``): capped per (code,
  requester) and per requester, counted atomically in the database, many guesses on one code alert
  supervisors without locking its owner out;
- an unknown code and a wrong second factor get the same answer, so codes cannot be enumerated;
- the phone number is never logged or shown.

The mirror table is filled from CSV exports (``python -m knowledge.cli dossiers import-csv FILE``) and, when
``ONESTOP_URL`` is set, refreshed from the one-stop system on lookup (``knowledge/onestop.py``).
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import session_factory
from knowledge.dossier_models import Dossier
from knowledge.onestop import (
    DossierRecord,
    HttpOneStopClient,
    InvalidDossierRecord,
    OneStopClient,
    OneStopUnavailable,
)
from security.second_factor import Verdict, check_second_factor, last_four_digits
from vietnam.codes import normalize_dossier_code
from vietnam.workdays import WorkingCalendar, default_calendar, format_date_vi, format_datetime_vi, local_date

__all__ = ["DossierAnswer", "DossierService", "ImportReport", "default_service"]

log = logging.getLogger(__name__)

REFRESH_AFTER = timedelta(minutes=10)
PUBLIC_PORTAL = "https://dichvucong.gov.vn"

OUTCOMES = ("found", "not_found", "need_second_factor", "wrong_second_factor", "rate_limited", "invalid_code")

_STATUS_LABELS = {
    "received": "đã được tiếp nhận, đang chờ xử lý",
    "processing": "đang được giải quyết",
    "additional_documents": "cần bổ sung giấy tờ",
    "completed": "đã có kết quả",
    "returned": "đã được trả lại, không giải quyết",
}

MESSAGES = {
    "invalid_code": (
        "Dạ, mã hồ sơ anh/chị gửi chưa đúng định dạng ạ. Mã hồ sơ in trên giấy tiếp nhận hồ sơ và hẹn trả "
        "kết quả, có dạng 000.00.20.H19-250312-0004. Anh/chị kiểm tra và gửi lại giúp em nhé."
    ),
    "need_second_factor": (
        "Dạ, để bảo vệ thông tin cá nhân, anh/chị vui lòng cho em biết 4 số cuối của số điện thoại đã "
        "khai khi nộp hồ sơ ạ."
    ),
    "no_match": (
        "Dạ, mã hồ sơ hoặc 4 số cuối điện thoại anh/chị cung cấp chưa đúng, em chưa tìm thấy hồ sơ khớp ạ. "
        "Anh/chị kiểm tra lại mã trên giấy tiếp nhận và số điện thoại đã khai khi nộp hồ sơ giúp em nhé."
    ),
    "rate_limited": (
        "Dạ, thông tin xác minh đã nhập sai quá số lần cho phép. Để bảo vệ hồ sơ của anh/chị, em tạm dừng "
        "tra cứu trong 1 giờ. Anh/chị có thể thử lại sau hoặc gặp tổng đài viên để được hỗ trợ ạ."
    ),
}


@dataclass(frozen=True)
class DossierAnswer:
    """What the bot says about a dossier; ``message`` is the only thing to show the citizen."""

    outcome: str
    message: str
    status: str | None = None
    due_date: date | None = None
    working_days_overdue: int | None = None
    # The agency handling the dossier now ("Công an xã Mỹ Hiệp"): a petition about its delay is about it.
    agency: str | None = None
    # How the result reaches the citizen (by post, online, at the office), said in polite Vietnamese: the
    # answer to "gửi bưu điện về nhà hay phải lên lấy" right after the status.
    delivery: str | None = None
    # How the result was asked to be delivered: "counter", "postal" or "online" (knowledge/dossier_models.py).
    delivery_method: str | None = None
    # What the citizen does next when the dossier came back (returned, or papers to add), said in polite
    # Vietnamese: the answer to "vậy giờ tôi phải làm lại hồ sơ từ đầu hả?" right after the status.
    next_step: str | None = None
    # The dossier's procedure (national code, "1.004222") and name: follow-ups ("theo quy định bao nhiêu
    # ngày", "lệ phí bao nhiêu") are about that procedure.
    procedure_code: str | None = None
    procedure_name: str | None = None


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.created} created, {self.updated} updated, {len(self.errors)} rejected"


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class DossierService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        onestop: OneStopClient | None = None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self.sessions = sessions
        self.onestop = onestop
        self.now = now
        self._calendar = calendar

    @property
    def calendar(self) -> WorkingCalendar:
        return self._calendar or default_calendar()

    # ---- lookup ---------------------------------------------------------------------------------

    def lookup(self, code_text: str, phone_last4: str | None, requester_key: str) -> DossierAnswer:
        code = normalize_dossier_code(code_text or "")
        if code is None:
            return DossierAnswer("invalid_code", MESSAGES["invalid_code"])
        digits = last_four_digits(phone_last4)
        if digits is None:  # not a guess: nothing is counted
            return DossierAnswer("need_second_factor", MESSAGES["need_second_factor"])
        now = self.now()
        found: list[tuple[Dossier | None, str | None]] = []

        def phone_on_file() -> str | None:  # looked up (maybe in the one-stop system) once counted
            with self.sessions() as session:
                found.append(self._find(session, code, now))
                session.commit()
            dossier = found[0][0]
            return dossier.applicant_phone if dossier is not None else None

        with self.sessions() as session:
            engine = session.get_bind()
        verdict = check_second_factor(
            engine,
            subject=f"dossier:{code}",
            requester=requester_key,
            given=digits,
            phone_on_file=phone_on_file,
            now=now,
        )
        if verdict == Verdict.LIMITED:
            log.info("dossier lookup rate-limited")
            return DossierAnswer("rate_limited", MESSAGES["rate_limited"])
        dossier, stale_note = found[0]
        if dossier is None:
            return DossierAnswer("not_found", MESSAGES["no_match"])
        if verdict == Verdict.FAILED:
            return DossierAnswer("wrong_second_factor", MESSAGES["no_match"])
        return self._describe(dossier, now, stale_note)

    def _find(self, session: Session, code: str, now: datetime) -> tuple[Dossier | None, str | None]:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        if self.onestop is None:
            return dossier, None
        if dossier is not None and now - _as_utc(dossier.synced_at) < REFRESH_AFTER:
            return dossier, None
        try:
            record = self.onestop.fetch_dossier(code)
        except OneStopUnavailable as error:
            log.warning("one-stop system unavailable, answering from the mirror: %s", error)
            if dossier is None:
                return None, None
            return dossier, f"(Thông tin cập nhật lúc {format_datetime_vi(dossier.synced_at)}.)"
        if record is None:
            return dossier, None
        return self._upsert(session, record, source="onestop", now=now)[0], None

    def _describe(self, dossier: Dossier, now: datetime, stale_note: str | None) -> DossierAnswer:
        today = local_date(now)
        due = local_date(dossier.due_at) if dossier.due_at else None
        status = dossier.status
        overdue_days: int | None = None
        if status in ("received", "processing") and due is not None and due < today:
            overdue_days = self.calendar.working_days_after(due, today)
        place = dossier.current_agency or "cơ quan tiếp nhận hồ sơ"

        lines = [f"Dạ, hồ sơ {dossier.code} ({dossier.procedure_name}) của anh/chị {_STATUS_LABELS[status]}."]
        lines.append(f"- Ngày tiếp nhận: {format_date_vi(dossier.received_at)}")
        if due is not None:
            lines.append(f"- Ngày hẹn trả kết quả: {format_date_vi(due)}")
        if dossier.current_agency and status != "completed":
            lines.append(f"- Đang xử lý tại: {dossier.current_agency}")
        if overdue_days is not None and overdue_days > 0:
            lines.append(
                f"Hồ sơ đã quá hạn {overdue_days} ngày làm việc. "
                "Em thành thật xin lỗi anh/chị vì sự chậm trễ. "
                "Theo quy định, cơ quan giải quyết phải gửi phiếu xin lỗi và hẹn lại ngày trả kết quả. "
                "Nếu anh/chị muốn, em có thể ghi nhận phản ánh về việc trễ hạn để chuyển đến cơ quan có "
                "thẩm quyền ạ."
            )
        elif status in ("received", "processing"):
            lines.append(
                "Hồ sơ đang trong thời hạn giải quyết, anh/chị vui lòng chờ đến ngày hẹn trả kết quả ạ."
            )
        elif status == "additional_documents":
            missing = f" {dossier.note.rstrip('.')}." if dossier.note else ""
            lines.append(
                f"Anh/chị cần bổ sung giấy tờ:{missing} Anh/chị nộp bổ sung tại {place} "
                f"hoặc trên Cổng Dịch vụ công ({PUBLIC_PORTAL}); thời hạn giải quyết được tính lại "
                "từ khi nhận đủ hồ sơ ạ."
            )
        elif status == "completed":
            lines.append(self._delivery_advice(dossier, place))
        elif status == "returned":
            reason = f" Lý do: {dossier.note.rstrip('.')}." if dossier.note else ""
            lines.append(
                f"Hồ sơ đã được trả lại.{reason} Anh/chị có thể hoàn thiện và nộp lại, "
                "hoặc gặp tổng đài viên nếu cần hướng dẫn thêm ạ."
            )
        if stale_note:
            lines.append(stale_note)
        next_step = None
        if status in ("returned", "additional_documents"):
            because = f" Lý do: {dossier.note.rstrip('.')}." if dossier.note else ""
            done = "đã được trả lại" if status == "returned" else "cần bổ sung giấy tờ"
            next_step = (
                f"Dạ, hồ sơ {dossier.code} {done}.{because} Anh/chị hoàn thiện, bổ sung hồ sơ theo nội dung "
                f"nêu trên rồi nộp lại tại {place} hoặc trên Cổng Dịch vụ công ({PUBLIC_PORTAL}). Để biết "
                f'cụ thể phần nào cần sửa, bổ sung, anh/chị liên hệ {place} hoặc nhắn "gặp tổng đài viên" ạ.'
            )
        return DossierAnswer(
            "found",
            "\n".join(lines),
            status="overdue" if overdue_days else status,
            due_date=due,
            working_days_overdue=overdue_days,
            agency=dossier.current_agency or None,
            delivery=self._delivery_answer(dossier, place, status == "completed"),
            delivery_method=dossier.delivery_method,
            next_step=next_step,
            procedure_code=dossier.procedure_code or None,
            procedure_name=dossier.procedure_name or None,
        )

    @classmethod
    def _delivery_answer(cls, dossier: Dossier, place: str, completed: bool) -> str:
        """How this dossier's result is delivered, as an answer of its own."""
        if completed:
            advice = cls._delivery_advice(dossier, place)
            if dossier.delivery_method == "postal":
                return f"Dạ, anh/chị không cần lên nhận: {advice[0].lower()}{advice[1:]}"
            return f"Dạ, {advice[0].lower()}{advice[1:]}"
        if dossier.delivery_method == "postal":
            return (
                "Dạ, anh/chị đã đăng ký nhận kết quả qua bưu điện: khi có kết quả, Bưu điện sẽ chuyển đến "
                "địa chỉ anh/chị đã đăng ký, anh/chị không cần lên nhận ạ."
            )
        if dossier.delivery_method == "online":
            return (
                "Dạ, kết quả điện tử sẽ được gửi vào tài khoản của anh/chị trên Cổng Dịch vụ công "
                f"({PUBLIC_PORTAL}) khi hồ sơ được giải quyết ạ."
            )
        return (
            f"Dạ, khi có kết quả, anh/chị mang giấy tiếp nhận hồ sơ và giấy tờ tùy thân đến {place} để nhận, "
            "trong giờ hành chính ạ."
        )

    @staticmethod
    def _delivery_advice(dossier: Dossier, place: str) -> str:
        if dossier.delivery_method == "postal":
            return (
                "Kết quả được Bưu điện chuyển đến địa chỉ anh/chị đã đăng ký, "
                "anh/chị chú ý điện thoại giúp em ạ."
            )
        if dossier.delivery_method == "online":
            return (
                "Kết quả điện tử đã được gửi vào tài khoản của anh/chị trên Cổng Dịch vụ công "
                f"({PUBLIC_PORTAL}) ạ."
            )
        return (
            f"Anh/chị mang giấy tiếp nhận hồ sơ và giấy tờ tùy thân đến {place} để nhận kết quả, "
            "trong giờ hành chính ạ."
        )

    # ---- import -----------------------------------------------------------------------------------

    def _upsert(
        self, session: Session, record: DossierRecord, *, source: str, now: datetime
    ) -> tuple[Dossier, bool]:
        dossier = session.scalar(select(Dossier).where(Dossier.code == record.code))
        created = dossier is None
        if dossier is None:
            dossier = Dossier(code=record.code)
            session.add(dossier)
        for name in (
            "procedure_code",
            "procedure_name",
            "applicant_name",
            "applicant_phone",
            "received_at",
            "due_at",
            "completed_at",
            "status",
            "current_agency",
            "delivery_method",
            "note",
        ):
            setattr(dossier, name, getattr(record, name))
        dossier.source = source
        dossier.synced_at = now
        session.flush()
        return dossier, created

    def upsert(self, records: list[DossierRecord], *, source: str) -> ImportReport:
        report = ImportReport()
        now = self.now()
        with self.sessions.begin() as session:
            for record in records:
                _, created = self._upsert(session, record, source=source, now=now)
                report.created += created
                report.updated += not created
        return report

    def import_csv(self, path: Path) -> ImportReport:
        """Import a one-stop CSV export: valid rows are upserted in one transaction, each rejected row is
        reported with its line number and reason (nothing is dropped silently)."""
        records: list[DossierRecord] = []
        errors: list[tuple[int, str]] = []
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {
                "code",
                "procedure_name",
                "applicant_name",
                "applicant_phone",
                "received_at",
                "status",
            } - set(reader.fieldnames or [])
            if missing:
                raise InvalidDossierRecord("header", f"missing columns: {', '.join(sorted(missing))}")
            for row in reader:
                try:
                    records.append(DossierRecord.from_mapping(row))
                except InvalidDossierRecord as error:
                    errors.append((reader.line_num, str(error)))
        report = self.upsert(records, source="csv")
        report.errors = errors
        return report


_default: DossierService | None = None


def default_service() -> DossierService:
    """The service on ``DATABASE_URL``, with the one-stop adapter when ``ONESTOP_URL`` is set."""
    global _default
    if _default is None:
        url = os.environ.get("ONESTOP_URL")
        client = HttpOneStopClient(url, os.environ.get("ONESTOP_TOKEN")) if url else None
        _default = DossierService(session_factory(), client)
    return _default
