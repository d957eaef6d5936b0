"""The layering rules of docs/architecture.md ("Import rules"), checked on the source (imports parsed).

- ``vietnam`` (runtime-neutral, like Rasa's ``rasa.shared``) imports nothing of the rest of the project and
  only the standard library, PyYAML and ``holidays``;
- the bot runtime (``bot/``) imports only itself, ``vietnam`` and what its venv has;
- the app runtime never imports ``rasa`` (only ``rasa_sdk``);
- ``knowledge`` and ``ticketing`` do not import each other;
- no import cycle between the project's modules.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEUTRAL = "vietnam"
BOT = "bot"
APP_PACKAGES = ("actions", "ticketing", "knowledge", "channels", "database", "security")
PROJECT_PACKAGES = (NEUTRAL, BOT, *APP_PACKAGES)
NEUTRAL_THIRD_PARTY = {"yaml", "holidays"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _project_modules() -> dict[str, Path]:
    modules = {}
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else []:
            if "migrations" in path.relative_to(ROOT).parts:
                continue  # Alembic scripts are loaded by Alembic, not imported
            modules[_module_name(path)] = path
    return modules


def _imports(path: Path) -> set[str]:
    """Every module named by an import statement in ``path`` (module level or inside functions);
    ``from package import submodule`` names the submodule only."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = {f"{base}.{alias.name}" for alias in node.names}
            known = submodules & _project_modules().keys()
            names.update(known)
            if known != submodules:  # some names are attributes of ``base`` itself
                names.add(base)
    return names


def _top(module: str) -> str:
    return module.split(".")[0]


def _project_edges(path: Path) -> set[str]:
    """The project modules ``path`` imports (``from a import b`` names ``a.b`` when it is a module)."""
    modules = _project_modules()
    return {name for name in _imports(path) if name in modules}


def _files(*packages: str) -> list[Path]:
    return [p for name, p in _project_modules().items() if _top(name) in packages]


@pytest.mark.parametrize("path", _files(NEUTRAL), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_neutral_package_imports_nothing_else_of_the_project(path: Path) -> None:
    tops = {_top(m) for m in _imports(path)} - {""}
    project = tops & set(PROJECT_PACKAGES) - {NEUTRAL}
    assert not project, f"{path} imports {project}"
    third_party = {t for t in tops - {NEUTRAL} if t not in sys.stdlib_module_names}
    assert third_party <= NEUTRAL_THIRD_PARTY, f"{path} imports {third_party - NEUTRAL_THIRD_PARTY}"


@pytest.mark.parametrize("path", _files(BOT), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_bot_runtime_imports_no_app_package(path: Path) -> None:
    tops = {_top(m) for m in _imports(path)}
    assert not tops & set(APP_PACKAGES), f"{path} imports {tops & set(APP_PACKAGES)}"


@pytest.mark.parametrize(
    "path",
    [
        *_files(*APP_PACKAGES),
        *(p for p in sorted((ROOT / "tests").rglob("*.py")) if not p.is_relative_to(ROOT / "tests" / "bot")),
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_the_app_runtime_never_imports_rasa(path: Path) -> None:
    if path.is_relative_to(ROOT / "tests" / "bench") and path.name == "bench_nlu.py":
        return  # runs in the bot runtime
    imported = _imports(path)
    assert not {m for m in imported if _top(m) == "rasa"}, f"{path} imports rasa"
    assert not {m for m in imported if m.startswith("bot.components")}, f"{path} imports Rasa components"


@pytest.mark.parametrize(("package", "other"), [("knowledge", "ticketing"), ("ticketing", "knowledge")])
def test_knowledge_and_ticketing_do_not_import_each_other(package: str, other: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in _project_edges(path) if _top(m) == other)
        for path in _files(package)
    }
    assert not {k: v for k, v in offenders.items() if v}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    modules = _project_modules()
    graph = {name: sorted(_project_edges(path) - {name}) for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in graph[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_there_is_no_import_cycle_between_the_project_modules() -> None:
    assert _cycles() == []
