"""JSON schemas of the hub's API answers, shared by the agents' and the web chat's routes."""

from __future__ import annotations

from typing import Any

MESSAGE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "direction": {"type": "string", "enum": ["in", "out"]},
        "author": {"type": "string", "enum": ["citizen", "bot", "agent", "system"]},
        "text": {"type": "string"},
        "buttons": {"type": "array", "items": {"type": "object"}},
        "payload": {"type": "string"},
        "state": {"type": "string", "description": "Inbound: received, answered, for_agents, handled"},
        "delivery": {"type": "string", "description": "Outbound: pending, sent, failed, held"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
