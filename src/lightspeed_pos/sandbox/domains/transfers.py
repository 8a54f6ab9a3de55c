"""Inventory transfers between shops (docs/reference.md#inventory-endpoints): the Transfer write hook
and the actions.

A transfer is created ``open``; its ``TransferItems`` are added, updated and deleted through
``POST Inventory/Transfer/{id}/AddItems|UpdateItems|DeleteItems.json`` while it is open;
``Send.json`` marks it ``sent`` (items ``sent`` = ``toSend``, valued at the item's average cost)
and takes the stock out of the sending shop; ``Archive.json``/``Restore.json`` toggle
``archived``. Receiving happens only in the UI. Item actions answer the transfer with its items.
"""

from __future__ import annotations

from typing import Any

from ..engine.formatting import Record, bad_request, decimal, money, to_wire, unwrap_children
from ..engine.relations import answer
from ..engine.schema import field_types
from ..http.messages import ApiResponse
from .action_call import Call, Handler
from .hooks import After, Ctx
from .items import resum_item_shops

ITEM_FIELDS = ("toSend", "toReceive", "comment")
"""What AddItems/UpdateItems may set on a TransferItem."""


def transfer_before(
    ctx: Ctx, draft: Record, payload: dict[str, Any], existing: Record | None
) -> After | None:
    """Transfer POST/PUT: both shops must exist and differ; ``status`` moves only by the actions."""
    for key in ("sendingShopID", "receivingShopID"):
        if ctx.store.get("Shop", draft.get(key) or "0") is None:
            raise bad_request(f"Transfer {key} '{draft.get(key)}' is not a shop.")
    if draft["sendingShopID"] == draft["receivingShopID"]:
        raise bad_request("A transfer must go between two different shops.")
    if existing is None:
        draft.update(status="open", archived="false", sentOn="", sentByEmployeeID="0")
    else:
        draft["status"] = existing["status"]
        moved = any(draft[k] != existing[k] for k in ("sendingShopID", "receivingShopID"))
        if moved and existing["status"] != "open":
            raise bad_request(f"Transfer {existing['transferID']} was sent; its shops cannot change.")
    return None


def transfer_answer(call: Call) -> ApiResponse:
    return answer(call.ctx.store, "Transfer", "Transfer", call.record, {"TransferItems": {}})


def must_be_open(call: Call) -> None:
    if call.record["status"] != "open":
        raise bad_request(f"Transfer {call.record['transferID']} is {call.record['status']}, not open.")


def entries(call: Call) -> list[dict[str, Any]]:
    """The body's TransferItems: ``{"TransferItems":{"TransferItem":[…]}}``, ``{"TransferItem":…}``,
    ``{"TransferItems":[…]}`` or a bare list; bare ids stand for ``{"transferItemID": id}``."""
    body = call.body()
    if isinstance(body, dict):
        body = body.get("TransferItems", body.get("TransferItem", body))
    if isinstance(body, dict) and "TransferItem" in body:
        body = body["TransferItem"]
    raw = body if isinstance(body, list) else [body]
    rows = [{"transferItemID": e} if isinstance(e, int | str) else e for e in raw]
    found = unwrap_children(rows, "TransferItem")
    if not found:
        raise bad_request("The body must list TransferItems.")
    return found


def item_values(entry: dict[str, Any]) -> dict[str, str]:
    types = field_types("TransferItem")
    return {key: to_wire(entry[key], types.get(key)) for key in ITEM_FIELDS if key in entry}


def own_item(call: Call, entry: dict[str, Any]) -> Record:
    key = str(entry.get("transferItemID", ""))
    row = call.ctx.store.get("TransferItem", key) if key.isdigit() else None
    if row is None or row["transferID"] != call.record["transferID"]:
        raise bad_request(f"TransferItem '{key}' is not on transfer {call.record['transferID']}.")
    return row


def add_items(call: Call) -> ApiResponse:
    """New lines (or more of an item already on the transfer)."""
    must_be_open(call)
    store, transfer_id = call.ctx.store, call.record["transferID"]
    on_transfer = {row["itemID"]: row for row in store.children("TransferItem", "transferID", transfer_id)}
    for entry in entries(call):
        item = store.get("Item", str(entry.get("itemID", "")))
        if item is None:
            raise bad_request(f"Item '{entry.get('itemID')}' not found.")
        values = item_values(entry)
        existing = on_transfer.get(item["itemID"])
        if existing is not None:
            total = decimal(existing["toSend"]) + decimal(values.get("toSend", 0))
            call.touch("TransferItem", existing, {**values, "toSend": money(total)})
            continue
        on_transfer[item["itemID"]] = store.table("TransferItem").new(
            **values, timeStamp=call.ctx.now, transferID=transfer_id, itemID=item["itemID"]
        )
    call.touch("Transfer", call.record, {})
    return transfer_answer(call)


def update_items(call: Call) -> ApiResponse:
    must_be_open(call)
    for entry in entries(call):
        call.touch("TransferItem", own_item(call, entry), item_values(entry))
    call.touch("Transfer", call.record, {})
    return transfer_answer(call)


def delete_items(call: Call) -> ApiResponse:
    must_be_open(call)
    rows = [own_item(call, entry) for entry in entries(call)]
    for row in rows:
        call.ctx.store.table("TransferItem").delete(int(row["transferItemID"]))
    call.touch("Transfer", call.record, {})
    return transfer_answer(call)


def send(call: Call) -> ApiResponse:
    """Mark the transfer sent and take the stock out of the sending shop."""
    must_be_open(call)
    store, transfer = call.ctx.store, call.record
    rows = [
        r
        for r in store.children("TransferItem", "transferID", transfer["transferID"])
        if decimal(r["toSend"])
    ]
    if not rows:
        raise bad_request(f"Transfer {transfer['transferID']} has nothing to send.")
    stock = store.table("ItemShop")
    for row in rows:
        item = store.get("Item", row["itemID"]) or {}
        value = decimal(row["toSend"]) * decimal(item.get("avgCost") or item.get("defaultCost"))
        call.touch("TransferItem", row, {"sent": row["toSend"], "sentValue": money(value)})
        for level in stock.where("itemID", row["itemID"]):
            if level["shopID"] == transfer["sendingShopID"]:
                qoh = money(decimal(level["qoh"]) - decimal(row["toSend"]))
                stock.update(level, {"qoh": qoh, "timeStamp": call.ctx.now})
        resum_item_shops(call.ctx, row["itemID"])
    sender = call.employee(call.object(), "sentByEmployeeID")
    call.touch("Transfer", transfer, {"status": "sent", "sentOn": call.ctx.now, "sentByEmployeeID": sender})
    return transfer_answer(call)


def archive(call: Call) -> ApiResponse:
    call.touch("Transfer", call.record, {"archived": "true"})
    return transfer_answer(call)


def restore(call: Call) -> ApiResponse:
    call.touch("Transfer", call.record, {"archived": "false"})
    return transfer_answer(call)


TRANSFER_ACTIONS: dict[str, Handler] = {
    "send": send,
    "archive": archive,
    "restore": restore,
    "add_items": add_items,
    "update_items": update_items,
    "delete_items": delete_items,
}
"""The catalogue's action name -> handler, for ``Inventory/Transfer/{transferID}/<segment>``."""
