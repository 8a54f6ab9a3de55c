"""Rate-limit efficiency: how close each client comes to the bucket's theoretical minimum time.

For every run a fresh sandbox serves in a process of its own on 127.0.0.1 (so the server's work
does not eat the client's time), its bucket fresh (level 0) and time-scaled; the client books
what it charged each account (``X-LS-API-Request-Cost`` of every admitted request) and every
bucket level the server reported. ``t_min`` is a true lower bound on the time any client needs
for the work the server admitted, derived from the server's own rules (:func:`lower_bound`):

* the bucket admits a request while its level, drained at ``drip`` since the start, is at most
  ``size``, whatever the request then adds. The last request can be admitted only once
  ``initial_level + (total_cost - its cost) - drip * t <= size``, so
  ``t >= (initial_level + total_cost - max_cost - size) / drip`` (``max_cost`` the largest single
  cost: the last one costs at most that; the drain's floor at 0 can only make it later);
* the burst limiter admits at most ``burst`` requests in each fixed one-second window: ``n``
  admitted requests span at least ``ceil(n / burst)`` windows, and the first and the last can be
  at most one window apart less than that, so ``t >= ceil(n / burst) - 2`` seconds;

``t_min`` is the larger of the two, for the slowest account. Efficiency is ``t_min / achieved``
(at most 1 for any client, a naive one included) and the 429s are counted.

Clients compared in the same run, on the same workload:

* ``lightspeed-pos``: ``Client`` (one shared by every thread) or ``AsyncClient`` (one, with a
  token holder per account);
* ``gem policy``: the Ruby gem's ``RequestThrottler`` - drip assumed ``size/60``, a GET costs 1
  and a write 10, sleep ``cost/drip`` when the last level seen plus the cost exceeds the size, a
  fixed 60 s (scaled like the bucket) on a 429;
* ``naive``: ignores the headers and only obeys ``Retry-After`` on a 429.

The two baselines are written here as small generator flows over raw httpx2 (not the library).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Coroutine, Generator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal, Protocol

import anyio
import httpx2

import lightspeed_pos as ls
from lightspeed_pos._ratelimit import parse_level
from lightspeed_pos._wire import encode_payload

from ._harness import AsyncRecordingTransport, Recorder, RecordingTransport, Row
from ._served import Served, StaticHolder, served

Mode = Literal["single", "threads", "accounts"]
Workload = Literal["reads", "mixed"]
NAME = "ratelimit"
TARGET_EFFICIENCY = 0.97

SALE = {
    "shopID": 1,
    "employeeID": 1,
    "registerID": 1,
    "SaleLines": [
        {"SaleLine": {"itemID": 1, "unitQuantity": 1, "unitPrice": "1.00"}},
        {"SaleLine": {"itemID": 2, "unitQuantity": 2, "unitPrice": "2.50"}},
    ],
}
"""The sale written between reads in the mixed load (cost 2 + 0.5 per line)."""


@dataclass(frozen=True)
class Setup:
    """One scenario: the sandbox's bucket, the data, who reads what."""

    mode: Mode
    items: int
    page_size: int
    bucket_size: float
    time_scale: float
    drip_rate: float = 1.0
    accounts: int = 1
    threads: int = 1
    write_every: int = 0
    """Mixed load: one sale with two lines after every ``write_every`` pages (0: reads only)."""
    timed_targets: bool = True
    """Whether the efficiency target means something (not in runs of milliseconds)."""
    baseline_deadline: float = 20.0
    """A baseline stops after this many seconds; its efficiency is then that of the work it did
    (t_min of what the server charged so far, over the time taken)."""

    @property
    def workload(self) -> Workload:
        return "mixed" if self.write_every else "reads"

    @property
    def drip(self) -> float:
        """The effective drip rate (drips per real second), as the headers report it."""
        return self.drip_rate * self.time_scale

    @property
    def burst_per_second(self) -> int:
        return max(1, round(max(1, round(self.bucket_size * 2 / 9)) * self.time_scale))

    @property
    def label(self) -> str:
        where = {
            "single": "1 thread",
            "threads": f"{self.threads} threads, 1 account, Client shared",
            "accounts": f"{self.accounts} accounts, one AsyncClient",
        }[self.mode]
        return f"{self.workload}: {where}"

    def options(self) -> dict[str, Any]:
        """The sandbox for this scenario (served in a process of its own)."""
        return {
            "items": self.items,
            "accounts": self.accounts,
            "bucket_size": self.bucket_size,
            "drip_rate": self.drip_rate,
            "time_scale": self.time_scale,
        }

    def jobs(self, sandbox: Served) -> list[tuple[int, dict[str, str]]]:
        """(account, query) per worker: one per account, or the account's items split by id."""
        if self.mode != "threads":
            return [(account_id, {}) for account_id in sandbox.account_ids]
        step = math.ceil(self.items / self.threads)
        return [
            (sandbox.account_id, {"itemID": f"><,{lo},{lo + step - 1}"})
            for lo in range(1, self.items + 1, step)
        ]

    def t_min(self, recorder: Recorder) -> float:
        """The lower bound of the run: that of its slowest account (the bucket starts empty)."""
        bounds = [0.0]
        for key, cost in recorder.costs.items():
            bounds.append(
                lower_bound(
                    recorder.admitted[key],
                    cost,
                    recorder.max_cost[key],
                    size=self.bucket_size,
                    drip=self.drip,
                    burst=self.burst_per_second,
                    initial_level=0.0,
                )
            )
        return max(bounds)


