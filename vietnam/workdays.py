"""Local time and working days in Vietnam, in one place.

- :data:`LOCAL_TZ` (Asia/Ho_Chi_Minh), :func:`local_date`, :func:`as_local`;
- :class:`WorkingCalendar`: office hours, weekends and Vietnamese public holidays (Labour Code 2019,
  art. 112: New Year, Tết, Hùng Kings, 30/4, 1/5, 2/9 and an adjacent day), as maintained by the
  ``holidays`` library (``holidays.country_holidays("VN")``), plus extra days off / working Saturdays
  that the Prime Minister decides each year; the data is ``data/working_calendar.yml``;
- Vietnamese date formatting for citizens: :func:`format_date_vi` (``06/03/2026``) and
  :func:`format_datetime_vi` (``17:00 ngày 06/03/2026``).

Runtime-neutral: the standard library and PyYAML at import time. The ``holidays`` library is imported when
a calendar is first asked about holidays; only the app runtime does that (the bot runtime's Rasa pins an
older python-dateutil than current ``holidays`` releases accept, so it does not install it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

__all__ = [
    "CALENDAR_FILE",
    "LOCAL_TZ",
    "WorkingCalendar",
    "as_local",
    "default_calendar",
    "format_date_vi",
    "format_datetime_vi",
    "is_working_day",
    "load_calendar",
    "local_date",
    "working_days_after",
]

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR_FILE = Path(__file__).resolve().parent / "data" / "working_calendar.yml"
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def as_local(moment: datetime) -> datetime:
    """``moment`` in Asia/Ho_Chi_Minh; a naive value is taken as UTC (how the database returns it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL_TZ)


def local_date(moment: datetime) -> date:
    return as_local(moment).date()


def format_date_vi(value: date | datetime | None) -> str | None:
    """``06/03/2026`` (a datetime is first converted to local time)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = as_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime_vi(value: datetime | None) -> str | None:
    """``17:00 ngày 06/03/2026`` in local time."""
    if value is None:
        return None
    local = as_local(value)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def _require_aware(*values: datetime) -> None:
    for v in values:
        if v.tzinfo is None:
            raise ValueError("naive datetime: working-time arithmetic needs timezone-aware datetimes")


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and office hours. Immutable; build one with :func:`load_calendar`."""

    office_hours: tuple[tuple[time, time], ...] = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    tz: ZoneInfo = LOCAL_TZ
    _holidays: Any = field(default=None, compare=False, hash=False, repr=False)

    def _public_holidays(self) -> Any:
        if self._holidays is None:
            import holidays  # app runtime only, see the module docstring

            object.__setattr__(self, "_holidays", holidays.country_holidays("VN"))
        return self._holidays

    def holiday_name(self, day: date) -> str | None:
        if day in self.extra_holidays:
            return "extra day off"
        return self._public_holidays().get(day)

    def public_holidays(self, year: int) -> list[tuple[date, str]]:
        """The days off the calendar skips in ``year`` besides weekends, with their names."""
        import holidays

        days = set(holidays.country_holidays("VN", years=year)) | {
            d for d in self.extra_holidays if d.year == year
        }
        return sorted((d, self.holiday_name(d) or "") for d in days)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day.weekday() not in self.workdays:
            return False
        return self.holiday_name(day) is None

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """Office-hour intervals of a local day, as aware datetimes (empty on days off)."""
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, start, self.tz), datetime.combine(day, end, self.tz))
            for start, end in self.office_hours
        ]

    def is_open(self, moment: datetime) -> bool:
        """True during office hours of a working day."""
        _require_aware(moment)
        local = moment.astimezone(self.tz)
        return any(a <= local < b for a, b in self.intervals(local.date()))

    def next_opening(self, moment: datetime) -> datetime:
        """The start of the next office-hour interval at or after ``moment`` (``moment`` itself when open)."""
        _require_aware(moment)
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(3700):
            for a, b in self.intervals(day):
                if local < b:
                    return max(a, local)
            day += timedelta(days=1)
        raise ValueError("working calendar has no working time")

    @property
    def seconds_per_day(self) -> int:
        return sum(
            int((datetime.combine(date.min, e) - datetime.combine(date.min, s)).total_seconds())
            for s, e in self.office_hours
        )

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Working seconds in [start, end)."""
        _require_aware(start, end)
        if end <= start:
            return 0
        total = 0.0
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for a, b in self.intervals(day):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return int(total)

    def add_working_seconds(self, start: datetime, seconds: float) -> datetime:
        """The instant when ``seconds`` of working time have passed after ``start`` (UTC)."""
        _require_aware(start)
        remaining = float(seconds)
        if remaining <= 0:
            return start.astimezone(timezone.utc)
        day = start.astimezone(self.tz).date()
        for _ in range(3700):  # ten years of days: a guard against an empty calendar
            for a, b in self.intervals(day):
                lo = max(a, start)
                if lo >= b:
                    continue
                available = (b - lo).total_seconds()
                if remaining <= available:
                    return (lo + timedelta(seconds=remaining)).astimezone(timezone.utc)
                remaining -= available
            day += timedelta(days=1)
        raise ValueError("working calendar has no working time")

    def working_days_after(self, due: date, today: date) -> int:
        """Working days from the day after ``due`` up to and including ``today`` (0 when not late)."""
        days, day = 0, due + timedelta(days=1)
        while day <= today:
            days += self.is_working_day(day)
            day += timedelta(days=1)
        return days


def _parse_time(value: str) -> time:
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def load_calendar(path: Path | str | None = None) -> WorkingCalendar:
    """The calendar described by a data file (default ``data/working_calendar.yml``)."""
    raw = yaml.safe_load(Path(path or CALENDAR_FILE).read_text(encoding="utf-8")) or {}
    return WorkingCalendar(
        office_hours=tuple(
            (_parse_time(a), _parse_time(b))
            for a, b in raw.get("office_hours", [["07:00", "11:30"], ["13:30", "17:00"]])
        ),
        workdays=frozenset(_WEEKDAYS[d] for d in raw.get("workdays", ["mon", "tue", "wed", "thu", "fri"])),
        extra_holidays=frozenset(date.fromisoformat(str(d)) for d in raw.get("extra_holidays") or []),
        extra_workdays=frozenset(date.fromisoformat(str(d)) for d in raw.get("extra_workdays") or []),
        tz=ZoneInfo(raw.get("timezone", "Asia/Ho_Chi_Minh")),
    )


@functools.cache
def default_calendar() -> WorkingCalendar:
    return load_calendar()


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day of the default calendar."""
    return default_calendar().is_working_day(day)


def working_days_after(due: date, today: date) -> int:
    return default_calendar().working_days_after(due, today)
