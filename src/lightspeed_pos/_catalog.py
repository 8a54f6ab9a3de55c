"""The table of endpoints: one :class:`ResourceSpec` row per R-Series endpoint.

The rows are read from ``catalog.json``, which ``tools/build_catalog.py`` builds from the
endpoint catalogue (``tools/data/endpoints.json``). The client and the sandbox both read this
table: paths, id fields, allowed operations, sortable fields, relations and field types live
here and nowhere else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

Operation = Literal["read", "query", "create", "update", "delete"]
FieldType = Literal["integer", "decimal", "boolean", "datetime", "string", "object"]

_IRREGULAR_PLURALS = {
    "Serialized": "serialized",
    "EmployeeHours": "employee_hours",
    "TransferItems": "transfer_items",
    "Session": "session",
}


def snake(name: str) -> str:
    """``ItemMatrix`` -> ``item_matrix``; ``CCCharge`` -> ``cc_charge``."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def plural(name: str) -> str:
    """The collection attribute for an entity name: ``Category`` -> ``categories``."""
    if name in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[name]
    word = snake(name)
    if word.endswith("matrix"):
        return word[: -len("matrix")] + "matrices"
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy", "uy")):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


@dataclass(frozen=True)
class ResourceSpec:
    """One endpoint of the API, as the catalogue describes it."""

    name: str
    """Unique name of the row, e.g. ``Item``, ``SaleSaleLine``, ``InventoryTransfer``."""
    entity: str
    """The record's key in responses and payloads, e.g. ``SaleLine``."""
    path: str
    """Path below ``/Account/{accountID}/`` without ``.json``; may hold ``{parentID}`` segments."""
    id_field: str
    scope: Literal["account", "global"]
    kind: Literal["resource", "report", "display_template"]
    operations: frozenset[str]
    delete: Literal["archive", "delete"] | None
    sortable: tuple[str, ...]
    relations: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]
    source: str = ""
    legacy: bool = False
    field_types: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def parents(self) -> tuple[str, ...]:
        """The placeholders of a nested path, in order: ``("saleID",)`` for ``Sale/{saleID}/SaleLine``."""
        return tuple(re.findall(r"\{(\w+)\}", self.path))

    @property
    def nested(self) -> bool:
        return bool(self.parents)

    @property
    def attr(self) -> str:
        """The snake_case plural used as the collection's attribute name."""
        last = self.path.rsplit("/", 1)[-1] if self.path else self.entity
        return plural(last if last and not last.startswith("{") else self.entity)

    def allows(self, operation: str) -> bool:
        return operation in self.operations

    def field_type(self, name: str) -> str | None:
        return self.field_types.get(name)


@dataclass(frozen=True)
class ActionSpec:
    """An action endpoint on one record: ``POST Sale/{saleID}/refund.json`` and the like."""

    resource: str
    """The catalogue row the action belongs to (``Sale``)."""
    segment: str
    """The last path segment: ``{path}/{id}/{segment}.json``."""
    method: str
    name: str
    """The method name on records and collections (``refund``)."""
    returns: str = ""
    """The entity of the answer (``Sale``); empty when it is a plain message."""
    source: str = ""


@dataclass(frozen=True)
class Catalog:
    resources: tuple[ResourceSpec, ...]
    actions: tuple[ActionSpec, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {spec.name: spec for spec in self.resources})

    def get(self, name: str) -> ResourceSpec:
        """The row named ``name`` (``KeyError`` when there is none)."""
        by_name: dict[str, ResourceSpec] = self._by_name  # type: ignore[attr-defined]
        return by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name  # type: ignore[attr-defined]

    def account_resources(self) -> list[ResourceSpec]:
        return [s for s in self.resources if s.scope == "account"]

    def actions_for(self, resource: str) -> list[ActionSpec]:
        return [a for a in self.actions if a.resource == resource]

    def action(self, resource: str, name: str) -> ActionSpec | None:
        return next((a for a in self.actions if a.resource == resource and a.name == name), None)


@cache
def catalog() -> Catalog:
    """The catalogue shipped with the package (parsed once)."""
    raw = json.loads(resources.files("lightspeed_pos").joinpath("catalog.json").read_text("utf-8"))
    rows = []
    for row in raw["resources"]:
        fields = tuple((str(f[0]), str(f[1])) for f in row["fields"])
        rows.append(
            ResourceSpec(
                name=row["name"],
                entity=row["entity"],
                path=row["path"],
                id_field=row["id_field"],
                scope=row["scope"],
                kind=row["kind"],
                operations=frozenset(row["operations"]),
                delete=row["delete"],
                sortable=tuple(row["sortable"]),
                relations=tuple(row["relations"]),
                fields=fields,
                source=row.get("source", ""),
                legacy=bool(row.get("legacy", False)),
                field_types=dict(fields),
            )
        )
    actions = tuple(ActionSpec(**a) for a in raw["actions"])
    return Catalog(resources=tuple(rows), actions=actions)
