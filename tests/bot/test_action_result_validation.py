"""The action server's answers are checked as Rasa checks them, without re-checking Rasa's constant schema
on every answer (bot/action_result_validation.py)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("rasa", reason="bot-runtime test: run with .venv-bot/bin/pytest tests/bot")

import jsonschema
from rasa.core.actions.action import RemoteAction

import bot.components  # noqa: F401  (installs the check, as loading our model does)
from bot.action_result_validation import MARK

GOOD = {
    "events": [{"event": "slot", "name": "procedure", "value": "đăng ký khai sinh"}],
    "responses": [{"text": "Dạ, hồ sơ gồm tờ khai và giấy chứng sinh ạ."}],
}


def _action() -> RemoteAction:
    return RemoteAction("action_answer_procedure", None)


def test_the_installed_check_is_ours() -> None:
    assert getattr(RemoteAction._validate_action_result, MARK, False)


def test_a_good_answer_passes_and_the_schema_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[Any] = []
    original = jsonschema.validators.Draft202012Validator.check_schema
    monkeypatch.setattr(
        jsonschema.validators.Draft202012Validator,
        "check_schema",
        classmethod(lambda cls, schema, **kw: (checks.append(schema), original(schema, **kw))[1]),
    )
    for _ in range(20):
        assert _action()._validate_action_result(GOOD) is True
    assert len(checks) <= 1  # Rasa's own method checked the schema 20 times


@pytest.mark.parametrize(
    "bad",
    [
        {"events": [{"event": "slot", "name": 3}], "responses": []},
        {"events": "not a list", "responses": []},
        {"events": [], "responses": ["not an object"]},
    ],
)
def test_a_bad_answer_is_refused_as_rasa_refuses_it(bad: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as ours:
        _action()._validate_action_result(bad)
    assert "Failed to validate Action server response" in ours.value.message
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, RemoteAction.action_response_format_spec())  # Rasa's own rule agrees
