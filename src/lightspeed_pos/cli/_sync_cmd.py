"""``lightspeed sync``: mirror the store into SQLite (default) or PostgreSQL, incrementally.

Progress shows one bar per stream (records, pages, phase, the bucket level); ``--quiet`` prints
nothing but errors (for cron); a summary table ends each run. Exit status: 0 every stream synced,
1 some stream failed (the others are synced; rerunning resumes the failed ones from their
checkpoints), 2 bad usage, 3 the destination cannot be opened, 130 interrupted.
SQLAlchemy is imported only when the command runs.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._context import CliState, fail, guarded, state_of
from ._rate import bucket_of
from ._worker_cmd import default_streams, enqueue_jobs, run_workers, show_status

if TYPE_CHECKING:
    from lightspeed_pos.sync import StreamReport, SyncReport

__all__ = ["default_destination", "parse_interval", "register"]

EXIT_FAILED_STREAMS = 1
EXIT_DESTINATION = 3


def default_destination() -> str:
    """The embedded default: ``store.db`` in the user data directory."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("lightspeed-pos"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'store.db'}"


def parse_interval(text: str) -> float:
    """``90``, ``30s``, ``15m``, ``2h``, ``1d`` -> seconds (``ValueError`` otherwise)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not match:
        raise ValueError(f"--every takes a duration such as 30s, 15m or 2h, not {text!r}")
    value = float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    if value <= 0:
        raise ValueError("--every must be longer than 0 seconds")
    return value


def _split(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


class _Bars:
    """One rich progress bar per (account, stream); updated from the worker threads."""

    def __init__(self, state: CliState, enabled: bool, several_accounts: bool) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.state = state
        self.several = several_accounts
        self.progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            TextColumn(
                "{task.completed:>7} records, {task.fields[pages]:>4} pages, {task.fields[phase]:<11}"
            ),
            TextColumn("bucket {task.fields[bucket]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=not enabled,
        )
        self.tasks: dict[tuple[int, str], Any] = {}

    def __enter__(self) -> _Bars:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def update(self, report: StreamReport) -> None:
        key = (report.account_id, report.stream)
        name = f"{report.account_id}/{report.stream}" if self.several else report.stream
        bucket = bucket_of(self.state)
        fields: dict[str, Any] = {
            "pages": report.pages,
            "phase": report.phase,
            "bucket": f"{bucket.level:.0f}/{bucket.size:g}",
        }
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(name, total=report.total, **fields)
        self.progress.update(self.tasks[key], completed=report.records, total=report.total, **fields)


def summary_table(report: SyncReport) -> Any:
    from rich.table import Table

    table = Table(title=f"Sync run {report.run_id}: {report.seconds:.1f} s")
    for column in (
        "stream",
        "inserted",
        "updated",
        "archived",
        "deleted",
        "requests",
        "cost",
        "seconds",
        "status",
    ):
        table.add_column(column, justify="left" if column in ("stream", "status") else "right")
    several = len({s.account_id for s in report.streams}) > 1
    for s in report.streams:
        table.add_row(
            f"{s.account_id}/{s.stream}" if several else s.stream,
            str(s.inserted),
            str(s.updated),
            str(s.archived),
            str(s.deleted),
            str(s.requests),
            f"{s.cost:.1f}",
            f"{s.seconds:.1f}",
            "ok" if s.error is None else f"failed: {s.error}",
        )
    table.add_row(
        "total",
        str(report.inserted),
        str(report.updated),
        str(report.archived),
        str(report.deleted),
        str(report.requests),
        f"{report.cost:.1f}",
        f"{report.seconds:.1f}",
        "ok" if report.ok else f"{len(report.errors)} failed",
    )
    return table


def run_once(
    state: CliState,
    url: str,
    streams: list[str] | None,
    accounts: list[int],
    options: Any,
    *,
    quiet: bool,
    workers: int,
) -> SyncReport:
    from rich.console import Console

    from lightspeed_pos.sync import sync

    client = state.client()
    with _Bars(state, not quiet, len(accounts) > 1) as bars:
        report = sync(
            client,
            url,
            streams=streams,
            accounts=accounts,
            options=options,
            workers=workers,
            progress=bars.update,
        )
    if not quiet:
        Console().print(summary_table(report))
    for failed in report.errors:
        typer.echo(f"Error: {failed.account_id}/{failed.stream}: {failed.error}", err=True)
    return report


def register(app: typer.Typer) -> None:
    """Add ``sync`` to ``app``."""

    @app.command("sync")
    @guarded
    def sync_command(
        ctx: typer.Context,
        action: Annotated[
            str | None,
            typer.Argument(help="'status': show the job queue (jobs, leases, last runs, errors)."),
        ] = None,
        to: Annotated[
            str | None,
            typer.Option(
                "--to",
                help="sqlite:///file.db or postgresql://user@host/db (default: store.db in the data dir).",
            ),
        ] = None,
        streams: Annotated[
            str | None,
            typer.Option("--streams", help="Comma-separated streams (default: a store's set; 'all')."),
        ] = None,
        accounts: Annotated[
            str | None,
            typer.Option("--accounts", help="Comma-separated account ids (default: --account-id)."),
        ] = None,
        full_refresh: Annotated[
            bool, typer.Option("--full-refresh", help="Forget the named streams' rows and copy them again.")
        ] = False,
        every: Annotated[
            str | None,
            typer.Option("--every", help="Run again every interval (30s, 15m, 2h) until interrupted."),
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="No progress, no summary: errors only.")
        ] = False,
        raw: Annotated[
            bool, typer.Option("--raw", help="Also keep each record as received (_raw JSON).")
        ] = False,
        sweep: Annotated[
            bool | None,
            typer.Option(
                "--sweep/--no-sweep", help="Look for records deleted for good now (default: daily)."
            ),
        ] = None,
        lookback: Annotated[
            float,
            typer.Option(
                "--lookback", min=0, help="Seconds each incremental listing re-reads (late commits)."
            ),
        ] = 300.0,
        threads: Annotated[
            int, typer.Option("--threads", min=1, max=32, help="Streams synced at once in this process.")
        ] = 4,
        workers: Annotated[
            int | None,
            typer.Option(
                "--workers", min=1, max=64, help="Worker processes sharing the job queue in the destination."
            ),
        ] = None,
        enqueue: Annotated[
            bool, typer.Option("--enqueue", help="Queue the (account, stream) jobs for workers, then exit.")
        ] = False,
        redis: Annotated[
            str | None,
            typer.Option("--redis", help="Redis shared by the workers (or LIGHTSPEED_REDIS_URL)."),
        ] = None,
        lease: Annotated[
            float, typer.Option("--lease", min=1, help="Seconds a worker's job lease lasts.")
        ] = 60.0,
        estimate: Annotated[
            bool,
            typer.Option("--estimate", help="Count records before a first copy (10 drips each) for an ETA."),
        ] = False,
    ) -> None:
        """Mirror the store into SQLite or PostgreSQL; run again to bring it up to date."""
        state = state_of(ctx)
        if action not in (None, "status"):
            raise fail(f"unknown sync action {action!r} (the only one is 'status')", 2)
        if redis:
            state.settings.values["redis_url"] = redis
            state.settings.sources["redis_url"] = "flag"
        if action == "status":
            show_status(to or default_destination(), lease)
            return
        try:
            interval = parse_interval(every) if every else None
        except ValueError as exc:
            raise fail(str(exc), 2) from None
        names = _split(streams)
        from lightspeed_pos.sync import SyncOptions, resolve_streams

        try:
            resolve_streams(names)  # an unknown stream is an error before anything starts
        except ValueError as exc:
            raise fail(str(exc), 2) from None
        try:
            ids = [int(a) for a in _split(accounts) or []] or [state.account_id()]
        except ValueError:
            raise fail(f"--accounts takes comma-separated account ids, not {accounts!r}", 2) from None
        url = to or default_destination()
        if enqueue or workers is not None:
            if full_refresh or raw or estimate or sweep is not None:
                raise fail(
                    "--full-refresh, --raw, --sweep and --estimate apply to a sync without --workers", 2
                )
            jobs = [(a, s) for a in ids for s in (names or default_streams())]
            if enqueue:
                count = enqueue_jobs(url, lease, jobs)
                typer.echo(f"queued {count} jobs ({len(ids)} accounts x {len(jobs) // len(ids)} streams)")
                return
            assert workers is not None
            while True:
                enqueue_jobs(url, lease, jobs)
                run_workers(state, url, lease, workers)
                if interval is None:
                    return
                time.sleep(interval)
        options = SyncOptions(
            full_refresh=full_refresh, lookback=lookback, sweep=sweep, raw=raw, estimate_totals=estimate
        )
        import sqlalchemy.exc

        while True:
            try:
                report = run_once(state, url, names, ids, options, quiet=quiet, workers=threads)
            except sqlalchemy.exc.SQLAlchemyError as exc:
                cause = getattr(exc, "orig", None) or exc
                message = " ".join(str(cause).split())
                raise fail(f"cannot write to the destination: {message}", EXIT_DESTINATION) from None
            except sqlalchemy.exc.ArgumentError as exc:
                raise fail(f"not a database URL: {exc}", EXIT_DESTINATION) from None
            if interval is None:
                break
            options = SyncOptions(lookback=lookback, sweep=sweep, raw=raw)
            time.sleep(interval)
        if not report.ok:
            raise typer.Exit(EXIT_FAILED_STREAMS)
