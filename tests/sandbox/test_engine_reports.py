"""The accounting reports add up the store's completed sales and received orders."""

from __future__ import annotations

from decimal import Decimal

from lightspeed_pos.sandbox import Sandbox


def test_payments_by_day_add_up_and_filter_by_date() -> None:
    sandbox = Sandbox(rate_limit=False)
    account = sandbox.client().account(sandbox.account_id)
    report = account.payments_by_day.all({"startDate": "2026-07-01", "endDate": "2026-07-31"})
    assert report and all("2026-07-01" <= r.attributes["date"][:10] <= "2026-07-31" for r in report)
    sales = {
        s.id: s
        for s in account.sales.all({"completed": "true"})
        if s.completeTime and "2026-07-01" <= s.completeTime.isoformat()[:10] <= "2026-07-31" and not s.voided
    }
    paid = sum(
        (p.amount or Decimal(0) for p in account.sale_payments.all() if p.saleID in sales and not p.archived),
        Decimal(0),
    )
    assert sum(Decimal(r.attributes["amount"]) for r in report) == paid
    assert "reportsAccountingPaymentsByDayID" not in report[0].attributes  # reports carry no id


def test_reports_page_and_sort_by_date_without_losing_rows() -> None:
    sandbox = Sandbox(rate_limit=False)
    account = sandbox.client().account(sandbox.account_id)
    for name in ("payments_by_day", "taxes_by_day", "discounts_by_day", "tax_class_sales_by_day"):
        collection = getattr(account, name)
        forward = collection.all()
        backward = collection.all({"sort": "-date"})
        assert len(forward) > 100 and len(backward) == len(forward), name
        dates = [r.attributes["date"] for r in backward]
        assert dates == sorted(dates, reverse=True), name


def test_reports_follow_new_sales() -> None:
    sandbox = Sandbox(rate_limit=False)
    account = sandbox.client().account(sandbox.account_id)
    before = sum(Decimal(r.attributes["discount"]) for r in account.discounts_by_day.all())
    lines = [{"SaleLine": {"itemID": 1, "unitQuantity": 1, "unitPrice": "10", "discountAmount": "2.5"}}]
    sale = account.sales.create(shopID=1, employeeID=1, registerID=1, taxCategoryID=0, SaleLines=lines)
    total = sale.total or Decimal(0)
    account.sales.update(
        sale.id, completed=True, SalePayments=[{"SalePayment": {"amount": str(total), "paymentTypeID": 1}}]
    )
    after = sum(Decimal(r.attributes["discount"]) for r in account.discounts_by_day.all())
    assert after == before + Decimal("2.5")
    orders = account.orders_by_tax_class.all()
    assert orders and all(Decimal(r.attributes["cost"]) > 0 for r in orders)
