"""Ticket status changes reach the citizen on the channel they filed on, through the outbox.

A follower of ``ticket_events`` (cursor ``ticket_status`` in ``hub_cursors``, moved with compare-and-set
so two hub processes never notify twice): a change to ``assigned`` (by an agent, after filing; the
automatic routing at filing is already in the bot's receipt), ``in_progress``, ``waiting_citizen`` or
``closed`` becomes a message. The agency's answer itself is queued by the ticketing core when it is
approved (``outbound_messages``) and delivered by the same outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from sqlalchemy.orm import Session

from channels import store, texts
from channels.db import HubDatabase
from ticketing.models import utcnow

log = logging.getLogger(__name__)

CURSOR = "ticket_status"
ROUTED_AT_FILING_SECONDS = 60.0


def wanted(change: store.TicketChange) -> bool:
    if change.to_status not in texts.NOTIFIED_STATUSES:
        return False
    return not (change.to_status == "assigned" and change.seconds_after_filing < ROUTED_AT_FILING_SECONDS)


def follow_once(session: Session, channels: Iterable[str]) -> int:
    """Queue the notifications of the changes since the cursor; how many were queued."""
    last = store.cursor(session, CURSOR)
    high, changes = store.ticket_changes_after(session, last, list(channels))
    if high == last:
        return 0
    if not store.advance_cursor(session, CURSOR, last, high):
        session.rollback()  # another hub process did this batch
        return 0
    now = utcnow()
    queued = 0
    for change in changes:
        if wanted(change):
            text = texts.ticket_status_changed(
                change.code, change.to_status, change.agency_name, change.question
            )
            store.notify_ticket_change(session, change, text, now)
            queued += 1
    return queued


async def follow_forever(db: HubDatabase, channels: list[str], every: float, wakeup: asyncio.Event) -> None:
    while True:
        try:
            if await db.write(follow_once, channels):
                wakeup.set()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("ticket notification pass failed")
        await asyncio.sleep(every)
