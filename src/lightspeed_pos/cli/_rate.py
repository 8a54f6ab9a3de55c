"""``lightspeed rate``: the bucket, and what a listing will cost and take before it runs.

The estimate (docs/reference.md#request-costs): one count request gives the number of records and the bucket's
level, size and drip rate (from its headers); a listing is ``ceil(count / 100)`` page requests
of ``estimate_cost`` drips each; the bucket absorbs what is free in it and the rest drains at the
drip rate: ``time = max(0, level + total - size) / drip``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import typer

from lightspeed_pos.query import Query, encode_query, estimate_cost

from ._context import CliState, guarded, state_of
from ._options import Archived, Relations, Resource, Sort, Where
from ._resources import resolve_resource
from ._where import build_query, check_query

__all__ = ["Bucket", "bucket_of", "register", "seconds_for"]

PAGE_SIZE = 100


@dataclass(frozen=True)
class Bucket:
    level: float
    size: float
    drip_rate: float

    @property
    def free(self) -> float:
        return max(0.0, self.size - self.level)


def bucket_of(state: CliState) -> Bucket:
    """The bucket as the last response described it (the throttler's view)."""
    throttler = state.client().throttler
    return Bucket(
        throttler.bucket_level if throttler.bucket_level is not None else 0.0,
        throttler.bucket_max if throttler.bucket_max is not None else 90.0,
        throttler.drip_rate or 1.0,
    )


def seconds_for(drips: float, bucket: Bucket) -> float:
    """How long ``drips`` more drips take: the free room is immediate, the rest drains at the drip."""
    return max(0.0, bucket.level + drips - bucket.size) / bucket.drip_rate


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def _bucket_lines(bucket: Bucket) -> list[str]:
    refill = bucket.level / bucket.drip_rate
    return [
        f"Bucket:      {bucket.level:.2f} / {bucket.size:g} drips ({bucket.free:.2f} free)",
        f"Drip rate:   {bucket.drip_rate:g} drips/s (empty again in {duration(refill)})",
    ]


def plan_lines(state: CliState, resource: str, query: Query) -> list[str]:
    """The cost and time of listing ``resource`` with ``query``: one count request first."""
    spec = resolve_resource(resource)
    check_query(query, spec)
    _, collection = state.collection(resource)
    count = collection.count(
        Query(*query.filters, load_relations=query.relations or None, archived=query.archived_mode)
    )
    pages = max(1, math.ceil(count / PAGE_SIZE))
    per_page = estimate_cost(spec, query.limit(PAGE_SIZE))
    total = pages * per_page
    bucket = bucket_of(state)
    encoded = encode_query(query.limit(PAGE_SIZE).params())
    return [
        f"Query:       GET {collection.path}.json?{encoded}",
        f"Records:     {count} (from one count request)",
        f"Pages:       {pages} of up to {PAGE_SIZE}",
        f"Cost:        {per_page:g} drips per page, {total:g} drips in all",
        *_bucket_lines(bucket),
        f"Time:        about {duration(seconds_for(total, bucket))} at {bucket.drip_rate:g} drips/s "
        f"(plus the time the requests themselves take)",
    ]


def register(app: typer.Typer) -> None:
    """Add the ``rate`` group: ``rate`` (the bucket) and ``rate list RESOURCE ...`` (an estimate)."""
    rate = typer.Typer(
        help="The rate limit: the bucket now, and the cost and time of a listing before it runs.",
        invoke_without_command=True,
    )

    @rate.callback()
    @guarded
    def show(ctx: typer.Context) -> None:
        """The bucket's level, size and drip rate (read from one GET /Account.json)."""
        if ctx.invoked_subcommand is not None:
            return
        state = state_of(ctx)
        state.client().accounts.first()
        for line in _bucket_lines(bucket_of(state)):
            typer.echo(line)

    @rate.command("list")
    @guarded
    def plan(
        ctx: typer.Context,
        resource: Resource,
        where: Where = None,
        relations: Relations = None,
        sort: Sort = None,
        archived: Archived = False,
    ) -> None:
        """What `lightspeed list RESOURCE ...` with the same options would cost and take."""
        query = build_query(where or [], relations=relations or [], sort=sort, archived=archived)
        for line in plan_lines(state_of(ctx), resource, query):
            typer.echo(line)

    app.add_typer(rate, name="rate")
