"""Human-readable ticket codes: ``PA-YYMMDD-NNNN`` (petition), ``HD-`` (question), ``BC-`` (postal),
``LH-`` (appointment).

The day is the local day (Asia/Ho_Chi_Minh). The sequence number comes from an atomic upsert on
``ticket_code_counters`` (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, on PostgreSQL and SQLite), so two
concurrent intakes never get the same number. On PostgreSQL the number is committed in its own short
transaction (intakes do not queue behind each other; a failed intake leaves a gap); on SQLite it is part of
the intake's transaction (a rolled-back intake gives it back). Past 9999 a day the number grows (``-10000``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ticketing.models import TICKET_CODE_PREFIX, TicketCodeCounter, TicketKind
from vietnam.workdays import LOCAL_TZ


def _counter_upsert(dialect: str, prefix: str, day: str) -> Any:
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = TicketCodeCounter.__table__
    return (
        insert_fn(table)
        .values(prefix=prefix, day=day, last_value=1)
        .on_conflict_do_update(index_elements=["prefix", "day"], set_={"last_value": table.c.last_value + 1})
        .returning(table.c.last_value)
    )


def next_ticket_code(session: Session, kind: TicketKind | str, now: datetime) -> str:
    """The next code for ``kind`` on the local day of ``now``.

    PostgreSQL: the number is taken in its own short transaction, so concurrent intakes do not queue on the
    counter row for the length of theirs (a failed intake leaves a gap in the numbering). SQLite serialises
    writers anyway: the number is taken inside the intake's transaction and given back on rollback.
    """
    prefix = TICKET_CODE_PREFIX[TicketKind(kind)]
    day = now.astimezone(LOCAL_TZ).strftime("%y%m%d")
    bind = session.get_bind()
    stmt = _counter_upsert(bind.dialect.name, prefix, day)
    if bind.dialect.name == "postgresql" and isinstance(bind, Engine):
        with bind.connect() as conn:
            number = conn.execute(stmt).scalar_one()
            conn.commit()
    else:
        number = session.execute(stmt).scalar_one()
    return f"{prefix}-{day}-{number:04d}"
