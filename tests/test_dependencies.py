"""The app runtime's dependencies: declared once in pyproject.toml, locked in requirements-app.lock, all used,
and pinned like the bot runtime's for what the runtime-neutral ``vietnam`` package needs in both.

Runs in the app runtime (it reads the installed distributions to map import names to packages).
"""

from __future__ import annotations

import re
import sys
from importlib.metadata import packages_distributions

import tomllib
from packaging.requirements import Requirement

from tests.test_import_boundaries import APP_PACKAGES, NEUTRAL, ROOT, _files, _imports, _top

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = [Requirement(r) for r in PYPROJECT["dependencies"]]
DEV = [Requirement(r) for r in PYPROJECT["optional-dependencies"]["dev"]]
# Declared and needed although no module imports them by name.
USED_WITHOUT_IMPORT = {
    "psycopg": "SQLAlchemy's driver for postgresql+psycopg:// URLs",
    "tzdata": "zoneinfo's time zone data where the system has none",
}
# What the runtime-neutral package needs, in both runtimes: one pin.
SHARED_WITH_THE_BOT_RUNTIME = ("pyyaml", "tzdata")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path_name: str) -> dict[str, str]:
    """``name==version`` lines of a requirements file (markers and hashes ignored)."""
    text = (ROOT / path_name).read_text(encoding="utf-8")
    return {
        _normalized(m.group(1)): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", text, re.M)
    }


def _third_party_distributions(paths: list) -> dict[str, set[str]]:
    """Distribution -> the files that import it, for every non-stdlib, non-project import of ``paths``."""
    provided_by = packages_distributions()
    project = {*APP_PACKAGES, NEUTRAL, "bot", "tests"}
    used: dict[str, set[str]] = {}
    for path in paths:
        for top in {_top(m) for m in _imports(path)} - {""} - project - set(sys.stdlib_module_names):
            for distribution in provided_by.get(top, [f"<nothing installed provides {top}>"]):
                used.setdefault(_normalized(distribution), set()).add(str(path.relative_to(ROOT)))
    return used


def _app_runtime_code() -> list:
    return _files(*APP_PACKAGES, NEUTRAL)


def _app_runtime_tests() -> list:
    return [
        p
        for p in sorted((ROOT / "tests").rglob("*.py"))
        if not p.is_relative_to(ROOT / "tests" / "bot") and p.name != "bench_nlu.py"
    ]


def test_the_app_runtime_imports_only_what_it_declares() -> None:
    declared = {_normalized(r.name) for r in RUNTIME}
    undeclared = {
        d: f for d, f in _third_party_distributions(_app_runtime_code()).items() if d not in declared
    }
    assert not undeclared, f"imported but not in pyproject.toml [project.dependencies]: {undeclared}"


def test_the_app_runtime_tests_import_only_declared_packages() -> None:
    declared = {_normalized(r.name) for r in [*RUNTIME, *DEV]}
    used = _third_party_distributions(_app_runtime_tests())
    undeclared = {d: f for d, f in used.items() if d not in declared}
    assert not undeclared, f"imported by tests but declared nowhere in pyproject.toml: {undeclared}"


def test_every_declared_dependency_is_used() -> None:
    imported = set(_third_party_distributions(_app_runtime_code()))
    unused = {_normalized(r.name) for r in RUNTIME} - imported - set(USED_WITHOUT_IMPORT)
    assert not unused, f"declared in pyproject.toml but never imported by the app runtime: {unused}"


def test_the_lock_holds_every_declared_dependency_within_its_range() -> None:
    locked = _pins("requirements-app.lock")
    for requirement in [*RUNTIME, *DEV]:
        name = _normalized(requirement.name)
        assert name in locked, f"{name} is not in requirements-app.lock: run make lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements-app.lock has {name}=={locked[name]}, pyproject.toml asks {requirement}: make lock"
        )


def test_what_both_runtimes_share_has_one_pin() -> None:
    app, bot = _pins("requirements-app.lock"), _pins("requirements-bot.txt")
    for name in SHARED_WITH_THE_BOT_RUNTIME:
        assert name in app and name in bot, name
        assert app[name] == bot[name], (
            f"{name}: {app[name]} in the app runtime, {bot[name]} in the bot runtime"
        )
