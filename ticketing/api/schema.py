"""Declarative request schemas: one definition validates a body or a query string and documents it.

`Schema.validate(data)` checks a decoded JSON object: unknown fields, missing required fields,
wrong JSON types, lengths, ranges, enums and patterns all become one `ValidationFailed` (422) that
lists every problem. `Schema.parse_query(query)` does the same for query parameters (strings
converted to the declared type). `Schema.json_schema()` feeds the OpenAPI document.

Whatever a schema lets through, the database and the feeds can hold (no input is a server error):
- integers stay within the columns' range (PostgreSQL ``integer``, 32-bit signed) unless a field says
  narrower; ids (and the path parameters ``ID_PARAM`` describes) are 1 to `MAX_ID`;
- numbers are finite (no NaN or infinity, whether sent as a string or as ``1e400``);
- dates and date-times lie between `EARLIEST` and `LATEST` (the years 2000 to 2099);
- text holds no C0 control character other than tab, line feed and carriage return, no DEL, no lone
  surrogate and none of the two non-characters XML 1.0 forbids (U+FFFE, U+FFFF), and is stored as NFC.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from ticketing.api.errors import ValidationFailed
from vietnam.codes import TICKET_CODE_RE

Kind = Literal["string", "integer", "number", "boolean", "array", "object", "date", "date-time"]

TICKET_CODE_PATTERN = TICKET_CODE_RE.pattern
SLUG_PATTERN = r"^[a-z0-9_]{1,64}$"

# Integer columns are PostgreSQL ``integer`` (32-bit signed): nothing outside reaches the database.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
MAX_ID = INT_MAX
# A path parameter that is a row id (``/api/users/{user_id}``); one outside the range names no row (404).
ID_PARAM: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
# Dates a request may name: anything earlier or later is a mistake, and far ones overflow time zones.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
# C0 controls other than tab, LF, CR; DEL; the non-characters XML 1.0 forbids. (Lone surrogates: below.)
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind = "string"
    required: bool = False
    description: str = ""
    nullable: bool = False
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    items: Kind | None = None
    max_items: int | None = None
    default: Any = None
    # A realistic value (real codes of the seeded directory) for the OpenAPI document: API clients read
    # it, and schemathesis' examples phase sends it, reaching the paths past validation.
    example: Any = None

    def bounds(self) -> tuple[float | None, float | None]:
        """The range a number must lie in: the field's own, and for integers at most the columns'."""
        if self.kind == "integer" or (self.kind == "array" and self.items == "integer"):
            low = INT_MIN if self.minimum is None else max(self.minimum, INT_MIN)
            high = INT_MAX if self.maximum is None else min(self.maximum, INT_MAX)
            return low, high
        return self.minimum, self.maximum

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any]
        if self.kind == "date":
            out = {"type": "string", "format": "date"}
        elif self.kind == "date-time":
            out = {"type": "string", "format": "date-time"}
        else:
            out = {"type": self.kind}
        if self.kind == "array":
            out["items"] = {"type": self.items or "string"}
            if self.max_items is not None:
                out["maxItems"] = self.max_items
        if self.nullable:
            out["type"] = [out["type"], "null"]
        minimum, maximum = self.bounds()
        for key, value in (
            ("minLength", self.min_length),
            ("maxLength", self.max_length),
            ("minimum", minimum),
            ("maximum", maximum),
            ("pattern", self.pattern),
        ):
            if value is not None:
                out[key] = value
        if self.enum is not None:
            out["enum"] = list(self.enum)
        if self.description:
            out["description"] = self.description
        if self.default is not None:
            out["default"] = self.default
        if self.example is not None:
            out["examples"] = [self.example]
        return out


_JSON_TYPE_NAMES = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    list: "array",
    dict: "object",
    type(None): "null",
}


def _json_type(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class Schema:
    fields: tuple[Field, ...]
    allow_unknown: bool = False
    description: str = ""
    _by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __init__(self, *fields: Field, allow_unknown: bool = False, description: str = "") -> None:
        object.__setattr__(self, "fields", tuple(fields))
        object.__setattr__(self, "allow_unknown", allow_unknown)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "_by_name", {f.name: f for f in fields})

    # -- documentation -----------------------------------------------------------------------
    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "object",
            "properties": {f.name: f.json_schema() for f in self.fields},
            "additionalProperties": self.allow_unknown,
        }
        required = [f.name for f in self.fields if f.required]
        if required:
            out["required"] = required
        if self.description:
            out["description"] = self.description
        return out

    def query_parameters(self) -> list[dict[str, Any]]:
        return [
            {
                "name": f.name,
                "in": "query",
                "required": f.required,
                "schema": f.json_schema(),
                **({"style": "form", "explode": False} if f.kind == "array" else {}),
                **({"description": f.description} if f.description else {}),
            }
            for f in self.fields
        ]

    # -- validation --------------------------------------------------------------------------
    def validate(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise ValidationFailed(
                f"Request body must be a JSON object, got {_json_type(data)}.",
                [{"field": "", "message": "expected object"}],
            )
        problems: list[dict[str, str]] = []
        if not self.allow_unknown:
            for name in data:
                if name not in self._by_name:
                    problems.append({"field": name, "message": "unknown field"})
        out: dict[str, Any] = {}
        for f in self.fields:
            if f.name not in data:
                if f.required:
                    problems.append({"field": f.name, "message": "required field is missing"})
                elif f.default is not None:
                    out[f.name] = f.default
                continue
            value = data[f.name]
            try:
                out[f.name] = _check_json_value(f, value)
            except _Problem as problem:
                problems.append({"field": f.name, "message": str(problem)})
        if problems:
            raise ValidationFailed(_summary(problems), problems)
        return out

    def parse_query(self, query: Mapping[str, str]) -> dict[str, Any]:
        problems: list[dict[str, str]] = []
        if not self.allow_unknown:
            for name in query:
                if name not in self._by_name:
                    problems.append({"field": name, "message": "unknown query parameter"})
        out: dict[str, Any] = {}
        for f in self.fields:
            raw = query.get(f.name)
            if raw is None or raw == "":
                if f.required:
                    problems.append({"field": f.name, "message": "required query parameter is missing"})
                elif f.default is not None:
                    out[f.name] = f.default
                continue
            try:
                out[f.name] = _check_json_value(f, _coerce_query(f, raw))
            except _Problem as problem:
                problems.append({"field": f.name, "message": str(problem)})
        if problems:
            raise ValidationFailed(_summary(problems), problems)
        return out


class _Problem(Exception):
    pass


def _summary(problems: list[dict[str, str]]) -> str:
    first = problems[0]
    where = f"'{first['field']}'" if first["field"] else "body"
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return f"Invalid request: {where}: {first['message']}{more}."


def _coerce_query(f: Field, raw: str) -> Any:
    if f.kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", raw.strip()):
            raise _Problem("expected an integer")
        return int(raw)
    if f.kind == "number":
        try:
            return float(raw)
        except ValueError:
            raise _Problem("expected a number") from None  # finiteness: _check_json_value
    if f.kind == "boolean":
        lowered = raw.lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise _Problem("expected true or false")
    if f.kind == "array":
        return [part for part in raw.split(",") if part]
    return raw


def _check_json_value(f: Field, value: Any) -> Any:
    if value is None:
        if f.nullable:
            return None
        raise _Problem("must not be null")  # as documented: only nullable fields take null
    kind = f.kind
    if kind in ("string", "date", "date-time"):
        if not isinstance(value, str):
            raise _Problem(f"expected string, got {_json_type(value)}")
        value = unicodedata.normalize("NFC", _clean_text(value))
        if kind == "date":
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise _Problem("expected a date YYYY-MM-DD") from None
            _check_date(day)
            return day
        if kind == "date-time":
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise _Problem("expected an ISO 8601 date-time") from None
            if parsed.tzinfo is None:
                raise _Problem("date-time must include a time zone (Z or +07:00)")
            _check_date(parsed.date())
            return parsed
        _check_string(f, value)
        return value
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Problem(f"expected integer, got {_json_type(value)}")
        _check_range(f, value)
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Problem(f"expected number, got {_json_type(value)}")
        if not math.isfinite(value):
            raise _Problem("must be a finite number")
        _check_range(f, value)
        return float(value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _Problem(f"expected boolean, got {_json_type(value)}")
        return value
    if kind == "array":
        if not isinstance(value, list):
            raise _Problem(f"expected array, got {_json_type(value)}")
        if f.max_items is not None and len(value) > f.max_items:
            raise _Problem(f"at most {f.max_items} items")
        item_field = Field(
            f.name,
            kind=f.items or "string",
            max_length=f.max_length,
            pattern=f.pattern,
            enum=f.enum,
            minimum=f.minimum,
            maximum=f.maximum,
        )
        return [_check_json_value(item_field, item) for item in value]
    if kind == "object":
        if not isinstance(value, dict):
            raise _Problem(f"expected object, got {_json_type(value)}")
        return _clean_tree(value, depth=0)
    raise _Problem(f"unsupported kind {kind}")  # pragma: no cover - schema definition error


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise _Problem("must not contain NUL characters")
    forbidden = FORBIDDEN_CHARACTERS.search(value)
    if forbidden is not None:
        raise _Problem(f"must not contain the control character U+{ord(forbidden.group()):04X}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Problem("must be valid Unicode (lone surrogate escape)") from None
    return value


MAX_TREE_DEPTH = 4


def _clean_tree(value: Any, depth: int) -> Any:
    """Free-form objects (ticket `details`): bounded depth, clean text, NFC; keys are strings."""
    if depth > MAX_TREE_DEPTH:
        raise _Problem(f"nested deeper than {MAX_TREE_DEPTH} levels")
    if isinstance(value, str):
        return unicodedata.normalize("NFC", _clean_text(value))
    if isinstance(value, dict):
        return {_clean_text(k): _clean_tree(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_tree(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise _Problem("must hold finite numbers only")
    return value


def _check_string(f: Field, value: str) -> None:
    if f.min_length is not None and len(value.strip()) < f.min_length:
        raise _Problem(f"must be at least {f.min_length} characters")
    if f.max_length is not None and len(value) > f.max_length:
        raise _Problem(f"must be at most {f.max_length} characters")
    if f.enum is not None and value not in f.enum:
        raise _Problem("must be one of: " + ", ".join(f.enum))
    if f.pattern is not None and not re.fullmatch(f.pattern.strip("^$"), value):
        raise _Problem(f"does not match the pattern {f.pattern}")


def _check_range(f: Field, value: float) -> None:
    minimum, maximum = f.bounds()
    if minimum is not None and value < minimum:
        raise _Problem(f"must be >= {_show(minimum)}")
    if maximum is not None and value > maximum:
        raise _Problem(f"must be <= {_show(maximum)}")


def _show(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"


def _check_date(day: date) -> None:
    if not EARLIEST <= day <= LATEST:
        raise _Problem(f"must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}")


def check_path_id(value: str) -> int | None:
    """A row id from a path (digits only by the route's pattern); None when no row can have it."""
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None
