"""The runtime-neutral package works in the bot runtime too (Python 3.10, Rasa's old pins)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p.stem for p in (ROOT / "vietnam").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("name", MODULES)
def test_every_module_of_the_neutral_package_imports_in_the_bot_runtime(name: str) -> None:
    importlib.import_module(f"vietnam.{name}")


def test_text_places_and_codes_work_in_the_bot_runtime() -> None:
    from vietnam.codes import find_dossier_code
    from vietnam.places import resolve_place
    from vietnam.text import normalize_text

    assert normalize_text("  Hoà   thuỷ ") == "Hòa thủy"
    assert resolve_place("phuong my tho").name == "Phường Mỹ Tho"
    assert find_dossier_code("0000020H192503120004") == "000.00.20.H19-250312-0004"
