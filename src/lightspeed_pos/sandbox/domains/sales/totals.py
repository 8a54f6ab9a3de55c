"""Sales: nested SaleLines/SalePayments in Sale writes, line pricing and the sale's totals.

Arithmetic (docs/reference.md#sale-fields, #sale-line-fields): a line's subtotal is quantity x unit
price, minus its discount
(``discountAmount`` or ``discountPercent`` of the subtotal, rounded to cents); taxed lines carry
the sale's tax-category rates with unrounded line taxes. The sale sums the lines, rounds each
tax to cents on the taxable amount (280 * 0.0825 = 23.1), and total = subtotal - discount +
tax1 + tax2; balance = total - payments. A completed sale must be balanced.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ...engine.formatting import (
    Record,
    bad_request,
    cents,
    decimal,
    is_true,
    money,
    one_or_many,
    to_wire,
    unwrap_children,
)
from ...engine.references import check_references
from ...engine.schema import READ_ONLY, field_types, layout
from ...engine.store import AccountStore
from ..hooks import After, Ctx
from ..items import default_price

LINE_COPIED_FROM_SALE = ("customerID", "employeeID", "shopID")


def scalars(table: str, payload: dict[str, Any]) -> dict[str, str]:
    """The payload's writable scalar fields, as wire strings."""
    types = field_types(table)
    fields = layout(table)
    return {
        k: to_wire(v, types.get(k), k)
        for k, v in payload.items()
        if k in fields and k not in READ_ONLY and not isinstance(v, dict | list)
    }


def find_item(ctx: Ctx, code: str) -> Record:
    """An item by ``itemCode``: its id, UPC, EAN, system SKU or custom SKU."""
    item = ctx.store.get("Item", code) if code.isdigit() else None
    if item is not None:
        return item
    for field in ("upc", "ean", "systemSku", "customSku"):
        found = ctx.store.children("Item", field, code)
        if found:
            return found[0]
    raise bad_request(f"Item with itemCode '{code}' not found.")


def draft_line(ctx: Ctx, sale: Record, payload: dict[str, Any], existing: Record | None) -> Record:
    """A SaleLine record from its payload (new or merged over ``existing``), not yet priced."""
    line = dict(existing) if existing else dict(layout("SaleLine"), createTime=ctx.now)
    changes = scalars("SaleLine", payload)
    item = None
    if "itemCode" in payload:
        item = find_item(ctx, str(payload["itemCode"]))
        changes["itemID"] = item["itemID"]
    elif changes.get("itemID", "0") != "0":
        item = ctx.store.get("Item", changes["itemID"])
    line.update(changes)
    if existing is None:
        for key in LINE_COPIED_FROM_SALE:
            if line.get(key, "0") == "0":
                line[key] = sale.get(key, "0")
    if item is not None:
        line["taxClassID"] = item.get("taxClassID", "0")
        line["avgCost"] = line["fifoCost"] = item.get("defaultCost", "0")
        if "unitPrice" not in changes:
            line["unitPrice"] = default_price(item)
        if "tax" not in changes:
            line["tax"] = item.get("tax", "false")
    line["timeStamp"] = ctx.now
    check_references(ctx.store, "SaleLine", line, existing)
    return line


def price_line(line: Record, tax_category: Record | None) -> None:
    """Compute a line's calc* fields in place."""
    quantity, unit = decimal(line["unitQuantity"]), decimal(line["unitPrice"])
    subtotal = quantity * unit
    discount = decimal(line["discountAmount"]) or cents(subtotal * decimal(line["discountPercent"]))
    net = subtotal - discount
    taxed = is_true(line["tax"]) and tax_category is not None
    rate1 = decimal(tax_category["tax1Rate"]) if taxed and tax_category else Decimal(0)
    rate2 = decimal(tax_category["tax2Rate"]) if taxed and tax_category else Decimal(0)
    line.update(
        tax="true" if taxed else "false",
        tax1Rate=money(rate1),
        tax2Rate=money(rate2),
        displayableSubtotal=money(subtotal),
        displayableUnitPrice=money(unit),
        calcLineDiscount=money(discount),
        calcSubtotal=money(subtotal),
        calcTax1=money(net * rate1),
        calcTax2=money(net * rate2),
        calcTotal=money(net + net * rate1 + net * rate2),
    )


