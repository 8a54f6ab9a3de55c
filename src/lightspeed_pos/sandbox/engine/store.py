"""The data store: one table per entity per account, keyed by sequential id.

Tables hold records in wire form (:data:`~.formatting.Record`) in id order. Foreign-key lookups
("the ItemShops of item 7") go through per-field indexes that are built on first use and kept
up to date on every write, so a 100 000-item store stays fast to read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .formatting import Record
from .formatting import record_id as parse_id
from .schema import layout, specs_by_table

Undo = Callable[[], None]


class Journal:
    """The undo steps of the write in progress (shared by an account's tables); see
    :meth:`AccountStore.transaction`."""

    def __init__(self) -> None:
        self.steps: list[Undo] | None = None

    def record(self, step: Undo) -> None:
        if self.steps is not None:
            self.steps.append(step)


class Table:
    """Records of one entity, in insertion (= id) order."""

    def __init__(self, name: str, id_field: str, journal: Journal | None = None) -> None:
        self.name = name
        self.id_field = id_field
        self.journal = journal or Journal()
        self.rows: dict[int, Record] = {}
        self.next_id = 1
        self.version = 0
        self.source_version = -1
        """For derived tables (legacy ``Inventory``): the source version they were built from."""
        self._indexes: dict[str, dict[str, dict[int, None]]] = {}
        self._sorted: tuple[int, list[int]] = (-1, [])

    def sorted_ids(self) -> list[int]:
        """The ids in ascending order (cached until the next write)."""
        if self._sorted[0] != self.version:
            self._sorted = (self.version, sorted(self.rows))
        return self._sorted[1]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.rows.values())

    def get(self, record_id: int) -> Record | None:
        return self.rows.get(record_id)

    def new(self, **values: Any) -> Record:
        """Insert a record built from the table's layout, giving it the next id."""
        record = dict(layout(self.name))
        record.update(values)
        return self.insert(record)

    def insert(self, record: Record) -> Record:
        """Insert a record; it gets the next id unless it already carries one."""
        record_id = int(record.get(self.id_field) or 0) or self.next_id
        record[self.id_field] = str(record_id)
        next_id, replaced = self.next_id, self.rows.get(record_id)
        self.journal.record(lambda: self._undo_insert(record_id, next_id, replaced))
        self.next_id = max(self.next_id, record_id + 1)
        self.rows[record_id] = record
        for name, index in self._indexes.items():
            index.setdefault(str(record.get(name, "")), {})[record_id] = None
        self.version += 1
        return record

    def update(self, record: Record, changes: dict[str, Any]) -> None:
        """Change a stored record in place, keeping indexes right."""
        record_id = int(record[self.id_field])
        if self.journal.steps is not None:
            before = {key: record[key] for key in changes if key in record}
            added = [key for key in changes if key not in record]
            self.journal.record(lambda: self._undo_update(record, before, added))
        for name, index in self._indexes.items():
            if name in changes and changes[name] != record.get(name):
                index.get(str(record.get(name, "")), {}).pop(record_id, None)
                index.setdefault(str(changes[name]), {})[record_id] = None
        record.update(changes)
        self.version += 1

    def delete(self, record_id: int) -> Record | None:
        record = self.rows.pop(record_id, None)
        if record is not None:
            for name, index in self._indexes.items():
                index.get(str(record.get(name, "")), {}).pop(record_id, None)
            self.version += 1
            removed = record
            self.journal.record(lambda: self._restore(record_id, removed))
        return record

    # -- undo (run in reverse order by AccountStore.transaction) ---------------------------

    def _unindex(self, record_id: int, record: Record) -> None:
        for name, index in self._indexes.items():
            index.get(str(record.get(name, "")), {}).pop(record_id, None)

    def _restore(self, record_id: int, record: Record) -> None:
        self.rows[record_id] = record
        self.rows = dict(sorted(self.rows.items()))
        for name, index in self._indexes.items():
            index.setdefault(str(record.get(name, "")), {})[record_id] = None
        self.version += 1

    def _undo_insert(self, record_id: int, next_id: int, replaced: Record | None) -> None:
        record = self.rows.pop(record_id, None)
        if record is not None:
            self._unindex(record_id, record)
        self.next_id = next_id
        self.version += 1
        if replaced is not None:
            self._restore(record_id, replaced)

    def _undo_update(self, record: Record, before: dict[str, Any], added: list[str]) -> None:
        record_id = int(record[self.id_field])
        self._unindex(record_id, record)
        for key in added:
            record.pop(key, None)
        record.update(before)
        for name, index in self._indexes.items():
            index.setdefault(str(record.get(name, "")), {})[record_id] = None
        self.version += 1

    def load(self, records: list[Record]) -> None:
        """Bulk-insert seed records that already carry ascending ids (no index upkeep)."""
        for record in records:
            self.rows[int(record[self.id_field])] = record
        self.next_id = max(self.rows, default=0) + 1
        self._indexes.clear()
        self.version += 1

    def clear(self) -> None:
        self.rows.clear()
        self._indexes.clear()
        self.next_id = 1
        self.version += 1

    def where(self, name: str, value: str) -> list[Record]:
        """Records whose field ``name`` equals ``value`` (indexed), in id order."""
        index = self._indexes.get(name)
        if index is None:
            index = {}
            for record_id, record in self.rows.items():
                index.setdefault(str(record.get(name, "")), {})[record_id] = None
            self._indexes[name] = index
        ids = index.get(value, {})
        return [self.rows[i] for i in sorted(ids)]


@dataclass
class AccountStore:
    """Everything one account holds."""

    account_id: int
    name: str
    tables: dict[str, Table] = field(default_factory=dict)
    journal: Journal = field(default_factory=Journal, repr=False)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: when the block raises, every insert, update and delete it made through
        the tables is undone (newest first) and the error goes on. Not re-entrant."""
        self.journal.steps = []
        try:
            yield
        except BaseException:
            for step in reversed(self.journal.steps):
                step()
            raise
        finally:
            self.journal.steps = None

    def table(self, name: str) -> Table:
        """The table (created empty on first use, for every catalogue entity)."""
        found = self.tables.get(name)
        if found is None:
            spec = specs_by_table().get(name)
            id_field = spec.id_field if spec and spec.id_field else name[:1].lower() + name[1:] + "ID"
            found = self.tables[name] = Table(name, id_field, self.journal)
        return found

    def get(self, name: str, record_id: str | int) -> Record | None:
        number = record_id if isinstance(record_id, int) else parse_id(record_id)
        return None if number is None else self.table(name).get(number)

    def children(self, name: str, fk: str, value: str) -> list[Record]:
        return self.table(name).where(fk, value)


INVENTORY_FIELDS = ("qoh", "reorderPoint", "reorderLevel", "itemID", "shopID", "timeStamp")


def sync_inventory(store: AccountStore) -> None:
    """Rebuild the legacy ``Inventory`` rows (one per item and real shop) from ``ItemShop``."""
    source, view = store.table("ItemShop"), store.table("Inventory")
    if view.source_version == source.version:
        return
    view.clear()
    view.load(
        [
            {"inventoryID": row["itemShopID"], **{k: row.get(k, "0") for k in INVENTORY_FIELDS}}
            for row in source
            if row.get("shopID") != "0"
        ]
    )
    view.source_version = source.version
