"""Client overhead: requests per second and CPU per request of ``Client`` and ``AsyncClient``
against raw httpx2 plus ``json.loads``, on the same 100-item Item pages.

First line: against the minimal server (``_minimal.py``) in a process of its own, with bucket
headers that never throttle, so that the figures are the client's alone. Second line: against the
in-process sandbox (its own work, about a millisecond a page, is then added to both sides and
dilutes the ratios, and counts in the CPU per request).

The modes run in rotation (each rotation starts one mode later), ``rotations`` times, and every
ratio is taken within one rotation; the table gives the median and the spread (min-max):

* raw: ``httpx2.Client``, follow ``@attributes.next``, ``json.loads`` every page (1.00);
* ``Client``, reading each record through ``.attributes`` (an export, a sync);
* ``Client``, reading every typed field of every record (``item.defaultCost``...);
* ``AsyncClient`` in one task, and in 20 tasks at once (against ``Client``: within 10 %);
* raw ``httpx2.AsyncClient`` + ``json.loads`` in one task and in 20: the floor of any client on
  httpx2's async transport, beside which the AsyncClient's own cost is read.

Then the time to read one page, step by step (``parse_times``).
"""

from __future__ import annotations

import gc
import json
import operator
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2

import lightspeed_pos as ls
from lightspeed_pos import _json
from lightspeed_pos.sandbox import Sandbox

from ._harness import Row
from ._minimal import FIXTURE, Options, minimal_server
from ._served import StaticHolder

NAME = "overhead"
SECTION = "Client overhead: minimal server in its own process (limit never reached)"
SECTION_SANDBOX = "Client overhead: in-process sandbox (its own work added to both sides)"
RAW = "raw httpx2 + json.loads"
ATTRIBUTES = "Client, .attributes"
TYPED = "Client, every typed field"
ASYNC_1 = "AsyncClient, concurrency 1"
ASYNC_20 = "AsyncClient, concurrency 20"
RAW_ASYNC_1 = "raw httpx2.AsyncClient + json.loads, concurrency 1"
RAW_ASYNC_20 = "raw httpx2.AsyncClient + json.loads, concurrency 20"
TARGETS = {ATTRIBUTES: 0.80, TYPED: 0.60}
ASYNC_TARGET = 0.90
"""AsyncClient at concurrency 20 against Client (.attributes): within 10 %."""
PAGES = 10
"""Pages of one listing; a mode walks listings until it has sent its requests."""


@dataclass(frozen=True)
class Sizes:
    requests: int
    """Requests per mode per rotation."""
    rotations: int
    parse_repeats: int
    targets: bool
    """Whether the timing targets mean something at this size."""


SIZES = {
    "full": Sizes(requests=400, rotations=5, parse_repeats=200, targets=True),
    "tiny": Sizes(requests=12, rotations=3, parse_repeats=3, targets=False),
}


@dataclass(frozen=True)
class Timing:
    requests: int
    wall: float
    cpu: float

    @property
    def per_second(self) -> float:
        return self.requests / self.wall

    @property
    def cpu_ms(self) -> float:
        """Process CPU per request (with the in-process sandbox, its own work included)."""
        return self.cpu / self.requests * 1000


@dataclass
class Target:
    """Where the modes send their requests."""

    base_url: str
    account_id: int
    token: str
    sandbox: Sandbox | None = None
    """The in-process sandbox (its transports), or ``None`` for a real socket."""

    def transports(self) -> tuple[httpx2.BaseTransport, httpx2.AsyncBaseTransport]:
        """Made before the clock starts (an HTTP transport loads the TLS certificates)."""
        if self.sandbox is None:
            return httpx2.HTTPTransport(), httpx2.AsyncHTTPTransport()
        return self.sandbox.transport(), self.sandbox.async_transport()


def _timed(requests: int, run: Callable[[], None]) -> Timing:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return Timing(requests, time.perf_counter() - wall, time.process_time() - cpu)


READ_EVERY_FIELD = operator.attrgetter(*ls.Item.model_fields)
"""``item.itemID, item.systemSku, ...``: every typed field, as user code reads them."""


def _read_attributes(page: Sequence[ls.Resource[Any]]) -> None:
    for item in page:
        item.attributes["itemID"]


def _read_typed(page: list[ls.Item]) -> None:
    for item in page:
        READ_EVERY_FIELD(item)


