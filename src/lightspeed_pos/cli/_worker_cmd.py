"""``lightspeed worker``: sync (account, stream) jobs from the queue in the destination database.

Any number of workers on any number of machines share one queue (``--to postgresql://...``), one
bucket per account and one token per account (``--redis redis://...`` or ``LIGHTSPEED_REDIS_URL``).
``--enqueue`` fills the queue, ``--status`` shows it; without either, the worker (or ``--processes
N`` of them) claims jobs until none is left. A worker that dies loses its lease and another takes
its job over, resuming from the stream's checkpoint. See :mod:`lightspeed_pos.sync._queue`.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._context import CliState, error_message, fail, guarded, state_of

if TYPE_CHECKING:
    from lightspeed_pos.sync._queue import JobQueue, JobStatus

__all__ = [
    "default_streams",
    "enqueue_jobs",
    "job_runner",
    "register",
    "run_workers",
    "show_status",
    "status_table",
]


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def job_runner(state: CliState, url: str) -> Any:
    """The callable a worker runs for one (account, stream): the sync of that stream from its
    checkpoint, with the account's own token when the shared state holds one."""
    try:
        sync = importlib.import_module("lightspeed_pos.sync")
    except ImportError as exc:
        raise fail(f"the sync is not available: {exc}", 2) from None
    shared = state.shared_state()
    if shared is None:
        client = state.client()
    else:  # a token per account, from Redis; the configured session only for an account without
        from lightspeed_pos import DEFAULT_BASE_URL, Client

        client = Client(base_url=state.settings.get("base_url") or DEFAULT_BASE_URL, shared=shared)
        state._closers.append(client.close)
    sessions: dict[int, Any] = {}

    def run_one(account_id: int, stream: str) -> str:
        if shared is not None and account_id not in sessions:
            store = shared.token_store(f"account-{account_id}")
            found = store.load() is not None
            sessions[account_id] = _session(state, store) if found else state.session()
            client.account(account_id, oauth_token_holder=sessions[account_id])
        report = sync.sync_job(client, url, account_id, stream)
        if getattr(report, "error", None):
            raise RuntimeError(str(report.error))
        return f"{getattr(report, 'inserted', 0)} inserted, {getattr(report, 'updated', 0)} updated"

    return run_one


def _session(state: CliState, store: Any) -> Any:
    """A session on the account's own tokens in Redis (``account-ID``, as ``login`` stores them)."""
    from lightspeed_pos.oauth import DEFAULT_AUTH_URL, OAuthSession

    session = OAuthSession(
        state.settings.get("client_id") or "default",
        state.settings.get("client_secret"),
        store=store,
        auth_url=state.settings.get("auth_url") or DEFAULT_AUTH_URL,
    )
    state._closers.append(session.close)
    return session


