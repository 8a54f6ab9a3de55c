"""``lightspeed export RESOURCE... --out DIR``: resumable exports with rich progress bars.

Each resource first costs one count request (the bar's total); the bar then shows records, pages,
the bucket level (``client.throttler.bucket_level/bucket_max``) and an ETA computed from the drip
rate (:func:`~lightspeed_pos.cli._rate.seconds_for`). Ctrl-C stops with exit status 130; the
same command resumes (see :mod:`lightspeed_pos.cli._export`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from lightspeed_pos.query import estimate_cost

from ._context import CliState, guarded, state_of
from ._export import ExportState, ResourceExport
from ._options import Archived
from ._rate import bucket_of, duration, seconds_for
from ._resources import resolve_resource

__all__ = ["after_page", "register"]


ExportFormat = Literal["csv", "ndjson", "json"]


def after_page(resource: str, state: ExportState) -> None:
    """Called after each committed page (a hook for tests: raise KeyboardInterrupt to stop)."""


def _progress(enabled: bool) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(
            "records, {task.fields[pages]} pages, bucket {task.fields[bucket]}, ETA {task.fields[eta]}"
        ),
        console=Console(stderr=True),
        disable=not enabled,
    )


def _bucket_text(state: CliState) -> str:
    bucket = bucket_of(state)
    return f"{bucket.level:.1f}/{bucket.size:g}"


def export_one(state: CliState, job: ResourceExport, progress: Any, *, restart: bool) -> ExportState:
    """Resume or start one resource's export, updating its progress bar after every page."""
    saved = job.prepare(restart=restart)
    name = job.spec.attr
    if saved.complete:
        typer.echo(f"{name}: already complete ({saved.records} records in {job.data_path})", err=True)
        return saved
    total = job.collection.count(job.total_query())
    per_page = estimate_cost(job.spec, job.query().limit(job.page_size))

    def eta() -> str:
        return duration(seconds_for(job.pages_left(total) * per_page, bucket_of(state)))

    task = progress.add_task(
        name,
        total=max(total, saved.records),
        completed=saved.records,
        pages=saved.pages,
        bucket=_bucket_text(state),
        eta=eta(),
    )
    if saved.records:
        typer.echo(f"{name}: resuming after {saved.records} records (id {saved.last_id})", err=True)

    def on_page(current: ExportState) -> None:
        progress.update(
            task,
            completed=current.records,
            total=max(total, current.records),
            pages=current.pages,
            bucket=_bucket_text(state),
            eta=eta(),
        )
        after_page(name, current)

    return job.run(on_page)


def register(app: typer.Typer) -> None:
    """Add ``export`` to ``app``."""

    @app.command("export")
    @guarded
    def export(
        ctx: typer.Context,
        resources: Annotated[list[str], typer.Argument(help="items sales customers ...")],
        out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the files and their state.")],
        fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv, ndjson or json.")] = "ndjson",
        archived: Archived = False,
        restart: Annotated[
            bool, typer.Option("--restart", help="Discard earlier progress and start over.")
        ] = False,
        page_size: Annotated[
            int, typer.Option("--page-size", min=1, max=100, help="Records per request.")
        ] = 100,
        progress: Annotated[
            bool, typer.Option("--progress/--no-progress", help="Show progress bars.")
        ] = True,
    ) -> None:
        """Export RESOURCEs to files in DIR; after Ctrl-C, run it again to resume."""
        state = state_of(ctx)
        specs = [resolve_resource(name) for name in resources]
        jobs = [
            ResourceExport(spec, state.collection(spec.name)[1], out, fmt, archived, page_size)
            for spec in specs
        ]
        done: list[ResourceExport] = []
        try:
            with _progress(progress) as bars:
                for job in jobs:
                    export_one(state, job, bars, restart=restart)
                    done.append(job)
        except KeyboardInterrupt:
            current = jobs[len(done)]
            typer.echo(
                f"Interrupted: {current.state.records} {current.spec.attr} saved in {current.data_path}; "
                "run the same command again to resume.",
                err=True,
            )
            raise typer.Exit(130) from None
        for job in done:
            typer.echo(
                f"Exported {job.state.records} {job.spec.attr} to {job.data_path} ({job.state.pages} pages)"
            )
