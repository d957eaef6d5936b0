"""Fixtures for the procedure catalogue: real SQLite databases under tmp, the real shipped YAML, and the
national-portal crawl from ../shared/data when it is present."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge.importer import ImportReport, import_portal_file, import_shipped
from knowledge.service import Catalogue

ROOT = Path(__file__).resolve().parents[2]
SHARED_CRAWL = ROOT.parent / "shared" / "data" / "tthc_catalog.jsonl.gz"
QUESTIONS = ROOT / "tests" / "data" / "procedure_questions.yml"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "knowledge.sqlite3")


@pytest.fixture(scope="session")
def shared_crawl() -> Path:
    if not SHARED_CRAWL.exists():
        pytest.skip(f"national-portal crawl not present at {SHARED_CRAWL} (../shared/data is not checked in)")
    return SHARED_CRAWL


@pytest.fixture(scope="session")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding only the shipped catalogue."""
    url = sqlite_url(tmp_path_factory.mktemp("kb-shipped") / "shipped.sqlite3")
    import_shipped(database_url=url)
    return url


@dataclass(frozen=True)
class CrawlDatabase:
    path: Path
    url: str
    report: ImportReport


@pytest.fixture(scope="session")
def crawl_db(shared_crawl: Path, tmp_path_factory: pytest.TempPathFactory) -> CrawlDatabase:
    """A database holding only the national-portal crawl, imported once per session."""
    path = tmp_path_factory.mktemp("kb-crawl") / "crawl.sqlite3"
    report = import_portal_file(shared_crawl, sqlite_url(path))
    return CrawlDatabase(path, sqlite_url(path), report)


@pytest.fixture(scope="session")
def full_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Shipped catalogue plus the full national-portal crawl when present (shipped only otherwise)."""
    path = tmp_path_factory.mktemp("kb-full") / "full.sqlite3"
    if SHARED_CRAWL.exists():
        crawl: CrawlDatabase = request.getfixturevalue("crawl_db")
        shutil.copyfile(crawl.path, path)
    url = sqlite_url(path)
    import_shipped(database_url=url)
    return url


@pytest.fixture(scope="session")
def catalogue(full_url: str) -> Catalogue:
    return Catalogue(full_url, sync_shipped=False)


@pytest.fixture
def facade_db(full_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the facade (DATABASE_URL) at the full catalogue."""
    monkeypatch.setenv("DATABASE_URL", full_url)
    yield full_url
