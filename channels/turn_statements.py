"""The statements of every citizen's turn (store the message, take the lease, answer, release, the
visitor's feed, the outbox's passes), built once on the tables with bound parameters, and used by
``channels.store`` only.

Building a statement from the ORM's attributes and running it through the ORM costs several times what
running a ready Core statement does (expression building, cache keys, ORM compile state, session
synchronisation); a turn runs about twenty of them, so these are the hub's main CPU cost per message.
Only statements whose rows need no ORM object are here; the rest stay in ``channels.store``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from channels.models import Direction, HubConversation, HubMessage, InboundState, OutboxAttempt
from ticketing.models import (
    ChannelIdentity,
    Conversation,
    ConversationStatus,
    OutboundMessage,
    OutboundStatus,
)

MESSAGES = HubMessage.__table__
HUBS = HubConversation.__table__
CONVERSATIONS = Conversation.__table__
OUTBOUND = OutboundMessage.__table__
IDENTITIES = ChannelIdentity.__table__

# -- storing a citizen's message ------------------------------------------------------------------

SAME_MESSAGE = select(MESSAGES.c.id, MESSAGES.c.conversation_id).where(
    MESSAGES.c.channel == bindparam("channel"),
    MESSAGES.c.channel_message_id == bindparam("channel_message_id"),
)

ACTIVE_CONVERSATION = (
    select(CONVERSATIONS.c.id, CONVERSATIONS.c.status, CONVERSATIONS.c.assignee_user_id)
    .where(
        CONVERSATIONS.c.channel == bindparam("channel"),
        CONVERSATIONS.c.channel_user_id == bindparam("channel_user_id"),
        CONVERSATIONS.c.status != ConversationStatus.RESOLVED,
    )
    .order_by(CONVERSATIONS.c.id.desc())
    .limit(1)
)

# A known identity writes again: what ``ticketing.citizens.find_or_create_citizen`` does when no name or
# phone comes with the message.
IDENTITY_SEEN = (
    update(IDENTITIES)
    .where(
        IDENTITIES.c.channel == bindparam("of_channel"), IDENTITIES.c.channel_user_id == bindparam("of_user")
    )
    .values(last_seen_at=bindparam("now"))
)

_INSERT_INBOUND: dict[str, Any] = {}


def insert_inbound(dialect: str) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` of an inbound row (the dialect's own insert)."""
    if dialect not in _INSERT_INBOUND:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        _INSERT_INBOUND[dialect] = insert(MESSAGES).on_conflict_do_nothing().returning(MESSAGES.c.id)
    return _INSERT_INBOUND[dialect]


TOUCH_HUB = (
    update(HUBS)
    .where(HUBS.c.conversation_id == bindparam("conversation"))
    .values(last_inbound_at=bindparam("now"))
)

RELEASE_HELD = (
    update(MESSAGES)
    .where(
        # (an UPDATE's parameters may not be named after the table's columns)
        MESSAGES.c.channel == bindparam("to_channel"),
        MESSAGES.c.channel_user_id == bindparam("to_user"),
        MESSAGES.c.direction == Direction.OUT.value,
        MESSAGES.c.held_reason.is_not(None),
    )
    .values(held_reason=None, next_attempt_at=None)
)

# -- the conversation's worker --------------------------------------------------------------------

TAKE_LEASE = (
    update(HUBS)
    .where(
        HUBS.c.conversation_id == bindparam("conversation"),
        or_(
            HUBS.c.lease_until.is_(None),
            HUBS.c.lease_until < bindparam("now"),
            HUBS.c.lease_owner == bindparam("owner"),
        ),
    )
    .values(lease_owner=bindparam("owner"), lease_until=bindparam("until"))
)

GIVE_LEASE_BACK = (
    update(HUBS)
    .where(HUBS.c.conversation_id == bindparam("conversation"), HUBS.c.lease_owner == bindparam("owner"))
    .values(lease_owner=None, lease_until=None)
)

# The oldest message still to be handled, with what the worker needs of its conversation.
NEXT_INBOUND = (
    select(
        MESSAGES.c.id,
        MESSAGES.c.channel,
        MESSAGES.c.channel_user_id,
        MESSAGES.c.text,
        MESSAGES.c.normalized_text,
        MESSAGES.c.data,
        MESSAGES.c.attempts,
        MESSAGES.c.next_attempt_at,
        MESSAGES.c.created_at,
        CONVERSATIONS.c.conversation_id.label("sender_id"),
        CONVERSATIONS.c.status,
        CONVERSATIONS.c.assignee_user_id,
    )
    .join(CONVERSATIONS, CONVERSATIONS.c.id == MESSAGES.c.conversation_id)
    .where(
        MESSAGES.c.conversation_id == bindparam("conversation"),
        MESSAGES.c.direction == Direction.IN.value,
        MESSAGES.c.state == InboundState.RECEIVED.value,
    )
    .order_by(MESSAGES.c.id)
    .limit(1)
)