def lower_bound(
    requests: int,
    total_cost: float,
    max_cost: float,
    *,
    size: float,
    drip: float,
    burst: float,
    initial_level: float = 0.0,
) -> float:
    """The least time from the first to the last of ``requests`` admitted requests (``total_cost``
    in all, none above ``max_cost``) on a bucket of ``size`` draining ``drip`` per second from
    ``initial_level``, beside a burst limit of ``burst`` requests per fixed one-second window."""
    if requests == 0:
        return 0.0
    bucket = max(0.0, initial_level + total_cost - max_cost - size) / drip
    windows = max(0, math.ceil(requests / burst) - 2)
    return max(bucket, float(windows))


def setups(size: str) -> list[Setup]:
    """The scenarios of a run: ``full`` (seconds each) or ``tiny`` (for the smoke test)."""
    if size == "tiny":
        single = Setup(
            "single",
            items=60,
            page_size=10,
            bucket_size=3,
            time_scale=1000,
            baseline_deadline=0.5,
            timed_targets=False,
        )
        accounts = replace(single, mode="accounts", accounts=2)
        threads = replace(single, mode="threads", threads=3)
        mixed = [replace(s, write_every=2) for s in (single, threads, accounts)]
        return [single, threads, accounts, *mixed]
    single = Setup("single", items=3000, page_size=20, bucket_size=90, time_scale=20)
    threads = replace(single, mode="threads", threads=8)
    # Accounts after the first hold at most 40 items (the sandbox's seed): 40 pages of 1 each, so
    # that the run is long next to the moment when all 50 accounts' last requests fall due at once.
    accounts = Setup("accounts", items=40, page_size=1, bucket_size=12, time_scale=4, accounts=50)
    return [
        single,
        threads,
        accounts,
        replace(single, items=2000, write_every=5),
        replace(threads, items=2000, write_every=5),
        replace(accounts, time_scale=6, write_every=10),
    ]


# --- lightspeed-pos -------------------------------------------------------------------------------


@dataclass
class Wire:
    """The recording transports of one measure, built before its clock starts (creating an HTTP
    transport loads the TLS certificates: tens of milliseconds that are not the client's pace)."""

    recorder: Recorder
    sync: RecordingTransport
    asynchronous: AsyncRecordingTransport

    @classmethod
    def make(cls) -> Wire:
        recorder = Recorder()
        return cls(
            recorder,
            RecordingTransport(httpx2.HTTPTransport(), recorder),
            AsyncRecordingTransport(httpx2.AsyncHTTPTransport(), recorder),
        )


def _library_sync(setup: Setup, sandbox: Served, wire: Wire) -> None:
    transport = wire.sync
    holder = StaticHolder(sandbox.tokens[sandbox.account_id])
    with ls.Client(holder, base_url=sandbox.base_url, transport=transport) as client:

        def work(account_id: int, query: dict[str, str]) -> Callable[[], None]:
            def run() -> None:
                account = client.account(account_id)
                pages = account.items.each_page(query, page_size=setup.page_size)
                for number, _page in enumerate(pages, 1):
                    if setup.write_every and number % setup.write_every == 0:
                        account.sales.create(SALE)

            return run

        run_threads([work(account_id, query) for account_id, query in setup.jobs(sandbox)])


