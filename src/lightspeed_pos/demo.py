"""``make demo``: the main job, on the built-in sandbox — no credentials, no network.

Shows the account, pages through every item under the rate limit (the bucket is made small so
the throttler has work to do), reads what changed in the last week, creates a sale with lines,
exports items and sales to files, syncs items and sales into an SQLite file and asks it for the
five best-selling items, reads five stores at once with the AsyncClient and prints a summary.
Run it with ``python -m lightspeed_pos.demo [--items N] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import httpx2

from . import AsyncClient, F, Item, Query, Sale
from ._querystring import encode_query
from .sandbox import Sandbox


def _printer() -> Callable[[str], None]:
    try:
        from rich.console import Console
    except ImportError:  # pragma: no cover - rich ships with the cli extra
        return print
    console = Console(highlight=False, soft_wrap=True)  # piped, a long line stays one line
    return console.print


def export(path: Path, records: list[dict[str, Any]], columns: list[str]) -> None:
    """Write ``records`` to ``path`` as CSV (``.csv``) or one JSON object per line (``.ndjson``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(records)
    else:
        with path.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, separators=(",", ":")) + "\n")


class Watch(httpx2.BaseTransport):
    """Counts requests and refusals on their way to the sandbox, and the time spent waiting."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.requests = self.refused = 0
        self.waited = 0.0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        self.requests += 1
        self.refused += response.status_code == 429
        return response

    def sleep(self, seconds: float) -> None:
        self.waited += seconds
        time.sleep(seconds)


def _money(value: Decimal | None) -> str:
    return f"{value or 0:,.2f}"


def run(items: int, out: Path, say: Callable[[str], None]) -> dict[str, Any]:
    """The demo's steps; returns the summary it prints last."""
    started = time.perf_counter()
    sandbox = Sandbox(items=items, bucket_size=30, drip_rate=1.0, time_scale=10.0)
    watch = Watch(sandbox.transport())
    with sandbox.client(transport=watch, sleep=watch.sleep) as client:
        account = client.accounts.first()
        assert account is not None
        say(f"[bold]Account[/bold] {account.id}: {account.name} (a sandbox, in-process)")
        total = account.items.count()
        say(
            f"  {account.shops.count()} shops, {account.employees.count()} employees, "
            f"{account.customers.count()} customers, {total} items"
        )

        say(
            f"\n[bold]Paging through {total} items[/bold] "
            "(bucket 30, drip 10/s: the client waits only as needed)"
        )
        all_items: list[Item] = []
        for number, page in enumerate(account.items.each_page(), start=1):
            all_items.extend(page)
            level, size = client.throttler.bucket_level or 0, client.throttler.bucket_max or 0
            if number % 5 == 0 or len(all_items) == total:
                say(f"  page {number:3d}: {len(all_items):6d}/{total} items, bucket {level:5.1f}/{size:.0f}")
        say(f"  {watch.requests} requests so far, {watch.waited:.2f}s spent waiting, {watch.refused} refused")

        priced = [i for i in all_items[:20] if i.prices.get("default")][:3]
        lines = [
            {
                "SaleLine": {
                    "itemID": i.id,
                    "unitQuantity": n + 1,
                    "unitPrice": str(i.prices["default"]),
                    "tax": True,
                }
            }
            for n, i in enumerate(priced)
        ]
        shop = account.shops.first()
        employee = account.employees.first()
        register = account.registers.first()
        sale: Sale = account.sales.create(
            shopID=shop.id if shop else 1,
            employeeID=employee.id if employee else 1,
            registerID=register.id if register else 1,
            taxCategoryID=(shop.taxCategoryID or 0) if shop else 0,
            SaleLines=lines,
        )
        say(
            f"\n[bold]Created sale {sale.id}[/bold] with {len(sale.sale_lines)} lines: subtotal "
            f"{_money(sale.calcSubtotal)}, tax {_money(sale.taxTotal)}, total {_money(sale.total)}"
        )

        since = max(i.timeStamp for i in all_items if i.timeStamp) - timedelta(days=7)
        recent = Query(F("timeStamp") > since, sort="-timeStamp")
        changed = account.items.all(recent)
        say(
            f"\n[bold]Incremental read[/bold]: {len(changed)} items changed in the last week "
            f"(GET Item.json?{encode_query(recent.params())})"
        )

        sales = account.sales.all(params={"load_relations": ["SaleLines"]})
        items_file, sales_file = out / "items.csv", out / "sales.ndjson"
        columns = [
            "itemID",
            "systemSku",
            "description",
            "defaultCost",
            "categoryID",
            "itemMatrixID",
            "timeStamp",
        ]
        export(items_file, [i.attributes for i in all_items], columns)
        export(sales_file, [s.attributes for s in sales], [])
        revenue = sum((s.total or Decimal(0) for s in sales if s.completed), Decimal(0))
        summary = {
            "account": account.id,
            "items": len(all_items),
            "sales": len(sales),
            "completed_sales_revenue": str(revenue),
            "new_sale_total": str(sale.total),
            "requests": watch.requests,
            "refused_by_rate_limit": watch.refused,
            "seconds_waiting_for_bucket": round(watch.waited, 2),
            "exports": [str(items_file), str(sales_file)],
            "seconds": round(time.perf_counter() - started, 2),
        }
        say(
            f"\n[bold]Exported[/bold] {len(all_items)} items to {items_file}, "
            f"{len(sales)} sales to {sales_file}"
        )
        summary["sync"] = sync_step(client, account.id, out / "store.db", say)
        stores = anyio.run(read_many_stores)
        say(f"\n[bold]Many stores at once[/bold] (one AsyncClient, a bucket each): {stores}")
        summary["stores_read_concurrently"] = len(stores)
        say(f"[bold]Summary[/bold] {json.dumps(summary)}")
        return summary


