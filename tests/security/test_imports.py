"""The security package stands below ticketing and knowledge: it imports neither (both use it)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_security_imports_only_the_database_layer_and_the_neutral_package() -> None:
    allowed = {"security", "database", "vietnam"}
    project = {"security", "database", "vietnam", "ticketing", "knowledge", "channels", "actions", "bot"}
    for path in sorted((ROOT / "security").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            tops = {name.split(".")[0] for name in names} & project
            assert tops <= allowed, f"{path.relative_to(ROOT)} imports {tops - allowed}"
