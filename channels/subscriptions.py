"""Announcement subscriptions, by message on any channel (handled by the hub, never sent to the bot):

- "đăng ký nhận thông báo <xã/phường>" (with or without diacritics) subscribes the sender to that
  commune/ward (``vietnam.places``: current names and the former names citizens still use);
- "hủy nhận thông báo" / "hủy đăng ký nhận thông báo" cancels every subscription of the sender.
The web chat also offers both as controls; Telegram and Zalo send the same texts from their buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from channels import store, texts
from vietnam.places import get_place, resolve_place
from vietnam.text import fold

SUBSCRIBE_PREFIXES = ("dang ky nhan thong bao", "dang ki nhan thong bao", "/subscribe")
UNSUBSCRIBE_PHRASES = (
    "huy nhan thong bao",
    "huy dang ky nhan thong bao",
    "huy dang ki nhan thong bao",
    "/unsubscribe",
)


@dataclass(frozen=True)
class SubscriptionCommand:
    subscribe: bool
    place_text: str = ""

    def apply(self, session: Session, channel: str, channel_user_id: str, now: datetime) -> str:
        """Do it; the reply for the citizen."""
        if not self.subscribe:
            cancelled = store.unsubscribe(session, channel, channel_user_id, now)
            return texts.UNSUBSCRIBED if cancelled else texts.NOTHING_TO_UNSUBSCRIBE
        place = get_place(self.place_text.strip()) or resolve_place(self.place_text)
        if place is None:
            return texts.UNKNOWN_PLACE
        new = store.subscribe(session, channel, channel_user_id, place.code, now)
        return (texts.SUBSCRIBED if new else texts.ALREADY_SUBSCRIBED).format(place=place.name)


def parse_subscription_command(text: str) -> SubscriptionCommand | None:
    folded = fold(text).strip(" .!?")
    if folded in UNSUBSCRIBE_PHRASES:
        return SubscriptionCommand(subscribe=False)
    for prefix in SUBSCRIBE_PREFIXES:
        if folded.startswith(prefix):
            # fold() keeps offsets: the place as the citizen wrote it, diacritics included.
            return SubscriptionCommand(subscribe=True, place_text=text.strip()[len(prefix) :].strip(" :,.-"))
    return None
