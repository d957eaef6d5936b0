"""Schemathesis against the real API (``/api/openapi.json``, Open311 and the status page included) on a
real database: every phase (explicit examples, coverage of each schema's edges and negative cases,
random fuzzing, and stateful sequences that follow the document's OpenAPI links: create a ticket, then
triage, answer, publish and read it by its code; an Open311 POST, then its request and token reads), with
one check: no server error (5xx) for any input.

Bounded for CI by ``HELPDESK_FUZZ_SECONDS`` per backend (default 75: fuzzing and stateful sequences repeat
until the budget is spent) and reproducible with a fixed seed (``HELPDESK_FUZZ_SEED``). A failure prints
schemathesis' report with a curl command for each server error.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from database import Database
from tests.hardening.live_server import serve_in_thread
from ticketing import staff
from ticketing.api.app import create_app
from ticketing.seed import seed_all

ROOT = Path(__file__).resolve().parents[2]
FUZZ_SECONDS = int(os.environ.get("HELPDESK_FUZZ_SECONDS", "75"))
FUZZ_SEED = int(os.environ.get("HELPDESK_FUZZ_SEED", "1022"))
FUZZ_USER = "fuzz-admin"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _prepare(db: Database) -> None:
    """The real directory, the fuzzing admin and one staff user of every other role."""
    with db.session() as s:
        seed_all(s)
        staff.do_create_user(
            s, username=FUZZ_USER, display_name="Fuzz Admin", role="admin", password="mật-khẩu-kiểm-thử-1022"
        )
        staff.do_create_user(
            s,
            username="officer",
            display_name="Officer",
            role="agency_officer",
            agency="ubnd_phuong_my_tho",
            password="mật-khẩu-kiểm-thử-1022",
        )


def test_no_input_makes_a_server_error(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare(db)
    # Anonymous lookups are rate-limited per client; the fuzzer is one client sending thousands.
    monkeypatch.setenv("HELPDESK_PUBLIC_RATE_PER_MINUTE", "1000000")
    app = create_app(db.url, secure_cookies=False)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SCHEMATHESIS_HOOKS": "tests.hardening.schemathesis_hooks",
        "HELPDESK_FUZZ_DATABASE_URL": db.url,
        "HELPDESK_FUZZ_USER": FUZZ_USER,
    }
    with serve_in_thread(app) as base_url:
        command = [
            str(SCHEMATHESIS),
            "run",
            f"{base_url}/api/openapi.json",
            "--checks",
            "not_a_server_error",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-time",
            str(FUZZ_SECONDS),
            "--seed",
            str(FUZZ_SEED),
            "--request-timeout",
            "30",
            "--suppress-health-check",
            "all",
            "--generation-database",
            "none",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path / "report"),
        ]
        result = subprocess.run(
            command,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=FUZZ_SECONDS * 4 + 300,
        )
    report = result.stdout[-20000:] + result.stderr[-5000:]
    (tmp_path / "schemathesis.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
    assert result.returncode == 0, report
    cases = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    scenarios = re.search(r"Scenarios:\s+(\d+)", result.stdout)
    assert cases is not None and scenarios is not None, report
    # The run did reach the API: thousands of cases, stateful sequences among them, all without a 5xx.
    assert int(cases.group(1)) == int(cases.group(2)) >= 1000, report
    assert int(scenarios.group(1)) >= 10, report
