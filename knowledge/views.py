"""Read-only views of a procedure, handed to actions and answer templates (no ORM objects leak out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge.models import Procedure

__all__ = ["ChannelView", "DocumentView", "LegalBasisView", "ProcedureView", "load_view"]


@dataclass(frozen=True)
class ChannelView:
    channel: str  # in_person | online | postal
    time: str | None
    days: float | None
    days_unit: str
    fee: str | None
    fee_vnd: int | None
    note: str | None


@dataclass(frozen=True)
class DocumentView:
    name: str
    kind: str | None
    copies: int | None
    form: str | None
    note: str | None


@dataclass(frozen=True)
class LegalBasisView:
    number: str | None
    title: str


@dataclass(frozen=True)
class ProcedureView:
    code: str
    name: str
    origin: str
    levels: tuple[str, ...]
    field: str | None
    competent_agency: str | None
    executing_agency: str | None
    place: str | None
    applicants: str | None
    steps: tuple[str, ...]
    conditions: str | None
    result: str | None
    online_level: str  # full | partial | none | unknown
    online_url: str | None
    channels: tuple[ChannelView, ...]
    documents: tuple[DocumentView, ...]
    legal_basis: tuple[LegalBasisView, ...]
    source_url: str | None
    source_date: dt.date | None
    verified: bool
    notes: str | None
    parse_ok: bool

    @property
    def has_online_channel(self) -> bool:
        return any(c.channel == "online" for c in self.channels)


def _view(row: Procedure) -> ProcedureView:
    return ProcedureView(
        code=row.code,
        name=row.name,
        origin=row.origin,
        levels=tuple(row.levels or ()),
        field=row.field,
        competent_agency=row.competent_agency,
        executing_agency=row.executing_agency,
        place=row.place,
        applicants=row.applicants,
        steps=tuple(row.steps or ()),
        conditions=row.conditions,
        result=row.result,
        online_level=row.online_level,
        online_url=row.online_url,
        channels=tuple(
            ChannelView(c.channel, c.time_text, c.days, c.days_unit, c.fee_text, c.fee_vnd, c.note)
            for c in row.channels
        ),
        documents=tuple(DocumentView(d.name, d.kind, d.copies, d.form, d.note) for d in row.documents),
        legal_basis=tuple(LegalBasisView(lb.number, lb.title) for lb in row.legal_basis),
        source_url=row.source_url,
        source_date=row.source_date,
        verified=row.verified,
        notes=row.notes,
        parse_ok=row.parse_ok,
    )


def load_view(session: Session, code: str) -> ProcedureView | None:
    row = session.scalars(
        select(Procedure)
        .where(Procedure.code == code.strip())
        .options(
            selectinload(Procedure.channels),
            selectinload(Procedure.documents),
            selectinload(Procedure.legal_basis),
        )
    ).one_or_none()
    return _view(row) if row is not None else None
