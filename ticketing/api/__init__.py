"""Ticketing HTTP API (aiohttp): `create_app(database_url)`; run with `python -m ticketing.api`."""

from ticketing.api.app import create_app

__all__ = ["create_app"]
