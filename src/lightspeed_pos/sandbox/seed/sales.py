"""Seeded transactions: sales with lines and payments, special orders and purchase orders
(``seed_sales``, ``seed_orders``), the records the API derives from sales (quotes, voids, ship-tos,
card charges: ``seed_sale_records``) and the registers' counts, withdrawals and employee hours
(``seed_registers``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domains.sales.totals import price_line, tax_class_names, tax_class_totals, total_sale
from ..engine.formatting import Record, decimal, money
from ..engine.schema import layout

if TYPE_CHECKING:
    from .seeder import Seeder


def seed_sales(seeder: Seeder, count: int) -> None:
    """Sales spread over the half year: priced lines, 85% completed and paid in full."""
    rng, store = seeder.rng, seeder.store
    items = [r for r in store.table("Item") if r["archived"] == "false"]
    tax_categories = {r["taxCategoryID"]: r for r in store.table("TaxCategory")}
    customers = len(store.table("Customer"))
    class_names = tax_class_names(store)
    sales: list[Record] = []
    lines: list[Record] = []
    payments: list[Record] = []
    for n in range(count):
        when = seeder.when(0.2 + 0.8 * n / count)
        tax_id = rng.choice(("1", "1", "1", "2", "3"))  # 3: Tax Exempt
        shop = rng.choice(("1", "1", "2"))
        sale: Record = dict(
            layout("Sale"),
            saleID=str(n + 1),
            ticketNumber=f"22{n + 1:010d}",
            createTime=when,
            timeStamp=when,
            updatetime=when,
            employeeID=str(1 + n % 5),
            shopID=shop,
            registerID="3" if shop == "2" else "1",
            taxCategoryID=tax_id,
            customerID=str(1 + rng.randrange(customers)) if customers and rng.random() < 0.6 else "0",
        )
        own_lines = []
        for _ in range(rng.randint(1, 3)):
            item = rng.choice(items)
            line = dict(
                layout("SaleLine"),
                saleLineID=str(len(lines) + 1),
                createTime=when,
                timeStamp=when,
                unitQuantity=str(rng.randint(1, 3)),
                unitPrice=item["Prices"]["ItemPrice"][0]["amount"],
                avgCost=item["defaultCost"],
                fifoCost=item["defaultCost"],
                tax=item["tax"],
                taxClassID=item["taxClassID"],
                itemID=item["itemID"],
                saleID=sale["saleID"],
                employeeID=sale["employeeID"],
                shopID=shop,
                customerID=sale["customerID"],
                taxCategoryID=tax_id,
            )
            if len(lines) % 2 == 0:  # a line note (Sales/index.yml: most lines carry one)
                note_id = str(len(lines) // 2 + 1)
                line["noteID"] = note_id
                text = "Gift wrap" if len(lines) % 6 == 0 else ""
                line["Note"] = {"noteID": note_id, "note": text, "isPublic": "false", "timeStamp": when}
            price_line(line, tax_categories.get(tax_id))
            own_lines.append(line)
        total_sale(sale, own_lines, [], tax_categories.get(tax_id))
        if rng.random() < 0.85:
            payment = dict(
                layout("SalePayment"),
                salePaymentID=str(len(payments) + 1),
                amount=sale["total"],
                createTime=when,
                saleID=sale["saleID"],
                paymentTypeID=rng.choice(("1", "3", "3", "6")),
                registerID=sale["registerID"],
                employeeID=sale["employeeID"],
            )
            payments.append(payment)
            total_sale(sale, own_lines, [payment], tax_categories.get(tax_id))
            sale.update(completed="true", completeTime=when)
        totals = tax_class_totals(own_lines, tax_categories.get(tax_id), class_names)
        if totals is not None:
            sale["TaxClassTotals"] = totals
        sales.append(sale)
        lines += own_lines
    store.table("Sale").load(sales)
    store.table("SaleLine").load(lines)
    store.table("SalePayment").load(payments)
    open_sales = {s["saleID"] for s in sales if s["completed"] == "false"}
    open_lines = [line for line in lines if line["saleID"] in open_sales]
    seeder.rows(
        "SpecialOrder",
        [
            {
                "unitQuantity": line["unitQuantity"],
                "customerID": line["customerID"],
                "shopID": line["shopID"],
                "saleLineID": line["saleLineID"],
            }
            for line in open_lines[:10]
        ],
    )


def seed_orders(seeder: Seeder, count: int) -> None:
    """Purchase orders with lines; the older 70% received."""
    rng, items = seeder.rng, len(seeder.store.table("Item"))
    orders, lines = [], []
    for n in range(count):
        when = seeder.when(0.1 + 0.85 * n / count)
        received = n < count * 0.7
        own = []
        for _ in range(rng.randint(1, 4)):
            item = seeder.store.get("Item", 1 + rng.randrange(items))
            assert item is not None
            quantity, cost = rng.randint(2, 24), item["defaultCost"]
            own.append(
                {
                    "quantity": str(quantity),
                    "price": cost,
                    "originalPrice": cost,
                    "vendorCost": cost,
                    "numReceived": str(quantity if received else 0),
                    "orderID": str(n + 1),
                    "itemID": item["itemID"],
                    "createTime": when,
                    "timeStamp": when,
                    "total": money(quantity * float(cost)),
                }
            )
        lines += own
        orders.append(
            {
                "orderedDate": when,
                "receivedDate": when if received else "",
                "refNum": f"PO-{n + 1:04d}",
                "complete": "true" if received else "false",
                "vendorID": str(1 + n % 8),
                "shopID": str(1 + n % 2),
                "createdByEmployeeID": "1",
                "createTime": when,
                "timeStamp": when,
                "totalQuantity": str(sum(int(x["quantity"]) for x in own)),
            }
        )
    seeder.rows("Order", orders)
    seeder.rows("OrderLine", lines)


def seed_sale_records(seeder: Seeder) -> None:
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


def seed_registers(seeder: Seeder) -> None:
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
