"""The errors of the ticketing domain: one hierarchy, raised by every layer, mapped to HTTP in one table
(``ticketing/api/errors.py``) by these classes. Messages are English (API clients and logs read them) and
never carry personal data.

    TicketingError
    ├── NotFound (LookupError)       404  no such row, or none the caller may see (the same answer)
    │   └── TicketNotFound, AgencyNotFound, CategoryNotFound, UserNotFound, RuleNotFound, TokenNotFound
    ├── InvalidInput (ValueError)    422  a field is missing, too long or of the wrong kind
    │   └── UnknownCode, InvalidPhone     a code in the request names nothing; not a Vietnamese phone
    ├── NotAllowed                   403  this caller may not do this to this ticket
    ├── IllegalTransition            409  not from the ticket's current status
    │   └── ReopenWindowClosed
    └── Conflict                     409  a unique rule would break (a taken username)
        └── ConcurrentUpdate              someone else changed the row meanwhile: reload and retry
"""

from __future__ import annotations

from ticketing.models import TicketStatus


class TicketingError(Exception):
    """Base class of the ticketing domain's errors."""


class NotFound(TicketingError, LookupError):
    """No such row, or not one the caller may see (the same answer on purpose, so codes cannot be probed)."""


class TicketNotFound(NotFound):
    def __init__(self, ref: object) -> None:
        super().__init__(f"Ticket {ref} not found.")
        self.ref = ref


class AgencyNotFound(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__(f"Agency {code} not found.")


class CategoryNotFound(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__(f"Category {code} not found.")


class UserNotFound(NotFound):
    def __init__(self, ref: object) -> None:
        super().__init__(f"User {ref} not found.")


class RuleNotFound(NotFound):
    def __init__(self, rule_id: int) -> None:
        super().__init__(f"Routing rule {rule_id} not found.")


class TokenNotFound(NotFound):
    def __init__(self, token_id: int) -> None:
        super().__init__(f"Token {token_id} not found.")


class InvalidInput(TicketingError, ValueError):
    """A field is missing, too long or of the wrong kind, or breaks a rule of the domain."""


class UnknownCode(InvalidInput):
    """A code sent in a body or query string (category, area, agency, reply) names nothing."""


class InvalidPhone(InvalidInput):
    """The text is not a Vietnamese phone number (``0`` or ``+84`` then 9-10 digits)."""


class NotAllowed(TicketingError):
    """The user or citizen may not do this to this ticket."""


class IllegalTransition(TicketingError):
    """The action is not allowed from the ticket's current status; nothing was changed."""

    def __init__(
        self, action: str, status: TicketStatus | str, code: str | None = None, detail: str = ""
    ) -> None:
        self.action = action
        self.status = TicketStatus(status)
        self.code = code
        self.detail = detail
        message = f"cannot {action} a ticket in status {self.status.value}"
        super().__init__(f"{message}: {detail}" if detail else message)


class ReopenWindowClosed(IllegalTransition):
    """The citizen asks to reopen after the reopen window."""


class Conflict(TicketingError):
    """A unique rule would be broken (a taken username, ...)."""


class ConcurrentUpdate(Conflict):
    """Someone else changed the ticket at the same time; reload and retry."""
