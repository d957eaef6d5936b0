"""The two runtimes stay apart (docs/architecture.md, "Import rules")."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_PACKAGES = ("actions", "ticketing", "knowledge", "channels")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def _top(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize(
    "path", _python_files(*APP_PACKAGES, "tests"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_app_runtime_never_imports_rasa(path: Path) -> None:
    if path.is_relative_to(ROOT / "tests" / "bot") or path.is_relative_to(ROOT / "tests" / "bench"):
        return  # bot-runtime tests and benches run in .venv-bot
    imported = _imported_modules(path)
    assert not {m for m in imported if _top(m) == "rasa"}, f"{path} imports rasa"
    assert not {m for m in imported if m.startswith("bot.components")}, f"{path} imports Rasa components"


@pytest.mark.parametrize("path", _python_files("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_bot_runtime_imports_no_app_package(path: Path) -> None:
    imported = {_top(m) for m in _imported_modules(path)}
    assert not imported & set(APP_PACKAGES), f"{path} imports {imported & set(APP_PACKAGES)}"


@pytest.mark.parametrize("name", ["normalization.py", "places.py", "chat.py"])
def test_shared_modules_are_runtime_neutral(name: str) -> None:
    path = ROOT / "bot" / name
    if not path.exists():
        pytest.skip(f"bot/{name} not written yet")
    imported = {_top(m) for m in _imported_modules(path)}
    assert "rasa" not in imported and "rasa_sdk" not in imported
