"""The drip cost of one API request, as the 2026 rate limiter prices it (docs/reference.md#request-costs).

One pure function, :func:`request_cost`, shared by the client (which reserves room in its
model of the bucket before sending) and the sandbox (which charges the bucket). It looks only
at the request: method, path, query pairs and the decoded JSON body.

The rules:

* every request costs 1 drip;
* ``load_relations``: +0.1 per to-one and +0.2 per to-many relation on a single-record read;
  doubled on query reads and for relations nested under a to-many one (doubled once);
  ``all`` = the sum over the endpoint's relations. Relations named in the plural
  (``ItemShops``, ``SaleLines``) count as to-many;
* ``count=1``: the base becomes 10;
* ``or``: +0 when every operand names the same field; +1 per operand when they name fields
  of one entity with at most one range operator; otherwise +10 per entity and +1 per
  further operand on that entity;
* legacy ``offset``: +0.0005 per skipped record; legacy ``orderby`` on a field that is not
  sortable: +4;
* POST/PUT: +0.5 per nested related entity in the payload (each ``SaleLine``, ``Contact``...);
* endpoint overrides: writes to ``Sale``, ``SaleLine`` and ``Sale/{id}/SaleLine`` have base 2,
  plus 3 when the Sale payload sets ``completed`` true; ``POST Sale/{id}/EmailReceipt`` 5;
  writes to ``Category`` 10; ``POST InventoryCountReconcile`` (and
  ``InventoryCount/{id}/Reconcile``) 10; ``POST Sale/{id}/refund`` 10.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from lightspeed_pos._catalog import ResourceSpec
from lightspeed_pos._paths import below_account, match

__all__ = ["endpoint_of", "is_to_many", "nested_records", "request_cost"]

OFFSET_COST_PER_RECORD = 0.0005
"""The 2026-03-17 changelog's figure; the parameters page says 0.005 (docs/reference.md#offset-cost)."""
ORDERBY_UNSORTABLE_COST = 4.0
COUNT_COST = 10.0
NESTED_ENTITY_COST = 0.5
TO_ONE_COST = 0.1
TO_MANY_COST = 0.2

_WRITES = frozenset({"POST", "PUT", "DELETE"})
_RANGE_OPERATORS = (">=", "<=", "><", ">", "<")
_TRUE_VALUES = (True, 1, "true", "1", "True", "TRUE")


def request_cost(method: str, path: str, query: Sequence[tuple[str, str]], body: Any | None) -> float:
    """The drips one request adds to the bucket.

    ``path`` may be a V3 path (``/API/V3/Account/1/Item.json``), a legacy one
    (``/API/Account/1/Item.json``) or relative to the account (``Item.json``); ``query`` holds
    the decoded query pairs; ``body`` the decoded JSON payload (or ``None``).
    """
    method = method.upper()
    segments = _resource_segments(path)
    spec, single = _match(tuple(segments))
    params = _Params(query)

    cost = _base_cost(method, segments)
    if method == "GET" and params.get("count") == "1":
        cost = COUNT_COST
    if method == "GET":
        cost += _relations_cost(params.get("load_relations"), spec, query_read=not single)
    cost += sum(_or_cost(value) for value in params.all("or"))
    cost += _offset_cost(params.get("offset"))
    orderby = params.get("orderby")
    if orderby and (spec is None or orderby not in spec.sortable):
        cost += ORDERBY_UNSORTABLE_COST
    if method in ("POST", "PUT") and isinstance(body, dict):
        cost += NESTED_ENTITY_COST * _nested_entities(body)
        if (
            segments
            and segments[0] == "Sale"
            and len(segments) <= 2
            and body.get("completed") in _TRUE_VALUES
        ):
            cost += 3.0
    return round(cost, 6)


class _Params:
    """Case-sensitive lookup over decoded query pairs."""

    def __init__(self, query: Sequence[tuple[str, str]]) -> None:
        self._query = query

    def get(self, name: str) -> str | None:
        for key, value in self._query:
            if key == name:
                return value
        return None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self._query if key == name]


def _resource_segments(path: str) -> list[str]:
    """``/API/V3/Account/1/Sale/5/SaleLine.json`` -> ``["Sale", "5", "SaleLine"]``."""
    path = path.split("?", 1)[0]
    split = below_account(path)
    if split is not None and split[1] is not None:
        rest = split[1]
    elif path.startswith("/"):
        # Account-less paths (/API/V3/Account.json, /API/Session.json) and unknown shapes.
        rest = path.rstrip("/").rsplit("/", 1)[-1]
    else:
        rest = path
    rest = re.sub(r"\.(json|xml)$", "", rest.strip("/"))
    return [segment for segment in rest.split("/") if segment]