def _when(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def status_table(rows: list[JobStatus]) -> Any:
    from rich.table import Table

    table = Table(title=f"{len(rows)} jobs")
    for column in (
        "account",
        "stream",
        "state",
        "lease",
        "attempts",
        "runs",
        "last start",
        "last end",
        "error",
    ):
        table.add_column(column)
    for row in rows:
        lease = "-"
        if row.lease_owner is not None and row.lease_left is not None:
            lease = f"{row.lease_owner} ({row.lease_left:.0f} s)" if row.lease_left >= 0 else "lapsed"
        table.add_row(
            str(row.account_id),
            row.stream,
            row.state,
            lease,
            str(row.attempts),
            str(row.runs),
            _when(row.started_at),
            _when(row.finished_at),
            (row.last_error or "")[:80],
        )
    return table


def _queue(url: str, lease: float) -> JobQueue:
    from lightspeed_pos.sync._queue import JobQueue

    try:
        return JobQueue(url, lease=lease)
    except Exception as exc:  # SQLAlchemy's errors, a bad URL: one line, no traceback
        cause = getattr(exc, "orig", None) or exc
        raise fail(
            f"cannot open the job queue in {url.split('@')[-1]}: {' '.join(str(cause).split())}", 3
        ) from None


def _work(settings: dict[str, Any], url: str, lease: float) -> None:
    """One worker process: its own CLI state (client, shared state), jobs until none is left."""
    from lightspeed_pos.sync._queue import work

    from ._config import Settings

    state = CliState(Settings(settings, dict.fromkeys(settings, "parent"), None))
    try:
        queue = _queue(url, lease)
        summary = work(queue, job_runner(state, url), describe_error=error_message)
        typer.echo(
            f"{summary.worker}: {summary.completed} done, {summary.failed} failed, {summary.lost} taken over"
        )
        queue.close()
    except typer.Exit:
        raise
    except Exception as exc:  # a worker process: one line, never a traceback
        typer.echo(f"Error: {error_message(exc)}", err=True)
        raise SystemExit(1) from None
    finally:
        state.close()


def register(app: typer.Typer) -> None:
    """Add ``worker`` to ``app``."""

    @app.command("worker")
    @guarded
    def worker_command(
        ctx: typer.Context,
        to: Annotated[str, typer.Option("--to", help="The destination database, which holds the queue.")],
        redis: Annotated[
            str | None,
            typer.Option("--redis", help="Redis shared by every worker (or LIGHTSPEED_REDIS_URL)."),
        ] = None,
        enqueue: Annotated[bool, typer.Option("--enqueue", help="Queue the jobs, then exit.")] = False,
        status: Annotated[bool, typer.Option("--status", help="Show the jobs, leases and errors.")] = False,
        accounts: Annotated[
            str | None, typer.Option("--accounts", help="Comma-separated account ids.")
        ] = None,
        streams: Annotated[str | None, typer.Option("--streams", help="Comma-separated streams.")] = None,
        processes: Annotated[
            int, typer.Option("--processes", min=1, max=64, help="Workers to start here.")
        ] = 1,
        lease: Annotated[float, typer.Option("--lease", min=1, help="Seconds a job's lease lasts.")] = 60.0,
    ) -> None:
        """Sync jobs from the queue in the destination; --enqueue fills it, --status shows it."""
        state = state_of(ctx)
        if redis:
            state.settings.values["redis_url"] = redis
            state.settings.sources["redis_url"] = "flag"
        if status:
            show_status(to, lease)
            return
        if enqueue:
            ids = [int(a) for a in _split(accounts)] if accounts else [state.account_id()]
            names = _split(streams) or default_streams()
            count = enqueue_jobs(to, lease, [(a, s) for a in ids for s in names])
            typer.echo(f"queued {count} jobs ({len(ids)} accounts x {len(names)} streams)")
            return
        run_workers(state, to, lease, processes)


def show_status(url: str, lease: float) -> None:
    """Print the queue's jobs, leases, last runs and errors."""
    from rich.console import Console

    queue = _queue(url, lease)
    try:
        Console().print(status_table(queue.status()))
    finally:
        queue.close()


def enqueue_jobs(url: str, lease: float, jobs: list[tuple[int, str]]) -> int:
    """Queue (account, stream) jobs; how many were (re)queued."""
    queue = _queue(url, lease)
    try:
        return queue.enqueue(jobs)
    finally:
        queue.close()


def run_workers(state: CliState, url: str, lease: float, processes: int) -> None:
    """Run ``processes`` workers here (this process itself for one) until the queue is empty."""
    _queue(url, lease).close()  # a bad destination: one line, before any worker starts
    _prepare_destination(url)
    if processes == 1:
        _work(dict(state.settings.values), url, lease)
        return
    from lightspeed_pos.sync._queue import run_pool

    codes = run_pool(_work, (dict(state.settings.values), url, lease), processes)
    if any(codes):
        raise fail(f"{sum(1 for c in codes if c)} of {processes} workers failed", 1)


def _prepare_destination(url: str) -> None:
    """Create the sync's own tables once, before several processes would race to."""
    try:
        sync = importlib.import_module("lightspeed_pos.sync")
    except ImportError as exc:
        raise fail(f"the sync is not available: {exc}", 2) from None
    sync.Destination(url).close()


def default_streams() -> list[str]:
    try:
        sync = importlib.import_module("lightspeed_pos.sync")
    except ImportError as exc:
        raise fail(f"give --streams (the sync's default streams are not available: {exc})", 2) from None
    return [stream.name for stream in sync.resolve_streams(None)]
