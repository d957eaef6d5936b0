"""The web chat: a page and widget served by the hub (plain JS/CSS in ``static/``, no CDN) and the
visitor API behind it (``routes.py``); ``adapter.py`` is its channel adapter."""