def tax_class_names(store: AccountStore) -> dict[str, str]:
    return {row["taxClassID"]: row["name"] for row in store.table("TaxClass")}


def tax_class_totals(
    lines: list[Record], tax_category: Record | None, class_names: Mapping[str, str]
) -> dict[str, Any] | None:
    """``TaxClassTotals``: per tax class of the taxed lines and per tax of the category, the
    taxable amount, the rate in percent and the unrounded tax (``Sales/index.yml``)."""
    if tax_category is None:
        return None
    by_class: dict[str, tuple[Decimal, Decimal]] = {}
    for line in lines:
        if line["tax"] == "true":
            subtotal = decimal(line["calcSubtotal"])
            taxable, total = by_class.get(line["taxClassID"], (Decimal(0), Decimal(0)))
            by_class[line["taxClassID"]] = (
                taxable + subtotal - decimal(line["calcLineDiscount"]),
                total + subtotal,
            )
    taxes = [
        {
            "id": class_id,
            "name": class_names.get(class_id, ""),
            "taxable": money(taxable),
            "rate": money(decimal(tax_category[rate]) * 100),
            "amount": money(taxable * decimal(tax_category[rate])),
            "taxname": tax_category[name] or "Tax",
            "subtotal": money(subtotal),
        }
        for class_id, (taxable, subtotal) in by_class.items()
        for name, rate in (("tax1Name", "tax1Rate"), ("tax2Name", "tax2Rate"))
        if rate == "tax1Rate" or decimal(tax_category[rate])
    ]
    return {"Tax": one_or_many(taxes)} if taxes else None


def total_sale(
    sale: Record,
    lines: list[Record],
    payments: list[Record],
    tax_category: Record | None,
    class_names: Mapping[str, str] | None = None,
) -> None:
    """Compute the sale's totals in place from its (priced) lines and payments (and, given the
    tax classes' names, its ``TaxClassTotals``; none without taxed lines)."""
    subtotal = sum((decimal(x["calcSubtotal"]) for x in lines), Decimal(0))
    discount = sum((decimal(x["calcLineDiscount"]) for x in lines), Decimal(0))
    taxable = sum(
        (decimal(x["calcSubtotal"]) - decimal(x["calcLineDiscount"]) for x in lines if x["tax"] == "true"),
        Decimal(0),
    )
    rate1 = decimal(tax_category["tax1Rate"]) if tax_category else Decimal(0)
    rate2 = decimal(tax_category["tax2Rate"]) if tax_category else Decimal(0)
    tax1, tax2 = cents(taxable * rate1), cents(taxable * rate2)
    total = subtotal - discount + tax1 + tax2
    paid = sum((decimal(p["amount"]) for p in payments if p.get("archived") != "true"), Decimal(0))
    cost = sum((decimal(x["avgCost"]) * decimal(x["unitQuantity"]) for x in lines), Decimal(0))
    sale.update(
        tax1Rate=money(rate1),
        tax2Rate=money(rate2),
        calcSubtotal=money(subtotal),
        displayableSubtotal=money(subtotal),
        calcDiscount=money(discount),
        calcTaxable=money(taxable),
        calcNonTaxable=money(subtotal - discount - taxable),
        calcTax1=money(tax1),
        calcTax2=money(tax2),
        calcAvgCost=money(cost),
        calcFIFOCost=money(cost),
        calcTotal=money(total),
        total=money(total),
        totalDue=money(total),
        displayableTotal=money(total),
        calcPayments=money(paid),
        balance=money(total - paid),
        taxTotal=money(tax1 + tax2),
    )
    if class_names is not None:
        totals = tax_class_totals(lines, tax_category, class_names)
        if totals is None:
            sale.pop("TaxClassTotals", None)
        else:
            sale["TaxClassTotals"] = totals


