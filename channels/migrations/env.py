"""Alembic environment for the hub's tables (version table ``channels_alembic_version``).

Run through ``channels.db.migrate_engine(engine)`` (after the ticketing schema: the hub's tables refer to
``conversations``, ``outbound_messages`` and ``users``), which passes an open connection.
"""

from __future__ import annotations

from alembic import context

from channels.db import ALEMBIC_VERSION_TABLE
from channels.models import HubBase

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=HubBase.metadata,
        version_table=ALEMBIC_VERSION_TABLE,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
