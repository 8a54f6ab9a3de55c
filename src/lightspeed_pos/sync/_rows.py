"""Records as rows: the API's names in snake_case, the wire's strings as SQL values, nested objects
as prefixed columns (to-one) or rows of child tables (to-many).

The rule is mechanical (docs/sync.md has the table):

- a scalar field becomes a column named ``snake(name)``: ``itemID`` -> ``item_id``,
  ``defaultCost`` -> ``default_cost``, ``calcFIFOCost`` -> ``calc_fifo_cost``;
- a to-one object (``Contact``, ``Note``, ``ItemECommerce``) is spread into its owner's row with
  its name as prefix: ``Contact.noEmail`` -> ``contact_no_email``;
- a list container (``"Prices": {"ItemPrice": [...]}``, ``"Addresses": {"ContactAddress": ...}``)
  becomes rows of a child table ``{owner}_{snake(container)}`` (``item_prices``,
  ``customer_addresses``) keyed by the owner's key and the row's position;
- what has no fixed shape (a list of plain values, a container inside a child row) is a JSON
  column.

Types come from the endpoint table for the catalogued entities and from the typed models for the
embedded ones (``ContactAddress``, ``ItemPrice``); a field known to neither is text, except that a
name ending in ``ID`` is an integer and ``timeStamp``/``...Time`` a timestamp.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

from .._catalog import catalog, snake

Kind = str
"""``integer``, ``decimal``, ``boolean``, ``datetime``, ``string`` or ``json``."""


@cache
def column_name(api_name: str) -> str:
    """``itemID`` -> ``item_id``; anything but letters, digits and ``_`` becomes ``_``."""
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in api_name)
    return snake(cleaned).strip("_") or "value"


@cache
def _catalog_types() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for spec in catalog().resources:
        found.setdefault(spec.entity, {}).update({k: v for k, v in spec.field_types.items() if v != "object"})
    return found


_ANNOTATION_KINDS = {
    int: "integer",
    Decimal: "decimal",
    bool: "boolean",
    dt.datetime: "datetime",
    str: "string",
}


@cache
def _model_types(entity: str) -> dict[str, str]:
    from .._collection_base import model_for

    try:
        model = model_for(entity)
    except (KeyError, LookupError):
        return {}
    found: dict[str, str] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        options = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
        for option in options:
            if option in _ANNOTATION_KINDS:
                found[name] = _ANNOTATION_KINDS[option]
                break
    return found


EMBEDDED_KINDS = {("ItemPrice", "amount"): "decimal"}
"""Fields of embedded objects that no model types."""


@cache
def field_kind(entity: str, name: str) -> Kind:
    """The SQL kind of field ``name`` of records of ``entity``."""
    kind = (
        _catalog_types().get(entity, {}).get(name)
        or _model_types(entity).get(name)
        or EMBEDDED_KINDS.get((entity, name))
    )
    if kind:
        return kind
    if name.endswith("ID"):
        return "integer"
    if name.lower() == "timestamp" or name.endswith("Time"):
        return "datetime"
    return "string"


def _integer(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    try:
        return int(Decimal(raw))
    except (InvalidOperation, ValueError):
        return None


def _decimal(raw: str) -> Decimal | None:
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def _boolean(raw: str) -> bool:
    return raw.strip().lower() in ("true", "1", "yes")


@lru_cache(maxsize=65536)
def _datetime(raw: str) -> dt.datetime | None:
    """Parsed once per distinct value (a page repeats its timestamps)."""
    try:
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _string(raw: str) -> str:
    return raw


PARSERS: dict[str, Callable[[str], Any]] = {
    "integer": _integer,
    "decimal": _decimal,
    "boolean": _boolean,
    "datetime": _datetime,
    "string": _string,
}
"""From a wire string (never ``""``, except for text) to the stored value, per kind."""


def convert(raw: Any, kind: Kind) -> Any:
    """A wire value as the Python value stored for it (``""`` is NULL except in text columns)."""
    if kind == "json":
        return raw
    if raw is None or (raw == "" and kind != "string"):
        return None
    if not isinstance(raw, str):
        if isinstance(raw, bool):
            raw = str(raw).lower()
        else:
            raw = json.dumps(raw) if isinstance(raw, (dict, list)) else str(raw)
    return PARSERS.get(kind, _string)(raw)


def record_hash(record: dict[str, Any]) -> str:
    """A digest of the record as received: equal digests mean nothing changed. (Fields keep the
    API's order; a server that reordered them would only cost a rewrite, never a missed change.)"""
    text = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


Step = tuple[str, Kind, Callable[[str], Any], bool]


@dataclass
class Flat:
    """One record as the row of its table and the rows of its child tables."""

    row: dict[str, Any] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    child_kinds: dict[str, dict[str, Kind]] = field(default_factory=dict)


def _container(value: dict[str, Any]) -> str | None:
    """The inner key of a list container (``{"ItemPrice": [...]}``), else ``None``."""
    if len(value) != 1:
        return None
    key, inner = next(iter(value.items()))
    if not key[:1].isupper():
        return None
    if isinstance(inner, dict):
        return key
    if isinstance(inner, list) and all(isinstance(v, (dict, str)) for v in inner):
        return key
    return None


def _items(inner: Any) -> list[Any]:
    if inner in ("", None):
        return []
    return inner if isinstance(inner, list) else [inner]


def _looks_plural(name: str) -> bool:
    return name.endswith("s") and name[:1].isupper()


class Flattener:
    """Flattens the records of one stream (``owner``: the table's singular, e.g. ``item``)."""

    def __init__(self, entity: str, owner: str, parent_key: str, types: dict[str, str] | None = None) -> None:
        self.entity = entity
        self.owner = owner
        self.parent_key = parent_key
        self.types = {k: v for k, v in (types or {}).items() if v != "object"}
        """The stream's own field types (first: two endpoints may share an entity name)."""
        self._plan: dict[tuple[str, str, str], Step] = {}

    def child_table(self, container: str) -> str:
        """``item`` + ``Prices`` -> ``item_prices``; ``item`` + ``ItemVendorNums`` -> ``item_vendor_nums``."""
        name = column_name(container)
        return name if name.startswith(self.owner + "_") else f"{self.owner}_{name}"

    def flatten(self, record: dict[str, Any]) -> Flat:
        flat = Flat()
        self._spread(record, self.entity, "", flat)
        return flat

    def _spread(self, record: dict[str, Any], entity: str, prefix: str, flat: Flat) -> None:
        row, kinds, plan = flat.row, flat.kinds, self._plan
        for key, value in record.items():
            if isinstance(value, str):
                step = plan.get((entity, prefix, key))
                if step is None:
                    step = plan[(entity, prefix, key)] = self._step(entity, prefix, key)
                name, kind, parse, upper = step
                if value == "" and (upper or kind != "string"):
                    if upper:
                        if _looks_plural(key) and field_kind(entity, key) == "string":
                            # an empty relation container (``"Phones": ""``): no child rows
                            flat.children.setdefault(self.child_table(key), [])
                        continue  # an empty to-one relation (``"Note": ""``)
                    row[name], kinds[name] = None, kind
                else:
                    row[name], kinds[name] = parse(value), kind
            elif key == "@attributes":
                continue
            elif isinstance(value, dict):
                inner = _container(value)
                if inner is not None:
                    self._children(key, inner, value[inner], flat)
                else:
                    self._spread(value, key, prefix + column_name(key) + "_", flat)
            elif isinstance(value, list):
                name = prefix + column_name(key)
                row[name], kinds[name] = value, "json"
            else:
                name = prefix + column_name(key)
                kind = (self.types.get(key) if not prefix else None) or field_kind(entity, key)
                row[name], kinds[name] = convert(value, kind), kind

    def _step(self, entity: str, prefix: str, key: str, *, top: bool = True) -> Step:
        """How a string field of ``entity`` is stored: (column, kind, parser, whether the name is
        a relation's, whose ``""`` means "none"), worked out once per field."""
        kind = (self.types.get(key) if top and not prefix else None) or field_kind(entity, key)
        return prefix + column_name(key), kind, PARSERS.get(kind, _string), key[:1].isupper()

    def _children(self, container: str, inner: str, items: Any, flat: Flat) -> None:
        table = self.child_table(container)
        rows = flat.children.setdefault(table, [])
        kinds = flat.child_kinds.setdefault(table, {})
        for position, item in enumerate(_items(items)):
            child: dict[str, Any] = {"_position": position}
            if isinstance(item, dict):
                self._child_row(item, inner, "", child, kinds)
            else:
                child["value"], kinds["value"] = item, "string"
            rows.append(child)

    def _child_row(
        self, item: dict[str, Any], entity: str, prefix: str, child: dict[str, Any], kinds: dict[str, Kind]
    ) -> None:
        plan = self._plan
        for key, value in item.items():
            if isinstance(value, str):
                step = plan.get((entity, prefix, key))
                if step is None:
                    step = plan[(entity, prefix, key)] = self._step(entity, prefix, key, top=False)
                name, kind, parse, upper = step
                if value == "" and (upper or kind != "string"):
                    if not upper:
                        child[name], kinds[name] = None, kind
                    continue
                child[name], kinds[name] = parse(value), kind
            elif key == "@attributes":
                continue
            elif isinstance(value, dict) and _container(value) is None:
                self._child_row(value, key, prefix + column_name(key) + "_", child, kinds)
            elif isinstance(value, (dict, list)):
                name = prefix + column_name(key)
                child[name], kinds[name] = value, "json"
            else:
                name = prefix + column_name(key)
                kind = field_kind(entity, key)
                child[name], kinds[name] = convert(value, kind), kind
