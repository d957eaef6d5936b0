"""Tables of the security package (Alembic environment ``security/migrations``, version table
``security_alembic_version``). Nothing personal is stored: counters are keyed by a hash, alerts name a
ticket or dossier code (not personal data)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from database.naming import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SecondFactorCounter(Base):
    """Second-factor checks counted in one window: per (subject, requester) pair, per requester, and the
    wrong answers per subject (for alerts). ``window_started`` and times are Unix seconds (UTC)."""

    __tablename__ = "security_second_factor_counters"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)  # pair | requester | subject
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 (hex) of what is counted
    window_started: Mapped[int] = mapped_column(BigInteger)
    checks: Mapped[int] = mapped_column(Integer)


class SecondFactorAlert(Base):
    """Many wrong answers for one subject within a window, from any requesters: a case for supervisors
    (the owner is never locked out; each requester has its own cap)."""

    __tablename__ = "security_second_factor_alerts"
    __table_args__ = (UniqueConstraint("subject", "window_started"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(100))  # "ticket:PA-251127-0042", "dossier:000.00..."
    window_started: Mapped[int] = mapped_column(BigInteger)
    failures: Mapped[int] = mapped_column(Integer)
    raised_at: Mapped[int] = mapped_column(BigInteger)
