"""Running jobs: one (account, stream) job with a client, many in parallel, and the run's report.

Several streams of one account run in parallel threads (or tasks) on the client's one bucket per
account - the client books each request's cost before sending it, so they never overflow it - and
several accounts run in parallel the same way, each on its own bucket.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc
import anyio.to_thread

from ..telemetry import StreamRun
from ._dest import Destination
from ._job import Instruction, Job, JobOp, Progress, StreamReport, SyncOptions, Write
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


class _Writes:
    """One job's writes, one at a time and in order; a pipelined one runs in a thread of its own
    while the job sends its next request (see :class:`Write`)."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future[Any] | None = None

    def run(self, write: Write) -> Any:
        self.settle()
        if not write.pipelined:
            return write.run()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lightspeed-sync-write")
        self._pending = self._pool.submit(write.run)
        return None

    def settle(self) -> None:
        """Wait for the pipelined write still running, if any; its error is raised here."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Wait for the last write (its error, if any, is the job's already) and stop the thread."""
        if self._pending is not None:
            wait([self._pending])
            self._pending = None
        if self._pool is not None:
            self._pool.shutdown()


class _AsyncWrites:
    """:class:`_Writes` for :func:`run_job_async`: the pipelined write in a task of ``group``."""

    def __init__(self, group: anyio.abc.TaskGroup) -> None:
        self._group = group
        self._done: anyio.Event | None = None
        self._error: BaseException | None = None

    async def run(self, write: Write) -> Any:
        await self.settle()
        if not write.pipelined:
            return await anyio.to_thread.run_sync(write.run)
        done = self._done = anyio.Event()

        async def pipelined() -> None:
            try:
                await anyio.to_thread.run_sync(write.run)
            except Exception as exc:
                self._error = exc
            finally:
                done.set()

        self._group.start_soon(pipelined)
        return None

    async def settle(self) -> None:
        done, self._done = self._done, None
        if done is not None:
            await done.wait()
        error, self._error = self._error, None
        if error is not None:
            raise error


def _step(op: JobOp, value: Any) -> Instruction | None:
    """The job's next instruction, given the answer to its last one; ``None`` when it is done."""
    try:
        return op.send(value)
    except StopIteration:
        return None


def run_job(client: Client, job: Job) -> StreamReport:
    """Carry out one job with a :class:`Client`; an error ends the job (its checkpoint stays).
    With telemetry, the job is a span (``lightspeed.sync STREAM``) around its requests."""
    started = time.monotonic()
    writes = _Writes()
    with client.stream_span(job.stream.name, account_id=job.account_id, cursor=job.stream.cursor) as span:
        op = job.op()
        try:
            instruction = _step(op, None)
            while instruction is not None:
                if isinstance(instruction, Write):
                    instruction = _step(op, writes.run(instruction))
                else:
                    response = client.send(instruction)
                    job.count_request(instruction, response)
                    instruction = _step(op, response)
            writes.settle()
        except Exception as exc:  # the job stops; the run goes on with the others
            writes.close()
            job.report.error = _error_text(exc)
            _note_error(job)
        finally:
            writes.close()
        job.report.seconds = time.monotonic() - started
        _close_span(span, job.report)
    return job.report


async def run_job_async(client: AsyncClient, job: Job) -> StreamReport:
    """:func:`run_job` with an :class:`AsyncClient`; database work runs in a worker thread."""
    started = time.monotonic()
    with client.stream_span(job.stream.name, account_id=job.account_id, cursor=job.stream.cursor) as span:
        async with anyio.create_task_group() as group:
            writes = _AsyncWrites(group)
            op = job.op()
            try:
                instruction = _step(op, None)
                while instruction is not None:
                    if isinstance(instruction, Write):
                        instruction = _step(op, await writes.run(instruction))
                        continue
                    response = await client.send(instruction)
                    job.count_request(instruction, response)
                    instruction = _step(op, response)
                await writes.settle()
            except Exception as exc:
                with contextlib.suppress(Exception):
                    await writes.settle()
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


@dataclass
class _Run:
    """A run as :func:`sync` and :func:`async_sync` both set it up: its destination, its row in
    ``_lightspeed_runs`` (the report) and one job per (account, stream)."""

    dest: Destination
    owned: bool
    jobs: list[Job]
    report: SyncReport
    started: float

    def finish(self, streams: list[StreamReport]) -> SyncReport:
        self.report.streams = streams
        _finish(self.dest, self.report, self.started)
        return self.report

    def close(self) -> None:
        if self.owned:
            self.dest.close()


def _begin(
    client: Any,
    destination: str | Destination,
    streams: Sequence[str] | str | None,
    accounts: Sequence[int | str] | None,
    options: SyncOptions,
    progress: Progress | None,
) -> _Run:
    dest, owned = _destination(destination)
    try:
        ids = _accounts(client, accounts)
        chosen = resolve_streams(_names(streams))
        report = SyncReport(dest.start_run(ids, [s.name for s in chosen]))
        jobs = [make_job(client, dest, a, stream, options, progress) for a in ids for stream in chosen]
    except BaseException:
        if owned:
            dest.close()
        raise
    return _Run(dest, owned, jobs, report, time.monotonic())


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
    run = _begin(client, destination, streams, accounts, options or SyncOptions(**option_values), progress)
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(run_job, client, job) for job in run.jobs]
            return run.finish([f.result() for f in futures])
    finally:
        run.close()


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
    chosen = options or SyncOptions(**option_values)
    begin = partial(_begin, client, destination, streams, accounts, chosen, progress)
    run = await anyio.to_thread.run_sync(begin)
    try:
        results: dict[int, StreamReport] = {}
        limiter = anyio.CapacityLimiter(max(1, workers))

        async def one(index: int, job: Job) -> None:
            async with limiter:
                results[index] = await run_job_async(client, job)

        async with anyio.create_task_group() as group:
            for index, job in enumerate(run.jobs):
                group.start_soon(one, index, job)
        return await anyio.to_thread.run_sync(run.finish, [results[i] for i in range(len(run.jobs))])
    finally:
        await anyio.to_thread.run_sync(run.close)


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
