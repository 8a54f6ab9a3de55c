"""``lightspeed sync``: a full sync of a large store into SQLite and into PostgreSQL.

The sandbox serves in a process of its own on 127.0.0.1 (its bucket time-scaled); the sync runs
in another fresh process per destination and store size, so that its peak memory (``ru_maxrss``)
is its own. Figures, per destination:

* efficiency against the bucket: the theoretical minimum time of what the server charged
  (``ratelimit.ideal_time``) over the time the sync took, with the 429s counted (target >= 0.97,
  0 x 429);
* rows written per second: rows (with child rows) over the time the destination was being
  written - the union of the page writes' spans (``Destination.write_seconds``), each from the
  page's rows handed over to its commit - in a sync of the same store with the sandbox's rate
  limit off, one stream at a time and no read beside a write: the writer alone, fed as fast as
  the sandbox serves (targets:
  SQLite >= 50,000, PostgreSQL >= 20,000); the same figure during the throttled sync, three
  streams at once, is a detail;
* peak memory at the small and the full store (target: flat, the full store's peak at most 25%
  above the small one's).

The streams are ``items`` (with their embedded objects: prices, vendor numbers...), ``sales`` and
``sale_lines``. The store's sales beyond the seed's 3,000 are copies of seeded ones (new ids).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import secrets
import tempfile
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx2

from ._harness import Recorder, RecordingTransport, Row
from ._served import Served, StaticHolder, describe, served
from .ratelimit import lower_bound

NAME = "sync"
STREAMS = "items,sales,sale_lines"
TARGET_EFFICIENCY = 0.97
TARGET_ROWS = {"sqlite": 50_000, "postgresql": 20_000}
MEMORY_GROWTH = 1.25
POSTGRES = os.environ.get("LIGHTSPEED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Size:
    items: int
    sales: int
    bucket_size: float
    time_scale: float
    throttled: bool = True
    """``False``: the sandbox's rate limit off, one stream at a time and each page read only once the
    previous one is written - the writer alone, fed as fast as the sandbox serves (the
    rows-per-second figure)."""

    @property
    def drip(self) -> float:
        return self.time_scale  # drip 1/s, scaled

    @property
    def burst(self) -> int:
        return max(1, round(max(1, round(self.bucket_size * 2 / 9)) * self.time_scale))


SIZES = {
    "full": (Size(25_000, 5_000, 90, 30), Size(100_000, 20_000, 90, 30)),
    "tiny": (Size(150, 40, 20, 200),),
}
"""The store sizes of a run; the peak memory of the last is compared with the first's."""


def grow_sales(store: Any, total: int) -> None:
    """Copy seeded sales (with their lines) under new ids until the store holds ``total`` sales."""
    sales, lines = store.table("Sale"), store.table("SaleLine")
    originals = list(sales)
    by_sale: dict[str, list[dict[str, str]]] = {}
    for line in lines:
        by_sale.setdefault(line["saleID"], []).append(line)
    index = 0
    while len(sales) < total:
        source = originals[index % len(originals)]
        index += 1
        copy = {**source, "saleID": "0", "ticketNumber": ""}
        inserted = sales.insert(copy)
        for line in by_sale.get(source["saleID"], []):
            lines.insert({**line, "saleLineID": "0", "saleID": inserted["saleID"]})


def _sandbox(size: Size) -> Any:
    """The store of ``size`` (the sandbox's own seed, its sales grown), its bucket time-scaled."""
    from lightspeed_pos.sandbox import Sandbox
    from lightspeed_pos.sandbox.engine.engine import FIRST_ACCOUNT_ID, Engine
    from lightspeed_pos.sandbox.seed import build_store

    store = build_store(FIRST_ACCOUNT_ID, 1, size.items)
    grow_sales(store, size.sales)
    return Sandbox(
        engine=Engine([store]),
        bucket_size=size.bucket_size,
        time_scale=size.time_scale,
        rate_limit=size.throttled,
    )


