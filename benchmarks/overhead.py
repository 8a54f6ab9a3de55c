"""Client overhead: what ``Client`` and ``AsyncClient`` cost on top of raw httpx2 plus ``json.loads``.

The same requests (every page of the items, several times over) against the sandbox with its
limit off (``rate_limit=False``, and a large ``time_scale`` so that the burst threshold it still
reports is out of reach). Measured per request: wall time (requests per second), process CPU,
and the client-side CPU (process CPU minus the time spent inside the sandbox's transport). The
figures are ratios to raw httpx2 in the same run. Then the parse time of one 100-item page:
``json.loads`` alone against the library's page reading (normalisation and model validation).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Sandbox

from ._harness import AsyncRecordingTransport, Recorder, RecordingTransport, Row

SECTION = "Client overhead (limit off)"


@dataclass(frozen=True)
class Sizes:
    items: int
    rounds: int
    """How many times every page of the items is read."""
    parse_repeats: int


SIZES = {
    "full": Sizes(items=1000, rounds=20, parse_repeats=200),
    "tiny": Sizes(items=100, rounds=1, parse_repeats=3),
}


@dataclass(frozen=True)
class Timing:
    requests: int
    wall: float
    cpu: float
    inside: float
    """Seconds spent inside the sandbox's transport."""

    @property
    def per_second(self) -> float:
        return self.requests / self.wall

    @property
    def cpu_ms(self) -> float:
        return self.cpu / self.requests * 1000

    @property
    def client_cpu_ms(self) -> float:
        return max(0.0, self.cpu - self.inside) / self.requests * 1000


def _sandbox(items: int) -> Sandbox:
    return Sandbox(items=items, rate_limit=False, time_scale=1e6)


def _timed(recorder: Recorder, run: Callable[[], None]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return Timing(
        recorder.requests, time.perf_counter() - wall, time.process_time() - cpu, recorder.inner_seconds
    )


def _raw_pages(first: str) -> tuple[str, dict[str, str] | None]:
    """The first page's URL and query; later pages follow ``next`` with no query of their own."""
    return first, {"limit": "100"}


def _next(response: httpx2.Response) -> str | None:
    next_url: str | None = json.loads(response.content)["@attributes"].get("next") or None
    return next_url


def client_sync(sandbox: Sandbox, rounds: int) -> Timing:
    """``Client``: ``each_page()`` over every item, ``rounds`` times."""
    recorder = Recorder()
    client = sandbox.client(transport=RecordingTransport(sandbox.transport(), recorder))
    account = client.account(sandbox.account_id)

    def run() -> None:
        for _ in range(rounds):
            for _page in account.items.each_page():
                pass

    with client:
        return _timed(recorder, run)


def client_async(sandbox: Sandbox, rounds: int) -> Timing:
    """``AsyncClient``: the same requests, in one task."""
    recorder = Recorder()
    client = sandbox.async_client(transport=AsyncRecordingTransport(sandbox.async_transport(), recorder))
    account = client.account(sandbox.account_id)

    async def pages() -> None:
        for _ in range(rounds):
            async for _page in account.items.each_page():
                pass
        await client.close()

    return _timed(recorder, lambda: anyio.run(pages))


def raw_sync(sandbox: Sandbox, rounds: int) -> Timing:
    """Raw ``httpx2.Client``: follow the ``next`` cursors, ``json.loads`` every page."""
    recorder = Recorder()
    headers = {"Authorization": f"Bearer {sandbox.issue_tokens().access_token}"}
    first = f"{sandbox.base_url}/Account/{sandbox.account_id}/Item.json"
    http = httpx2.Client(transport=RecordingTransport(sandbox.transport(), recorder), headers=headers)

    def run() -> None:
        for _ in range(rounds):
            url: str | None
            url, params = _raw_pages(first)
            while url:
                url, params = _next(http.get(url, params=params)), None

    with http:
        return _timed(recorder, run)


def raw_async(sandbox: Sandbox, rounds: int) -> Timing:
    """Raw ``httpx2.AsyncClient``: the same requests, in one task."""
    recorder = Recorder()
    headers = {"Authorization": f"Bearer {sandbox.issue_tokens().access_token}"}
    first = f"{sandbox.base_url}/Account/{sandbox.account_id}/Item.json"
    transport = AsyncRecordingTransport(sandbox.async_transport(), recorder)

    async def pages() -> None:
        async with httpx2.AsyncClient(transport=transport, headers=headers) as http:
            for _ in range(rounds):
                url: str | None
                url, params = _raw_pages(first)
                while url:
                    url, params = _next(await http.get(url, params=params)), None

    return _timed(recorder, lambda: anyio.run(pages))


def _best(repeats: int, work: Callable[[], Any]) -> float:
    """The median seconds of ``work`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2]


def parse_times(sandbox: Sandbox, repeats: int) -> dict[str, float]:
    """Milliseconds to read one 100-item page: ``json.loads``, validation, and the whole page read."""
    client = sandbox.client()
    items = client.account(sandbox.account_id).items
    pager = items.pager(None)
    request = pager.request()
    assert request is not None
    response = client.send(request)
    records = json.loads(response.content)["Item"]

    def page_read() -> list[ls.Item]:
        fresh = items.pager(None)
        fresh.request()
        return fresh.read(response)

    figures = {
        "json.loads": _best(repeats, lambda: json.loads(response.content)),
        "model validation": _best(repeats, lambda: [items.wrap(record) for record in records]),
        "page read (all)": _best(repeats, page_read),
    }
    client.close()
    return {name: seconds * 1000 for name, seconds in figures.items()}


RUNNERS: dict[str, Callable[[Sandbox, int], Timing]] = {
    "Client": client_sync,
    "AsyncClient": client_async,
    "raw httpx2.Client": raw_sync,
    "raw httpx2.AsyncClient": raw_async,
}
BASELINE = {"Client": "raw httpx2.Client", "AsyncClient": "raw httpx2.AsyncClient"}


def run(size: str = "full") -> list[Row]:
    """Requests per second and CPU per request, as ratios to raw httpx2; parse time per page."""
    sizes = SIZES[size]
    sandbox = _sandbox(sizes.items)
    timings = {name: runner(sandbox, sizes.rounds) for name, runner in RUNNERS.items()}
    rows = []
    for name, timing in timings.items():
        details: dict[str, Any] = {
            "req_per_s": timing.per_second,
            "cpu_ms_per_req": timing.cpu_ms,
            "client_cpu_ms_per_req": timing.client_cpu_ms,
            "requests": timing.requests,
        }
        base = BASELINE.get(name)
        if base is None:
            rows.append(Row(SECTION, "100-item pages", name, "req/s", timing.per_second, details))
            continue
        raw = timings[base]
        details["cpu_ratio"] = timing.cpu_ms / raw.cpu_ms
        details["client_cpu_ratio"] = timing.client_cpu_ms / max(raw.client_cpu_ms, 1e-9)
        rows.append(
            Row(
                SECTION,
                "100-item pages",
                name,
                f"req/s ÷ {base}",
                timing.per_second / raw.per_second,
                details,
            )
        )
    for name, ms in parse_times(sandbox, sizes.parse_repeats).items():
        rows.append(Row("Parse time per 100-item page", "Item page", name, "ms", ms))
    return rows
