"""RESOURCE on the command line: a collection name as on the account (``items``, ``item_matrices``),
an entity (``Item``, ``ItemMatrix``) or a catalogue row name (``InventoryTransfer``)."""

from __future__ import annotations

import difflib
from functools import cache

from lightspeed_pos._catalog import ResourceSpec, catalog

__all__ = ["resolve_resource", "resource_names"]


@cache
def _names() -> dict[str, ResourceSpec]:
    table: dict[str, ResourceSpec] = {}
    rows = [spec for spec in catalog().resources if not spec.nested and spec.kind == "resource"]
    for spec in rows:
        table.setdefault(spec.name.lower(), spec)
    for spec in rows:
        table.setdefault(spec.entity.lower(), spec)
        table.setdefault(spec.attr, spec)
    table["accounts"] = catalog().get("Account")
    return table


def resource_names() -> list[str]:
    """The collection names (``items``, ``sales`` ...), sorted."""
    return sorted({spec.attr for spec in _names().values()} | {"accounts"})


def resolve_resource(name: str) -> ResourceSpec:
    """The catalogue row for ``name``; ``ValueError`` (with a suggestion) when there is none."""
    key = name.strip().lower().replace("-", "_")
    spec = _names().get(key) or _names().get(key.replace("_", ""))
    if spec is None:
        close = difflib.get_close_matches(key, resource_names(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; `lightspeed resources` lists them"
        raise ValueError(f"unknown resource {name!r}{hint}")
    return spec
