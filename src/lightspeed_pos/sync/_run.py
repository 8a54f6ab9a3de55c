"""Running jobs: one (account, stream) job with a client, many in parallel, and the run's report.

Several streams of one account run in parallel threads (or tasks) on the client's one bucket per
account - the client books each request's cost before sending it, so they never overflow it - and
several accounts run in parallel the same way, each on its own bucket.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from ..telemetry import StreamRun
from ._dest import Destination
from ._job import Job, Progress, StreamReport, SyncOptions, Write
from ._streams import Stream, resolve_streams

if TYPE_CHECKING:
    from .._async_client import AsyncClient
    from .._client import Client


@dataclass
class SyncReport:
    """What a run did, per stream and in total."""

    run_id: int | None
    streams: list[StreamReport] = field(default_factory=list)
    seconds: float = 0.0

    def total(self, name: str) -> Any:
        """The sum of one figure of :class:`StreamReport` over every stream."""
        return sum(getattr(s, name) for s in self.streams)

    inserted = property(lambda self: int(self.total("inserted")), doc="Rows inserted.")
    updated = property(lambda self: int(self.total("updated")), doc="Rows updated.")
    archived = property(lambda self: int(self.total("archived")), doc="Rows newly archived.")
    deleted = property(lambda self: int(self.total("deleted")), doc="Rows marked deleted for good.")
    requests = property(lambda self: int(self.total("requests")), doc="Requests sent.")
    cost = property(lambda self: float(self.total("cost")), doc="Drips charged.")

    @property
    def errors(self) -> list[StreamReport]:
        return [s for s in self.streams if s.error is not None]

    @property
    def ok(self) -> bool:
        return not self.errors

    def stream(self, name: str, account_id: int | None = None) -> StreamReport:
        for report in self.streams:
            if report.stream == name and (account_id is None or report.account_id == account_id):
                return report
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "seconds": round(self.seconds, 3),
            "inserted": self.inserted,
            "updated": self.updated,
            "archived": self.archived,
            "deleted": self.deleted,
            "requests": self.requests,
            "cost": round(self.cost, 2),
            "errors": len(self.errors),
            "streams": [s.as_dict() for s in self.streams],
        }


def _error_text(exc: BaseException) -> str:
    """One line: the error's class and message (API errors never carry a token)."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def run_job(client: Client, job: Job) -> StreamReport:
    """Carry out one job with a :class:`Client`; an error ends the job (its checkpoint stays).
    With telemetry, the job is a span (``lightspeed.sync STREAM``) around its requests."""
    started = time.monotonic()
    with client.stream_span(job.stream.name, account_id=job.account_id, cursor=job.stream.cursor) as span:
        op = job.op()
        value: Any = None
        try:
            while True:
                instruction = op.send(value)
                if isinstance(instruction, Write):
                    value = instruction.call()
                else:
                    value = client.send(instruction)
                    job.count_request(instruction, value)
        except StopIteration:
            pass
        except Exception as exc:  # the job stops; the run goes on with the others
            job.report.error = _error_text(exc)
            _note_error(job)
        job.report.seconds = time.monotonic() - started
        _close_span(span, job.report)
    return job.report


async def run_job_async(client: AsyncClient, job: Job) -> StreamReport:
    """:func:`run_job` with an :class:`AsyncClient`; database work runs in a worker thread."""
    started = time.monotonic()
    with client.stream_span(job.stream.name, account_id=job.account_id, cursor=job.stream.cursor) as span:
        op = job.op()
        value: Any = None
        try:
            while True:
                instruction = op.send(value)
                if isinstance(instruction, Write):
                    value = await anyio.to_thread.run_sync(instruction.call)
                else:
                    value = await client.send(instruction)
                    job.count_request(instruction, value)
        except StopIteration:
            pass
        except Exception as exc:
            job.report.error = _error_text(exc)
            await anyio.to_thread.run_sync(_note_error, job)
        job.report.seconds = time.monotonic() - started
        _close_span(span, job.report)
    return job.report


def _close_span(span: StreamRun, report: StreamReport) -> None:
    span.records, span.pages = report.records, report.pages
    for name in ("inserted", "updated", "archived", "deleted", "requests", "phase"):
        span.attributes[name] = getattr(report, name)
    span.attributes["cost"] = round(report.cost, 3)
    if report.error is not None:  # the class only: a message may quote the store's data
        span.error_type = report.error.split(":", 1)[0]


def _note_error(job: Job) -> None:
    try:
        state = job.dest.load_state(job.account_id, job.stream.name)
        state["last_error"] = job.report.error
        job.dest.save_state(job.account_id, job.stream.name, state)
    except Exception:  # the database itself may be what failed
        pass


def _destination(destination: str | Destination) -> tuple[Destination, bool]:
    if isinstance(destination, Destination):
        return destination, False
    return Destination(destination), True


def _accounts(client: Any, accounts: Sequence[int | str] | None) -> list[int]:
    if accounts:
        return [int(a) for a in accounts]
    default = getattr(client, "default_account_id", None)
    if default is not None:
        return [int(default)]
    raise ValueError("name the accounts to sync (accounts=[...])")


