"""Alembic environment for the ticketing schema.

Run programmatically through ``ticketing.db.migrate(url)`` (which passes an open connection), or with the
CLI: ``alembic -c ticketing/alembic.ini upgrade head`` (reads ``DATABASE_URL``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from ticketing.db import ALEMBIC_VERSION_TABLE, create_db_engine, database_url
from ticketing.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Migrations must not depend on application types: render UTCDateTime as its implementation.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=ALEMBIC_VERSION_TABLE,
        render_as_batch=True,
        render_item=_render_item,
        compare_type=True,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(config.get_main_option("sqlalchemy.url") or None),
        target_metadata=target_metadata,
        version_table=ALEMBIC_VERSION_TABLE,
        literal_binds=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine: Engine = create_db_engine(database_url(config.get_main_option("sqlalchemy.url") or None))
    try:
        with engine.connect() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