def _base_cost(method: str, segments: list[str]) -> float:
    """The per-endpoint base (1 unless an override applies)."""
    if method not in _WRITES or not segments:
        return 1.0
    head, last = segments[0], segments[-1]
    if method == "POST" and head == "Sale" and last.lower() == "refund":
        return 10.0
    if method == "POST" and head == "Sale" and last == "EmailReceipt":
        return 5.0
    if head == "Category":
        return 10.0
    if method == "POST" and (
        head == "InventoryCountReconcile" or (head == "InventoryCount" and last == "Reconcile")
    ):
        return 10.0
    if head == "SaleLine" or (head == "Sale" and (len(segments) <= 2 or segments[2] == "SaleLine")):
        return 2.0
    return 1.0


@cache
def _match(segments: tuple[str, ...]) -> tuple[ResourceSpec | None, bool]:
    """The catalogue row a path addresses, and whether it is a single-record path."""
    if not segments:
        return None, True
    found = match("/".join(segments))
    if found is not None and found.action is None:
        return found.spec, found.record_id is not None
    # Account.json, Account/{id}.json, Session.json: single records; actions and unknown paths:
    # a query unless they end in an id.
    return None, segments[0] in ("Account", "Session", "Locale") or segments[-1].isdigit()


def _relation_names(raw: str) -> list[str] | None:
    """The relations ``load_relations`` names, or ``None`` for ``all``."""
    raw = raw.strip()
    if raw.lower() == "all":
        return None
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw.split(",")
    if isinstance(parsed, str):
        parsed = [parsed]
    if not isinstance(parsed, list):
        return []
    return [str(name).strip() for name in parsed if str(name).strip()]


def is_to_many(name: str) -> bool:
    """Whether a relation is to-many: relations named in the plural (``SaleLines``) are."""
    return name.endswith("s") and not name.endswith("ss")


_is_to_many = is_to_many


def endpoint_of(path: str) -> ResourceSpec | None:
    """The catalogue row an API path addresses (``None`` for an unknown or account-less path)."""
    spec, _ = _match(tuple(_resource_segments(path)))
    return spec


def _relation_cost(name: str, *, query_read: bool) -> float:
    parts = name.rstrip("*").split(".")
    cost = TO_MANY_COST if _is_to_many(parts[-1]) else TO_ONE_COST
    if query_read or any(_is_to_many(part) for part in parts[:-1]):
        cost *= 2
    return cost


def _relations_cost(raw: str | None, spec: ResourceSpec | None, *, query_read: bool) -> float:
    if not raw:
        return 0.0
    names: Iterable[str] | None = _relation_names(raw)
    if names is None:
        names = spec.relations if spec is not None else ()
    return sum(_relation_cost(name, query_read=query_read) for name in dict.fromkeys(names))


def _or_cost(expression: str) -> float:
    """The surcharge of one ``or=a=x|b=y`` parameter."""
    operands = [operand for operand in expression.split("|") if operand]
    if not operands:
        return 0.0
    fields: list[str] = []
    ranges = 0
    for operand in operands:
        name, _, value = operand.partition("=")
        fields.append(name.strip())
        if value.startswith(_RANGE_OPERATORS):
            ranges += 1
    if len(set(fields)) == 1:
        return 0.0
    entities: dict[str, int] = {}
    for name in fields:
        entity = name.rsplit(".", 1)[0] if "." in name else ""
        entities[entity] = entities.get(entity, 0) + 1
    if len(entities) == 1 and ranges <= 1:
        return float(len(operands))
    return float(sum(10 + (count - 1) for count in entities.values()))


def _offset_cost(raw: str | None) -> float:
    if not raw:
        return 0.0
    try:
        return max(0, int(raw)) * OFFSET_COST_PER_RECORD
    except ValueError:
        return 0.0


def _nested_entities(payload: dict[str, Any]) -> int:
    """How many related entities a write payload nests, at any depth.

    A relation key starts with an upper-case letter. A plural key holding one upper-case key
    (``"SaleLines": {"SaleLine": [...]}``) is a wrapper; its members are the entities. A list
    value holds entities, bare or wrapped (``"SaleLines": [{"SaleLine": {...}}]``).
    """
    total = 0
    for key, value in payload.items():
        if not key[:1].isupper():
            continue
        for entity in _entities_under(key, value):
            total += 1 + _nested_entities(entity)
    return total


def nested_records(key: str, value: Any) -> list[dict[str, Any]]:
    """The records a payload nests under ``key``: ``{"SaleLine": [...]}`` wrappers, lists, objects."""
    return _entities_under(key, value)


def _entities_under(key: str, value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        found: list[dict[str, Any]] = []
        for element in value:
            if isinstance(element, dict) and len(element) == 1:
                (inner_key, inner), *_ = element.items()
                if inner_key[:1].isupper() and isinstance(inner, dict | list):
                    found.extend(_entities_under(inner_key, inner))
                    continue
            if isinstance(element, dict):
                found.append(element)
        return found
    if not isinstance(value, dict) or not value:
        return []
    if _is_to_many(key) and len(value) == 1:
        (inner_key, inner), *_ = value.items()
        if inner_key[:1].isupper() and isinstance(inner, dict | list):
            return _entities_under(inner_key, inner) if isinstance(inner, list) else [inner]
    return [value]
