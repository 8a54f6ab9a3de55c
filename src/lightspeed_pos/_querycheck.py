"""Checking a query against the endpoint table before it is sent (used by ``Query.check``).

Allowed filter fields: the catalogue row's scalar fields, its id field and, for Item, the
virtual ``itemCode`` (only ``=``, ``IN`` and ``or`` with it, docs/reference.md#filters). Report and
display-template endpoints take their own parameters (``startDate``...), so their filters are
not checked - the sandbox does the same. A dotted filter ``Relation.field`` needs the relation
loaded, goes one level deep, and its field is checked when the relation names a catalogue
entity (``ItemShops`` -> ItemShop).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from lightspeed_pos._catalog import ResourceSpec, catalog
from lightspeed_pos._querystring import MAX_IN_VALUES

__all__ = ["check_query"]

_VIRTUAL_FIELDS = {"Item": {"itemCode": "string"}}
"""Fields the API matches against several real ones (Item ``itemCode``, docs/reference.md#filters)."""
_VIRTUAL_OPERATORS = ("=", "IN")
_LIKE = ("~", "!~")
_NOT_LOADED_BY_ALL = "CustomFieldValues"


def check_query(
    spec: ResourceSpec,
    *,
    pairs: Sequence[tuple[str, str]],
    order: str | None,
    relations: Sequence[str] | str,
    archived: bool,
    counting: bool,
    limited: bool,
    conditions: Iterable[tuple[str, str, tuple[str, ...]]],
) -> None:
    """Raise ``ValueError`` naming what is allowed when ``spec``'s endpoint would refuse the query."""
    if counting and (order or limited):
        raise ValueError("count cannot be combined with sort, limit or paging (after/before)")
    if order and order.lstrip("-") not in spec.sortable:
        raise ValueError(
            f"{spec.name} cannot be sorted by {order.lstrip('-')!r}; "
            f"sortable fields: {', '.join(spec.sortable) or 'none'}"
        )
    if relations != "all":
        unknown = [r for r in relations if r not in spec.relations]
        if unknown:
            allowed = ", ".join(spec.relations) or "none"
            raise ValueError(f"{spec.name} has no relation {unknown[0]!r}; relations: {allowed}")
    if archived and "archived" not in spec.field_types:
        raise ValueError(f"{spec.name} has no archived field: archived= does not apply")
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            raise ValueError(
                f"{name!r} appears twice: the API keeps one value per parameter "
                "(use between() for a range, one Or(...) for alternatives)"
            )
        seen.add(name)
    names = spec.relations if relations == "all" else relations
    skip = _NOT_LOADED_BY_ALL if relations == "all" else None
    loaded = {n.split(".")[0] for n in names if n.split(".")[0] != skip}
    for field, op, operands in conditions:
        _check_condition(spec, field, op, operands, loaded)


def _field_types(spec: ResourceSpec) -> dict[str, str]:
    types = {name: kind for name, kind in spec.fields if kind != "object"}
    types.setdefault(spec.id_field, "integer")
    types.update(_VIRTUAL_FIELDS.get(spec.entity, {}))
    return types


def _related_spec(relation: str) -> ResourceSpec | None:
    """The catalogue row a relation name points at (``ItemShops`` -> ItemShop), if any."""
    candidates = {relation, relation[:-1], relation[:-3] + "y", "Category" if relation == "Parent" else ""}
    rows = [
        s for s in catalog().resources if s.entity in candidates and not s.nested and s.kind == "resource"
    ]
    return rows[0] if rows else None


def _check_condition(
    spec: ResourceSpec, name: str, op: str, operands: tuple[str, ...], loaded: set[str]
) -> None:
    kind: str | None
    if "." in name:
        relation, _, field = name.partition(".")
        if "." in field or not field:
            raise ValueError(f"{name}: filters go one relation deep only (Relation.field)")
        if relation not in loaded:
            raise ValueError(
                f"{name}: load the relation first (load_relations=[{relation!r}]); "
                f"loaded: {', '.join(sorted(loaded)) or 'none'}"
            )
        target = _related_spec(relation)
        types = _field_types(target) if target else {}
        if target and field not in types:
            raise ValueError(f"{name}: {target.entity} has no field {field!r}; fields: {', '.join(types)}")
        kind = types.get(field)
    elif spec.kind != "resource":
        kind = None  # reports and templates take their own parameters (startDate, endDate...)
    else:
        types = _field_types(spec)
        if name not in types:
            raise ValueError(f"{spec.name} has no field {name!r}; fields: {', '.join(types)}")
        kind = types[name]
        if name in _VIRTUAL_FIELDS.get(spec.entity, {}) and op not in _VIRTUAL_OPERATORS:
            raise ValueError(f"{name} takes only equals, in_() or Or(...), not {op!r}")
    if op == "IN" and len(operands) > MAX_IN_VALUES:
        raise ValueError(
            f"{name}: IN takes at most {MAX_IN_VALUES} values, got {len(operands)}; "
            "use query.split_in() to send several requests"
        )
    if op in _LIKE and kind not in (None, "string"):
        raise ValueError(
            f"{name} is {_article(kind)} {kind} field: like/not_like apply to string fields; "
            "use ==, >, <, between() or in_() instead"
        )
    if kind and op not in _LIKE:
        for operand in operands:
            _check_value(name, kind, operand)


def _check_value(field: str, kind: str, value: str) -> None:
    try:
        if kind == "integer":
            int(value)
        elif kind == "decimal":
            Decimal(value)
        elif kind == "datetime":
            dt.datetime.fromisoformat(value)
        elif kind == "boolean" and value.lower() not in ("true", "false", "0", "1"):
            raise ValueError(value)
    except (ValueError, InvalidOperation):
        raise ValueError(
            f"{field} is {_article(kind)} {kind} field: {value!r} is not {_article(kind)} {kind}"
        ) from None


def _article(word: str) -> str:
    """``an`` before a vowel (``an integer field``), else ``a``."""
    return "an" if word[:1] in "aeiou" else "a"
