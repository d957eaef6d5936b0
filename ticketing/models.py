"""Ticketing data model (SQLAlchemy 2, typed).

One module holds every table of the ticketing core. Conventions:

- Times are stored in UTC (``UTCDateTime``: timezone-aware in Python, ``timestamptz`` on PostgreSQL,
  naive UTC text on SQLite) and shown in Asia/Ho_Chi_Minh by the presentation layer.
- Enumerations are Python ``StrEnum`` stored as short strings with a CHECK constraint, so a value
  compares equal to its plain string (``ticket.status == "new"``).
- ``ticket_events`` is append-only (enforced by the ORM here and by database triggers in the migration).
- ``tickets.version`` is an optimistic-lock counter: a concurrent update of a stale row raises
  ``sqlalchemy.orm.exc.StaleDataError`` (the lifecycle also locks rows with SELECT ... FOR UPDATE).
- Phone numbers live only in ``citizens.phone``; nothing here logs them (``__repr__`` omits them).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from database.naming import NAMING_CONVENTION

# ---------------------------------------------------------------------------------------------
# Base and column types
# ---------------------------------------------------------------------------------------------


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    Naive datetimes are rejected on the way in (they are a bug: we never guess a timezone).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


# ---------------------------------------------------------------------------------------------
# Enumerations
# ---------------------------------------------------------------------------------------------


class AgencyKind(enum.StrEnum):
    DEPARTMENT = "department"  # Sở, ban, ngành cấp tỉnh
    COMMUNE_COMMITTEE = "commune_committee"  # UBND xã/phường
    UTILITY = "utility"  # điện, nước
    POST = "post"  # Bưu điện tỉnh
    POLICE = "police"  # Công an tỉnh / công an xã
    SERVICE_CENTRE = "service_centre"  # Trung tâm phục vụ hành chính công
    OFFICE = "office"  # Văn phòng UBND tỉnh
    INSPECTORATE = "inspectorate"  # Thanh tra tỉnh
    INSURANCE = "insurance"  # Bảo hiểm xã hội
    OTHER = "other"


class AreaKind(enum.StrEnum):
    PROVINCE = "province"
    PHUONG = "phuong"
    XA = "xa"


class TicketKind(enum.StrEnum):
    PETITION = "petition"  # phản ánh, kiến nghị
    QUESTION = "question"  # câu hỏi chuyển từ bot
    POSTAL = "postal"  # thu gom / trả kết quả qua bưu điện
    APPOINTMENT = "appointment"  # đặt lịch hẹn tại trung tâm phục vụ hành chính công


TICKET_CODE_PREFIX: dict[TicketKind, str] = {
    TicketKind.PETITION: "PA",
    TicketKind.QUESTION: "HD",
    TicketKind.POSTAL: "BC",
    TicketKind.APPOINTMENT: "LH",
}


class TicketStatus(enum.StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_CITIZEN = "waiting_citizen"
    ANSWERED = "answered"
    CLOSED = "closed"


OPEN_STATUSES: frozenset[TicketStatus] = frozenset(
    {
        TicketStatus.NEW,
        TicketStatus.TRIAGED,
        TicketStatus.ASSIGNED,
        TicketStatus.IN_PROGRESS,
        TicketStatus.WAITING_CITIZEN,
    }
)


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Channel(enum.StrEnum):
    ZALO = "zalo"
    TELEGRAM = "telegram"
    WEBCHAT = "webchat"
    PHONE = "phone"
    WEB = "web"  # web form / Open311 client
    API = "api"  # integrations


class UserRole(enum.StrEnum):
    AGENT = "agent"
    AGENCY_OFFICER = "agency_officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class ActorKind(enum.StrEnum):
    USER = "user"
    CITIZEN = "citizen"
    BOT = "bot"
    SYSTEM = "system"


class ReplyState(enum.StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


class DeliveryState(enum.StrEnum):
    NOT_SENT = "not_sent"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboundStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class ConversationStatus(enum.StrEnum):
    PENDING = "pending"  # the bot holds it (Chatwoot's "pending")
    OPEN = "open"  # a human agent holds it
    RESOLVED = "resolved"


class SlaClock(enum.StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class SlaAlertLevel(enum.StrEnum):
    WARNING = "warning"
    BREACH = "breach"


# ---------------------------------------------------------------------------------------------
# Directory: agencies, areas, categories, routing rules
# ---------------------------------------------------------------------------------------------


class Area(Base):
    """An administrative area: the province or one of its 102 communes/wards."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AreaKind] = mapped_column(_enum(AreaKind, "area_kind"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    aliases: Mapped[list[str]] = mapped_column(JSONType, default=list)
    former_province: Mapped[str | None] = mapped_column(String(100))  # before 1 July 2025
    former_districts: Mapped[list[str]] = mapped_column(JSONType, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))

    parent: Mapped[Area | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"Area({self.code!r})"


class Agency(Base):
    """A body that answers tickets: a department, a commune committee, a utility, the post office..."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[AgencyKind] = mapped_column(_enum(AgencyKind, "agency_kind"))
    level: Mapped[str] = mapped_column(
        String(16), default="province", server_default="province"
    )  # province|commune
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    service_area: Mapped[str | None] = mapped_column(String(100))  # utilities: the former province served
    handles: Mapped[str | None] = mapped_column(Text)  # what petitions it answers (Vietnamese)
    phone: Mapped[str | None] = mapped_column(String(64))  # the agency's public phone, not personal data
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(400))
    website: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(Text)  # decision/law the entry comes from
    verified: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))

    parent: Mapped[Agency | None] = relationship(remote_side=[id])
    area: Mapped[Area | None] = relationship()

    def __repr__(self) -> str:
        return f"Agency({self.code!r})"


class Category(Base):
    """A petition category (`giao_thong`, `do_thi`, ... `khac`)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # Replies in this category need a supervisor's approval before they reach the citizen.
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))

    def __repr__(self) -> str:
        return f"Category({self.code!r})"


