"""Relations: parsing ``load_relations``, rendering records with their related records, and the
values a dotted filter (``ItemShops.qoh``, ``Contact.email``) looks at.

A relation is resolved generically from the store (docs/reference.md#load-relations):

* **embedded** - an object stored inside the record (``Contact``, ``Note``, ``Prices``…);
* **to-one** - ``Category`` through the record's ``categoryID`` (``Parent`` through ``parentID``);
* **to-many** - ``ItemShops``: rows of table ``ItemShop`` whose ``itemID`` is this record's id,
  rendered as ``{"ItemShops":{"ItemShop":[…]}}`` (one child: an object).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..._catalog import ResourceSpec
from ..http.messages import ApiResponse
from .formatting import Record, bad_request, envelope, one_or_many
from .schema import specs_by_table
from .store import AccountStore

Tree = dict[str, "Tree"]
"""Relations to load: name -> the relations to load on it in turn."""

ALWAYS_EMBEDDED = frozenset({"Prices"})
"""Embedded objects present even without ``load_relations`` (Item ``Prices``;
docs/reference.md#load-relations)."""

ALIASES: dict[str, tuple[str, str]] = {"Parent": ("Category", "parentID")}
"""To-one relations whose name is not their table: name -> (table, foreign key)."""

CONTACT_PHONES = {
    "phoneHome": "Home",
    "phoneWork": "Work",
    "mobile": "Mobile",
    "pager": "Pager",
    "fax": "Fax",
}


def parse_load_relations(raw: str | None, spec: ResourceSpec, *, legacy: bool = False) -> Tree:
    """``["ItemShops","SaleLines.Item"]`` or ``all`` -> a relation tree (400 on bad JSON).

    ``all`` loads every relation but ``CustomFieldValues`` on V3 (docs/reference.md#load-relations);
    the legacy paths included them (2016 recordings: ``items/show.yml``)."""
    if not raw:
        return {}
    if raw.strip() == "all":
        names = [r for r in spec.relations if legacy or not r.startswith("CustomFieldValues")]
    else:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = [part.strip() for part in raw.split(",")]
        if isinstance(parsed, str):
            parsed = [parsed]
        if not isinstance(parsed, list) or not all(isinstance(n, str) for n in parsed):
            raise bad_request("load_relations must be a JSON array of relation names or 'all'.")
        names = parsed
    tree: Tree = {}
    for name in names:
        node = tree
        for part in name.rstrip("*").split("."):
            node = node.setdefault(part, {})
    return tree


@dataclass(frozen=True)
class Link:
    """How a relation name resolves from one table."""

    kind: str  # "embedded" | "one" | "many"
    table: str = ""
    key: str = ""
    singular: str = ""


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def resolve(table: str, name: str, record: Record) -> Link | None:
    """Resolve relation ``name`` of a record of ``table`` (None when it cannot be)."""
    if name in record and name[:1].isupper():
        return Link("embedded")
    tables = specs_by_table()
    if name in ALIASES:
        target, key = ALIASES[name]
        return Link("one", target, key)
    if name in tables and lower_first(name) + "ID" in record:
        return Link("one", name, lower_first(name) + "ID")
    own = tables.get(table)
    if own is None or not own.id_field:
        return None
    for singular in (name[:-1], name[:-2], name[:-3] + "y"):
        if singular in tables and singular != table:
            return Link("many", singular, own.id_field, singular)
    return None


def related(store: AccountStore, table: str, record: Record, link: Link) -> list[Record]:
    """The records a table relation points at (to-one: zero or one)."""
    if link.kind == "one":
        target = store.get(link.table, record.get(link.key) or "0")
        return [target] if target is not None else []
    if link.kind == "many":
        own_id = record.get(specs_by_table()[table].id_field, "")
        return store.children(link.table, link.key, own_id)
    return []


def render(store: AccountStore, table: str, record: Record, tree: Tree | None = None) -> Record:
    """The wire form of a record with the relations of ``tree`` (embedded ones only if asked)."""
    tree = tree or {}
    out: Record = {}
    for key, value in record.items():
        # lower-case keys are fields (ItemShop ``m``), always sent; capitalised ones relations
        if isinstance(value, str) or key in ALWAYS_EMBEDDED or key[:1].islower():
            out[key] = value
        elif key in tree:
            out[key] = _embedded(store, key, value, tree[key])
    for name, subtree in tree.items():
        if name in out:
            continue
        link = resolve(table, name, record)
        if link is None or link.kind == "embedded":
            continue
        targets = [render(store, link.table, t, subtree) for t in related(store, table, record, link)]
        if not targets:
            continue  # recordings omit empty table relations (Sale without lines: no SaleLines)
        out[name] = targets[0] if link.kind == "one" else {link.singular: one_or_many(targets)}
    return out


def _embedded(store: AccountStore, name: str, value: Any, subtree: Tree) -> Any:
    """An embedded object with the relations asked below it (``ItemAttributes.ItemAttributeSet``)."""
    if not subtree or not isinstance(value, dict) or not any(k[:1].islower() for k in value):
        return value
    return {**value, **render(store, name, value, subtree)}


def related_values(store: AccountStore, table: str, record: Record, name: str, field: str) -> list[str]:
    """The values a dotted filter ``name.field`` compares against (any may match)."""
    link = resolve(table, name, record)
    if link is None:
        return []
    if link.kind == "embedded":
        return _embedded_values(record.get(name), field)
    return [str(r.get(field, "")) for r in related(store, table, record, link) if field in r]


def _embedded_values(value: Any, field: str) -> list[str]:
    if not isinstance(value, dict):
        return []
    if field == "email":
        return [str(e.get("address", "")) for e in _entries(value.get("Emails"), "ContactEmail")]
    if field in CONTACT_PHONES:
        phones = _entries(value.get("Phones"), "ContactPhone")
        return [str(p.get("number", "")) for p in phones if p.get("useType") == CONTACT_PHONES[field]]
    if field in value and isinstance(value[field], str):
        return [value[field]]
    addresses = _entries(value.get("Addresses"), "ContactAddress")
    return [str(a[field]) for a in addresses if field in a]


def _entries(value: Any, singular: str) -> list[dict[str, Any]]:
    if not isinstance(value, dict):
        return []
    inner = value.get(singular)
    return inner if isinstance(inner, list) else [inner] if isinstance(inner, dict) else []


def answer(
    store: AccountStore, entity: str, table: str, record: Record, tree: Tree, extra: tuple[str, ...] = ()
) -> ApiResponse:
    """The single-record envelope of a write or action: ``tree`` plus the ``extra`` relations."""
    full: Tree = {**{name: {} for name in extra}, **tree}
    return envelope(entity, render(store, table, record, full))
