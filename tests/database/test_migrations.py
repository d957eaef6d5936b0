"""Every package's schema from one migrate(): fixed order, own version tables, the auto-migrate switch,
the migration lock, and migrations that match the models on both backends."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text

from database import MIGRATIONS, Database, forget_databases, get_database, migrate, migrate_engine
from database.migrations import ROOT, alembic_config
from tests.database.fixtures import postgres_database


def _metadata(package: str) -> MetaData:
    if package == "ticketing":
        from ticketing.models import Base
    elif package == "knowledge":
        import knowledge.dossier_models  # noqa: F401  (its tables are on the same metadata)
        from knowledge.models import Base
    elif package == "channels":
        from channels.models import HubBase as Base
    else:
        from security.models import Base
    return Base.metadata


def _head(package_migrations) -> str:  # type: ignore[no-untyped-def]
    return ScriptDirectory.from_config(alembic_config(package_migrations)).get_current_head()


def _own_tables(metadata: MetaData):  # type: ignore[no-untyped-def]
    def include(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        return not (type_ == "table" and reflected and compare_to is None)

    return include


def test_the_migrations_are_named_by_path_in_one_fixed_order() -> None:
    assert [m.package for m in MIGRATIONS][:2] == ["ticketing", "knowledge"]
    for migrations in MIGRATIONS:
        assert migrations.directory == ROOT / migrations.package / "migrations"
        assert (migrations.directory / "env.py").is_file()
        assert migrations.version_table == f"{migrations.package}_alembic_version"


@pytest.mark.parametrize("migrations", MIGRATIONS, ids=lambda m: m.package)
def test_each_package_is_at_head_in_its_own_version_table_and_matches_its_models(db, migrations) -> None:  # type: ignore[no-untyped-def]
    metadata = _metadata(migrations.package)
    with db.engine.connect() as conn:
        opts = {"version_table": migrations.version_table, "include_object": _own_tables(metadata)}
        context = MigrationContext.configure(conn, opts=opts)
        assert context.get_current_revision() == _head(migrations)
        assert compare_metadata(context, metadata) == []


def test_migrating_again_is_harmless(db: Database) -> None:
    migrate_engine(db.engine)
    migrate_engine(db.engine)
    with db.engine.connect() as conn:
        for migrations in MIGRATIONS:
            assert conn.execute(text(f"SELECT count(*) FROM {migrations.version_table}")).scalar() == 1


def test_a_package_can_be_migrated_on_its_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/one.sqlite3"
    migrate(url, package="ticketing")
    database = Database.from_url(url)
    tables = set(inspect(database.engine).get_table_names())
    database.dispose()
    assert {"tickets", "ticketing_alembic_version"} <= tables
    assert not any(t.startswith("kb_") for t in tables)
    with pytest.raises(ValueError):
        migrate(url, revision="0001")  # a revision names one package's history


def test_with_auto_migrate_off_the_first_use_creates_no_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/managed.sqlite3"
    forget_databases()
    monkeypatch.setenv("HELPDESK_AUTO_MIGRATE", "0")
    assert inspect(get_database(url).engine).get_table_names() == []
    forget_databases()
    monkeypatch.setenv("HELPDESK_AUTO_MIGRATE", "1")
    assert {m.version_table for m in MIGRATIONS} <= set(inspect(get_database(url).engine).get_table_names())
    forget_databases()


def _migrate_at_once(url: str, n: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run() -> None:
        barrier.wait()
        try:
            migrate(url)
        except BaseException as exc:  # recorded and asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


def test_several_processes_starting_at_once_migrate_one_after_the_other_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.sqlite3"
    assert _migrate_at_once(url, 4) == []
    database = Database.from_url(url)
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ticketing_alembic_version")).scalar() == 1
    database.dispose()


@pytest.mark.postgres
def test_several_processes_starting_at_once_migrate_one_after_the_other_on_postgresql() -> None:
    with postgres_database() as url:
        assert _migrate_at_once(url, 4) == []  # without the advisory lock: duplicate CREATE TABLE
        database = Database.from_url(url)
        with database.engine.connect() as conn:
            for migrations in MIGRATIONS:
                count = conn.execute(text(f"SELECT count(*) FROM {migrations.version_table}")).scalar()
                assert count == 1
        database.dispose()


def test_the_database_package_imports_no_other_package_of_the_project() -> None:
    others = {"ticketing", "knowledge", "security", "channels", "actions", "bot"}
    for path in sorted((ROOT / "database").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not {n.split(".")[0] for n in names} & others, f"{path.name} imports {names}"
