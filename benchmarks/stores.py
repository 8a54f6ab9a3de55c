"""Stores per core: how many accounts one process keeps at full rate (drip 1/s) with no 429.

The minimal server (``_minimal.py``, mode ``limited``) keeps a real leaky bucket per account
(size 90, drip 1/s, the sandbox's rate limiter) and sends its real headers; every bucket starts
full, as for stores already read at full rate, so each account is at its steady state (one
request a second) from the first request. One ``AsyncClient`` reads the 100-item Item pages of N
accounts at once (a token holder per account, one task per account reading through
``.attributes``) for a fixed time. N accounts are served when the server saw no 429 and admitted
at least 95 % of one request per account per second (counted after a warm-up, once the waves of
the start have spread). The process's CPU per admitted request is measured at each step; the
figure is ``1000 ms / CPU ms per request`` at the largest step with no 429: the number of stores
(one request a second each) whose requests one fully used core carries. The largest N actually
served on this machine is beside it: on a shared machine it is bounded by the CPU the process is
given and by the server's answers' latency, not only by the client.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread

import lightspeed_pos as ls

from ._harness import Row
from ._minimal import MinimalServer, Options, minimal_server
from ._served import StaticHolder
from .overhead import Target, raw_async

NAME = "stores"
SECTION = "Stores per core (accounts at drip 1/s, one process)"
TARGET = 1000
SERVED_SHARE = 0.95
"""Of one request per account per second, the share that must be admitted."""


@dataclass(frozen=True)
class Sizes:
    ladder: tuple[int, ...]
    warm_up: float
    """Seconds before the count starts (every store has sent its first request, the waves of
    the start have spread)."""
    seconds: float
    """Seconds counted."""
    targets: bool


SIZES = {
    "full": Sizes(ladder=(100, 250, 500, 1000), warm_up=5.0, seconds=10.0, targets=True),
    "tiny": Sizes(ladder=(3,), warm_up=1.0, seconds=1.5, targets=False),
}
FLOOR_REQUESTS = {"full": 2000, "tiny": 40}


def transport_floor(size: str) -> float:
    """CPU ms per request of raw ``httpx2.AsyncClient`` + ``json.loads`` reading the same pages in
    20 tasks, unthrottled: what any client on httpx2's async transport spends at the least."""
    with minimal_server(Options(mode="open")) as server:
        target = Target(server.base_url, 1, "benchmark")
        raw_async(target, 40, 20)  # warm up
        return raw_async(target, FLOOR_REQUESTS[size], 20).cpu_ms


def serve(server: MinimalServer, accounts: int, warm_up: float, seconds: float) -> dict[str, Any]:
    """``accounts`` stores read at once; what the server admitted (counted after ``warm_up``, for
    ``seconds``) and refused (over the whole run), and the CPU this process spent meanwhile."""
    server.reset()
    client = ls.AsyncClient(base_url=server.base_url)
    counted: dict[str, Any] = {}

    async def store(account_id: int) -> None:
        account = client.account(account_id, oauth_token_holder=StaticHolder(f"token-{account_id}"))
        while True:
            async for page in account.items.each_page():
                for item in page:
                    item.attributes["itemID"]

    async def count() -> None:
        await anyio.sleep(warm_up)
        counted["start"] = await anyio.to_thread.run_sync(server.stats)
        counted["cpu"], counted["wall"] = time.process_time(), time.perf_counter()
        await anyio.sleep(seconds)
        counted["end"] = await anyio.to_thread.run_sync(server.stats)
        counted["cpu"], counted["wall"] = (
            time.process_time() - counted["cpu"],
            time.perf_counter() - counted["wall"],
        )

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for account_id in range(1, accounts + 1):
                group.start_soon(store, account_id)
            await count()
            group.cancel_scope.cancel()
        await client.close()

    anyio.run(main)
    start, end = counted["start"], counted["end"]
    admitted = sum(end["admitted"].values()) - sum(start["admitted"].values())
    refused = int(end["statuses"].get("429", 0))
    share = admitted / (accounts * counted["wall"])
    return {
        "accounts": accounts,
        "admitted": admitted,
        "429s": refused,
        "share_of_drip": share,
        "cpu_ms_per_req": counted["cpu"] / max(admitted, 1) * 1000,
        "cpu_busy": counted["cpu"] / counted["wall"],
        "served": refused == 0 and share >= SERVED_SHARE,
    }


def run(size: str = "full") -> list[Row]:
    """The ladder, then the figure: the largest number of accounts served."""
    sizes = SIZES[size]
    steps = []
    with minimal_server(Options(mode="limited", pages=1_000_000)) as server:
        for accounts in sizes.ladder:
            steps.append(serve(server, accounts, sizes.warm_up, sizes.seconds))
    floor_ms = transport_floor(size)
    rows = []
    for step in steps:
        row = Row(
            SECTION,
            f"{step['accounts']} accounts, {sizes.seconds:g} s",
            "AsyncClient",
            "admitted ÷ (accounts x drip x seconds)",
            step["share_of_drip"],
            {k: v for k, v in step.items() if k not in ("accounts", "share_of_drip")},
            target="0 x 429",
            passed=step["429s"] == 0,
        )
        rows.append(row)
    clean = [step for step in steps if step["429s"] == 0 and step["admitted"]]
    at = max(clean, key=lambda step: step["accounts"], default=None)
    per_core = 1000.0 / at["cpu_ms_per_req"] if at is not None else 0.0
    served = [step["accounts"] for step in steps if step["served"]]
    figure = Row(
        SECTION,
        f"ladder {', '.join(str(n) for n in sizes.ladder)}",
        "AsyncClient",
        "stores per core (1000 ms ÷ CPU ms per request)",
        per_core,
        {
            "measured_at_accounts": at["accounts"] if at is not None else 0,
            "cpu_ms_per_req": at["cpu_ms_per_req"] if at is not None else 0.0,
            "largest_served_here": max(served, default=0),
            "cores": os.cpu_count(),
            "load_average": os.getloadavg()[0],
            "raw_async_floor": round(1000.0 / floor_ms),
            "raw_async_cpu_ms_per_req": floor_ms,
        },
    )
    if sizes.targets:
        figure.target, figure.passed = f">= {TARGET}", per_core >= TARGET
    rows.append(figure)
    return rows
