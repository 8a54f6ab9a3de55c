"""Seeded service and stock work: workorders with parts and labour, transfers between the shops,
shipments of received orders, inventory counts, vendor returns and the stock log of sales.

Bounded row counts (at most 200 workorders, 300 log rows), so large stores stay cheap to build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine.formatting import decimal, money

if TYPE_CHECKING:
    from .seeder import Seeder


def seed_workorders(seeder: Seeder) -> None:
    """Workorders in every status, with parts (WorkorderItems) and labour (WorkorderLines)."""
    rng, store = seeder.rng, seeder.store
    items = store.table("Item")
    customers = len(store.table("Customer"))
    count = max(4, min(len(items) // 50, 200))
    serials = seeder.rows(
        "Serialized",
        [
            {
                "serial": f"SN{10000 + n * 17}",
                "description": "Customer bike",
                "itemID": str(1 + n),
                "customerID": str(1 + n),
                "timeStamp": seeder.when(0.5),
            }
            for n in range(3)
        ],
    )
    orders, parts, labour = [], [], []
    for n in range(count):
        when = seeder.when(0.5 + 0.5 * n / count)
        workorder_id = str(n + 1)
        orders.append(
            {
                "timeIn": when,
                "etaOut": seeder.when(0.5 + 0.5 * n / count + 0.01),
                "note": "Tune-up and parts",
                "tax": "true",
                "customerID": str(1 + rng.randrange(customers)),
                "employeeID": str(1 + n % 5),
                "shopID": str(1 + n % 2),
                "serializedID": serials[n]["serializedID"] if n < len(serials) else "0",
                "workorderStatusID": str(1 + n % 4),
                "timeStamp": when,
            }
        )
        for _ in range(rng.randint(1, 2)):
            item = items.get(1 + rng.randrange(len(items))) or {}
            parts.append(
                {
                    "approved": "true",
                    "unitPrice": item["Prices"]["ItemPrice"][0]["amount"],
                    "unitQuantity": "1",
                    "tax": item["tax"],
                    "workorderID": workorder_id,
                    "employeeID": str(1 + n % 5),
                    "itemID": item["itemID"],
                    "timeStamp": when,
                }
            )
        labour.append(
            {
                "note": "Labour",
                "hours": str(rng.randint(0, 2)),
                "minutes": rng.choice(("15", "30", "45")),
                "unitPriceOverride": "60",
                "unitQuantity": "1",
                "unitCost": "25",
                "tax": "false",
                "workorderID": workorder_id,
                "employeeID": str(1 + n % 5),
                "taxClassID": "2",
                "timeStamp": when,
            }
        )
    seeder.rows("Workorder", orders)
    seeder.rows("WorkorderItem", parts)
    seeder.rows("WorkorderLine", labour)
    seeder.rows(
        "WorkorderImage",
        [
            {
                "description": "Before",
                "filename": "wo-1.jpg",
                "publicID": "demo/wo-1",
                "size": "30211",
                "workorderID": "1",
                "createTime": seeder.when(0.5),
                "timeStamp": seeder.when(0.5),
            }
        ],
    )


def seed_stock_work(seeder: Seeder) -> None:
    """Transfers between the shops, shipments of received orders, counts, returns, a stock log."""
    store = seeder.store
    items = store.table("Item")
    transfers = seeder.rows(
        "Transfer",
        [
            {
                "note": f"Rebalance {n + 1}",
                "createTime": seeder.when(0.6 + 0.1 * n),
                "timeStamp": seeder.when(0.6 + 0.1 * n),
                "status": status,
                "sentOn": seeder.when(0.61 + 0.1 * n) if status != "open" else "",
                "sendingShopID": str(1 + n % 2),
                "receivingShopID": str(2 - n % 2),
                "sentByEmployeeID": "1" if status != "open" else "0",
            }
            for n, status in enumerate(("open", "sent", "received", "open"))
        ],
    )
    lines = []
    for n, transfer in enumerate(transfers):
        for k in range(2):
            item = items.get(1 + (7 * n + 13 * k) % len(items)) or {}
            quantity = 2 + (n + k) % 4
            done = transfer["status"] != "open"
            lines.append(
                {
                    "toSend": str(quantity),
                    "sent": str(quantity if done else 0),
                    "received": str(quantity if transfer["status"] == "received" else 0),
                    "sentValue": money(decimal(item["defaultCost"]) * quantity if done else 0),
                    "timeStamp": transfer["timeStamp"],
                    "transferID": transfer["transferID"],
                    "itemID": item["itemID"],
                }
            )
    seeder.rows("TransferItem", lines)
    received = [o for o in store.table("Order") if o["complete"] == "true"][:3]
    shipments = seeder.rows(
        "OrderShipment",
        [
            {
                "orderID": o["orderID"],
                "sequenceNumber": "1",
                "createTime": o["receivedDate"],
                "timeStamp": o["receivedDate"],
                "employeeID": "1",
                "status": "received",
            }
            for o in received
        ],
    )
    seeder.rows(
        "OrderShipmentItem",
        [
            {
                "orderShipmentID": s["orderShipmentID"],
                "orderID": s["orderID"],
                "qtyReceived": line["numReceived"],
                "vendorCost": line["vendorCost"],
                "itemID": line["itemID"],
                "createTime": s["createTime"],
                "timeStamp": s["createTime"],
            }
            for s in shipments
            for line in store.children("OrderLine", "orderID", s["orderID"])
        ],
    )
    counts = seeder.rows(
        "InventoryCount",
        [
            {"name": n, "shopID": str(k + 1), "timeStamp": seeder.when(0.8 + 0.05 * k)}
            for k, n in enumerate(("Spring count", "Cycle count"))
        ],
    )
    counted = [(c, found) for c in counts for k in range(3) if (found := items.get(1 + k))]
    seeder.rows(
        "InventoryCountItem",
        [
            {
                "qty": "5",
                "inventoryCountID": c["inventoryCountID"],
                "itemID": i["itemID"],
                "employeeID": "1",
                "timeStamp": c["timeStamp"],
            }
            for c, i in counted
        ],
    )
    seeder.rows(
        "InventoryCountCalc",
        [
            {
                "calcQoh": "6",
                "countedQoh": "5",
                "inventoryCountID": c["inventoryCountID"],
                "itemID": i["itemID"],
                "timeStamp": c["timeStamp"],
            }
            for c, i in counted
        ],
    )
    seeder.rows(
        "InventoryCountReconcile",
        [
            {
                "createTime": c["timeStamp"],
                "qohChange": "-1",
                "costChange": money(-decimal(i["defaultCost"])),
                "inventoryCountID": c["inventoryCountID"],
                "itemID": i["itemID"],
            }
            for c, i in counted[:3]
        ],
    )
    seeder.rows(
        "VendorReturn",
        [
            {
                "vendorID": str(v),
                "shopID": "1",
                "refNum": f"RMA-{v:03d}",
                "status": "sent",
                "sentDate": seeder.when(0.7),
                "total": "48.5",
                "subtotal": "48.5",
                "timeStamp": seeder.when(0.7),
            }
            for v in (1, 2)
        ],
    )
    sold = [
        line
        for line in list(store.table("SaleLine"))[:300]
        if (store.get("Sale", line["saleID"]) or {}).get("completed") == "true"
    ]
    seeder.rows(
        "InventoryLog",
        [
            {
                "qohChange": money(-decimal(line["unitQuantity"])),
                "createTime": line["createTime"],
                "automated": "true",
                "reason": "Sale",
                "employeeID": line["employeeID"],
                "itemID": line["itemID"],
                "shopID": line["shopID"],
                "saleID": line["saleID"],
            }
            for line in sold
        ],
    )
