"""Who calls the ticket layer: a staff user or an integration, as authenticated by the API (or the hub).

The scoping rule lives in ``ticketing.tickets.scoped``: an agency officer sees only the tickets currently
assigned to their agency; every other role sees all tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ticketing.lifecycle import Actor
from ticketing.models import ActorKind, UserRole

ROLES: tuple[str, ...] = tuple(role.value for role in UserRole)


@dataclass(frozen=True)
class Principal:
    """A logged-in user (session cookie) or an integration (bearer token) acting as a staff user."""

    user_id: int
    username: str
    role: str
    agency_id: int | None
    agency_code: str | None
    full_name: str = ""
    via: Literal["session", "token"] = "session"

    @property
    def actor(self) -> Actor:
        """How the ticket history names this caller."""
        return Actor(ActorKind.USER, self.user_id, self.username)

    @property
    def is_agency_officer(self) -> bool:
        return self.role == UserRole.AGENCY_OFFICER