async def _library_async(setup: Setup, sandbox: Served, wire: Wire) -> None:
    transport = wire.asynchronous
    client = ls.AsyncClient(base_url=sandbox.base_url, transport=transport)

    async def work(account_id: int, query: dict[str, str]) -> None:
        account = client.account(account_id, oauth_token_holder=StaticHolder(sandbox.tokens[account_id]))
        number = 0
        async for _page in account.items.each_page(query, page_size=setup.page_size):
            number += 1
            if setup.write_every and number % setup.write_every == 0:
                await account.sales.create(SALE)

    try:
        await run_tasks([partial(work, a, q) for a, q in setup.jobs(sandbox)])
    finally:
        await client.close()


# --- the baselines: a flow over raw httpx2 and a policy ------------------------------------------


@dataclass(frozen=True)
class Call:
    """One HTTP request of a baseline flow."""

    method: str
    url: str
    headers: dict[str, str]
    params: dict[str, str] | None = None
    body: bytes | None = None


BaselineFlow = Generator[Call | float, httpx2.Response | None, None]
"""Yields a :class:`Call` (answered with the response) or a float (seconds to sleep)."""


class Policy(Protocol):
    """How a baseline client paces itself."""

    def before(self, method: str) -> float: ...

    def after(self, response: httpx2.Response) -> None: ...

    def on_429(self, response: httpx2.Response) -> float: ...


class GemPolicy:
    """The Ruby gem's ``RequestThrottler``, with its sleeps scaled like the sandbox's bucket."""

    def __init__(self, time_scale: float) -> None:
        self.time_scale = time_scale
        self.level = 0.0
        self.size = math.inf
        self.units_per_second = 0.5

    def before(self, method: str) -> float:
        units = 1.0 if method == "GET" else 10.0
        if self.level + units > self.size:
            return units / (self.units_per_second * self.time_scale)
        return 0.0

    def after(self, response: httpx2.Response) -> None:
        seen = parse_level(response.headers.get("X-LS-API-Bucket-Level"))
        if seen is not None:
            self.level, self.size = seen
            self.units_per_second = self.size / 60.0

    def on_429(self, response: httpx2.Response) -> float:
        return 60.0 / self.time_scale


class NaivePolicy:
    """No pacing at all; on a 429, sleep what ``Retry-After`` says."""

    def before(self, method: str) -> float:
        return 0.0

    def after(self, response: httpx2.Response) -> None:
        return None

    def on_429(self, response: httpx2.Response) -> float:
        return float(response.headers.get("Retry-After", "1"))


def _paced(policy: Policy, call: Call) -> Generator[Call | float, httpx2.Response | None, httpx2.Response]:
    while True:
        wait = policy.before(call.method)
        if wait > 0:
            yield wait
        response = yield call
        assert response is not None
        if response.status_code == 429:
            yield policy.on_429(response)
            continue
        response.raise_for_status()
        policy.after(response)
        return response


