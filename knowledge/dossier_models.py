"""Dossier (hồ sơ) mirror of the province's one-stop system.

Schema created by ``knowledge/migrations`` (revision ``kb0101``). The one-stop system is the source of
truth; these rows are a mirror filled by CSV import or by the HTTP adapter (``knowledge/onestop.py``).
Second-factor checks are counted by ``security.second_factor`` (kb0105 dropped kb0101's own counter table).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.models import Base

__all__ = ["Dossier"]


class Dossier(Base):
    """One dossier as the one-stop system knows it. Times are stored in UTC."""

    __tablename__ = "kb_dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, index=True)
    procedure_code: Mapped[str | None] = mapped_column(String(32))
    procedure_name: Mapped[str] = mapped_column(Text)
    applicant_name: Mapped[str] = mapped_column(Text)
    # Personal data: compared by its last four digits only, never logged, never shown.
    applicant_phone: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # received, processing, additional_documents, completed, returned (overdue is derived from due_at).
    status: Mapped[str] = mapped_column(String(32))
    current_agency: Mapped[str | None] = mapped_column(Text)
    # counter (tại quầy), postal (bưu chính công ích), online (trực tuyến).
    delivery_method: Mapped[str | None] = mapped_column(String(16))
    # What the citizen must do or know (missing papers, reason for return), as the one-stop system says it.
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="csv")
    synced_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