def raw(target: Target, requests: int) -> Timing:
    transport, _ = target.transports()
    headers = {"Authorization": f"Bearer {target.token}"}
    first = f"{target.base_url}/Account/{target.account_id}/Item.json"

    def run() -> None:
        with httpx2.Client(transport=transport, headers=headers) as http:
            sent = 0
            while sent < requests:
                url: str | None = first
                params: dict[str, str] | None = {"limit": "100"}
                while url and sent < requests:
                    response = http.get(url, params=params)
                    url, params = json.loads(response.content)["@attributes"].get("next") or None, None
                    sent += 1

    return _timed(requests, run)


def _shares(requests: int, tasks: int) -> list[int]:
    return [requests // tasks + (1 if n < requests % tasks else 0) for n in range(tasks)]


def raw_async(target: Target, requests: int, tasks: int) -> Timing:
    """``raw`` on ``httpx2.AsyncClient``, in ``tasks`` tasks at once: the async transport's floor."""
    _, transport = target.transports()
    headers = {"Authorization": f"Bearer {target.token}"}
    first = f"{target.base_url}/Account/{target.account_id}/Item.json"

    async def main() -> None:
        async with httpx2.AsyncClient(transport=transport, headers=headers) as http:

            async def walk(share: int) -> None:
                sent = 0
                while sent < share:
                    url: str | None = first
                    params: dict[str, str] | None = {"limit": "100"}
                    while url and sent < share:
                        response = await http.get(url, params=params)
                        url, params = json.loads(response.content)["@attributes"].get("next") or None, None
                        sent += 1

            async with anyio.create_task_group() as group:
                for share in _shares(requests, tasks):
                    group.start_soon(walk, share)

    return _timed(requests, lambda: anyio.run(main))


def _client(target: Target, requests: int, read: Callable[[list[ls.Item]], None]) -> Timing:
    transport, _ = target.transports()

    def run() -> None:
        with ls.Client(StaticHolder(target.token), base_url=target.base_url, transport=transport) as client:
            items = client.account(target.account_id).items
            sent = 0
            while sent < requests:
                for page in items.each_page():
                    read(page)
                    sent += 1
                    if sent == requests:
                        break

    return _timed(requests, run)


def client_attributes(target: Target, requests: int) -> Timing:
    return _client(target, requests, _read_attributes)


def client_typed(target: Target, requests: int) -> Timing:
    return _client(target, requests, _read_typed)


def _async_client(target: Target, requests: int, tasks: int) -> Timing:
    _, transport = target.transports()
    shares = _shares(requests, tasks)

    async def main() -> None:
        client = ls.AsyncClient(StaticHolder(target.token), base_url=target.base_url, transport=transport)
        items = client.account(target.account_id).items

        async def walk(share: int) -> None:
            sent = 0
            while sent < share:
                async for page in items.each_page():
                    _read_attributes(page)
                    sent += 1
                    if sent == share:
                        break

        async with anyio.create_task_group() as group:
            for share in shares:
                group.start_soon(walk, share)
        await client.close()

    return _timed(requests, lambda: anyio.run(main))


MODES: dict[str, Callable[[Target, int], Timing]] = {
    RAW: raw,
    ATTRIBUTES: client_attributes,
    TYPED: client_typed,
    ASYNC_1: lambda target, requests: _async_client(target, requests, 1),
    ASYNC_20: lambda target, requests: _async_client(target, requests, 20),
    RAW_ASYNC_1: lambda target, requests: raw_async(target, requests, 1),
    RAW_ASYNC_20: lambda target, requests: raw_async(target, requests, 20),
}


def rotations(target: Target, sizes: Sizes) -> dict[str, list[Timing]]:
    """Every mode ``sizes.rotations`` times, each rotation starting one mode later."""
    names = list(MODES)
    timings: dict[str, list[Timing]] = {name: [] for name in names}
    MODES[RAW](target, min(sizes.requests, 20))  # warm up: connections, imports, caches
    for turn in range(sizes.rotations):
        shift = turn % len(names)
        for name in names[shift:] + names[:shift]:
            timings[name].append(MODES[name](target, sizes.requests))
    return timings


def spread(values: list[float]) -> str:
    return f"{min(values):.3g}-{max(values):.3g}"


def rows_for(section: str, timings: dict[str, list[Timing]], targets: bool) -> list[Row]:
    """One row per mode: the median ratio to raw within a rotation, and its spread."""
    raw_runs = timings[RAW]
    rows = []
    for name, runs in timings.items():
        ratios = [run.per_second / base.per_second for run, base in zip(runs, raw_runs, strict=True)]
        cpu = [run.cpu_ms for run in runs]
        details: dict[str, Any] = {
            "spread": spread(ratios),
            "req_per_s": statistics.median(run.per_second for run in runs),
            "cpu_ms_per_req": statistics.median(cpu),
            "cpu_ms_spread": spread(cpu),
            "cpu_vs_raw": statistics.median(
                run.cpu_ms / max(base.cpu_ms, 1e-9) for run, base in zip(runs, raw_runs, strict=True)
            ),
            "runs": len(runs),
            "requests_per_run": runs[0].requests,
        }
        row = Row(section, "100-item Item pages", name, "req/s ÷ raw", statistics.median(ratios), details)
        row.series = {"ratios": ratios, "cpu_ms": cpu}
        goal = TARGETS.get(name)
        if goal is not None and targets:
            row.target, row.passed = f">= {goal:.2f}", row.value >= goal
        rows.append(row)
    floor = _versus(timings, RAW_ASYNC_20, RAW)
    rows.append(_ratio_row(section, "AsyncClient c20 ÷ raw async c20", timings, ASYNC_20, RAW_ASYNC_20))
    row = _ratio_row(section, "AsyncClient c20 ÷ Client", timings, ASYNC_20, ATTRIBUTES)
    row.details["transport_floor"] = (
        f"raw async c20 ÷ raw sync {statistics.median(floor):.3g} ({spread(floor)})"
    )
    if targets:
        row.target, row.passed = f">= {ASYNC_TARGET:.2f} (within 10 %)", row.value >= ASYNC_TARGET
    rows.append(row)
    return rows


def _versus(timings: dict[str, list[Timing]], mode: str, base: str) -> list[float]:
    """``mode``'s requests per second over ``base``'s, rotation by rotation."""
    return [
        run.per_second / other.per_second for run, other in zip(timings[mode], timings[base], strict=True)
    ]


def _ratio_row(section: str, name: str, timings: dict[str, list[Timing]], mode: str, base: str) -> Row:
    ratios = _versus(timings, mode, base)
    return Row(
        section,
        "100-item Item pages",
        name,
        "req/s ratio",
        statistics.median(ratios),
        {"spread": spread(ratios)},
    )


def _best(repeats: int, work: Callable[[], Any]) -> float:
    """The median seconds of ``work`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def parse_times(repeats: int) -> dict[str, float]:
    """Milliseconds to read the 100-item fixture page, step by step."""
    content = FIXTURE.read_bytes()
    client = ls.Client(StaticHolder("t"), transport=httpx2.MockTransport(lambda r: httpx2.Response(200)))
    items = client.account(1).items
    response = httpx2.Response(
        200, content=content, request=httpx2.Request("GET", f"{client.base_url}/Account/1/Item.json")
    )
    records = json.loads(content)["Item"]

    def page_read() -> list[ls.Item]:
        pager = items.pager(None)
        pager.request()
        return pager.read(response)

    figures = {
        "json.loads": _best(repeats, lambda: json.loads(content)),
        f"the library's parser ({_json.PARSER})": _best(repeats, lambda: _json.loads(content)),
        "page read, records not validated": _best(repeats, page_read),
        "page read + every typed field": _best(repeats, lambda: [READ_EVERY_FIELD(r) for r in page_read()]),
        "validation alone (eager)": _best(repeats, lambda: [items.wrap(r) for r in records]),
    }
    client.close()
    return {name: seconds * 1000 for name, seconds in figures.items()}


def run(size: str = "full") -> list[Row]:
    """Both lines (minimal server, in-process sandbox), then the page read step by step."""
    sizes = SIZES[size]
    with minimal_server(Options(mode="open", pages=PAGES)) as server:
        minimal = rotations(Target(server.base_url, 1, "benchmark"), sizes)
    rows = rows_for(SECTION, minimal, sizes.targets)
    sandbox = Sandbox(items=PAGES * 100, rate_limit=False, time_scale=1e6)
    target = Target(sandbox.base_url, sandbox.account_id, sandbox.issue_tokens().access_token, sandbox)
    rows += rows_for(SECTION_SANDBOX, rotations(target, sizes), targets=False)
    for name, ms in parse_times(sizes.parse_repeats).items():
        rows.append(Row("Read time of one 100-item page", "Item page (75 KB)", name, "ms", ms))
    return rows
