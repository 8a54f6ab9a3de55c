"""Completed sales per shop from the sandbox, with their lines loaded in the same requests.

Run: .venv/bin/python examples/sales_report.py
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from lightspeed_pos.sandbox import Sandbox


def main() -> None:
    sandbox = Sandbox()
    with sandbox.client() as client:
        account = client.account(sandbox.account_id)
        totals: dict[int, Decimal] = defaultdict(Decimal)
        lines: dict[int, int] = defaultdict(int)
        for sale in account.sales.each(params={"completed": "true", "load_relations": ["SaleLines"]}):
            totals[sale.shopID or 0] += sale.total or Decimal(0)
            lines[sale.shopID or 0] += len(sale.sale_lines)
        for shop in account.shops.all():
            print(f"{shop.name:30s} {totals[shop.id]:>12,.2f} over {lines[shop.id]} lines")


if __name__ == "__main__":
    main()
