"""The REST webhook normalises each incoming text before Rasa sees it and refuses a request without a sender
(bot/credentials.yml)."""

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from sanic.exceptions import InvalidUsage

from bot.components.normalizing_rest_input import NormalizingRestInput

ROOT = Path(__file__).resolve().parents[2]


def _request(body: object) -> SimpleNamespace:
    return SimpleNamespace(json=body)


def test_it_keeps_the_rest_webhook_url() -> None:
    assert NormalizingRestInput.name() == "rest"


def test_incoming_text_is_normalised() -> None:
    channel = NormalizingRestInput()
    text = channel._extract_message(_request({"sender": "a", "message": "  Ðăng ký   khai sinh\u200b hoà "}))
    assert text == "Đăng ký khai sinh hòa"


def test_codes_and_payloads_pass_unchanged() -> None:
    channel = NormalizingRestInput()
    for message in ("hs 000.00.20.H19-250312-0004", '/ask_procedure{"procedure": "1.001193"}'):
        assert channel._extract_message(_request({"message": message})) == message


def test_a_missing_message_stays_missing() -> None:
    assert NormalizingRestInput()._extract_message(_request({"sender": "a"})) is None


def test_credentials_use_the_normalising_channel() -> None:
    credentials = yaml.safe_load((ROOT / "bot" / "credentials.yml").read_text(encoding="utf-8"))
    assert "bot.components.normalizing_rest_input.NormalizingRestInput" in credentials
    assert "rest" not in credentials


@pytest.mark.parametrize("body", [{"message": "hi"}, {"sender": "", "message": "hi"}, {"sender": 12}, [1, 2]])
def test_a_request_without_a_sender_is_refused(body: object) -> None:
    with pytest.raises(InvalidUsage) as refused:
        asyncio.run(NormalizingRestInput()._extract_sender(_request(body)))
    assert refused.value.status_code == 400
    assert "sender" in str(refused.value)


def test_the_sender_names_the_conversation() -> None:
    assert asyncio.run(NormalizingRestInput()._extract_sender(_request({"sender": "zalo:42"}))) == "zalo:42"
