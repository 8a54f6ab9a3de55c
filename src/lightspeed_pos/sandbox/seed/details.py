"""Seeded data for the endpoints the core seed (``_seed.py``, ``_seed_trade.py``) leaves empty.

Reference rows (seasons, workorder statuses, custom fields, options…), a little per-item and
per-customer detail (tags, vendor numbers, custom field values, credit accounts and gift cards),
service and stock work (workorders, transfers, inventory counts, vendor returns) and the
read-only records the API derives from sales, registers and stock (SaleVoid, ShipTo, CCCharge,
RegisterCount, InventoryLog…). All of it is a bounded number of rows, so the 100 000-item build
stays as cheap as before; everything is drawn from the seeder's timeline and ``Random``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..domains.images import BASE_IMAGE_URL
from ..engine.formatting import Record, container, decimal, money
from .work import service, stock_work

if TYPE_CHECKING:
    from .store import Seeder

STATUSES = (
    ("Open", "open", "#3b82f6"),
    ("Waiting", "waiting", "#f59e0b"),
    ("Estimate", "estimate", "#8b5cf6"),
    ("Finished", "finished", "#10b981"),
    ("Done & Paid", "paid", "#6b7280"),
)
CUSTOM_FIELDS = {
    "Item": (("Material", "string"), ("Warranty months", "integer"), ("Fit", "single_choice")),
    "Customer": (("Birthday club", "boolean"), ("Preferred store", "single_choice")),
    "Order": (("Carrier", "string"), ("Priority", "single_choice")),
}


def seed_more(seeder: Seeder) -> None:
    reference(seeder)
    item_details(seeder)
    accounts(seeder)
    sale_records(seeder)
    registers(seeder)
    service(seeder)
    stock_work(seeder)


def reference(seeder: Seeder) -> None:
    t0 = seeder.when(0.0)
    seeder.rows("Season", [{"name": n} for n in ("Spring/Summer", "Fall/Winter", "Holiday")])
    seeder.rows(
        "WorkorderStatus",
        [
            {"name": name, "systemValue": value, "htmlColor": color, "sortOrder": str(n)}
            for n, (name, value, color) in enumerate(STATUSES)
        ],
    )
    seeder.rows(
        "Discount",
        [{"name": "Staff 20%", "discountPercent": "0.2", "requireCustomer": "true", "timeStamp": t0}],
    )
    seeder.rows("TagGroup", [{"name": n} for n in ("Seasonal", "Promotions")])
    seeder.rows(
        "Option",
        [
            {"name": n, "value": v}
            for n, v in (("currency_symbol", "$"), ("weight_units", "lb"), ("enable_ecom", "false"))
        ],
    )
    seeder.rows(
        "Industry", [{"name": n, "enabled": e} for n, e in (("Apparel", "true"), ("Outdoor", "false"))]
    )
    seeder.rows(
        "CurrencyRate",
        [
            {"currencyCode": c, "rate": r, "createTime": t0, "timeStamp": t0}
            for c, r in (("CAD", "1.36"), ("EUR", "0.92"))
        ],
    )
    seeder.rows(
        "ItemFee",
        [
            {"name": "Bottle deposit", "calculationMethod": "flat", "feeValue": "0.1", "createTime": t0},
            {"name": "Eco fee", "calculationMethod": "percent", "feeValue": "0.02", "createTime": t0},
        ],
    )
    for owner, fields in CUSTOM_FIELDS.items():
        seeder.rows(f"{owner}CustomField", [{"name": n, "type": k, "timeStamp": t0} for n, k in fields])
        choice_ids = [str(n + 1) for n, (_, kind) in enumerate(fields) if kind == "single_choice"]
        seeder.rows(
            f"{owner}CustomFieldChoice",
            [
                {"name": v, "value": v, "canBeDeleted": "true", "customFieldID": c, "timeStamp": t0}
                for c in choice_ids
                for v in ("Slim", "Regular", "Relaxed")
            ],
        )
    seeder.rows(
        "CatalogVendorItem",
        [
            {
                "vendorNumber": f"CV-{n:04d}",
                "description": f"Catalogue {noun}",
                "cost": money(5 + n),
                "msrp": money(12 + 2 * n),
                "upc": f"{700000000000 + n:012d}",
                "brand": "Northwind",
                "catalogVendorID": "1",
            }
            for n, noun in enumerate(("Tee", "Cap", "Mug", "Sock", "Tote"), start=1)
        ],
    )


def item_details(seeder: Seeder) -> None:
    """Tags (every 25th item), vendor numbers (two items in five), custom field values (one in
    ten, and every 50th with a value) and an image on the first matrix."""
    for matrix in list(seeder.store.table("ItemMatrix"))[:1]:
        seeder.rows(
            "Image",
            [
                {
                    "description": matrix["description"],
                    "filename": f"matrix-{matrix['itemMatrixID']}.jpg",
                    "publicID": f"demo/matrix-{matrix['itemMatrixID']}",
                    "size": "51200",
                    "itemMatrixID": matrix["itemMatrixID"],
                    "baseImageURL": BASE_IMAGE_URL,
                    "createTime": matrix["timeStamp"],
                    "timeStamp": matrix["timeStamp"],
                }
            ],
        )
    table, tags = seeder.store.table("Item"), {t["tagID"]: t for t in seeder.store.table("Tag")}
    tag_ids = list(tags)
    vendor_nums = values = 0
    for item_id, item in table.rows.items():
        if item_id % 5 in (0, 2):
            vendor_nums += 1
            item["ItemVendorNums"] = {
                "ItemVendorNum": {
                    "itemVendorNumID": str(vendor_nums),
                    "value": f"V{item['defaultVendorID']}-{item_id:06d}",
                    "cost": item["defaultCost"],
                    "timeStamp": item["createTime"],
                    "vendorID": item["defaultVendorID"],
                    "itemID": item["itemID"],
                }
            }
        if item_id % 25 == 0:
            pair = (tag_ids[item_id % len(tag_ids)], tag_ids[(item_id // 25) % len(tag_ids)])
            item["TagRelations"] = container(
                "TagRelation",
                [{"tagID": t, "itemID": item["itemID"], "Tag": tags[t]} for t in dict.fromkeys(pair)],
            )
        if item_id % 50 == 0 or item_id % 10 == 7:
            values += 1
            item["CustomFieldValues"] = {
                "CustomFieldValue": {
                    "customFieldValueID": str(values),
                    "customFieldID": "1",
                    "name": "Material",
                    "type": "string",
                    "value": "Cotton" if item_id % 50 == 0 else "",
                }
            }


def accounts(seeder: Seeder) -> None:
    """Store credit for one customer in five, three gift cards (one unassigned)."""
    customers = seeder.store.table("Customer")
    picked = [c for c in customers if int(c["customerID"]) % 10 in (1, 3)][:30]
    rows: list[dict[str, Any]] = [
        {
            "name": f"{c['firstName']} {c['lastName']}",
            "customerID": c["customerID"],
            "balance": money(-(int(c["customerID"]) % 7) * 5),
            "timeStamp": seeder.when(0.5),
        }
        for c in picked
    ]
    rows += [
        {
            "name": f"Gift card {n}",
            "code": f"GC{n:02d}{7391 * n:08d}",
            "giftCard": "true",
            "customerID": picked[n]["customerID"] if n and n < len(picked) else "0",
            "balance": money(-25 * (n + 1)),
            "timeStamp": seeder.when(0.6 + 0.1 * n),
        }
        for n in range(3)
    ]
    for account in seeder.rows("CreditAccount", rows):
        customer = customers.get(int(account["customerID"]))
        if customer is not None and account["giftCard"] == "false":
            customer["creditAccountID"] = account["creditAccountID"]
    for n, customer in enumerate(picked[:5], start=1):
        customer["CustomFieldValues"] = {
            "CustomFieldValue": {
                "customFieldValueID": str(n),
                "customFieldID": "1",
                "name": "Birthday club",
                "type": "boolean",
                "value": "true",
            }
        }


def sale_records(seeder: Seeder) -> None:
    """Quotes and voids on open sales, ship-tos on customer sales, card charges on card payments."""
    store = seeder.store
    sales = store.table("Sale")
    open_sales = [s for s in sales if s["completed"] == "false"]
    for sale, quote in zip(
        open_sales[:3],
        seeder.rows(
            "Quote",
            [
                {
                    "issueDate": s["createTime"],
                    "notes": "Quoted at the counter",
                    "employeeID": s["employeeID"],
                    "saleID": s["saleID"],
                }
                for s in open_sales[:3]
            ],
        ),
        strict=True,
    ):
        sale["quoteID"] = quote["quoteID"]
    voided = open_sales[3:5]
    for sale in voided:
        sale["voided"] = "true"
    seeder.rows(
        "SaleVoid",
        [
            {
                "createTime": s["updatetime"],
                "reason": "Customer changed mind",
                "saleID": s["saleID"],
                "employeeID": s["employeeID"],
                "shopID": s["shopID"],
            }
            for s in voided
        ],
    )
    shipped = [s for s in sales if s["customerID"] != "0"][:4]
    ship_tos = seeder.rows(
        "ShipTo",
        [
            {
                "shipped": "true" if n % 2 == 0 else "false",
                "timeStamp": s["timeStamp"],
                "shipNote": "Leave at the door",
                "firstName": (store.get("Customer", s["customerID"]) or {}).get("firstName", ""),
                "lastName": (store.get("Customer", s["customerID"]) or {}).get("lastName", ""),
                "customerID": s["customerID"],
                "saleID": s["saleID"],
                "Contact": (store.get("Customer", s["customerID"]) or {}).get("Contact", ""),
            }
            for n, s in enumerate(shipped)
        ],
    )
    for sale, ship_to in zip(shipped, ship_tos, strict=True):
        sale["shipToID"] = ship_to["shipToID"]
    card_payments = [p for p in store.table("SalePayment") if p["paymentTypeID"] == "3"][:20]
    charges = seeder.rows(
        "CCCharge",
        [
            {
                "gatewayTransID": f"T{7000 + n}",
                "xnum": f"XXXX-{1000 + n * 37 % 9000}",
                "response": "APPROVED",
                "amount": p["amount"],
                "exp": "1229",
                "authCode": f"A{n:05d}",
                "timeStamp": p["createTime"],
                "saleID": p["saleID"],
                "entryMethod": "chip",
                "cardholderName": "CARDHOLDER",
            }
            for n, p in enumerate(card_payments)
        ],
    )
    for payment, charge in zip(card_payments, charges, strict=True):
        payment["ccChargeID"] = charge["ccChargeID"]
    seeder.rows(
        "ProcessingFee",
        [
            {
                "salePaymentID": p["salePaymentID"],
                "processor": "Lightspeed Payments",
                "amount": money(decimal(p["amount"]) * decimal("0.029") + decimal("0.3")),
                "fixedFee": "0.3",
                "variablePct": "2.9",
                "createTime": p["createTime"],
            }
            for p in card_payments[:5]
        ],
    )
    seeder.rows(
        "SalePaymentSignature",
        [{"createTime": p["createTime"], "salePaymentID": p["salePaymentID"]} for p in card_payments[:3]],
    )


def registers(seeder: Seeder) -> None:
    """Two past closes per register (counts with amounts), an opening float and a payout, hours."""
    counts: list[Record] = []
    for register in seeder.store.table("Register"):
        for day in (0.4, 0.7):
            counts.append(
                {
                    "createTime": seeder.when(day + 0.002),
                    "openTime": seeder.when(day),
                    "notes": "",
                    "registerID": register["registerID"],
                    "openEmployeeID": "1",
                    "closeEmployeeID": "2",
                }
            )
    stored = seeder.rows("RegisterCount", counts)
    seeder.rows(
        "RegisterCountAmount",
        [
            {
                "calculated": money(200 + 10 * n),
                "actual": money(200 + 10 * n - n % 2),
                "registerCountID": c["registerCountID"],
                "paymentTypeID": kind,
            }
            for n, c in enumerate(stored)
            for kind in ("1", "3")
        ],
    )
    seeder.rows(
        "RegisterWithdraw",
        [
            {
                "amount": "150",
                "createTime": seeder.when(0.4),
                "notes": "Opening float",
                "employeeID": "1",
                "paymentTypeID": "1",
                "registerID": "1",
            },
            {
                "amount": "-20",
                "createTime": seeder.when(0.401),
                "notes": "Window cleaner",
                "employeeID": "2",
                "paymentTypeID": "1",
                "registerID": "1",
            },
        ],
    )
    seeder.rows(
        "EmployeeHours",
        [
            {
                "checkIn": seeder.when(0.9 + n * 0.01),
                "checkOut": seeder.when(0.9 + n * 0.01 + 0.002),
                "employeeID": str(n + 1),
                "shopID": "1",
            }
            for n in range(3)
        ],
    )
