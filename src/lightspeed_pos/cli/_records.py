"""``accounts``, ``resources``, ``list``, ``get``, ``create``, ``update`` and ``archive``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from lightspeed_pos._catalog import ResourceSpec
from lightspeed_pos.query import Query, encode_query

from ._context import guarded, state_of
from ._options import (
    Archived,
    CsvRaw,
    Data,
    Fields,
    Format,
    RecordId,
    Relations,
    Resource,
    Sort,
    Where,
    split_names,
)
from ._output import (
    TABLE_COLUMNS,
    OutputFormat,
    choose_columns,
    csv_header,
    csv_rows,
    json_record,
    render_record,
    render_table,
)
from ._resources import resolve_resource, resource_names
from ._where import build_query

__all__ = ["emit_records", "read_data", "register"]


def _console() -> Any:
    from rich.console import Console

    return Console(soft_wrap=False)


def emit_records(
    spec: ResourceSpec,
    pages: Iterable[Sequence[Mapping[str, Any]]],
    fmt: OutputFormat,
    *,
    fields: list[str] | None = None,
    title: str | None = None,
    csv_raw: bool = False,
) -> int:
    """Print records as they come (ndjson, csv) or once all are in (table, json); returns the count."""
    out = sys.stdout
    total = 0
    if fields and fmt in ("json", "ndjson"):
        pages = ([{name: record.get(name) for name in fields} for record in page] for page in pages)
    if fmt in ("ndjson", "csv"):
        columns: list[str] | None = None
        for page in pages:
            if fmt == "ndjson":
                out.write("".join(json_record(record) + "\n" for record in page))
            else:
                if columns is None:
                    columns = choose_columns(spec, page, fields=fields or ())
                    out.write(csv_header(columns))
                out.write(csv_rows(page, columns, raw=csv_raw))
            out.flush()
            total += len(page)
        return total
    records = [record for page in pages for record in page]
    if fmt == "json":
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False, default=str))
    else:
        columns = choose_columns(spec, records, fields=fields or (), limit=TABLE_COLUMNS)
        _console().print(render_table(title, records, columns))
    return len(records)


def _limited(pages: Iterator[list[Any]], limit: int | None) -> Iterator[list[dict[str, Any]]]:
    left = limit
    for page in pages:
        records = [record.to_dict() for record in page]
        if left is not None:
            records = records[:left]
            left -= len(records)
        if records:
            yield records
        if left is not None and left <= 0:
            return


def read_data(data: str) -> dict[str, Any]:
    """``--data``: JSON, ``@file`` or ``@-`` (stdin); must be one JSON object."""
    if data.startswith("@"):
        source = data[1:]
        text = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8")
    else:
        text = data
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"--data is not valid JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise ValueError('--data must be a JSON object, e.g. \'{"description": "Onesie"}\'')
    return payload


def _relations_query(relations: list[str]) -> Query:
    names = [name for raw in relations for name in raw.split(",") if name.strip()]
    return Query(load_relations=names or None)


def _emit_one(spec: ResourceSpec, record: Mapping[str, Any], fmt: OutputFormat) -> None:
    if fmt == "table":
        _console().print(render_record(f"{spec.entity} {record.get(spec.id_field, '')}", record))
    else:
        emit_records(spec, [[record]], fmt)


def register(app: typer.Typer) -> None:
    """Add the record commands to ``app``."""

    @app.command("accounts")
    @guarded
    def accounts(
        ctx: typer.Context,
        fmt: Format = "table",
    ) -> None:
        """The accounts the token can see (GET /Account.json)."""
        spec, collection = state_of(ctx).collection("accounts")
        emit_records(spec, _limited(collection.each_page(), None), fmt, fields=["accountID", "name"])

    @app.command("resources")
    @guarded
    def resources() -> None:
        """The RESOURCE names the commands take."""
        for name in resource_names():
            spec = resolve_resource(name)
            typer.echo(f"{name:28} {spec.entity:24} {', '.join(sorted(spec.operations))}")

    @app.command("list")
    @guarded
    def list_(
        ctx: typer.Context,
        resource: Resource,
        where: Where = None,
        relations: Relations = None,
        sort: Sort = None,
        limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most N records.")] = None,
        archived: Archived = False,
        fields: Fields = None,
        fmt: Format = "table",
        csv_raw: CsvRaw = False,
    ) -> None:
        """Records of RESOURCE, page by page (GET Account/{id}/{Resource}.json)."""
        spec = resolve_resource(resource)
        query = build_query(where or [], relations=relations or [], sort=sort, archived=archived)
        query.check(spec)
        _, collection = state_of(ctx).collection(resource)
        page_size = min(limit, 100) if limit else 100
        pages = _limited(collection.each_page(query, page_size=page_size), limit)
        columns = split_names(fields) or None
        count = emit_records(spec, pages, fmt, fields=columns, title=spec.attr, csv_raw=csv_raw)
        if fmt == "table":
            typer.echo(f"{count} record(s); query: {encode_query(query.params()) or '(none)'}", err=True)

    @app.command("get")
    @guarded
    def get(
        ctx: typer.Context,
        resource: Resource,
        record_id: RecordId,
        relations: Relations = None,
        fmt: Format = "json",
    ) -> None:
        """One record (GET {Resource}.json?{idField}=ID); exit status 1 when there is none."""
        spec = resolve_resource(resource)
        query = _relations_query(relations or [])
        query.check(spec)
        _, collection = state_of(ctx).collection(resource)
        _emit_one(spec, collection.find(record_id, query).to_dict(), fmt)

    @app.command("create")
    @guarded
    def create(
        ctx: typer.Context,
        resource: Resource,
        data: Data,
        fmt: Format = "json",
    ) -> None:
        """Create a record (POST {Resource}.json) and print it."""
        payload = read_data(data)
        spec, collection = state_of(ctx).collection(resource)
        _emit_one(spec, collection.create(payload).to_dict(), fmt)

    @app.command("update")
    @guarded
    def update(
        ctx: typer.Context,
        resource: Resource,
        record_id: RecordId,
        data: Data,
        fmt: Format = "json",
    ) -> None:
        """Update a record (PUT {Resource}/ID.json) and print it."""
        payload = read_data(data)
        spec, collection = state_of(ctx).collection(resource)
        _emit_one(spec, collection.update(record_id, payload).to_dict(), fmt)

    @app.command("archive")
    @guarded
    def archive(
        ctx: typer.Context,
        resource: Resource,
        record_id: RecordId,
        fmt: Format = "json",
    ) -> None:
        """Archive a record (DELETE {Resource}/ID.json, where the API archives) and print it."""
        spec, collection = state_of(ctx).collection(resource)
        _emit_one(spec, collection.archive(record_id).to_dict(), fmt)
