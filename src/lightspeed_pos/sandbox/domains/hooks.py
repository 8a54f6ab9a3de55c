"""Per-entity write behaviour where the real API differs from plain field storage.

Each table may have :class:`Hooks`: ``before`` validates and completes a draft record before it
is stored (and may return an ``after`` callback run once the record has its id), ``on_delete``
vetoes or reacts to a DELETE. Sales live in ``_sales.py``; Item, Category and contacts here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine.formatting import (
    ApiError,
    Record,
    bad_request,
    container,
    decimal,
    money,
    to_wire,
    unwrap_children,
)
from ..engine.schema import field_types
from ..engine.store import AccountStore

After = Callable[[Record], None]


@dataclass
class Ctx:
    """What a hook may use: the account's store and the write's timestamp."""

    store: AccountStore
    now: str


@dataclass(frozen=True)
class Hooks:
    before: Callable[[Ctx, Record, dict[str, Any], Record | None], After | None] | None = None
    on_delete: Callable[[Ctx, Record], After | None] | None = None
    response_relations: tuple[str, ...] = ()
    """Relations a POST/PUT answer carries without ``load_relations`` (Item ItemShops…)."""


# -- contacts ---------------------------------------------------------------------------------

CONTACT_PARTS = (
    ("Addresses", "ContactAddress"),
    ("Phones", "ContactPhone"),
    ("Emails", "ContactEmail"),
    ("Websites", "ContactWebsite"),
)


def wire_object(value: dict[str, Any]) -> dict[str, Any]:
    """Scalars of a nested payload object as wire strings (nested objects kept)."""
    return {k: wire_object(v) if isinstance(v, dict) else to_wire(v, None) for k, v in value.items()}


def make_contact(payload: Any, now: str, existing: dict[str, Any] | None = None) -> dict[str, Any]:
    """A stored ``Contact``: flags, then Addresses/Phones/Emails/Websites containers (``""`` if none)."""
    contact: dict[str, Any] = dict(
        existing
        or {
            "custom": "",
            "noEmail": "true",
            "noPhone": "true",
            "noMail": "true",
            "Addresses": "",
            "Phones": "",
            "Emails": "",
            "Websites": "",
        }
    )
    payload = payload if isinstance(payload, dict) else {}
    for key, value in payload.items():
        if not isinstance(value, dict | list):
            contact[key] = to_wire(value, "boolean" if key.startswith("no") else None)
    for plural, singular in CONTACT_PARTS:
        if plural in payload:
            contact[plural] = container(
                singular, [wire_object(c) for c in unwrap_children(payload[plural], singular)]
            )
    contact["timeStamp"] = now
    # the recorded order: contactID (on employees), flags, timeStamp, then the containers
    order = ["contactID", "custom", "noEmail", "noPhone", "noMail", "timeStamp"] + [
        p for p, _ in CONTACT_PARTS
    ]
    ordered = {key: contact[key] for key in order if key in contact}
    ordered.update((key, value) for key, value in contact.items() if key not in ordered)
    return ordered


def contact_hook(ctx: Ctx, draft: Record, payload: dict[str, Any], existing: Record | None) -> After | None:
    """Customer/Vendor/Employee/Shop: embed ``Contact`` (and ``Note``) from the payload."""
    if "Contact" in payload or existing is None:
        draft["Contact"] = make_contact(payload.get("Contact"), ctx.now, draft.get("Contact"))
    if isinstance(payload.get("Note"), dict):
        draft["Note"] = {
            "note": "",
            "isPublic": "false",
            **wire_object(payload["Note"]),
            "timeStamp": ctx.now,
        }
    return None


# -- items ------------------------------------------------------------------------------------

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


def shop_before(ctx: Ctx, draft: Record, payload: dict[str, Any], existing: Record | None) -> After | None:
    contact_hook(ctx, draft, payload, existing)
    if existing is not None:
        return None

    def after(shop: Record) -> None:
        table = ctx.store.table("ItemShop")
        for summary in table.where("shopID", "0"):
            table.new(timeStamp=ctx.now, itemID=summary["itemID"], shopID=shop["shopID"], m=SHOP_COUNTERS)

    return after


# -- categories -------------------------------------------------------------------------------


def category_before(
    ctx: Ctx, draft: Record, payload: dict[str, Any], existing: Record | None
) -> After | None:
    if not str(draft.get("name", "")).strip():
        raise bad_request("name cannot be blank.")
    parent_id = draft.get("parentID") or "0"
    if parent_id != "0":
        parent = ctx.store.get("Category", parent_id)
        if parent is None:
            raise bad_request(f"Parent category '{parent_id}' not found.")
        while existing is not None and parent is not None:
            if parent["categoryID"] == existing["categoryID"]:
                raise bad_request("A category cannot be moved below itself.")
            parent = ctx.store.get("Category", parent.get("parentID") or "0")
    if existing is None:
        draft["leftNode"] = str(10**12)  # sorts after its siblings until renumbered
    return lambda _record: renumber_categories(ctx.store)


def category_on_delete(ctx: Ctx, category: Record) -> After | None:
    if ctx.store.children("Category", "parentID", category["categoryID"]):
        raise ApiError(400, "Category cannot be deleted because it has child categories.")
    return None


def renumber_categories(store: AccountStore) -> None:
    """Recompute the nested set (leftNode/rightNode), nodeDepth and fullPathName from parentIDs."""
    table = store.table("Category")
    by_parent: dict[str, list[Record]] = {}
    for category in table:
        by_parent.setdefault(category.get("parentID") or "0", []).append(category)
    counter = 0

    def walk(parent_id: str, depth: int, path: str) -> None:
        nonlocal counter
        siblings = sorted(
            by_parent.get(parent_id, []), key=lambda c: (int(decimal(c["leftNode"])), int(c["categoryID"]))
        )
        for category in siblings:
            counter += 1
            left = counter
            full = f"{path}/{category['name']}" if path else category["name"]
            walk(category["categoryID"], depth + 1, full)
            counter += 1
            changes = {
                "leftNode": str(left),
                "rightNode": str(counter),
                "nodeDepth": str(depth),
                "fullPathName": full,
            }
            if any(category.get(k) != v for k, v in changes.items()):
                table.update(category, changes)

    walk("0", 0, "")
