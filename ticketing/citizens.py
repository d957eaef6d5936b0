"""Citizens and their channel identities. Phone numbers are personal data: stored, never logged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ticketing.errors import InvalidPhone
from ticketing.models import Channel, ChannelIdentity, Citizen
from vietnam.codes import normalize_phone


def require_phone(raw: str) -> str:
    """``+84 912 345 678`` -> ``0912345678``. Raises :class:`InvalidPhone`."""
    phone = normalize_phone(raw)
    if phone is None:
        raise InvalidPhone("not a Vietnamese phone number")
    return phone


def find_or_create_citizen(
    session: Session,
    *,
    channel: Channel | str,
    channel_user_id: str | None,
    phone: str | None,
    name: str | None,
    now: datetime,
) -> Citizen:
    """The citizen behind a channel identity (created on first contact); phone/name filled in when given."""
    channel = Channel(channel)
    phone = require_phone(phone) if phone else None
    citizen: Citizen | None = None
    identity: ChannelIdentity | None = None
    if channel_user_id:
        identity = session.scalar(
            select(ChannelIdentity).where(
                ChannelIdentity.channel == channel, ChannelIdentity.channel_user_id == channel_user_id
            )
        )
        if identity is not None:
            citizen = identity.citizen
            identity.last_seen_at = now
    if citizen is None and phone and channel == Channel.PHONE:
        citizen = session.scalar(select(Citizen).where(Citizen.phone == phone).order_by(Citizen.id).limit(1))
    if citizen is None:
        citizen = Citizen(name=name, phone=phone, created_at=now)
        session.add(citizen)
        session.flush()
    else:
        if phone and citizen.phone != phone:
            citizen.phone = phone
        if name and not citizen.name:
            citizen.name = name
    if channel_user_id and identity is None:
        # ON CONFLICT DO NOTHING: two first messages at once; the second reuses the first one's citizen.
        insert_fn = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        inserted = session.execute(
            insert_fn(ChannelIdentity)
            .values(
                citizen_id=citizen.id,
                channel=channel,
                channel_user_id=channel_user_id,
                created_at=now,
                last_seen_at=now,
            )
            .on_conflict_do_nothing()
            .returning(ChannelIdentity.id)
        ).scalar()
        if inserted is None:
            identity = session.scalar(
                select(ChannelIdentity).where(
                    ChannelIdentity.channel == channel, ChannelIdentity.channel_user_id == channel_user_id
                )
            )
            if identity is not None:
                return identity.citizen
    return citizen
