"""A faster check of the action server's answers, same rule as Rasa's.

Rasa 3.6 checks every answer of the action server with ``jsonschema.validate(result, schema)``
(``RemoteAction._validate_action_result``). ``validate`` first checks the *schema itself* against its
meta-schema, and the schema has no ``$schema``, so jsonschema 4 takes Draft 2020-12, whose meta-schema
check costs about 34 ms of CPU on this machine -- for a schema that is a constant of Rasa's code. Every
custom action and form validation pays it: it was the largest single cost of a turn in our Rasa process.
Measured 3 Dec 2026 (2 cores): 20 calls of ``jsonschema.validate`` on Rasa's schema, 33.8 ms each, against
0.04 ms with a validator built once; the six-turn conversations of ``tests/bench/bench_hub.py`` handled
in-process by ``rasa.core.agent.Agent``, 53.2 ms of CPU a turn before, 23.2 ms after.

:func:`install` replaces that method with one that checks the same answers against the same schema with a
validator built once (0.04 ms) and raises the same ``ValidationError`` with the same hint. It is installed
when our components are imported, i.e. in every Rasa process that loads our model, and only touches this
one method. Remove it when the Rasa version in use stops re-checking its own schema.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MARK = "_helpdesk_cached_schema_check"


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as Rasa's call did every time
    return cls(schema)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            "For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    """Use the cached check in ``RemoteAction`` (idempotent; nothing happens outside the bot runtime)."""
    try:
        from rasa.core.actions.action import RemoteAction
    except ImportError:  # not the bot runtime
        return
    if getattr(RemoteAction._validate_action_result, MARK, False):
        return
    setattr(_validate_action_result, MARK, True)
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
