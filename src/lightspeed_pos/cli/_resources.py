"""RESOURCE on the command line: the collection names of the Python API, read from the generated
``Account`` class (``items``, ``inventory_transfers``, ``discounts_by_day``, ``display_sale``),
``customers.custom_fields`` for the custom fields of customers, items and orders, ``accounts`` and
``locale``. The entity (``Item``) and the catalogue row name (``InventoryTransfer``) work too."""

from __future__ import annotations

import difflib
from functools import cache

from lightspeed_pos._catalog import ResourceSpec, catalog

__all__ = ["cli_name", "resolve_resource", "resource_names"]


def _account_collections() -> dict[str, str]:
    """``{python attribute: catalogue row name}`` for every collection on ``Account``."""
    from lightspeed_pos._children import Child
    from lightspeed_pos.models.account import Account

    return {attr: member.name for attr, member in vars(Account).items() if isinstance(member, Child)}


@cache
def _tables() -> tuple[dict[str, ResourceSpec], dict[str, ResourceSpec]]:
    """The names as in Python (``primary``) and the other spellings accepted (``aliases``)."""
    table = catalog()
    primary = {attr: table.get(name) for attr, name in _account_collections().items()}
    by_row = {spec.name: attr for attr, spec in primary.items()}
    for spec in table.resources:
        parent, _, last = spec.path.rpartition("/")
        if last == "CustomField" and spec.scope == "account":
            parent_attr = next((a for a, s in primary.items() if s.path == parent), None)
            if parent_attr is not None:
                primary[f"{parent_attr}.custom_fields"] = spec
    primary["accounts"] = table.get("Account")
    primary["locale"] = table.get("Locale")
    aliases: dict[str, ResourceSpec] = {}
    ordered = sorted(primary.items(), key=lambda pair: (pair[1].kind != "resource", pair[1].nested))
    for attr, spec in ordered:  # plain endpoints first: "sale" is Sale, not DisplayTemplateSale
        for alias in (spec.name.lower(), spec.entity.lower(), spec.attr, attr.replace(".", "_")):
            if alias not in primary and by_row.get(spec.name, attr) == attr:
                aliases.setdefault(alias, spec)
    return primary, aliases


def resource_names() -> list[str]:
    """The collection names (``items``, ``sales`` ...), sorted: the same as on ``Account``."""
    return sorted(_tables()[0])


def cli_name(spec: ResourceSpec) -> str:
    """The name a catalogue row goes by on the command line (and on ``Account``)."""
    primary, _ = _tables()
    return next((name for name, row in primary.items() if row.name == spec.name), spec.attr)


def resolve_resource(name: str) -> ResourceSpec:
    """The catalogue row for ``name``; ``ValueError`` (with a suggestion) when there is none."""
    primary, aliases = _tables()
    key = name.strip().lower().replace("-", "_")
    spec = primary.get(key) or aliases.get(key) or aliases.get(key.replace("_", ""))
    if spec is None:
        close = difflib.get_close_matches(key, resource_names(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; `lightspeed resources` lists them"
        raise ValueError(f"unknown resource {name!r}{hint}")
    return spec