def _finish(dest: Destination, report: SyncReport, started: float) -> None:
    report.seconds = time.monotonic() - started
    if report.run_id is not None:
        dest.finish_run(
            report.run_id,
            {
                "status": "ok" if report.ok else "failed",
                "requests": report.requests,
                "cost": round(report.cost, 4),
                "rows_inserted": report.inserted,
                "rows_updated": report.updated,
                "rows_archived": report.archived,
                "rows_deleted": report.deleted,
                "errors": len(report.errors),
                "error_text": "; ".join(f"{e.account_id}/{e.stream}: {e.error}" for e in report.errors)
                or None,
                "report": report.as_dict(),
            },
        )


def plan(accounts: Sequence[int], streams: Sequence[str] | str | None) -> list[tuple[int, Stream]]:
    chosen = resolve_streams(_names(streams))
    return [(account, stream) for account in accounts for stream in chosen]


def sync(
    client: Client,
    destination: str | Destination,
    *,
    streams: Sequence[str] | str | None = None,
    accounts: Sequence[int | str] | None = None,
    options: SyncOptions | None = None,
    workers: int = 4,
    progress: Progress | None = None,
    **option_values: Any,
) -> SyncReport:
    """Bring ``destination`` (an SQLite file or a PostgreSQL URL) up to date with the API.

    ``streams``: names (``["items", "sales"]`` or ``"items,sales"``; default: a store's usual set,
    ``"all"`` for every stream); ``accounts``: account ids; ``options`` or keyword options
    (``full_refresh``, ``lookback``, ``sweep``, ``raw``...) as in :class:`SyncOptions`.
    """
    options = options or SyncOptions(**option_values)
    dest, owned = _destination(destination)
    try:
        ids = _accounts(client, accounts)
        jobs = plan(ids, streams)
        report = SyncReport(dest.start_run(ids, [s.name for s in resolve_streams(_names(streams))]))
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [
                pool.submit(run_job, client, make_job(client, dest, account, stream, options, progress))
                for account, stream in jobs
            ]
            report.streams = [f.result() for f in futures]
        _finish(dest, report, started)
        return report
    finally:
        if owned:
            dest.close()


async def async_sync(
    client: AsyncClient,
    destination: str | Destination,
    *,
    streams: Sequence[str] | str | None = None,
    accounts: Sequence[int | str] | None = None,
    options: SyncOptions | None = None,
    workers: int = 4,
    progress: Progress | None = None,
    **option_values: Any,
) -> SyncReport:
    """:func:`sync` with an :class:`AsyncClient` (asyncio or trio)."""
    options = options or SyncOptions(**option_values)
    dest, owned = await anyio.to_thread.run_sync(_destination, destination)
    try:
        ids = _accounts(client, accounts)
        jobs = plan(ids, streams)
        names = [s.name for s in resolve_streams(_names(streams))]
        report = SyncReport(await anyio.to_thread.run_sync(dest.start_run, ids, names))
        started = time.monotonic()
        results: dict[int, StreamReport] = {}
        limiter = anyio.CapacityLimiter(max(1, workers))

        async def one(index: int, account: int, stream: Stream) -> None:
            async with limiter:
                job = make_job(client, dest, account, stream, options, progress)
                results[index] = await run_job_async(client, job)

        async with anyio.create_task_group() as group:
            for index, (account, stream) in enumerate(jobs):
                group.start_soon(one, index, account, stream)
        report.streams = [results[i] for i in range(len(jobs))]
        await anyio.to_thread.run_sync(_finish, dest, report, started)
        return report
    finally:
        if owned:
            await anyio.to_thread.run_sync(dest.close)


def _names(streams: Sequence[str] | str | None) -> list[str] | str | None:
    if streams is None or isinstance(streams, str):
        return streams
    return list(streams)


def make_job(
    client: Any,
    dest: Destination,
    account_id: int,
    stream: Stream,
    options: SyncOptions,
    progress: Progress | None = None,
) -> Job:
    collection = client.collection(stream.spec.name, account_id=account_id)
    return Job(collection, dest, account_id, stream, options, progress)


def sync_job(
    client: Client,
    destination: str | Destination,
    account_id: int,
    stream: str,
    *,
    options: SyncOptions | None = None,
    **option_values: Any,
) -> StreamReport:
    """Bring ONE stream of ONE account up to date, resuming from its checkpoint - the unit a work
    queue hands out. Safe to run again after a crash at any point."""
    dest, owned = _destination(destination)
    try:
        (chosen,) = resolve_streams([stream])
        job = make_job(client, dest, account_id, chosen, options or SyncOptions(**option_values))
        return run_job(client, job)
    finally:
        if owned:
            dest.close()


async def async_sync_job(
    client: AsyncClient,
    destination: str | Destination,
    account_id: int,
    stream: str,
    *,
    options: SyncOptions | None = None,
    **option_values: Any,
) -> StreamReport:
    """:func:`sync_job` with an :class:`AsyncClient`."""
    dest, owned = await anyio.to_thread.run_sync(_destination, destination)
    try:
        (chosen,) = resolve_streams([stream])
        job = make_job(client, dest, account_id, chosen, options or SyncOptions(**option_values))
        return await run_job_async(client, job)
    finally:
        if owned:
            await anyio.to_thread.run_sync(dest.close)


__all__ = ["SyncReport", "async_sync", "async_sync_job", "run_job", "run_job_async", "sync", "sync_job"]
