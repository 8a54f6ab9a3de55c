"""Runs: the async twin, several accounts in one destination, changes made while a run is going,
a new field becoming a column, ``full_refresh``, the state and runs tables, and what an
incremental run costs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa

from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.sync import Destination, StreamReport, async_sync, resolve_streams, sync, sync_job
from lightspeed_pos.sync._dest import PageCounts

from ._compare import compare_all
from ._support import Clock, sandbox


def scalar(url: str, sql: str) -> Any:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.anyio
async def test_the_async_twin_syncs_several_accounts_into_one_destination(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'async.db'}"
    box = sandbox(items=40, accounts=2)
    first, second = box.account_ids
    async with box.async_client() as client:
        client.account(second, oauth_token_holder=box.token_holder(second))  # each store its own token
        report = await async_sync(client, url, streams="items,customers,sales", accounts=[first, second])
    assert report.ok and {s.account_id for s in report.streams} == {first, second}
    for account in (first, second):
        with box.client(account) as client:
            compare_all(client, account, url, resolve_streams("items,customers,sales"))
    assert scalar(url, "SELECT count(DISTINCT account_id) FROM items") == 2
    assert scalar(url, "SELECT status FROM _lightspeed_runs") == "ok"
    assert scalar(url, "SELECT count(*) FROM _lightspeed_state WHERE last_success IS NOT NULL") == 6


def test_changes_made_while_a_run_goes_arrive_with_the_next(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'during.db'}"
    clock = Clock()
    box = sandbox(items=250, clock=clock)
    with box.client() as client:
        account = client.account(box.account_id)
        changed: list[int] = []

        def meddle(report: StreamReport) -> None:
            if report.stream == "items" and report.pages == 1 and not changed:
                clock.tick(1)
                account.items.update(1, description="Changed behind the first page")  # already copied
                account.items.archive(200)  # not copied yet
                changed.append(account.items.create(description="Created during the run").id)
                stock = account.item_shops.first()
                assert stock is not None
                account.item_shops.update(stock.id, reorderPoint=9)

        first = sync(
            client, url, streams="items,item_shops", accounts=[box.account_id], workers=1, progress=meddle
        )
        assert first.ok and changed
        clock.tick(1)
        second = sync(client, url, streams="items,item_shops", accounts=[box.account_id])
        assert second.ok
        compare_all(client, box.account_id, url, resolve_streams("items,item_shops"))


def test_a_new_field_becomes_a_new_column(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'evolve.db'}"
    clock = Clock()
    box = sandbox(items=30, clock=clock)
    with box.client() as client:
        assert sync(client, url, streams="items", accounts=[box.account_id]).ok
        store = box.engine._store(box.account_id)  # type: ignore[attr-defined]
        clock.tick(5)
        for record in store.table("Item"):
            store.table("Item").update(
                record, {"carbonFootprint": "1.5", "timeStamp": clock().strftime("%Y-%m-%dT%H:%M:%S+00:00")}
            )
        report = sync(client, url, streams="items", accounts=[box.account_id])
        assert report.ok and report.stream("items").updated == 30
        assert scalar(url, "SELECT count(*) FROM items WHERE carbon_footprint = '1.5'") == 30
        compare_all(client, box.account_id, url, resolve_streams("items"))


def test_full_refresh_rebuilds_one_stream(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'refresh.db'}"
    box = sandbox(items=30)
    with box.client() as client:
        assert sync(client, url, streams="items,categories", accounts=[box.account_id]).ok
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE items SET description = 'tampered'"))
            conn.execute(sa.text("DELETE FROM item_prices"))
        engine.dispose()
        report = sync_job(client, url, box.account_id, "items", full_refresh=True)
        assert report.ok and report.inserted == 30
        assert scalar(url, "SELECT count(*) FROM items WHERE description = 'tampered'") == 0
        compare_all(client, box.account_id, url, resolve_streams("items,categories"))


def test_an_incremental_run_costs_one_request_per_stream_plus_the_changes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cost.db'}"
    clock = Clock()
    box = sandbox(items=400, clock=clock)
    streams = resolve_streams(None)
    with box.client() as client:
        account = client.account(box.account_id)
        assert sync(client, url, accounts=[box.account_id]).ok
        idle = sync(client, url, accounts=[box.account_id], lookback=0)
        assert idle.requests == len(streams)  # the fixed per-stream checks: one listing each
        clock.tick(60)
        for item_id in range(1, 101):
            account.items.update(item_id, description=f"Changed {item_id}")
        for _ in range(10):
            account.sales.create(
                shopID=1,
                employeeID=1,
                registerID=1,
                SaleLines={"SaleLine": [{"itemID": 7, "unitQuantity": 1}]},
            )
        clock.tick(1)
        report = sync(client, url, accounts=[box.account_id], lookback=0)
        assert report.ok
        extra = {s.stream: s.requests - 1 for s in report.streams if s.requests > 1}
        # 100 changed items (and the one the checkpoint re-reads) fill two pages; the 10 sales,
        # their 10 lines and payments one more page each
        assert extra == {"items": 1}, extra
        assert report.requests == len(streams) + 1
        compare_all(client, box.account_id, url, streams)


def test_each_stream_run_is_a_span_around_its_requests(tmp_path: Path) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from lightspeed_pos.telemetry import Telemetry

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    box = sandbox(items=30)
    with box.client(telemetry=Telemetry(tracer_provider=provider)) as client:
        report = sync(
            client, f"sqlite:///{tmp_path / 'otel.db'}", streams="items,tags", accounts=[box.account_id]
        )
    provider.shutdown()
    spans = {span.name: span for span in exporter.get_finished_spans()}
    items = spans["lightspeed.sync items"]
    attributes = dict(items.attributes or {})
    assert attributes["lightspeed.sync.inserted"] == report.stream("items").inserted == 30
    assert attributes["lightspeed.sync.records"] == report.stream("items").records
    assert attributes["lightspeed.sync.cursor"] == "timestamp"
    children = [
        s for s in exporter.get_finished_spans() if s.parent and s.parent.span_id == items.context.span_id
    ]
    assert len(children) == report.stream("items").requests
    assert "lightspeed.sync tags" in spans


def test_raw_keeps_each_record_as_received(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'raw.db'}"
    box = sandbox(items=20)
    with box.client() as client:
        assert sync(client, url, streams="customers", accounts=[box.account_id], raw=True).ok
        expected = {
            int(c.attributes["customerID"]): c.attributes
            for c in client.account(box.account_id).customers.all(
                {"load_relations": '["Contact","Note","CustomFieldValues"]', "archived": "true"}
            )
        }
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = {
            row[0]: json.loads(row[1])
            for row in conn.execute(sa.text("SELECT customer_id, _raw FROM customers"))
        }
    engine.dispose()
    assert stored == expected


def test_parallel_streams_share_the_accounts_bucket_without_a_429(tmp_path: Path) -> None:
    statuses: list[int] = []
    box = Sandbox(items=300, bucket_size=15, time_scale=40)

    class Counting(httpx2.BaseTransport):
        def __init__(self, inner: httpx2.BaseTransport) -> None:
            self.inner = inner

        def handle_request(self, request: httpx2.Request) -> httpx2.Response:
            response = self.inner.handle_request(request)
            statuses.append(response.status_code)
            return response

    with box.client(transport=Counting(box.transport())) as client:
        report = sync(
            client,
            f"sqlite:///{tmp_path / 'bucket.db'}",
            streams="items,item_shops,sales,sale_lines,customers,categories",
            accounts=[box.account_id],
            workers=6,
        )
    assert report.ok
    assert statuses.count(429) == 0 and len(statuses) == report.requests > 30


class FailingOnce(Destination):
    """A destination whose ``fail_at``-th page write of ``items`` fails (before its commit)."""

    def __init__(self, url: str, fail_at: int) -> None:
        super().__init__(url)
        self.fail_at, self.item_pages = fail_at, 0

    def write_page(self, **page: Any) -> PageCounts:
        if page["table_name"] == "items":
            self.item_pages += 1
            if self.item_pages == self.fail_at:
                raise RuntimeError("the disk is full")
        return super().write_page(**page)


@pytest.mark.anyio
@pytest.mark.parametrize("twin", ["sync", "async"])
async def test_a_failed_page_write_stops_its_stream_and_the_next_run_resumes_exactly(
    tmp_path: Path, twin: str
) -> None:
    url = f"sqlite:///{tmp_path / 'failing.db'}"
    box = sandbox(items=120)
    failing = FailingOnce(url, fail_at=3)
    try:
        if twin == "sync":
            with box.client() as client:
                report = sync(client, failing, streams="items,sales", accounts=[box.account_id], page_size=20)
        else:
            async with box.async_client() as aclient:
                report = await async_sync(
                    aclient, failing, streams="items,sales", accounts=[box.account_id], page_size=20
                )
        items = report.stream("items")
        assert items.error == "RuntimeError: the disk is full" and report.stream("sales").ok
        assert items.inserted == 40  # the two pages written before the failure, counted once done
        assert failing.rows_written > 40 and failing.write_seconds > 0
    finally:
        failing.close()
    assert scalar(url, "SELECT count(*) FROM items") == 40
    assert scalar(url, "SELECT cursor_id FROM _lightspeed_state WHERE stream = 'items'") == 40
    assert "disk is full" in scalar(url, "SELECT last_error FROM _lightspeed_state WHERE stream = 'items'")
    with box.client() as client:
        again = sync(client, url, streams="items,sales", accounts=[box.account_id], page_size=20)
        assert again.ok and again.stream("items").inserted == 80
        compare_all(client, box.account_id, url, resolve_streams("items,sales"))
