"""After a sync the destination equals the API, row by row, on SQLite and PostgreSQL; changes made
between runs arrive with the next incremental run."""

from __future__ import annotations

from typing import Any

from lightspeed_pos.sync import resolve_streams, sync

from ._compare import compare_all
from ._support import Clock, sandbox


def assert_exact(client: Any, account_id: int, url: str, names: list[str] | None = None) -> int:
    return compare_all(client, account_id, url, resolve_streams(names))


def test_a_sync_equals_the_api_row_by_row(database_url: str) -> None:
    box = sandbox()
    with box.client() as client:
        report = sync(client, database_url, accounts=[box.account_id])
        assert report.ok, report.errors
        assert report.inserted > 1000
        compared = assert_exact(client, box.account_id, database_url)
        assert compared > report.inserted  # child rows too
        again = sync(client, database_url, accounts=[box.account_id])
        assert again.ok and again.inserted == 0 and again.updated == 0


def test_changes_between_runs_arrive_with_the_next_run(database_url: str) -> None:
    clock = Clock()
    box = sandbox(clock=clock)
    with box.client() as client:
        account = client.account(box.account_id)
        assert sync(client, database_url, accounts=[box.account_id]).ok
        clock.tick(60)
        created = account.items.create(description="Brand new", defaultCost="3.10")
        account.items.update(2, description="Renamed")
        account.items.archive(3)
        account.customers.update(1, firstName="Zed")
        leaf = next(
            c
            for c in account.categories.all()
            if int(c.attributes["rightNode"]) - int(c.attributes["leftNode"]) == 1
        )
        account.categories.destroy(leaf.id)  # deleted for good
        account.sales.create(
            shopID=1,
            employeeID=1,
            registerID=1,
            SaleLines={"SaleLine": [{"itemID": 4, "unitQuantity": 2}, {"itemID": 5, "unitQuantity": 1}]},
        )
        old_line = account.sale_lines.first()
        assert old_line is not None
        account.sale_lines.destroy(old_line.id)  # deleted for good
        clock.tick(1)
        report = sync(client, database_url, accounts=[box.account_id], sweep=True)
        assert report.ok, report.errors
        assert report.stream("items").inserted == 1 and report.stream("items").updated >= 2
        assert report.stream("items").archived == 1, report.stream("items")
        assert report.stream("categories").deleted == 1
        assert report.stream("sale_lines").deleted == 1
        assert report.stream("sales").inserted == 1
        assert report.stream("item_shops").updated >= 2  # stock moved
        assert created.id
        assert_exact(client, box.account_id, database_url)


def test_timestamp_ties_across_page_boundaries_are_never_lost(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'ties.db'}"
    clock = Clock()
    box = sandbox(clock=clock)
    with box.client() as client:
        account = client.account(box.account_id)
        assert sync(client, url, accounts=[box.account_id], streams=["items"]).ok
        clock.tick(600)
        for n in range(250):  # all in one second: 250 equal timeStamps over three pages
            account.items.create(description=f"Tied {n}")
        report = sync(client, url, accounts=[box.account_id], streams=["items"], lookback=0)
        assert report.stream("items").inserted == 250
        assert_exact(client, box.account_id, url, ["items"])
