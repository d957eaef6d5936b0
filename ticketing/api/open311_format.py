"""Open311 GeoReport v2 rendering: the same data as JSON or as schemaless XML (Spark convention).

A JSON list under a plural root becomes repeated singular elements in XML:
`[{"service_code": ...}]` with root `services` -> `<services><service>...</service></services>`.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

# plural element -> its repeated child element
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "service_request_updates": "request_update",
}

XML_CONTENT_TYPE = "text/xml"
JSON_CONTENT_TYPE = "application/json"


# Characters XML 1.0 cannot carry at all, even escaped (C0 controls but tab, CR, LF; surrogates; FFFE/FFFF).
# Input is validated before it is stored; this keeps one bad row from making a whole feed invalid.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return xml_text(str(value))


def _element(tag: str, value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append(f"<{tag}>")
        for key, child in value.items():
            _element(key, child, out)
        out.append(f"</{tag}>")
    elif isinstance(value, list):
        item_tag = ITEM_TAGS.get(tag, "item")
        out.append(f"<{tag}>")
        for child in value:
            _element(item_tag, child, out)
        out.append(f"</{tag}>")
    elif value is None or value == "":
        out.append(f"<{tag}/>")
    else:
        out.append(f"<{tag}>{_scalar(value)}</{tag}>")


def to_xml(root: str, value: Any) -> str:
    out: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _element(root, value, out)
    return "".join(out)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or Infinity: one bad row must not make the feed unparsable
    return value


def render(fmt: str, root: str, value: Any, status: int = 200) -> web.Response:
    """`value` is what the JSON variant returns; `root` names the XML root element."""
    if fmt == "xml":
        return web.Response(
            text=to_xml(root, value), status=status, content_type=XML_CONTENT_TYPE, charset="utf-8"
        )
    return web.Response(
        text=json.dumps(_jsonable(value), ensure_ascii=False, allow_nan=False),
        status=status,
        content_type=JSON_CONTENT_TYPE,
        charset="utf-8",
    )


def render_errors(fmt: str, status: int, description: str) -> web.Response:
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)