def _sync(connection: Connection, served: Served, url: str, size: Size) -> None:
    """In a fresh process: one full sync; sends back what it measured."""
    import lightspeed_pos as ls
    from lightspeed_pos.sync import Destination, sync

    recorder = Recorder()
    transport = RecordingTransport(httpx2.HTTPTransport(), recorder)
    holder = StaticHolder(served.tokens[served.account_id])
    destination = Destination(url)
    with ls.Client(holder, base_url=served.base_url, transport=transport) as client:
        started = time.perf_counter()
        # unthrottled: the writer alone (one stream at a time, no read beside a write)
        report = sync(
            client,
            destination,
            streams=STREAMS,
            accounts=[served.account_id],
            workers=3 if size.throttled else 1,
            pipeline=size.throttled,
        )
        achieved = time.perf_counter() - started
    destination.close()
    key = str(served.account_id)
    connection.send(
        {
            "ok": report.ok,
            "errors": [s.error for s in report.errors],
            "achieved": achieved,
            "t_min": lower_bound(
                recorder.admitted[key],
                recorder.costs[key],
                recorder.max_cost[key],
                size=size.bucket_size,
                drip=size.drip,
                burst=size.burst,
            ),
            "requests": recorder.requests,
            "429s": recorder.rate_limited,
            "cost": recorder.costs[key],
            "records": sum(s.records for s in report.streams),
            "rows": destination.rows_written,
            "write_seconds": destination.write_seconds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def _in_process(target: Any, *args: Any, timeout: float = 3600) -> Any:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=target, args=(theirs, *args), daemon=True)
    process.start()
    try:
        if not ours.poll(timeout):
            raise RuntimeError(f"{target.__name__} gave no answer")
        return ours.recv()
    finally:
        process.join(5)
        if process.is_alive():
            process.kill()


def _postgres_database() -> tuple[str, Any] | None:
    """A fresh database on the test server, or ``None`` when none answers."""
    import sqlalchemy as sa

    admin = sa.create_engine(
        "postgresql+psycopg://" + POSTGRES.split("://", 1)[1], isolation_level="AUTOCOMMIT"
    )
    name = f"lightspeed_bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception:
        admin.dispose()
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{POSTGRES.rsplit('/', 1)[0]}/{name}", drop


def measure(size: Size, destination: str, folder: Path, *, isolated: bool = True) -> dict[str, Any] | None:
    """One full sync of a fresh store of ``size`` into a fresh ``destination`` database: the
    sandbox and the sync each in a process of their own, or (``isolated=False``, for the smoke
    test) both in this one."""
    drop = None
    if destination == "sqlite":
        url = f"sqlite:///{folder / f'bench-{size.items}-{int(size.throttled)}.db'}"
    else:
        found = _postgres_database()
        if found is None:
            return None
        url, drop = found
    try:
        if not isolated:
            sandbox = _sandbox(size)
            with sandbox.serve() as here:
                ours, theirs = multiprocessing.Pipe()
                _sync(theirs, describe(sandbox, here.base_url), url, size)
                answer: dict[str, Any] = ours.recv()
                return answer
        with served({"size": size}, build=_sandbox, start_timeout=600) as info:
            result: dict[str, Any] = _in_process(_sync, info, url, size)
            return result
    finally:
        if drop is not None:
            drop()


def run(size: str = "full") -> list[Row]:
    sizes = SIZES[size]
    small, large = sizes[0], sizes[-1]
    timed = size != "tiny"
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        for destination in ("sqlite", "postgresql"):
            label = f"{large.items:,} items + {large.sales:,} sales into {destination}"
            results = {s.items: measure(s, destination, Path(folder), isolated=size != "tiny") for s in sizes}
            full = results[large.items]
            unthrottled = replace(large, throttled=False)
            alone = measure(unthrottled, destination, Path(folder), isolated=size != "tiny")
            if full is None or results[small.items] is None or alone is None:
                rows.append(
                    Row(
                        "Sync",
                        label,
                        "lightspeed sync",
                        "skipped: no PostgreSQL server",
                        0.0,
                        {"url": POSTGRES},
                    )
                )
                continue
            for result in (full, alone):
                if not result["ok"]:
                    raise RuntimeError(f"the sync failed: {result['errors']}")
            details = {k: full[k] for k in ("achieved", "t_min", "requests", "429s", "cost", "records")}
            efficiency = full["t_min"] / full["achieved"] if full["achieved"] else 0.0
            row = Row("Sync", label, "lightspeed sync", "t_min / achieved", efficiency, details)
            if timed:
                row.target = f">= {TARGET_EFFICIENCY}, 0 x 429"
                row.passed = efficiency >= TARGET_EFFICIENCY and full["429s"] == 0
            else:  # a tiny store's time says nothing; its 429s do
                row.target, row.passed = "0 x 429", full["429s"] == 0
            rows.append(row)
            speed = alone["rows"] / alone["write_seconds"] if alone["write_seconds"] else 0.0
            during = full["rows"] / full["write_seconds"] if full["write_seconds"] else 0.0
            row = Row(
                "Sync",
                label,
                "lightspeed sync",
                "rows written per second",
                speed,
                {
                    "rows": alone["rows"],
                    "write_seconds": alone["write_seconds"],
                    "during_throttled_sync": round(during),
                },
            )
            if timed:
                row.target = f">= {TARGET_ROWS[destination]:,}"
                row.passed = speed >= TARGET_ROWS[destination]
            rows.append(row)
            if small is large:
                continue
            peak_small = results[small.items]["peak_rss_mb"]  # type: ignore[index]
            growth = full["peak_rss_mb"] / peak_small if peak_small else 0.0
            row = Row(
                "Sync",
                label,
                "lightspeed sync",
                f"peak RSS at {large.items:,} / at {small.items:,} items",
                growth,
                {"peak_small_mb": peak_small, "peak_full_mb": full["peak_rss_mb"]},
            )
            row.target = f"<= {MEMORY_GROWTH} (flat)"
            row.passed = growth <= MEMORY_GROWTH
            rows.append(row)
    return rows
