"""The streams: one per listable collection, each with its cursor and its relations.

Everything here is derived from the endpoint table (``catalog.json``): a stream is named as the
account's collection (``items``, ``sale_lines``), its cursor is the field the endpoint can sort
its changes by, and the relations it loads are the embedded objects no other stream can fetch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Literal

from .._catalog import ResourceSpec, catalog
from ..query import estimate_cost

CursorKind = Literal["updatetime", "timestamp", "id", "snapshot"]

DEFAULT_STREAMS: tuple[str, ...] = (
    "shops",
    "registers",
    "employees",
    "categories",
    "manufacturers",
    "vendors",
    "tax_classes",
    "tax_categories",
    "price_levels",
    "payment_types",
    "discounts",
    "tags",
    "customer_types",
    "customers",
    "item_attribute_sets",
    "item_matrices",
    "items",
    "item_shops",
    "sales",
    "sale_lines",
    "sale_payments",
    "orders",
    "order_lines",
    "transfers",
    "transfer_items",
    "inventory_logs",
    "credit_accounts",
    "special_orders",
    "workorders",
)
"""What ``sync`` copies when no streams are named: a store, for reporting."""

APPEND_ONLY = frozenset({"InventoryLog", "SalePayment"})
"""Endpoints whose records are only ever added (the log; payments, written through their sale and
carrying no ``timeStamp`` to sort by): their cursor is the id."""

EMBEDDED_ONLY = frozenset(
    {
        "Contact",
        "Note",
        "CustomFieldValues",
        "ItemAttributes",
        "ItemVendorNums",
        "ItemComponents",
        "ItemECommerce",
        "Reps",
        "SaleNotes",
        "SaleAccounts",
        "TaxCategoryClasses",
    }
)
"""Relations with no endpoint of their own (docs/reference.md#reports-and-misc): objects that only
arrive embedded."""


@dataclass(frozen=True)
class Stream:
    """One collection copied into one table (plus child tables for its nested objects)."""

    name: str
    spec: ResourceSpec
    cursor: CursorKind
    relations: tuple[str, ...]

    @property
    def entity(self) -> str:
        return self.spec.entity

    @property
    def id_field(self) -> str:
        return self.spec.id_field

    @property
    def cursor_field(self) -> str | None:
        """The API field the incremental listing sorts and filters by."""
        return {"updatetime": "updatetime", "timestamp": "timeStamp", "id": self.id_field}.get(self.cursor)

    @property
    def archivable(self) -> bool:
        """Whether the endpoint hides archived records unless asked (``archived=true``)."""
        return "archived" in self.spec.field_types

    @property
    def relations_param(self) -> str | None:
        return json.dumps(list(self.relations), separators=(",", ":")) if self.relations else None

    def page_cost(self) -> float:
        """What one page of this stream's listing costs under the 2026 cost model."""
        return estimate_cost(self.spec, load_params(self))


def load_params(stream: Stream) -> dict[str, str]:
    return {"load_relations": stream.relations_param} if stream.relations_param else {}


def cursor_kind(spec: ResourceSpec) -> CursorKind:
    """``updatetime`` where sortable (the Sale's last change; its ``timeStamp`` is the completion
    time of a completed sale), else ``timeStamp`` where sortable, the id for append-only logs, and
    a full snapshot for the small tables that cannot be sorted by time."""
    if "updatetime" in spec.sortable and spec.field_type("updatetime") == "datetime":
        return "updatetime"
    if spec.entity in APPEND_ONLY:
        return "id"
    if "timeStamp" in spec.sortable and spec.field_type("timeStamp") == "datetime":
        return "timestamp"
    return "snapshot"


def choose_relations(spec: ResourceSpec) -> tuple[str, ...]:
    """The relations worth loading, by what they cost and what they save.

    Under the 2026 cost model a relation costs 0.2 (to-one) or 0.4 (to-many) drips per page of a
    listing. An embedded object with no endpoint of its own (``Contact``, ``Note``,
    ``CustomFieldValues``, ``ItemAttributes``...) can only arrive that way, so it is loaded: its
    fraction of a drip per 100 records is the whole cost of having it. A relation that has its own
    endpoint (``SaleLines``, ``ItemShops``, ``Category``) is its own stream, listed incrementally at
    1 drip per 100 changed records; loading it here would cost a surcharge on every page and send
    unchanged rows again, so it is not loaded.
    """
    return tuple(r for r in spec.relations if r in EMBEDDED_ONLY)


def _specs_by_stream() -> dict[str, ResourceSpec]:
    found: dict[str, ResourceSpec] = {}
    for spec in catalog().account_resources():
        if spec.kind != "resource" or spec.nested or spec.legacy or "query" not in spec.operations:
            continue
        if not spec.id_field or spec.name in ("CatalogSearch",):
            continue
        found.setdefault(spec.attr, spec)
    return found


@cache
def all_streams() -> dict[str, Stream]:
    """Every stream that can be synced, by name."""
    return {
        name: Stream(name, spec, cursor_kind(spec), choose_relations(spec))
        for name, spec in sorted(_specs_by_stream().items())
    }


def resolve_streams(names: list[str] | tuple[str, ...] | str | None) -> list[Stream]:
    """The streams named (a list or a comma-separated string; ``None`` for the default set, ``all``
    for every stream); ``ValueError`` naming the choices for an unknown one."""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    if not names:
        names = list(DEFAULT_STREAMS)
    if list(names) == ["all"]:
        return list(all_streams().values())
    table = all_streams()
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ValueError(f"unknown stream {unknown[0]!r}; streams: {', '.join(table)}")
    return [table[n] for n in dict.fromkeys(names)]
