"""Many processes on one account through the shared state (Redis): the bucket and the tokens.

* ``bucket``: P processes x T threads read one account's items, each process with its own
  ``Client``. With ``shared=RedisState(...)`` they draw on one bucket: efficiency is the ideal
  time of what the server charged (``lower_bound`` of :mod:`benchmarks.ratelimit`) over the
  achieved time, and the 429s are counted; beside it the same processes with separate
  throttlers (the default), which each believe the bucket is theirs.
* ``refresh storm``: P processes read with tokens that live a few seconds, and force a refresh
  every few requests, for a while; the sandbox logs every refresh grant. Figures: refreshes,
  the most in any minute (the server allows 5), refresh tokens spent twice (two refreshes of
  one expiry) and errors (a lost refresh token shows as a failed refresh).

The sandbox serves in a process of its own on 127.0.0.1; Redis is ``LIGHTSPEED_BENCH_REDIS_URL``
(or ``LIGHTSPEED_TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/0``) under a namespace of the
run's own, deleted afterwards.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import httpx2
import sqlalchemy as sa

import lightspeed_pos as ls
from lightspeed_pos.oauth import OAuthSession, TokenSet
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.shared import RedisState
from lightspeed_pos.sync._queue import engine_url

from ._harness import Recorder, RecordingTransport, Row
from .ratelimit import TARGET_EFFICIENCY, lower_bound

NAME = "shared"
SECTION = "Shared state (Redis)"
MAX_REFRESHES_PER_MINUTE = 5


def redis_url() -> str:
    return os.environ.get(
        "LIGHTSPEED_BENCH_REDIS_URL", os.environ.get("LIGHTSPEED_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    )


@dataclass(frozen=True)
class Bucket:
    processes: int
    threads: int
    items: int
    page_size: int
    bucket_size: float
    time_scale: float

    @property
    def drip(self) -> float:
        return self.time_scale  # drip rate 1 a second, scaled

    @property
    def burst(self) -> int:
        return max(1, round(max(1, round(self.bucket_size * 2 / 9)) * self.time_scale))


@dataclass(frozen=True)
class Storm:
    processes: int
    seconds: float
    token_lifetime: float
    force_every: int


def sizes(size: str) -> tuple[Bucket, Storm, Accounts]:
    if size == "tiny":
        return Bucket(1, 2, 60, 5, 4, 200), Storm(1, 1.0, 1.0, 10_000), Accounts(3, 2, 10, 50)
    return Bucket(4, 4, 1200, 5, 90, 8), Storm(8, 60.0, 15.0, 25), Accounts(200, 4, 20, 20)


# --- the sandbox in its own process, logging refresh grants ---------------------------------------


def _serve(connection: Connection, options: dict[str, Any]) -> None:
    sandbox = Sandbox(**options)
    grants: list[tuple[float, str]] = []
    oauth = sandbox.app.oauth
    real = oauth._refresh
    limiter = sandbox.app.limiter
    admit = limiter.admit
    refused = [0]

    def logged(form: dict[str, str], *args: Any, **kwargs: Any) -> Any:
        grants.append((time.time(), form.get("refresh_token", "")))
        return real(form, *args, **kwargs)

    def counted(*args: Any, **kwargs: Any) -> Any:
        decision = admit(*args, **kwargs)
        if not decision.allowed:
            refused[0] += 1
        return decision

    oauth._refresh = logged  # type: ignore[method-assign]
    limiter.admit = counted  # type: ignore[method-assign]
    with sandbox.serve() as where:
        pair = sandbox.issue_tokens()
        tokens = {}
        if len(sandbox.account_ids) > 1:
            tokens = {a: sandbox.issue_tokens(a) for a in sandbox.account_ids}
        connection.send(
            {
                "tokens": {a: (p.access_token, p.refresh_token) for a, p in tokens.items()},
                "base_url": where.base_url,
                "auth_url": where.auth_url,
                "client_id": sandbox.client_id,
                "client_secret": sandbox.client_secret,
                "account_id": sandbox.account_id,
                "access_token": pair.access_token,
                "refresh_token": pair.refresh_token,
                "expires_in": pair.expires_in,
            }
        )
        while connection.recv() == "429s":  # how many requests got 429 so far
            connection.send(refused[0])
        connection.send(grants)


class Served:
    """A sandbox serving in another process until :meth:`stop`, which returns its refresh log."""

    def __init__(self, options: dict[str, Any]) -> None:
        context = multiprocessing.get_context("spawn")
        self._ours, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs, options), daemon=True)
        self._process.start()
        if not self._ours.poll(60):
            raise RuntimeError("the sandbox process did not start")
        self.info: dict[str, Any] = self._ours.recv()

    def refused(self) -> int:
        """The requests the sandbox answered with 429 so far."""
        self._ours.send("429s")
        count: int = self._ours.recv()
        return count

    def stop(self) -> list[tuple[float, str]]:
        self._ours.send("stop")
        grants: list[tuple[float, str]] = self._ours.recv() if self._ours.poll(30) else []
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
        return grants


# --- the bucket -----------------------------------------------------------------------------------


def _bucket_worker(
    info: dict[str, Any], setup: Bucket, index: int, namespace: str | None, start: Any, results: Any
) -> None:
    recorder = Recorder()
    transport = RecordingTransport(httpx2.HTTPTransport(), recorder)
    shared = RedisState(redis_url(), namespace=namespace) if namespace else None
    holder = _StaticHolder(info["access_token"])
    client = ls.Client(holder, base_url=info["base_url"], transport=transport, shared=shared)
    account = client.account(info["account_id"])
    lanes = setup.processes * setup.threads
    step = -(-setup.items // lanes)

    failed: list[str] = []

    def read(lane: int) -> None:
        try:
            read_lane(lane)
        except ls.LightspeedError as error:  # separate throttlers: retries run out on 429s
            failed.append(type(error).__name__)

    def read_lane(lane: int) -> None:
        low = lane * step + 1
        for _page in account.items.each_page(
            {"itemID": f"><,{low},{low + step - 1}"}, page_size=setup.page_size
        ):
            pass

    threads = [threading.Thread(target=read, args=(index * setup.threads + t,)) for t in range(setup.threads)]
    start.wait(120)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = time.time()
    client.close()
    key = str(info["account_id"])
    costs, admitted = recorder.costs.get(key, 0.0), recorder.admitted.get(key, 0)
    most = recorder.max_cost.get(key, 0.0)
    results.put((ended, dict(recorder.statuses), costs, admitted, len(failed), most))


class _StaticHolder:
    def __init__(self, token: str) -> None:
        self.oauth_token = token

    def refresh_oauth_token(self) -> None:
        raise RuntimeError("the benchmark's token expired")


def measure_bucket(setup: Bucket, shared: bool, *, checked: bool = True) -> Row:
    """One run; ``checked``: whether the efficiency target applies (not at the tiny size, whose
    few requests measure start-up more than pacing)."""
    served = Served(
        {
            "items": setup.items,
            "bucket_size": setup.bucket_size,
            "drip_rate": 1,
            "time_scale": setup.time_scale,
        }
    )
    namespace = f"bench-{secrets.token_hex(6)}" if shared else None
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(setup.processes + 1), context.Queue()
    processes = [
        context.Process(target=_bucket_worker, args=(served.info, setup, i, namespace, start, results))
        for i in range(setup.processes)
    ]
    try:
        for process in processes:
            process.start()
        start.wait(120)  # every process is ready: the clock starts
        started = time.time()
        answers = [results.get(timeout=600) for _ in processes]
        for process in processes:
            process.join(30)
    finally:
        served.stop()
        if namespace:
            _drop(namespace)
    achieved = max(a[0] for a in answers) - started
    statuses: Counter[int] = Counter()
    for answer in answers:
        statuses.update(answer[1])
    cost, admitted = sum(a[2] for a in answers), sum(a[3] for a in answers)
    most = max(a[5] for a in answers)
    t_min = lower_bound(admitted, cost, most, size=setup.bucket_size, drip=setup.drip, burst=setup.burst)
    efficiency = t_min / achieved if achieved > 0 else 0.0
    label = f"{setup.processes} processes x {setup.threads} threads, 1 account"
    client = "lightspeed-pos, shared=RedisState" if shared else "lightspeed-pos, separate throttlers"
    row = Row(
        SECTION,
        label,
        client,
        "t_min / achieved",
        efficiency,
        {
            "t_min_s": t_min,
            "achieved_s": achieved,
            "429s": statuses[429],
            "threads_failed": sum(a[4] for a in answers),
            "requests": sum(statuses.values()),
            "cost": cost,
            "bucket": f"{setup.bucket_size:g}, drip {setup.drip:g}/s",
        },
    )
    if shared and checked:
        row.target = f">= {TARGET_EFFICIENCY}, 0 x 429"
        row.passed = efficiency >= TARGET_EFFICIENCY and statuses[429] == 0 and not any(a[4] for a in answers)
    return row


def _drop(namespace: str) -> None:
    state = RedisState(redis_url(), namespace=namespace)
    keys = list(state.redis.scan_iter(match=f"{namespace}:*", count=500))
    if keys:
        state.redis.delete(*keys)
    state.close()


# --- the refresh storm ----------------------------------------------------------------------------


def _storm_worker(info: dict[str, Any], setup: Storm, namespace: str, start: Any, results: Any) -> None:
    state = RedisState(redis_url(), namespace=namespace)
    outcome: dict[str, Any] = {"requests": 0, "errors": []}
    session = OAuthSession(
        info["client_id"],
        info["client_secret"],
        store=state.token_store("storm"),
        auth_url=info["auth_url"],
        refresh_margin=setup.token_lifetime / 5,
    )
    with session, ls.Client(session, base_url=info["base_url"], shared=state) as client:
        start.wait(120)
        deadline = time.monotonic() + setup.seconds
        while time.monotonic() < deadline:
            try:
                client.request("GET", f"Account/{info['account_id']}")
                outcome["requests"] += 1
                if outcome["requests"] % setup.force_every == 0:
                    session.refresh_oauth_token()
            except ls.LightspeedError as error:
                outcome["errors"].append(type(error).__name__)
                break
    results.put(outcome)


def measure_storm(setup: Storm) -> Row:
    served = Served({"items": 10, "rate_limit": False, "token_lifetime": setup.token_lifetime})
    info = served.info
    namespace = f"bench-{secrets.token_hex(6)}"
    state = RedisState(redis_url(), namespace=namespace)
    now = time.time()
    state.token_store("storm").save(
        TokenSet(
            info["access_token"], info["refresh_token"], expires_at=now + info["expires_in"], obtained_at=now
        )
    )
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(setup.processes + 1), context.Queue()
    processes = [
        context.Process(target=_storm_worker, args=(info, setup, namespace, start, results))
        for _ in range(setup.processes)
    ]
    try:
        for process in processes:
            process.start()
        start.wait(120)
        outcomes = [results.get(timeout=setup.seconds + 300) for _ in processes]
        for process in processes:
            process.join(30)
        final = state.token_store("storm").load()
    finally:
        grants = served.stop()
        _drop(namespace)
    times = sorted(t for t, _ in grants)
    per_minute = max((sum(1 for u in times if t <= u < t + 60) for t in times), default=0)
    spent = Counter(token for _, token in grants)
    reused = sum(1 for count in spent.values() if count > 1)
    errors = sum(len(o["errors"]) for o in outcomes)
    lost = final is None or final.refresh_token in spent
    row = Row(
        SECTION,
        f"refresh storm: {setup.processes} processes, tokens living {setup.token_lifetime:g} s, "
        f"{setup.seconds:g} s",
        "lightspeed-pos, RedisTokenStore",
        "most refreshes in any minute",
        float(per_minute),
        {
            "refreshes": len(grants),
            "refresh_tokens_spent_twice": reused,
            "errors": errors,
            "refresh_token_lost": lost,
            "requests": sum(o["requests"] for o in outcomes),
        },
        target=f"<= {MAX_REFRESHES_PER_MINUTE}/min, 0 spent twice, 0 lost, 0 errors",
    )
    row.passed = per_minute <= MAX_REFRESHES_PER_MINUTE and reused == 0 and errors == 0 and not lost
    return row


def run(size: str = "full") -> list[Row]:
    """The shared bucket (and separate throttlers beside it), then the refresh storm."""
    if not RedisState(redis_url(), namespace="probe").ping():
        raise RuntimeError(f"the shared-state benchmark needs Redis at {redis_url()}")
    bucket, storm, accounts = sizes(size)
    rows = [measure_bucket(bucket, shared=True, checked=size != "tiny")]
    if size != "tiny":
        rows.append(measure_bucket(bucket, shared=False))
    else:  # a run of milliseconds: the efficiency means nothing, the 429s still do
        row = rows[0]
        row.target, row.passed = "0 x 429", row.details["429s"] == 0 and not row.details["threads_failed"]
    with scratch_database() as destination, tempfile.TemporaryDirectory() as folder:
        config = os.path.join(folder, "config.toml")
        with open(config, "w", encoding="utf-8"):
            pass
        environment = {**os.environ, "LIGHTSPEED_CONFIG": config}
        environment["LIGHTSPEED_TOKEN_FILE"] = os.path.join(folder, "tokens.json")
        many = measure_accounts(accounts, destination, environment)
    return [*rows, measure_storm(storm), many]


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """A PostgreSQL database of the run's own (``LIGHTSPEED_BENCH_POSTGRES_URL``, else the test
    server), dropped afterwards."""
    import psycopg

    server = os.environ.get(
        "LIGHTSPEED_BENCH_POSTGRES_URL",
        os.environ.get("LIGHTSPEED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    name = f"lightspeed_bench_{secrets.token_hex(5)}"
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- many accounts, worker processes --------------------------------------------------------------


@dataclass(frozen=True)
class Accounts:
    accounts: int
    processes: int
    items: int
    time_scale: float


ACCOUNT_STREAMS = {"items": ("item_id", "description"), "categories": ("category_id", "name")}


def measure_accounts(setup: Accounts, destination: str, environment: dict[str, str]) -> Row:
    """``lightspeed sync --workers P`` over A sandbox accounts (tokens and buckets in Redis, the job
    queue in ``destination``); every account's tables are then compared with the API, row by row.
    ``environment``: what the command runs with (``LIGHTSPEED_CONFIG`` ...)."""
    client_id = f"bench-accounts-{secrets.token_hex(4)}"
    served = Served(
        {
            "accounts": setup.accounts,
            "items": setup.items,
            "client_id": client_id,
            "time_scale": setup.time_scale,
        }
    )
    namespace = f"lightspeed-{client_id}"
    info = served.info
    try:
        state = RedisState(redis_url(), namespace=namespace)
        now = time.time()
        for account_id, (access, refresh) in info["tokens"].items():
            tokens = TokenSet(access, refresh, expires_at=now + 3600, obtained_at=now)
            state.token_store(f"account-{account_id}").save(tokens)
        state.close()
        env = {
            **environment,
            "LIGHTSPEED_CLIENT_ID": client_id,
            "LIGHTSPEED_CLIENT_SECRET": info["client_secret"],
            "LIGHTSPEED_BASE_URL": info["base_url"],
            "LIGHTSPEED_AUTH_URL": info["auth_url"],
            "LIGHTSPEED_REDIS_URL": redis_url(),
        }
        ids = ",".join(str(a) for a in info["tokens"])
        command = [sys.executable, "-m", "lightspeed_pos.cli", "sync", "--to", destination]
        command += [
            "--accounts",
            ids,
            "--streams",
            ",".join(ACCOUNT_STREAMS),
            "--workers",
            str(setup.processes),
        ]
        started = time.perf_counter()
        ran = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
        seconds = time.perf_counter() - started
        refused = served.refused()
        mismatched = _mismatched_accounts(info, destination)
    finally:
        served.stop()
        _drop(namespace)
    errors = ran.returncode != 0 or "Traceback" in ran.stderr
    row = Row(
        SECTION,
        f"{setup.accounts} accounts, {setup.processes} worker processes (sync --workers)",
        "lightspeed-pos, shared=RedisState, PostgreSQL queue"
        if "postgres" in destination
        else "lightspeed-pos",
        "accounts exact",
        float(setup.accounts - mismatched),
        {
            "429s": refused,
            "seconds": seconds,
            "jobs": setup.accounts * len(ACCOUNT_STREAMS),
            "mismatched_accounts": mismatched,
            "exit": ran.returncode,
            "stderr": ran.stderr.strip()[-300:],
        },
        target=f"{setup.accounts} exact, 0 x 429",
    )
    row.passed = mismatched == 0 and refused == 0 and not errors
    return row


def _mismatched_accounts(info: dict[str, Any], destination: str) -> int:
    """Accounts whose tables differ from what the API lists (every record, archived too)."""
    engine = sa.create_engine(engine_url(destination))
    found: dict[tuple[str, int], set[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for stream, (key, field) in ACCOUNT_STREAMS.items():
            query = f"SELECT account_id, {key}, {field} FROM {stream}"
            for account_id, ident, value in conn.execute(sa.text(query)):
                found.setdefault((stream, int(account_id)), set()).add((int(ident), value or ""))
    engine.dispose()
    mismatched = 0
    for account_id, (access, _refresh) in info["tokens"].items():
        with ls.Client(oauth_token_holder=_StaticHolder(access), base_url=info["base_url"]) as client:
            account = client.account(int(account_id))
            expected = {
                "items": {
                    (int(m.id), m.attributes.get("description") or "")
                    for m in account.items.all({"archived": "true"})
                },
                "categories": {(int(m.id), m.attributes.get("name") or "") for m in account.categories.all()},
            }
        if any(found.get((stream, int(account_id)), set()) != rows for stream, rows in expected.items()):
            mismatched += 1
    return mismatched