def sale_before(ctx: Ctx, draft: Record, payload: dict[str, Any], existing: Record | None) -> After | None:
    """Sale POST/PUT: build nested lines and payments, total everything, check completion."""
    store = ctx.store
    tax_category = store.get("TaxCategory", draft.get("taxCategoryID") or "0")
    stored_lines = store.children("SaleLine", "saleID", existing["saleID"]) if existing else []
    by_id = {line["saleLineID"]: line for line in stored_lines}
    lines = {
        key: dict(line) for key, line in by_id.items()
    }  # priced as copies: stored ones change only by update
    for index, entry in enumerate(unwrap_children(payload.get("SaleLines"), "SaleLine")):
        line_id = str(entry.get("saleLineID", ""))
        key = line_id if line_id in by_id else f"new{index}"
        lines[key] = draft_line(ctx, draft, entry, by_id.get(line_id))
    for line in lines.values():
        price_line(line, tax_category)
    payments = store.children("SalePayment", "saleID", existing["saleID"]) if existing else []
    new_payments = [
        dict(layout("SalePayment"), **scalars("SalePayment", p), createTime=ctx.now)
        for p in unwrap_children(payload.get("SalePayments"), "SalePayment")
    ]
    for payment in new_payments:
        for key in ("registerID", "employeeID"):
            if payment.get(key, "0") == "0":
                payment[key] = draft.get(key, "0")
        check_references(store, "SalePayment", payment, None)
    total_sale(draft, list(lines.values()), payments + new_payments, tax_category, tax_class_names(store))
    completing = is_true(draft["completed"]) and not (existing and is_true(existing["completed"]))
    if completing and decimal(draft["balance"]) != 0:
        raise bad_request(
            f"Sale cannot be completed: payments ({draft['calcPayments']}) "
            f"must equal the total ({draft['total']})."
        )
    if completing:
        draft["completeTime"] = ctx.now
    draft["updatetime"] = ctx.now

    def after(sale: Record) -> None:
        if sale.get("ticketNumber", "") == "":
            sale["ticketNumber"] = "22" + sale["saleID"].zfill(10)
        line_table, payment_table = store.table("SaleLine"), store.table("SalePayment")
        for line in lines.values():
            line["saleID"] = sale["saleID"]
            if line.get("saleLineID", "0") in by_id:
                line_table.update(by_id[line["saleLineID"]], line)
            else:
                line_table.insert(line)
        for payment in new_payments:
            payment["saleID"] = sale["saleID"]
            payment_table.insert(payment)
        if completing:
            take_stock(ctx, sale, list(lines.values()))

    return after


def take_stock(ctx: Ctx, sale: Record, lines: list[Record]) -> None:
    """A completed sale takes its items out of the shop's stock (and the all-shops row)."""
    table = ctx.store.table("ItemShop")
    for line in lines:
        for row in table.where("itemID", line["itemID"]):
            if row["shopID"] in (sale["shopID"], "0"):
                qoh = decimal(row["qoh"]) - decimal(line["unitQuantity"])
                table.update(row, {"qoh": money(qoh), "timeStamp": ctx.now})


def retotal(ctx: Ctx, sale_id: str) -> None:
    """Recompute a stored sale after one of its lines changed."""
    sale = ctx.store.get("Sale", sale_id)
    if sale is None:
        return
    tax_category = ctx.store.get("TaxCategory", sale.get("taxCategoryID") or "0")
    changes = dict(sale)
    lines = ctx.store.children("SaleLine", "saleID", sale_id)
    payments = ctx.store.children("SalePayment", "saleID", sale_id)
    total_sale(changes, lines, payments, tax_category, tax_class_names(ctx.store))
    changes["timeStamp"] = changes["updatetime"] = ctx.now
    if "TaxClassTotals" not in changes:
        sale.pop("TaxClassTotals", None)
    ctx.store.table("Sale").update(sale, changes)


def sale_line_before(
    ctx: Ctx, draft: Record, payload: dict[str, Any], existing: Record | None
) -> After | None:
    """SaleLine written on its own (or under Sale/{id}/SaleLine): price it, then retotal the sale."""
    sale = ctx.store.get("Sale", draft.get("saleID") or "0")
    if sale is None:
        raise bad_request("A SaleLine must belong to an existing sale (saleID).")
    draft.update(draft_line(ctx, sale, payload, existing))
    draft["saleID"] = sale["saleID"]
    price_line(draft, ctx.store.get("TaxCategory", sale.get("taxCategoryID") or "0"))
    return lambda record: retotal(ctx, record["saleID"])


def sale_on_delete(ctx: Ctx, sale: Record) -> After | None:
    """Archiving a sale is a change: its ``updatetime`` moves (the cursor of a sync)."""
    return lambda archived: ctx.store.table("Sale").update(archived, {"updatetime": ctx.now})


def sale_line_on_delete(ctx: Ctx, line: Record) -> After | None:
    return lambda _deleted: retotal(ctx, line["saleID"])