MARK_INBOUND = (
    update(MESSAGES)
    .where(MESSAGES.c.id == bindparam("message"))
    .values(state=bindparam("new_state"), next_attempt_at=None)
)

BOT_BACK = (
    update(HUBS)
    .where(
        HUBS.c.conversation_id == bindparam("conversation"),
        or_(HUBS.c.bot_down_since.is_not(None), HUBS.c.bot_down_notice_at.is_not(None)),
    )
    .values(bot_down_since=None, bot_down_notice_at=None)
)

# -- messages for the citizen (outbox and transcript rows) -----------------------------------------

CONVERSATION = select(
    CONVERSATIONS.c.id,
    CONVERSATIONS.c.channel,
    CONVERSATIONS.c.channel_user_id,
    CONVERSATIONS.c.conversation_id,
).where(CONVERSATIONS.c.id == bindparam("conversation"))

INSERT_OUTBOUND = insert(OUTBOUND).returning(OUTBOUND.c.id, sort_by_parameter_order=True)
INSERT_OUTGOING = insert(MESSAGES).returning(MESSAGES.c.id, sort_by_parameter_order=True)

# -- the visitor's feed ---------------------------------------------------------------------------


IDENTITY_MESSAGES = (
    select(*MESSAGES.c, OUTBOUND.c.status.label("delivery_status"))
    .join(OUTBOUND, OUTBOUND.c.id == MESSAGES.c.outbound_message_id, isouter=True)
    .where(
        MESSAGES.c.channel == bindparam("channel"),
        MESSAGES.c.channel_user_id == bindparam("channel_user_id"),
        MESSAGES.c.id > bindparam("after"),
    )
    .order_by(MESSAGES.c.id)
    .limit(bindparam("limit"))
)

# -- the outbox -----------------------------------------------------------------------------------

_PENDING_OUT = and_(
    MESSAGES.c.direction == Direction.OUT.value,
    MESSAGES.c.channel.in_(bindparam("channels", expanding=True)),
    OUTBOUND.c.status == OutboundStatus.PENDING,
)
_HEADS = (
    select(func.min(MESSAGES.c.id).label("id"))
    .join(OUTBOUND, OUTBOUND.c.id == MESSAGES.c.outbound_message_id)
    .where(_PENDING_OUT)
    .group_by(MESSAGES.c.channel, MESSAGES.c.channel_user_id)
    .subquery()
)
_UNCLAIMED = or_(MESSAGES.c.claimed_until.is_(None), MESSAGES.c.claimed_until < bindparam("now"))

# The first waiting message of each recipient, when it may be tried now (not held, not waiting for a
# retry, not claimed).
DUE_HEADS = (
    select(MESSAGES)
    .join(_HEADS, _HEADS.c.id == MESSAGES.c.id)
    .where(
        MESSAGES.c.held_reason.is_(None),
        or_(MESSAGES.c.next_attempt_at.is_(None), MESSAGES.c.next_attempt_at <= bindparam("now")),
        _UNCLAIMED,
    )
    .order_by(MESSAGES.c.id)
    .limit(bindparam("limit"))
)

# The waiting messages of some recipients after ``after``, in order.
WAITING_AFTER = (
    select(MESSAGES)
    .join(OUTBOUND, OUTBOUND.c.id == MESSAGES.c.outbound_message_id)
    .where(
        _PENDING_OUT,
        MESSAGES.c.channel_user_id.in_(bindparam("users", expanding=True)),
        MESSAGES.c.id > bindparam("after"),
    )
    .order_by(MESSAGES.c.id)
    .limit(bindparam("limit"))
)

CLAIM = (
    update(MESSAGES)
    .where(MESSAGES.c.id.in_(bindparam("ids", expanding=True)), _UNCLAIMED)
    .values(claimed_until=bindparam("until"))
    .returning(MESSAGES.c.id)
)

UNCLAIM = (
    update(MESSAGES).where(MESSAGES.c.id.in_(bindparam("ids", expanding=True))).values(claimed_until=None)
)

# When each of some recipients last wrote (any of its conversations).
LAST_INBOUND = (
    select(MESSAGES.c.channel, MESSAGES.c.channel_user_id, func.max(MESSAGES.c.created_at).label("at"))
    .where(
        MESSAGES.c.channel.in_(bindparam("channels", expanding=True)),
        MESSAGES.c.channel_user_id.in_(bindparam("users", expanding=True)),
        MESSAGES.c.direction == Direction.IN.value,
    )
    .group_by(MESSAGES.c.channel, MESSAGES.c.channel_user_id)
)

SENT = (
    update(MESSAGES)
    .where(MESSAGES.c.id.in_(bindparam("ids", expanding=True)))
    .values(claimed_until=None, next_attempt_at=None, attempts=MESSAGES.c.attempts + 1)
)

INSERT_ATTEMPTS = insert(OutboxAttempt.__table__)
