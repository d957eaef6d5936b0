"""The knowledge package's command-line jobs (``python -m knowledge.cli``), on real databases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.catalogue import SHIPPED_DIR, load_shipped
from knowledge.cli import main
from knowledge.service import Catalogue

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "tests" / "data" / "dossiers_export.csv"


def test_validate_accepts_the_shipped_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert f"{len(load_shipped())} procedures, 0 problems" in capsys.readouterr().out


def test_validate_prints_one_line_per_problem_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.yml").write_text(
        'procedures:\n  - code: "1.000001"\n    name: "Thử"\n    levels: [district]\n', encoding="utf-8"
    )
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "broken.yml: 1.000001: levels: 'district' not in" in out
    assert "broken.yml: 1.000001: field: required" in out


def test_seed_imports_the_catalogue_once_and_loads_the_sample_dossiers(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["seed", "--database-url", db_url]) == 0
    first = capsys.readouterr().out
    assert f"{len(load_shipped())} shipped procedures imported" in first
    assert "sample dossiers (fictitious people)" in first
    assert main(["seed", "--database-url", db_url]) == 0
    assert "already up to date" in capsys.readouterr().out
    # The catalogue the bot opens next is the one seeded: nothing to import again.
    catalogue = Catalogue(db_url)
    assert catalogue.sync_shipped_now() is None
    assert catalogue.search("làm giấy khai sinh")[0].code == "1.001193"


def test_dossier_csv_import_reports_rejected_rows_with_their_line(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dossiers", "import-csv", str(EXPORT), "--database-url", db_url]) == 1
    captured = capsys.readouterr()
    assert "3 created, 0 updated, 3 rejected" in captured.out
    assert f"{EXPORT}:5: rejected:" in captured.err


def test_the_module_runs_as_a_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "knowledge.cli", "validate", str(SHIPPED_DIR)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "0 problems" in done.stdout