def baseline_flow(
    setup: Setup, policy: Policy, base_url: str, token: str, account_id: int, query: dict[str, str]
) -> BaselineFlow:
    """Read every page of the account's items (and write sales between them) through ``policy``."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    url: str | None = f"{base_url}/Account/{account_id}/Item.json"
    params: dict[str, str] | None = {**query, "limit": str(setup.page_size)}
    sale = encode_payload(SALE)
    number = 0
    while url:
        response = yield from _paced(policy, Call("GET", url, headers, params))
        url, params = json.loads(response.content)["@attributes"].get("next") or None, None
        number += 1
        if setup.write_every and number % setup.write_every == 0:
            post = Call("POST", f"{base_url}/Account/{account_id}/Sale.json", headers, body=sale)
            yield from _paced(policy, post)


def drive_sync(flow: BaselineFlow, http: httpx2.Client, deadline: float) -> None:
    """Carry out a baseline flow with a sync httpx2 client and ``time.sleep``, until ``deadline``."""
    answer: httpx2.Response | None = None
    while time.perf_counter() < deadline:
        try:
            step = flow.send(answer)
        except StopIteration:
            return
        if isinstance(step, Call):
            answer = http.request(
                step.method, step.url, headers=step.headers, params=step.params, content=step.body
            )
        else:
            time.sleep(min(step, max(0.0, deadline - time.perf_counter())))
            answer = None


async def drive_async(flow: BaselineFlow, http: httpx2.AsyncClient, deadline: float) -> None:
    """Carry out a baseline flow with an async httpx2 client and ``anyio.sleep``, until ``deadline``."""
    answer: httpx2.Response | None = None
    while time.perf_counter() < deadline:
        try:
            step = flow.send(answer)
        except StopIteration:
            return
        if isinstance(step, Call):
            answer = await http.request(
                step.method, step.url, headers=step.headers, params=step.params, content=step.body
            )
        else:
            await anyio.sleep(min(step, max(0.0, deadline - time.perf_counter())))
            answer = None


def _baseline(setup: Setup, sandbox: Served, wire: Wire, make_policy: Callable[[], Policy]) -> None:
    jobs = setup.jobs(sandbox)
    tokens = sandbox.tokens
    policies = {a: make_policy() for a in sandbox.account_ids}  # one client (and throttler) per token
    deadline = time.perf_counter() + setup.baseline_deadline

    def flow(account_id: int, query: dict[str, str]) -> BaselineFlow:
        return baseline_flow(
            setup, policies[account_id], sandbox.base_url, tokens[account_id], account_id, query
        )

    if setup.mode == "accounts":

        async def main() -> None:
            async with httpx2.AsyncClient(transport=wire.asynchronous) as http:
                await run_tasks([partial(drive_async, flow(a, q), http, deadline) for a, q in jobs])

        anyio.run(main)
        return
    with httpx2.Client(transport=wire.sync) as http:
        run_threads([partial(drive_sync, flow(a, q), http, deadline) for a, q in jobs])


# --- running --------------------------------------------------------------------------------------


def run_threads(works: Sequence[Callable[[], None]]) -> None:
    """Run each callable in its own thread; re-raise the first failure."""
    errors: list[BaseException] = []

    def guarded(work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


async def run_tasks(works: Sequence[Callable[[], Coroutine[Any, Any, None]]]) -> None:
    """Run each coroutine function as a task of one task group."""
    async with anyio.create_task_group() as group:
        for work in works:
            group.start_soon(work)


CLIENTS: dict[str, Callable[[Setup, Served, Wire], None]] = {
    "lightspeed-pos": lambda s, sb, r: (
        anyio.run(_library_async, s, sb, r) if s.mode == "accounts" else _library_sync(s, sb, r)
    ),
    "gem policy": lambda s, sb, r: _baseline(s, sb, r, lambda: GemPolicy(s.time_scale)),
    "naive (Retry-After only)": lambda s, sb, r: _baseline(s, sb, r, NaivePolicy),
}


def measure(setup: Setup, client: str) -> Row:
    """One client on one scenario, on a fresh sandbox: its efficiency and 429s."""
    wire = Wire.make()
    recorder = wire.recorder
    with served(setup.options()) as sandbox:
        started = time.perf_counter()
        CLIENTS[client](setup, sandbox, wire)
        achieved = time.perf_counter() - started
    t_min = setup.t_min(recorder)
    efficiency = t_min / achieved if achieved > 0 else 0.0
    details: dict[str, Any] = {
        "t_min_s": t_min,
        "achieved_s": achieved,
        "429s": recorder.rate_limited,
        "requests": recorder.requests,
        "cost": sum(recorder.costs.values()),
        "bucket": f"{setup.bucket_size:g}, drip {setup.drip:g}/s",
    }
    if client != "lightspeed-pos" and achieved >= setup.baseline_deadline:
        details["stopped_at_deadline"] = True
    row = Row("Rate-limit efficiency", setup.label, client, "t_min / achieved", efficiency, details)
    row.series = {"levels": recorder.levels, "bucket_size": setup.bucket_size}
    if client == "lightspeed-pos" and setup.timed_targets:
        row.target = f">= {TARGET_EFFICIENCY}, 0 x 429"
        row.passed = efficiency >= TARGET_EFFICIENCY and recorder.rate_limited == 0
    elif client == "lightspeed-pos":  # a run of milliseconds: only the 429s mean something
        row.target, row.passed = "0 x 429", recorder.rate_limited == 0
    return row


def run(size: str = "full") -> list[Row]:
    """Every scenario, every client."""
    return [measure(setup, client) for setup in setups(size) for client in CLIENTS]