class RoutingRule(Base):
    """category x area -> agency. ``area_id`` NULL is the province-wide default for the category."""

    __tablename__ = "routing_rules"
    __table_args__ = (
        UniqueConstraint("category_id", "area_id", name="uq_routing_rules_category_area"),
        # NULLs are distinct in unique constraints: one province-wide default per category.
        Index(
            "uq_routing_rules_category_default",
            "category_id",
            unique=True,
            sqlite_where=text("area_id IS NULL"),
            postgresql_where=text("area_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    category: Mapped[Category] = relationship()
    area: Mapped[Area | None] = relationship()
    agency: Mapped[Agency] = relationship()


# ---------------------------------------------------------------------------------------------
# People: citizens and their channel identities, staff users
# ---------------------------------------------------------------------------------------------


class Citizen(Base):
    __tablename__ = "citizens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # normalised 0xxxxxxxxx
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    identities: Mapped[list[ChannelIdentity]] = relationship(back_populates="citizen")

    def __repr__(self) -> str:  # never print personal data
        return f"Citizen(id={self.id})"


class ChannelIdentity(Base):
    """A citizen's account on one channel (Zalo user id, Telegram chat id, web chat session...)."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id", name="uq_channel_identities_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    channel_user_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    citizen: Mapped[Citizen] = relationship(back_populates="identities")


class User(Base):
    """Staff: hotline agents, agency officers (bound to one agency), supervisors, admins."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role <> 'agency_officer' OR agency_id IS NOT NULL", name="officer_has_agency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(_enum(UserRole, "user_role"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    agency: Mapped[Agency | None] = relationship()
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    def __repr__(self) -> str:
        return f"User({self.username!r}, {self.role})"


class ApiToken(Base):
    """An integration token. Only a hash of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")


# ---------------------------------------------------------------------------------------------
# SLA policies
# ---------------------------------------------------------------------------------------------


class SlaPolicy(Base):
    """Targets in WORKING minutes. ``category_id`` NULL is the default for a priority."""

    __tablename__ = "sla_policies"
    __table_args__ = (
        UniqueConstraint("category_id", "priority", name="uq_sla_policies_category_priority"),
        Index(
            "uq_sla_policies_default_priority",
            "priority",
            unique=True,
            sqlite_where=text("category_id IS NULL"),
            postgresql_where=text("category_id IS NULL"),
        ),
        CheckConstraint("first_response_minutes > 0", name="first_response_positive"),
        CheckConstraint("resolution_minutes >= first_response_minutes", name="resolution_after_response"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    priority: Mapped[Priority] = mapped_column(_enum(Priority, "priority"))
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Text)

    category: Mapped[Category | None] = relationship()


# ---------------------------------------------------------------------------------------------
# Tickets
# ---------------------------------------------------------------------------------------------


class TicketCodeCounter(Base):
    """Per (prefix, local day) counter behind ``PA-YYMMDD-NNNN`` codes (atomic upsert)."""

    __tablename__ = "ticket_code_counters"

    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    day: Mapped[str] = mapped_column(String(6), primary_key=True)  # YYMMDD, Asia/Ho_Chi_Minh
    last_value: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_agency_status", "agency_id", "status"),
        Index("ix_tickets_agency_created", "agency_id", "created_at"),
        Index("ix_tickets_status_created", "status", "created_at"),
        Index("ix_tickets_created_at", "created_at"),  # monthly reports (tkapi)
        Index("ix_tickets_channel_user", "channel", "channel_user_id"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[TicketKind] = mapped_column(_enum(TicketKind, "ticket_kind"))
    status: Mapped[TicketStatus] = mapped_column(
        _enum(TicketStatus, "ticket_status"), default=TicketStatus.NEW
    )
    priority: Mapped[Priority] = mapped_column(_enum(Priority, "priority"), default=Priority.NORMAL)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)

    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    channel_user_id: Mapped[str | None] = mapped_column(String(200))
    conversation_id: Mapped[str | None] = mapped_column(String(200))

    description: Mapped[str] = mapped_column(Text)
    location_text: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    triage_confidence: Mapped[float | None] = mapped_column(Float)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    return_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    # SLA clocks (see ticketing/sla.py). Due/warn instants are shifted forward while paused.
    first_response_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    resolution_warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sla_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Working seconds the resolution clock spent paused (waiting on the citizen) since it started.
    sla_paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    category: Mapped[Category | None] = relationship()
    area: Mapped[Area | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    citizen: Mapped[Citizen | None] = relationship()
    merged_into: Mapped[Ticket | None] = relationship(remote_side=[id])
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", viewonly=True
    )
    replies: Mapped[list[Reply]] = relationship(back_populates="ticket", order_by="Reply.id")

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"Ticket({self.code!r}, {self.status})"


class TicketEvent(Base):
    """Append-only history: one row per transition or notable action."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_id_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    actor_kind: Mapped[ActorKind] = mapped_column(_enum(ActorKind, "actor_kind"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str | None] = mapped_column(String(200))  # never personal data
    from_status: Mapped[TicketStatus | None] = mapped_column(_enum(TicketStatus, "from_status"))
    to_status: Mapped[TicketStatus | None] = mapped_column(_enum(TicketStatus, "to_status"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor_user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"TicketEvent({self.type!r}, {self.from_status}->{self.to_status})"


@event.listens_for(Session, "before_flush")
def _ticket_events_are_append_only(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, TicketEvent) and session.is_modified(obj):
            raise RuntimeError("ticket_events is append-only: events cannot be modified")
    for obj in session.deleted:
        if isinstance(obj, TicketEvent):
            raise RuntimeError("ticket_events is append-only: events cannot be deleted")


class Reply(Base):
    """An officer's answer to a ticket, possibly subject to supervisor approval."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    # internal=True: a note between staff, never sent to the citizen.
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    state: Mapped[ReplyState] = mapped_column(_enum(ReplyState, "reply_state"))
    delivery: Mapped[DeliveryState] = mapped_column(
        _enum(DeliveryState, "delivery_state"), default=DeliveryState.NOT_SENT
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    ticket: Mapped[Ticket] = relationship(back_populates="replies")
    author: Mapped[User | None] = relationship(foreign_keys=[author_user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class OutboundMessage(Base):
    """A message waiting to go out on a citizen's channel: the seam for the hub's outbox."""

    __tablename__ = "outbound_messages"
    __table_args__ = (Index("ix_outbound_messages_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    channel_user_id: Mapped[str | None] = mapped_column(String(200))
    conversation_id: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboundStatus] = mapped_column(
        _enum(OutboundStatus, "outbound_status"), default=OutboundStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),
        Index("ix_ratings_created_at", "created_at"),  # monthly reports (tkapi)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    channel_user_id: Mapped[str | None] = mapped_column(String(200))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SlaAlert(Base):
    """One row per escalation sent; the unique key makes ``run_escalations`` idempotent."""

    __tablename__ = "sla_alerts"
    __table_args__ = (UniqueConstraint("ticket_id", "clock", "level", "due_at", name="uq_sla_alerts_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    clock: Mapped[SlaClock] = mapped_column(_enum(SlaClock, "sla_clock"))
    level: Mapped[SlaAlertLevel] = mapped_column(_enum(SlaAlertLevel, "sla_alert_level"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Conversation(Base):
    """A chat conversation (Chatwoot-style: ``pending`` with the bot, ``open`` with a human)."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_channel_user", "channel", "channel_user_id"),
        Index("ix_conversations_status_handoff", "status", "handoff_requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    channel_user_id: Mapped[str] = mapped_column(String(200))
    conversation_id: Mapped[str | None] = mapped_column(String(200))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    status: Mapped[ConversationStatus] = mapped_column(
        _enum(ConversationStatus, "conversation_status"), default=ConversationStatus.PENDING
    )
    handoff_reason: Mapped[str | None] = mapped_column(Text)
    handoff_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_human_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


# ---------------------------------------------------------------------------------------------
# Issue 14 (hardening): what staff approved for publication; the shared login throttle
# ---------------------------------------------------------------------------------------------


class TicketPublication(Base):
    """The staff-approved public face of a ticket (Open311 reads, the public status page).

    Public feeds never show the citizen's own words: only this summary (and outcome), written or
    approved by hotline staff. ``show_location`` / ``show_media`` say whether staff approved the exact
    point (lat/long) and the citizen's photo for publication; without it only the commune/ward shows.
    """

    __tablename__ = "ticket_publications"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    show_location: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    show_media: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ticket: Mapped[Ticket] = relationship()
    approved_by: Mapped[User | None] = relationship()


class IdempotencyKey(Base):
    """The result of a creating request, stored in its transaction (``ticketing.api.idempotency``).
    ``key`` digests the caller and their Idempotency-Key; ``fingerprint`` digests the request."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ThrottleCounter(Base):
    """A fixed-window counter of the login throttle (``ticketing.api.throttle``), shared by every
    process on the database. ``key`` is a digest: no username or address is stored."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    # Seconds since the epoch (float): compared with the caller's clock in one SQL statement.
    expires_at: Mapped[float] = mapped_column(Float, index=True)


__all__ = [
    "OPEN_STATUSES",
    "TICKET_CODE_PREFIX",
    "ActorKind",
    "Agency",
    "AgencyKind",
    "ApiToken",
    "Area",
    "AreaKind",
    "Base",
    "Category",
    "Channel",
    "ChannelIdentity",
    "Citizen",
    "Conversation",
    "ConversationStatus",
    "DeliveryState",
    "IdempotencyKey",
    "OutboundMessage",
    "OutboundStatus",
    "Priority",
    "Rating",
    "Reply",
    "ReplyState",
    "RoutingRule",
    "SlaAlert",
    "SlaAlertLevel",
    "SlaClock",
    "SlaPolicy",
    "ThrottleCounter",
    "Ticket",
    "TicketCodeCounter",
    "TicketEvent",
    "TicketKind",
    "TicketPublication",
    "TicketStatus",
    "UTCDateTime",
    "User",
    "UserRole",
    "utcnow",
]
