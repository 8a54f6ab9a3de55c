"""Wire encoding of the sandbox: how the R-Series API spells values, envelopes and errors.

Every scalar on the wire is a string (docs/reference.md#scalars): ids ``"20"``, money as minimal decimals
(``"6.5"``, ``"0"``, ``"317.1"``), booleans ``"true"``/``"false"``, datetimes
``YYYY-MM-DDTHH:MM:SS+00:00``. A collection of one is an object, an empty nested one ``""``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..http.jsonbody import bounded_decimal
from ..http.messages import ApiResponse

Record = dict[str, Any]
"""A stored record: scalar fields as wire strings, embedded relations as nested dicts."""

CENT = Decimal("0.01")


class ApiError(Exception):
    """An error answered in the API's ``{httpCode, httpMessage, message, errorClass}`` shape."""

    def __init__(self, status: int, message: str, error_class: str = "Exception") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_class = error_class

    def response(self) -> ApiResponse:
        return ApiResponse.api_error(self.status, self.message, self.error_class)


def not_found(entity: str, record_id: object) -> ApiError:
    return ApiError(404, f"Object of type '{entity}' not found with primary ID '{record_id}'.")


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def decimal(value: Any) -> Decimal:
    """Parse a stored or JSON number; ``""``/``None``/garbage (and anything out of bounds, see
    ``http.jsonbody.bounded_decimal``) count as zero."""
    if isinstance(value, Decimal):
        return value if value.is_finite() else Decimal(0)
    if isinstance(value, bool) or value is None:
        return Decimal(int(bool(value)))
    if isinstance(value, int | float):
        value = repr(value)
    return bounded_decimal(str(value)) or Decimal(0)


def strict_decimal(value: Any, name: str) -> Decimal:
    """A number given for field ``name`` in a write: a JSON number or numeric string of bounded
    size (``""``/``null`` are zero); anything else is the API's 400."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        raise bad_request(f"Invalid value for '{name}': expected a number.")
    text = value if isinstance(value, str) else str(value)
    parsed = bounded_decimal(text)
    if parsed is None:
        raise bad_request(f"Invalid value '{text[:40]}' for '{name}': expected a number.")
    return parsed


def record_id(text: str) -> int | None:
    """A path or cursor id as an int: ASCII digits only, at most 18 of them (else ``None``)."""
    if not text or len(text) > 18 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def money(value: Any) -> str:
    """Minimal decimal string: ``6.50`` -> ``"6.5"``, ``100`` -> ``"100"``, ``-0`` -> ``"0"``."""
    text = format(decimal(value).normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cents(value: Decimal) -> Decimal:
    """Round half up to cents, as the register does for sale-level totals."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def boolean(value: Any) -> str:
    if isinstance(value, str):
        return "true" if value.strip().lower() in ("true", "1", "yes", "on") else "false"
    return "true" if value else "false"


def is_true(value: Any) -> bool:
    return boolean(value) == "true"


def stamp(moment: datetime) -> str:
    """``2026-10-05T14:18:46+00:00`` (always UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})$")


def parse_datetime(text: str) -> datetime | None:
    """Parse ``2016-11-01T00:00:00-0400``, ``…+00:00``, ``…Z`` or a bare date; naive means UTC."""
    text = text.strip()
    if not text:
        return None
    offset = timedelta(0)
    if text.endswith(("Z", "z")):
        text = text[:-1]
    else:
        match = _OFFSET.search(text)
        if match and ("T" in text or " " in text or len(text) > 10):
            sign = -1 if match.group(1) == "-" else 1
            offset = sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
            text = text[: match.start()]
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return None
    return (parsed.replace(tzinfo=None) - offset).replace(tzinfo=UTC)


def to_wire(value: Any, field_type: str | None, name: str = "value") -> str:
    """Convert a JSON request value to its stored wire string, by the field's declared type.

    Numbers are checked (:func:`strict_decimal`; an integer field takes whole numbers only):
    ``"abc"``, ``"NaN"`` or ``"1e999999999"`` for a number is a 400, never stored.
    """
    if value is None:
        return "0" if field_type in ("integer", "decimal") else ""
    if field_type == "boolean":
        return boolean(value)
    if field_type == "decimal":
        return money(strict_decimal(value, name))
    if field_type == "integer":
        number = strict_decimal(value, name)
        if number != number.to_integral_value():
            raise bad_request(f"Invalid value '{value}' for '{name}': expected a whole number.")
        return money(number)
    if field_type == "datetime" and isinstance(value, str) and value:
        parsed = parse_datetime(value)
        return stamp(parsed) if parsed else value
    if isinstance(value, bool):
        return boolean(value)
    if isinstance(value, float | int | Decimal):
        return money(strict_decimal(value, name))
    return str(value)


def one_or_many(items: list[Any]) -> Any:
    """The API's collection quirk: one element is an object, several a list."""
    return items[0] if len(items) == 1 else items


def container(singular: str, items: list[Any]) -> Any:
    """A nested to-many relation: ``{"ContactPhone": …}`` or ``""`` when empty."""
    return {singular: one_or_many(items)} if items else ""


def as_list(value: Any) -> list[Any]:
    """Normalise a payload's object-or-list (or ``""``) into a list."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def unwrap_children(value: Any, singular: str) -> list[dict[str, Any]]:
    """Read nested children in either payload shape.

    ``{"SaleLine": [..]}``, ``{"SaleLine": {..}}``, ``[{"SaleLine": {..}}]`` and ``[{..}]`` all
    give the list of child objects (docs/reference.md#load-relations, #nested-write-shapes).
    """
    children: list[dict[str, Any]] = []
    if isinstance(value, dict) and singular in value:
        value = value[singular]
    for entry in as_list(value):
        if isinstance(entry, dict) and singular in entry and isinstance(entry[singular], dict | list):
            children.extend(e for e in as_list(entry[singular]) if isinstance(e, dict))
        elif isinstance(entry, dict):
            children.append(entry)
    return children


def envelope(entity: str, record: Record) -> ApiResponse:
    """``{"@attributes":{"count":"1"},"<Entity>":{…}}``."""
    return ApiResponse.json_body(200, {"@attributes": {"count": "1"}, entity: record})
