"""The accounting reports (``Reports/Accounting/*``), computed from the store's completed sales and
received purchase orders, one row per day, shop and payment type / tax class / tax category.

A report table is rebuilt when the tables it reads have changed since it was last built; the
``startDate``/``endDate`` parameters then filter on the row's ``date`` (see ``engine/query.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from ...engine.formatting import Record, decimal, is_true, money
from ...engine.store import AccountStore

SOURCES = ("Sale", "SaleLine", "SalePayment", "Order", "OrderLine", "Item")
Key = tuple[str, ...]


def _day(timestamp: str) -> str:
    return f"{timestamp[:10]}T00:00:00+00:00"


def _completed_sales(store: AccountStore) -> dict[str, Record]:
    return {
        s["saleID"]: s
        for s in store.table("Sale")
        if is_true(s.get("completed", "false"))
        and not is_true(s.get("voided", "false"))
        and s.get("completeTime")
    }


def _name(store: AccountStore, table: str, record_id: str, field: str = "name") -> str:
    record = store.get(table, record_id) if record_id not in ("", "0") else None
    return str(record.get(field, "")) if record else ""


def _sum_by(rows: Iterable[tuple[Key, Decimal]]) -> dict[Key, Decimal]:
    totals: dict[Key, Decimal] = defaultdict(Decimal)
    for key, amount in rows:
        totals[key] += amount
    return dict(sorted(totals.items()))


def discounts_by_day(store: AccountStore) -> list[Record]:
    sales = _completed_sales(store).values()
    totals = _sum_by(
        ((_day(s["completeTime"]), s["shopID"]), decimal(s.get("calcDiscount", "0"))) for s in sales
    )
    return [{"date": d, "shopID": shop, "discount": money(v)} for (d, shop), v in totals.items()]


def payments_by_day(store: AccountStore) -> list[Record]:
    sales = _completed_sales(store)
    rows = (
        (
            (_day(sales[p["saleID"]]["completeTime"]), sales[p["saleID"]]["shopID"], p["paymentTypeID"]),
            decimal(p["amount"]),
        )
        for p in store.table("SalePayment")
        if p.get("saleID") in sales and not is_true(p.get("archived", "false"))
    )
    return [
        {
            "date": d,
            "shopID": shop,
            "layaway": "false",
            "amount": money(v),
            "paymentTypeName": _name(store, "PaymentType", kind),
            "paymentTypeID": kind,
        }
        for (d, shop, kind), v in _sum_by(rows).items()
    ]


def taxes_by_day(store: AccountStore) -> list[Record]:
    sales = _completed_sales(store).values()
    rows = (
        (
            (_day(s["completeTime"]), s["shopID"], s["taxCategoryID"]),
            decimal(s["calcTax1"]) + decimal(s["calcTax2"]),
        )
        for s in sales
        if s.get("taxCategoryID", "0") != "0"
    )
    return [
        {
            "date": d,
            "shopID": shop,
            "taxCategoryID": category,
            "taxCategoryName": _name(store, "TaxCategory", category, "tax1Name"),
            "tax": money(v),
        }
        for (d, shop, category), v in _sum_by(rows).items()
    ]


def tax_class_sales_by_day(store: AccountStore) -> list[Record]:
    sales = _completed_sales(store)
    totals: dict[Key, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for line in store.table("SaleLine"):
        sale = sales.get(line.get("saleID", ""))
        if sale is None:
            continue
        quantity = decimal(line.get("unitQuantity", "0"))
        row = totals[(_day(sale["completeTime"]), sale["shopID"], line.get("taxClassID", "0"))]
        row[0] += decimal(line.get("calcSubtotal", "0"))
        row[1] += decimal(line.get("fifoCost", "0")) * quantity
        row[2] += decimal(line.get("avgCost", "0")) * quantity
    return [
        {
            "date": d,
            "shopID": shop,
            "taxClassID": tax_class,
            "taxClassName": _name(store, "TaxClass", tax_class),
            "subtotal": money(subtotal),
            "fifoCost": money(fifo),
            "avgCost": money(average),
        }
        for (d, shop, tax_class), (subtotal, fifo, average) in sorted(totals.items())
    ]


def orders_by_tax_class(store: AccountStore) -> list[Record]:
    out: list[Record] = []
    for order in store.table("Order"):
        if not is_true(order.get("complete", "false")) or not order.get("receivedDate"):
            continue
        by_class: dict[str, Decimal] = defaultdict(Decimal)
        for line in store.children("OrderLine", "orderID", order["orderID"]):
            item = store.get("Item", line.get("itemID", "0"))
            tax_class = str(item.get("taxClassID", "0")) if item else "0"
            by_class[tax_class] += decimal(line.get("vendorCost", line.get("price", "0"))) * decimal(
                line.get("quantity", "0")
            )
        for tax_class, cost in sorted(by_class.items()):
            out.append(
                {
                    "date": _day(order["receivedDate"]),
                    "shopID": order["shopID"],
                    "vendorID": order["vendorID"],
                    "vendorName": _name(store, "Vendor", order["vendorID"]),
                    "taxClassID": tax_class,
                    "taxClassName": _name(store, "TaxClass", tax_class),
                    "cost": money(cost),
                    "orderID": order["orderID"],
                    "totalShipCost": money(decimal(order.get("shipCost", "0"))),
                    "totalOtherCost": money(decimal(order.get("otherCost", "0"))),
                }
            )
    return out


REPORTS: dict[str, Callable[[AccountStore], list[Record]]] = {
    "DiscountsByDay": discounts_by_day,
    "PaymentsByDay": payments_by_day,
    "TaxesByDay": taxes_by_day,
    "TaxClassSalesByDay": tax_class_sales_by_day,
    "OrdersByTaxClass": orders_by_tax_class,
}


def sync_report(store: AccountStore, table: str) -> None:
    """Rebuild the report ``table`` if the sales or orders changed since it was built."""
    build = REPORTS.get(table.removeprefix("ReportsAccounting"))
    if build is None:
        return
    report = store.table(table)
    version = sum(store.table(name).version for name in SOURCES)
    if report.source_version == version:
        return
    rows = build(store)
    report.clear()
    report.load([{report.id_field: str(n), **row} for n, row in enumerate(rows, start=1)])
    report.source_version = version
