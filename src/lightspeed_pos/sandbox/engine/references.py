"""Foreign keys checked on every write: a field named like another table's primary id
(``itemID``, ``shopID``, ``customerID``...) must name a record that exists, or be ``"0"``.

A SaleLine with ``itemID`` 999999 is the API's 400, not a line pointing at nothing.
"""

from __future__ import annotations

from functools import cache

from .formatting import Record, bad_request
from .schema import specs_by_table
from .store import AccountStore

NOT_REFERENCES = frozenset({"accountID", "sessionID", "inventoryID"})
"""Id-named fields that are not foreign keys into a table of the account (``Inventory`` is a view)."""


@cache
def reference_fields() -> dict[str, str]:
    """Foreign-key field -> the table it points into (names shared by two tables are left out)."""
    owners: dict[str, list[str]] = {}
    for table, spec in specs_by_table().items():
        if spec.kind == "resource" and spec.id_field and spec.id_field.endswith("ID"):
            owners.setdefault(spec.id_field, []).append(table)
    return {
        name: tables[0] for name, tables in owners.items() if len(tables) == 1 and name not in NOT_REFERENCES
    }


def check_references(store: AccountStore, table: str, record: Record, before: Record | None) -> None:
    """400 when a foreign key ``record`` sets (new, or changed from ``before``) names no record."""
    own = specs_by_table().get(table)
    own_id = own.id_field if own else None
    for name, target in reference_fields().items():
        if name == own_id or name not in record:
            continue
        value = str(record[name])
        if value in ("", "0") or (before is not None and str(before.get(name, "")) == value):
            continue
        if store.get(target, value) is None:
            raise bad_request(f"{target} with {name} '{value[:40]}' not found.")
