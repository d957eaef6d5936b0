"""Fixtures for the action tests: real facades on a temporary SQLite database, rasa_sdk trackers.

The actions run exactly as the action server runs them: ``await action.run(dispatcher, tracker, domain)``
with a ``CollectingDispatcher``, a ``Tracker`` built like the one Rasa sends, and the bot's real domain
(bot/domain/*.yml merged).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.actions.support import HUB_KEY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def actions_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database for the session: the catalogue import runs once; tests use distinct sender ids."""
    return f"sqlite:///{tmp_path_factory.mktemp('actions') / 'helpdesk.sqlite3'}"


@pytest.fixture(autouse=True)
def _use_actions_database(actions_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", actions_database)
    monkeypatch.setenv("HELPDESK_HUB_KEY", HUB_KEY)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The bot's split domain merged into one dict, as Rasa sends it to the action server."""
    merged: dict[str, Any] = {"intents": [], "entities": [], "slots": {}, "forms": {}, "responses": {}}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["intents"] += part.get("intents", [])
        merged["entities"] += part.get("entities", [])
        for key in ("slots", "forms", "responses"):
            merged[key].update(part.get(key) or {})
    return merged
