"""``lightspeed export RESOURCE... --out DIR``: resumable exports with rich progress bars.

Each resource first costs one count request (the bar's total); the bar then shows records, pages,
the bucket level (``client.throttler.bucket_level/bucket_max``) and an ETA computed from the drip
rate (:func:`~lightspeed_pos.cli._rate.seconds_for`). Ctrl-C stops with exit status 130; the
same command resumes (see :mod:`lightspeed_pos.cli._export`). ``--format`` may be repeated (or
``csv,ndjson``): each format gets its own file and state in the same directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from lightspeed_pos.query import estimate_cost

from ._context import CliState, guarded, state_of
from ._export import ExportState, ResourceExport
from ._options import Archived, CsvRaw, Fields, split_names
from ._rate import bucket_of, duration, seconds_for
from ._resources import cli_name, resolve_resource

__all__ = ["after_page", "register"]

EXPORT_FORMATS = ("csv", "ndjson", "json")


def after_page(resource: str, state: ExportState) -> None:
    """Called after each committed page (a hook for tests: raise KeyboardInterrupt to stop)."""


def _progress(enabled: bool) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(bar_width=24),
        TextColumn(
            "{task.completed}/{task.total} records, {task.fields[pages]} pages, "
            "bucket {task.fields[bucket]}, ETA {task.fields[eta]}"
        ),
        console=Console(stderr=True),
        disable=not enabled,
        expand=False,
        redirect_stdout=False,
    )


def _bucket_text(state: CliState) -> str:
    bucket = bucket_of(state)
    return f"{min(bucket.level, bucket.size):.1f}/{bucket.size:g}"


def _say(progress: Any, text: str) -> None:
    """A line on stderr above the progress bars (printed through their console, so a bar being
    drawn is never cut in two)."""
    progress.console.print(text, markup=False, highlight=False, soft_wrap=True)


def export_one(
    state: CliState, job: ResourceExport, progress: Any, *, restart: bool, label: str | None = None
) -> ExportState:
    """Resume or start one resource's export, updating its progress bar after every page."""
    saved = job.prepare(restart=restart)
    name = label or cli_name(job.spec)
    if job.notice:
        _say(progress, job.notice)
    if saved.complete:
        _say(progress, f"{name}: already complete ({saved.records} records in {job.data_path})")
        return saved
    if saved.records:
        _say(progress, f"{name}: resuming after {saved.records} records (id {saved.last_id})")
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


def _formats(raw: list[str]) -> list[str]:
    formats = list(dict.fromkeys(split_names(raw)))
    unknown = [name for name in formats if name not in EXPORT_FORMATS]
    if unknown or not formats:
        raise typer.BadParameter(
            f"{unknown[0] if unknown else '(none)'!r} is not one of {', '.join(EXPORT_FORMATS)}",
            param_hint="'--format'",
        )
    return formats


def register(app: typer.Typer) -> None:
    """Add ``export`` to ``app``."""

    @app.command("export")
    @guarded
    def export(
        ctx: typer.Context,
        resources: Annotated[list[str], typer.Argument(help="items sales customers ...")],
        out: Annotated[
            Path, typer.Option("--out", "-o", metavar="DIR", help="Directory for the files and their state.")
        ],
        fmt: Annotated[
            list[str],
            typer.Option(
                "--format",
                "-f",
                metavar="FORMAT",
                help="csv, ndjson or json; repeat (or csv,json) for several.",
            ),
        ] = ["ndjson"],  # noqa: B006 - typer reads the default, never mutates it
        archived: Archived = False,
        fields: Fields = None,
        csv_raw: CsvRaw = False,
        restart: Annotated[
            bool, typer.Option("--restart", help="Discard earlier progress and start over.")
        ] = False,
        page_size: Annotated[
            int, typer.Option("--page-size", min=1, max=100, metavar="N", help="Records per request (1-100).")
        ] = 100,
        progress: Annotated[
            bool, typer.Option("--progress/--no-progress", help="Show progress bars (on a terminal).")
        ] = True,
    ) -> None:
        """Export RESOURCEs to files in DIR; after Ctrl-C, run it again to resume."""
        state = state_of(ctx)
        formats = _formats(fmt)
        specs = [resolve_resource(name) for name in resources]
        columns = split_names(fields)
        jobs = [
            ResourceExport(
                spec, state.collection(spec.name)[1], out, name, archived, page_size, columns, csv_raw
            )
            for spec in specs
            for name in formats
        ]
        several = len(formats) > 1
        done: list[ResourceExport] = []
        try:
            with _progress(progress) as bars:
                for job in jobs:
                    label = f"{job.spec.attr}.{job.fmt}" if several else None
                    export_one(state, job, bars, restart=restart, label=label)
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
