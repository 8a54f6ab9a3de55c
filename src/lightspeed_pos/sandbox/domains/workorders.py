"""Workorder actions: ``Workorder/{id}/checkout`` (into a sale) and ``clone``."""

from __future__ import annotations

from ..engine.formatting import (
    bad_request,
    decimal,
    money,
)
from ..engine.relations import answer
from ..http.messages import ApiResponse
from .action_call import Call
from .sales.actions import new_sale, sale_answer


def checkout(call: Call) -> ApiResponse:
    """A sale holding the workorder's items and labour lines; the workorder points at it."""
    workorder, store = call.record, call.ctx.store
    key = workorder["workorderID"]
    if workorder["saleID"] not in ("", "0"):
        raise bad_request(f"Workorder {key} is already checked out on sale {workorder['saleID']}.")
    items = store.children("WorkorderItem", "workorderID", key)
    labour = store.children("WorkorderLine", "workorderID", key)
    if not items and not labour:
        raise bad_request(f"Workorder {key} has no items or lines to check out.")
    lines = [
        {
            "itemID": row["itemID"],
            "unitQuantity": row["unitQuantity"],
            "unitPrice": row["unitPrice"],
            "tax": row["tax"],
            "isWorkorder": "true",
        }
        for row in items
    ]
    for row in labour:
        hours = decimal(row["hours"]) + decimal(row["minutes"]) / 60
        line = {"itemID": row["itemID"], "unitQuantity": row["unitQuantity"] or "1", "isWorkorder": "true"}
        if decimal(row["unitPriceOverride"]) or row["itemID"] in ("", "0"):
            line["unitPrice"] = money(decimal(row["unitPriceOverride"]) * (hours or 1))
            line.update(tax=row["tax"], taxClassID=row["taxClassID"])
        lines.append(line)
    shop = store.get("Shop", workorder["shopID"]) or {}
    registers = store.children("Register", "shopID", workorder["shopID"])
    sale = new_sale(
        call,
        {
            "customerID": workorder["customerID"],
            "employeeID": workorder["employeeID"],
            "shopID": workorder["shopID"],
            "registerID": registers[0]["registerID"] if registers else "0",
            "taxCategoryID": shop.get("taxCategoryID", "0"),
            "SaleLines": lines,
        },
    )
    sale_lines = store.children("SaleLine", "saleID", sale["saleID"])
    for table, row, line in zip(
        ["WorkorderItem"] * len(items) + ["WorkorderLine"] * len(labour),
        items + labour,
        sale_lines,
        strict=False,
    ):
        call.touch(table, row, {"saleID": sale["saleID"], "saleLineID": line["saleLineID"]})
    first = sale_lines[0]["saleLineID"] if sale_lines else "0"
    call.touch("Workorder", workorder, {"saleID": sale["saleID"], "saleLineID": first})
    return sale_answer(call, sale)


def clone(call: Call) -> ApiResponse:
    """A copy of the workorder (status back to open, no sale) with copies of its lines and items."""
    original, store, now = call.record, call.ctx.store, call.ctx.now
    opened = [s for s in store.table("WorkorderStatus") if s["systemValue"] == "open"]
    status = opened[0]["workorderStatusID"] if opened else original["workorderStatusID"]
    copy = store.table("Workorder").insert(
        {
            **original,
            "workorderID": "0",
            "timeIn": now,
            "timeStamp": now,
            "archived": "false",
            "saleID": "0",
            "saleLineID": "0",
            "workorderStatusID": status,
        }
    )
    for table in ("WorkorderLine", "WorkorderItem"):
        id_field = store.table(table).id_field
        for row in store.children(table, "workorderID", original["workorderID"]):
            store.table(table).insert(
                {
                    **row,
                    id_field: "0",
                    "workorderID": copy["workorderID"],
                    "saleID": "0",
                    "saleLineID": "0",
                    "timeStamp": now,
                }
            )
    return answer(store, "Workorder", "Workorder", copy, {"WorkorderLines": {}, "WorkorderItems": {}})
