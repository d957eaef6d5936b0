"""The REST webhook normalises each incoming text before Rasa sees it (bot/credentials.yml)."""

from pathlib import Path
from types import SimpleNamespace

import yaml

from bot.components.normalizing_rest_input import NormalizingRestInput

ROOT = Path(__file__).resolve().parents[2]


def _request(body: dict) -> SimpleNamespace:
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
