"""Procedure catalogue tables (SQLAlchemy 2, typed). Schema created by ``knowledge/migrations``.

Attribute names are those of the read model (``knowledge.records``): ``Procedure.from_record`` and
``Procedure.to_record`` copy field by field, nothing is renamed on the way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from knowledge.records import (
    AuditRecord,
    BenefitRecord,
    ChannelRecord,
    DeadlineRecord,
    DocumentRecord,
    FormRecord,
    LegalBasisRecord,
    PointerRecord,
    ProcedureRecord,
    ValidityRecord,
)

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
    # "procedure" or "pointer" (a matter handled by another body; `pointer` says which and what to do).
    kind: Mapped[str] = mapped_column(String(16), default="procedure")
    # The nested parts of the read model, as JSON objects with the same keys (dates as ISO strings).
    deadline: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    benefit: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    validity: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    forms: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    audit: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    pointer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
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

    @classmethod
    def from_record(cls, record: ProcedureRecord) -> Procedure:
        """A new row holding ``record`` (children numbered in their order)."""
        values = {
            f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name not in _CHILDREN
        }
        values["deadline"] = _to_json(record.deadline)
        values["benefit"] = _to_json(record.benefit)
        values["validity"] = _to_json(record.validity)
        values["forms"] = [_to_json(form) for form in record.forms]
        values["audit"] = _to_json(record.audit)
        values["pointer"] = _to_json(record.pointer)
        return cls(
            **values,
            channels=[Channel(position=i, **dataclasses.asdict(c)) for i, c in enumerate(record.channels)],
            documents=[Document(position=i, **dataclasses.asdict(d)) for i, d in enumerate(record.documents)],
            legal_basis=[
                LegalBasis(position=i, **dataclasses.asdict(lb)) for i, lb in enumerate(record.legal_basis)
            ],
        )

    def to_record(self) -> ProcedureRecord:
        """The read model of this row (children loaded)."""
        values = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(ProcedureRecord)
            if f.name not in _CHILDREN
        }
        for name in _LISTS:
            values[name] = list(values[name] or ())
        values["kind"] = self.kind or "procedure"
        values["deadline"] = _from_json(DeadlineRecord, self.deadline)
        values["benefit"] = _from_json(BenefitRecord, self.benefit)
        values["validity"] = _from_json(ValidityRecord, self.validity)
        values["forms"] = [_from_json(FormRecord, form) for form in self.forms or ()]
        values["audit"] = _from_json(AuditRecord, self.audit)
        values["pointer"] = _from_json(PointerRecord, self.pointer)
        return ProcedureRecord(
            **values,
            channels=[_copy(ChannelRecord, c) for c in self.channels],
            documents=[_copy(DocumentRecord, d) for d in self.documents],
            legal_basis=[_copy(LegalBasisRecord, lb) for lb in self.legal_basis],
        )


class Channel(Base):
    """A submission channel with its processing time and fee."""

    __tablename__ = "kb_channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("kb_procedures.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # "in_person" (trực tiếp), "online" (trực tuyến), "postal" (bưu chính).
    channel: Mapped[str] = mapped_column(String(16))
    time: Mapped[str | None] = mapped_column(Text)
    days: Mapped[float | None] = mapped_column(Float)
    days_unit: Mapped[str] = mapped_column(String(16), default="working")
    fee: Mapped[str | None] = mapped_column(Text)
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


_CHILDREN = frozenset({"channels", "documents", "legal_basis"})
_LISTS = ("levels", "aliases", "keywords", "steps", "parse_problems")


def _copy(record_type: type[Any], row: Base) -> Any:
    return record_type(**{f.name: getattr(row, f.name) for f in dataclasses.fields(record_type)})


def _to_json(value: Any) -> Any:
    if value is None:
        return None
    return {
        key: item.isoformat() if isinstance(item, dt.date) else item
        for key, item in dataclasses.asdict(value).items()
    }


def _from_json(record_type: type[Any], value: dict[str, Any] | None) -> Any:
    if value is None:
        return None
    values = {f.name: value.get(f.name) for f in dataclasses.fields(record_type) if f.name in value}
    if record_type is AuditRecord and isinstance(values.get("date"), str):
        values["date"] = dt.date.fromisoformat(values["date"])
    return record_type(**values)
