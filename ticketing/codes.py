"""Human-readable ticket codes: ``PA-YYMMDD-NNNN`` (petition), ``HD-`` (question), ``BC-`` (postal),
``LH-`` (appointment).

The day is the local day (Asia/Ho_Chi_Minh). The sequence number comes from an atomic upsert on
``ticket_code_counters`` (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, on PostgreSQL and SQLite), so two
concurrent intakes never get the same number; the counter row stays locked until the intake commits, and a
rolled-back intake gives its number back. Past 9999 a day the number simply grows (``-10000``).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ticketing.models import TICKET_CODE_PREFIX, TicketCodeCounter, TicketKind

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TICKET_CODE_RE = re.compile(r"^(PA|HD|BC|LH)-\d{6}-\d{4,6}$")


def is_ticket_code(text: str) -> bool:
    return bool(TICKET_CODE_RE.match(text.strip().upper()))


def normalize_ticket_code(text: str) -> str:
    return text.strip().upper()


def next_ticket_code(session: Session, kind: TicketKind | str, now: datetime) -> str:
    prefix = TICKET_CODE_PREFIX[TicketKind(kind)]
    day = now.astimezone(LOCAL_TZ).strftime("%y%m%d")
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = TicketCodeCounter.__table__
    stmt = (
        insert_fn(table)
        .values(prefix=prefix, day=day, last_value=1)
        .on_conflict_do_update(index_elements=["prefix", "day"], set_={"last_value": table.c.last_value + 1})
        .returning(table.c.last_value)
    )
    number = session.execute(stmt).scalar_one()
    return f"{prefix}-{day}-{number:04d}"
