"""Procedure catalogue tables (SQLAlchemy 2, typed). Schema created by ``knowledge/migrations``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "Channel", "Document", "LegalBasis", "Meta", "Procedure"]


class Base(DeclarativeBase):
    """Declarative base of the knowledge package (its own metadata, its own Alembic environment)."""


class Procedure(Base):
    """An administrative procedure (thủ tục hành chính) with its national code."""

    __tablename__ = "kb_procedures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    name: Mapped[str] = mapped_column(Text)
    # "shipped" (curated, knowledge/data/procedures) or "imported" (national portal crawl).
    origin: Mapped[str] = mapped_column(String(16), index=True)
    # Subset of ["commune", "province", "central"].
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    field: Mapped[str | None] = mapped_column(Text)
    competent_agency: Mapped[str | None] = mapped_column(Text)
    executing_agency: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    applicants: Mapped[str | None] = mapped_column(Text)
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    conditions: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    # "full" (toàn trình), "partial" (một phần) or "none".
    online_level: Mapped[str] = mapped_column(String(16), default="none")
    online_url: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_date: Mapped[dt.date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    # Importer: False when some part could not be parsed; `raw` keeps the original text of those parts.
    parse_ok: Mapped[bool] = mapped_column(Boolean, default=True)
    parse_problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    channels: Mapped[list[Channel]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="Channel.position"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="Document.position"
    )
    legal_basis: Mapped[list[LegalBasis]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="LegalBasis.position"
    )


class Channel(Base):
    """A submission channel with its processing time and fee."""

    __tablename__ = "kb_channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("kb_procedures.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # "in_person" (trực tiếp), "online" (trực tuyến), "postal" (bưu chính).
    channel: Mapped[str] = mapped_column(String(16))
    time_text: Mapped[str | None] = mapped_column(Text)
    days: Mapped[float | None] = mapped_column(Float)
    days_unit: Mapped[str] = mapped_column(String(16), default="working")
    fee_text: Mapped[str | None] = mapped_column(Text)
    fee_vnd: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)

    procedure: Mapped[Procedure] = relationship(back_populates="channels")


class Document(Base):
    """A document required in the dossier (thành phần hồ sơ)."""

    __tablename__ = "kb_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("kb_procedures.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(Text)
    # "original", "copy", "original_or_copy", "present" or None when unknown.
    kind: Mapped[str | None] = mapped_column(String(24))
    copies: Mapped[int | None] = mapped_column(Integer)
    form: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    procedure: Mapped[Procedure] = relationship(back_populates="documents")


class LegalBasis(Base):
    """A legal document the procedure rests on (căn cứ pháp lý)."""

    __tablename__ = "kb_legal_bases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("kb_procedures.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)

    procedure: Mapped[Procedure] = relationship(back_populates="legal_basis")


class Meta(Base):
    """Small key/value facts about the catalogue (e.g. the hash of the shipped YAML last imported)."""

    __tablename__ = "kb_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
