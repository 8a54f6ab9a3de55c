"""Writes: POST (create), PUT (update) and DELETE (archive or hard delete) of any table.

Plain fields are copied from the JSON body as wire strings (real JSON numbers and booleans are
accepted); ids and read-only fields are ignored; ``timeStamp`` moves to ``now()`` on every
change. Tables with special behaviour get their :class:`~..domains.hooks.Hooks` (``HOOKS`` below).
"""

from __future__ import annotations

from typing import Any

from ..._catalog import ResourceSpec
from ..domains.categories import category_before, category_on_delete
from ..domains.contacts import contact_hook
from ..domains.hooks import After, Ctx, Hooks
from ..domains.items import item_before, item_on_delete
from ..domains.sales.totals import sale_before, sale_line_before, sale_line_on_delete, sale_on_delete, scalars
from ..domains.shops import shop_before
from ..domains.transfers import transfer_before
from .formatting import Record, bad_request
from .references import check_references
from .schema import layout

HOOKS: dict[str, Hooks] = {
    "Item": Hooks(item_before, item_on_delete, ("ItemShops",)),
    "Category": Hooks(category_before, category_on_delete),
    "Sale": Hooks(sale_before, sale_on_delete, ("Shop", "TaxCategory", "SaleLines", "SalePayments")),
    "SaleLine": Hooks(sale_line_before, sale_line_on_delete),
    "Customer": Hooks(contact_hook),
    "Vendor": Hooks(contact_hook),
    "Employee": Hooks(contact_hook),
    "Shop": Hooks(shop_before),
    "Transfer": Hooks(transfer_before),
}

ITEM_SHOP_WRITABLE = frozenset({"reorderPoint", "reorderLevel"})
"""ItemShop PUT may only change the reorder levels (docs/reference.md#core-endpoints, since 2025.06.06)."""


def body_object(payload: Any, entity: str) -> dict[str, Any]:
    """The JSON body as an object; a body wrapped as ``{"Item": {…}}`` is unwrapped."""
    if not isinstance(payload, dict):
        raise bad_request("The request body must be a JSON object.")
    inner = payload.get(entity)
    if len(payload) == 1 and isinstance(inner, dict):
        return inner
    return payload


def create(
    ctx: Ctx, spec: ResourceSpec, table: str, payload: dict[str, Any], parents: dict[str, str]
) -> Record:
    draft = dict(layout(table))
    draft.update(scalars(table, payload))
    draft.update(parents)
    for stamp_field in ("createTime", "timeStamp"):
        if stamp_field in draft:
            draft[stamp_field] = ctx.now
    draft[spec.id_field] = "0"  # the table assigns the next id
    after = _before(ctx, table, draft, payload, None)
    check_references(ctx.store, table, draft, None)
    record = ctx.store.table(table).insert(draft)
    if after:
        after(record)
    return record


def update(ctx: Ctx, table: str, record: Record, payload: dict[str, Any]) -> Record:
    changes = scalars(table, payload)
    if table == "ItemShop":
        changes = {k: v for k, v in changes.items() if k in ITEM_SHOP_WRITABLE}
    draft = {**record, **changes}
    if "timeStamp" in draft:
        draft["timeStamp"] = ctx.now
    after = _before(ctx, table, draft, payload, record)
    check_references(ctx.store, table, draft, record)
    ctx.store.table(table).update(record, draft)
    if after:
        after(record)
    return record


def delete(ctx: Ctx, spec: ResourceSpec, table: str, record: Record) -> Record:
    """Archive (``archived`` = true) or remove, per the catalogue row's ``delete`` mode."""
    hooks = HOOKS.get(table)
    after = hooks.on_delete(ctx, record) if hooks and hooks.on_delete else None
    if spec.delete == "archive" and "archived" in record:
        changes = {"archived": "true"}
        if "timeStamp" in record:
            changes["timeStamp"] = ctx.now
        ctx.store.table(table).update(record, changes)
    else:
        ctx.store.table(table).delete(int(record[spec.id_field]))
    if after:
        after(record)
    return record


def _before(
    ctx: Ctx, table: str, draft: Record, payload: dict[str, Any], existing: Record | None
) -> After | None:
    hooks = HOOKS.get(table)
    return hooks.before(ctx, draft, payload, existing) if hooks and hooks.before else None


def response_relations(table: str) -> tuple[str, ...]:
    hooks = HOOKS.get(table)
    return hooks.response_relations if hooks else ()