BEST_SELLERS = """
SELECT i.item_id, i.description, SUM(l.unit_quantity) AS sold, SUM(l.calc_total) AS revenue
FROM sale_lines l
JOIN sales s ON s.account_id = l.account_id AND s.sale_id = l.sale_id
JOIN items i ON i.account_id = l.account_id AND i.item_id = l.item_id
WHERE s.completed AND NOT s.voided AND NOT s.archived AND l._deleted_at IS NULL
GROUP BY i.item_id, i.description
ORDER BY sold DESC, revenue DESC, i.item_id
LIMIT 5
"""


def sync_step(client: Any, account_id: int, database: Path, say: Callable[[str], None]) -> dict[str, Any]:
    """Mirror items, sales and their lines into SQLite, run it again (incremental), then ask the
    database for the five best-selling items."""
    import sqlalchemy as sa

    from .sync import sync

    database.parent.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    first = sync(client, url, streams="items,sales,sale_lines", accounts=[account_id])
    again = sync(client, url, streams="items,sales,sale_lines", accounts=[account_id])
    say(
        f"\n[bold]Synced into {database}[/bold]: {first.inserted} rows in {first.requests} requests "
        f"({first.seconds:.1f} s); run again: {again.inserted + again.updated} changed rows, "
        f"{again.requests} requests"
    )
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            best = [tuple(row) for row in conn.execute(sa.text(BEST_SELLERS))]
    finally:
        engine.dispose()
    try:
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich ships with the cli extra
        for row in best:
            say("  " + "  ".join(str(v) for v in row))
    else:
        table = Table(title="Five best-selling items (SQL over the synced tables)")
        for column in ("item_id", "description", "sold", "revenue"):
            table.add_column(column, justify="left" if column == "description" else "right")
        for item_id, description, sold, revenue in best:
            table.add_row(str(item_id), str(description), str(sold), f"{Decimal(str(revenue)):.2f}")
        say(table)  # type: ignore[arg-type]
    return {
        "database": str(database),
        "rows": first.inserted,
        "requests": first.requests,
        "incremental_requests": again.requests,
        "best_sellers": [[item_id, description, int(sold)] for item_id, description, sold, _ in best],
    }


async def read_many_stores() -> dict[int, int]:
    """Five stores read concurrently by one AsyncClient, each with its own token and bucket."""
    sandbox = Sandbox(accounts=5, items=40, time_scale=10.0)
    async with AsyncClient(base_url=sandbox.base_url, transport=sandbox.async_transport()) as client:
        counts: dict[int, int] = {}

        async def read(account_id: int) -> None:
            account = client.account(account_id, oauth_token_holder=sandbox.token_holder(account_id))
            counts[account_id] = len(await account.items.all())

        async with anyio.create_task_group() as group:
            for account_id in sandbox.account_ids:
                group.start_soon(read, account_id)
        return dict(sorted(counts.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=2000, help="items in the sandbox store (default 2000)")
    parser.add_argument("--out", type=Path, default=Path("demo-output"), help="where to write the exports")
    args = parser.parse_args(argv)
    run(args.items, args.out, _printer())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
