"""What every package's ``migrations/env.py`` runs: one Alembic environment shape for all packages.

    # <package>/migrations/env.py
    from database.alembic_env import run_migrations
    from <package>.models import Base
    run_migrations(Base.metadata)

The version table comes from :data:`database.migrations.MIGRATIONS` (through the Alembic config). Only
the package's own tables are compared when autogenerating: the database holds other packages' tables too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.pool import NullPool

from database.engine import create_db_engine
from database.urls import database_url

RenderItem = Callable[[str, Any, Any], str | bool]


def run_migrations(metadata: MetaData, *, render_item: RenderItem | None = None) -> None:
    from alembic import context

    config = context.config
    version_table = config.get_main_option("version_table")

    def own_tables_only(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        return not (type_ == "table" and reflected and compare_to is None and name not in metadata.tables)

    options: dict[str, Any] = {
        "target_metadata": metadata,
        "version_table": version_table,
        "include_object": own_tables_only,
        "render_item": render_item,
        "compare_type": True,
    }
    if context.is_offline_mode():
        url = database_url(config.get_main_option("sqlalchemy.url"))
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return

    def run(connection: Any) -> None:
        batch = connection.dialect.name == "sqlite"  # SQLite alters tables by copying them
        context.configure(connection=connection, render_as_batch=batch, **options)
        with context.begin_transaction():
            context.run_migrations()

    connection = config.attributes.get("connection")
    if connection is not None:  # database.migrate: the caller's transaction, under the migration lock
        run(connection)
        return
    engine = create_db_engine(database_url(config.get_main_option("sqlalchemy.url")), poolclass=NullPool)
    try:
        with engine.begin() as own_connection:
            run(own_connection)
    finally:
        engine.dispose()
