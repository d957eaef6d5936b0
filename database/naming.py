"""One constraint-naming convention for every package's metadata, so that migrations name constraints and
indexes the same way on SQLite and PostgreSQL (and Alembic can find them again to alter them)."""

from __future__ import annotations

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
