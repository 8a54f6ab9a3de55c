"""Items: their prices, the per-shop ItemShops rows an item carries, and archiving
(docs/reference.md#item-fields).
"""

from __future__ import annotations

from typing import Any

from ..engine.formatting import (
    Record,
    bad_request,
    decimal,
    money,
    to_wire,
    unwrap_children,
)
from ..engine.schema import field_types
from .contacts import wire_object
from .hooks import After, Ctx

PRICE_LEVELS = ((1, "Default"), (2, "MSRP"), (3, "Online"))


SHOP_COUNTERS = {"layaways": "0", "specialorders": "0", "workorders": "0"}
"""ItemShop's deprecated ``m`` counters (docs/reference.md#item-fields, ``items/show.yml``): one
shared, unchanging object (an update replaces keys, never mutates it)."""


def make_prices(amounts: dict[str, str]) -> dict[str, Any]:
    return {
        "ItemPrice": [
            {"amount": amounts.get(name, "0"), "useTypeID": str(level), "useType": name}
            for level, name in PRICE_LEVELS
        ]
    }


def default_price(item: Record) -> str:
    for price in item.get("Prices", {}).get("ItemPrice", []):
        if price.get("useTypeID") == "1":
            return str(price.get("amount", "0"))
    return "0"


def item_before(ctx: Ctx, draft: Record, payload: dict[str, Any], existing: Record | None) -> After | None:
    if not str(draft.get("description", "")).strip():
        verb = "created" if existing is None else "updated"
        raise bad_request(f"Item not {verb}. An Item must have a description.")
    amounts = {p["useType"]: p["amount"] for p in draft.get("Prices", make_prices({}))["ItemPrice"]}
    for price in unwrap_children(payload.get("Prices"), "ItemPrice"):
        name = price.get("useType") or {str(i): n for i, n in PRICE_LEVELS}.get(str(price.get("useTypeID")))
        if name:
            amounts[str(name)] = money(price.get("amount", 0))
    draft["Prices"] = make_prices(amounts)
    if isinstance(payload.get("ItemAttributes"), dict):
        draft["ItemAttributes"] = {
            "attribute1": "",
            "attribute2": "",
            "attribute3": "",
            "itemAttributeSetID": "0",
            **wire_object(payload["ItemAttributes"]),
        }
    shop_rows = unwrap_children(payload.get("ItemShops"), "ItemShop")

    def after(item: Record) -> None:
        if existing is None:
            if item.get("systemSku") in ("", "0"):
                item["systemSku"] = "21" + item["itemID"].zfill(10)
            create_item_shops(ctx, item)
        if shop_rows:
            update_item_shops(ctx, item, shop_rows)

    return after


def create_item_shops(ctx: Ctx, item: Record, qoh: dict[int, int] | None = None) -> None:
    """One ItemShop per shop plus the shopID 0 all-shops summary row (created first)."""
    table = ctx.store.table("ItemShop")
    shops = [int(s["shopID"]) for s in ctx.store.table("Shop")]
    levels = qoh or {}
    total = sum(levels.values())
    for shop_id in [0, *shops]:
        table.new(
            qoh=str(total if shop_id == 0 else levels.get(shop_id, 0)),
            timeStamp=ctx.now,
            itemID=item["itemID"],
            shopID=str(shop_id),
            m=SHOP_COUNTERS,
        )


def update_item_shops(ctx: Ctx, item: Record, rows: list[dict[str, Any]]) -> None:
    """Item PUT with ``ItemShops``: set qoh/reorder levels per shop, then re-sum the shopID 0 row."""
    table = ctx.store.table("ItemShop")
    own = table.where("itemID", item["itemID"])
    types = field_types("ItemShop")
    for row in rows:
        match = next(
            (
                s
                for s in own
                if s["itemShopID"] == str(row.get("itemShopID", ""))
                or (s["shopID"] == str(row.get("shopID", "")) and "itemShopID" not in row)
            ),
            None,
        )
        if match is None or match["shopID"] == "0":
            continue
        changes = {
            k: to_wire(v, types.get(k))
            for k, v in row.items()
            if k in ("qoh", "reorderPoint", "reorderLevel", "backorder")
        }
        table.update(match, {**changes, "timeStamp": ctx.now})
    resum_item_shops(ctx, item["itemID"])


def resum_item_shops(ctx: Ctx, item_id: str) -> None:
    table = ctx.store.table("ItemShop")
    own = table.where("itemID", item_id)
    total = money(sum(decimal(s["qoh"]) for s in own if s["shopID"] != "0"))
    for summary in (s for s in own if s["shopID"] == "0"):
        if summary["qoh"] != total:
            table.update(summary, {"qoh": total, "timeStamp": ctx.now})


def item_on_delete(ctx: Ctx, item: Record) -> After | None:
    """Archiving an item zeroes its inventory (docs/reference.md#core-endpoints)."""
    table = ctx.store.table("ItemShop")
    for row in table.where("itemID", item["itemID"]):
        if row["qoh"] != "0":
            table.update(row, {"qoh": "0", "timeStamp": ctx.now})
    return None
