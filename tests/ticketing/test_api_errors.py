"""Every error of the ticketing domain maps to one HTTP status by its class (ticketing/api/errors.py)."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy.orm.exc import StaleDataError

from ticketing import errors
from ticketing.api.errors import DOMAIN_ERROR_STATUS, domain_error_status

DOMAIN_ERRORS = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, errors.TicketingError) and cls is not errors.TicketingError
]


def _instance(cls: type[errors.TicketingError]) -> errors.TicketingError:
    if issubclass(cls, errors.IllegalTransition):
        return cls("close", "new", "PA-261127-0001")
    return cls("x")


@pytest.mark.parametrize("cls", DOMAIN_ERRORS, ids=lambda c: c.__name__)
def test_each_domain_error_has_its_status(cls: type[errors.TicketingError]) -> None:
    assert domain_error_status(_instance(cls)) is not None


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (errors.TicketNotFound("PA-261127-0001"), (404, "not_found")),
        (errors.UnknownCode("unknown area code: x"), (422, "validation_error")),
        (errors.InvalidPhone("not a phone"), (422, "validation_error")),
        (errors.NotAllowed("not yours"), (403, "forbidden")),
        (errors.ReopenWindowClosed("reopen", "closed"), (409, "invalid_transition")),
        (errors.ConcurrentUpdate("changed"), (409, "conflict")),
        (StaleDataError("stale"), (409, "conflict")),
        (LookupError("not ours"), None),  # anything else is a bug: 500
        (ValueError("not ours"), None),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v),
)
def test_the_most_specific_class_decides(error: BaseException, expected: tuple[int, str] | None) -> None:
    assert domain_error_status(error) == expected


def test_the_mapping_names_real_classes_only() -> None:
    assert all(inspect.isclass(key) and issubclass(key, BaseException) for key in DOMAIN_ERROR_STATUS)
    assert len({cls.__name__ for cls in DOMAIN_ERRORS}) == len(DOMAIN_ERRORS)  # each class defined once
