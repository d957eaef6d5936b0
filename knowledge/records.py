"""The one read model of a procedure, from the catalogue files to the answer.

The shipped YAML loader (``knowledge.catalogue``) and the national-portal parser (``knowledge.portal_format``)
build these records, the importer stores them as rows of ``knowledge.models``, and the catalogue service
reads them back (``Procedure.to_record``) for search, answers and actions. The field names are the ORM
attribute names and, where the YAML has the field, the YAML key (``field``, ``time``, ``fee``); the only
YAML keys that differ are ``online: {level, url}`` (``online_level``, ``online_url``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

__all__ = [
    "AuditRecord",
    "BenefitRecord",
    "ChannelRecord",
    "DeadlineRecord",
    "DocumentRecord",
    "FormRecord",
    "LegalBasisRecord",
    "PointerRecord",
    "ProcedureRecord",
    "ValidityRecord",
]


@dataclasses.dataclass
class LegalBasisRecord:
    """A legal document the procedure rests on (căn cứ pháp lý)."""

    title: str
    number: str | None = None


@dataclasses.dataclass
class ChannelRecord:
    """A submission channel (``in_person``, ``online``, ``postal``) with its processing time and fee."""

    channel: str
    time: str | None = None
    days: float | None = None
    days_unit: str = "working"
    fee: str | None = None
    fee_vnd: int | None = None
    note: str | None = None


@dataclasses.dataclass
class DocumentRecord:
    """A paper of the dossier (thành phần hồ sơ); ``kind`` original, copy, original_or_copy, present."""

    name: str
    kind: str | None = None
    copies: int | None = None
    form: str | None = None
    note: str | None = None


@dataclasses.dataclass
class AuditRecord:
    """When and against what a procedure's fee and processing time were checked.

    ``fee`` / ``time``: ``checked`` (agrees with ``source``), ``corrected`` (changed to agree) or
    ``not_published`` (no official amount / time found: the entry states none). ``note`` is internal.
    ``portal_fee``: for a fee ``not_published`` that the province sets, what the national portal record
    named in ``source`` publishes as the fee ("Miễn phí (theo ...)"); shown to the citizen as the portal's,
    never as the province's official amount (``knowledge.portal_fees`` derives it from the crawl)."""

    date: dt.date
    source: str
    fee: str
    time: str
    note: str | None = None
    portal_fee: str | None = None


@dataclasses.dataclass
class DeadlineRecord:
    """The filing deadline (thời hạn phải đăng ký / nộp), not the processing time; ``basis`` the provision."""

    text: str
    basis: str
    days: float | None = None
    days_unit: str = "calendar"


@dataclasses.dataclass
class BenefitRecord:
    """What a procedure that grants money pays (an allowance, a benefit, a funeral grant), with the amount
    or how it is computed; ``basis`` the provisions that set it."""

    text: str
    basis: str


@dataclasses.dataclass
class ValidityRecord:
    """How long the paper a procedure delivers stays valid (giấy có giá trị bao lâu, tạm trú tối đa bao lâu),
    or that the law sets no expiry; ``basis`` the provision. ``uncertain``: the statement could not be checked
    against the provision's text (the answer then says to check it)."""

    text: str
    basis: str
    uncertain: bool = False


@dataclasses.dataclass
class FormRecord:
    """A form (mẫu đơn, tờ khai) the citizen fills in; ``url`` an official download address or None."""

    name: str
    source: str
    url: str | None = None


@dataclasses.dataclass
class PointerRecord:
    """For ``kind == "pointer"``: the body that handles the matter and what the citizen should do."""

    body: str
    action: str
    contact: str | None = None
    commune_role: str | None = None


@dataclasses.dataclass
class ProcedureRecord:
    """One procedure: a shipped (curated) or imported (national crawl) record."""

    code: str
    name: str
    origin: str  # "shipped" or "imported"
    levels: list[str] = dataclasses.field(default_factory=list)
    aliases: list[str] = dataclasses.field(default_factory=list)
    keywords: list[str] = dataclasses.field(default_factory=list)
    field: str | None = None  # lĩnh vực
    competent_agency: str | None = None
    executing_agency: str | None = None
    place: str | None = None
    applicants: str | None = None
    steps: list[str] = dataclasses.field(default_factory=list)
    conditions: str | None = None
    result: str | None = None
    legal_basis: list[LegalBasisRecord] = dataclasses.field(default_factory=list)
    online_level: str = "none"  # full | partial | none | unknown (imported only)
    online_url: str | None = None
    channels: list[ChannelRecord] = dataclasses.field(default_factory=list)
    documents: list[DocumentRecord] = dataclasses.field(default_factory=list)
    source_url: str | None = None
    source_date: dt.date | None = None
    decision: str | None = None
    verified: bool = False
    notes: str | None = None
    # "procedure" (one-stop desks) or "pointer" (handled by another body: a court, the police).
    kind: str = "procedure"
    deadline: DeadlineRecord | None = None
    benefit: BenefitRecord | None = None
    validity: ValidityRecord | None = None
    forms: list[FormRecord] = dataclasses.field(default_factory=list)
    audit: AuditRecord | None = None
    pointer: PointerRecord | None = None
    # Importer bookkeeping: False when a part could not be parsed; what and the raw text it came from.
    parse_ok: bool = True
    parse_problems: list[str] = dataclasses.field(default_factory=list)
    raw: dict[str, Any] | None = None

    @property
    def has_online_channel(self) -> bool:
        return any(c.channel == "online" for c in self.channels)

    @property
    def is_pointer(self) -> bool:
        return self.kind == "pointer"
