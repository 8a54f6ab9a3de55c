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
    Pager,
    RecordId,
    Relations,
    Resource,
    Sort,
    Where,
    Wire,
    split_names,
)
from ._output import (
    TABLE_COLUMNS,
    OutputFormat,
    check_fields,
    choose_columns,
    csv_header,
    csv_rows,
    json_record,
    project,
    render_record,
    render_table,
    typed,
)
from ._resources import cli_name, resolve_resource, resource_names
from ._screen import listing_progress, page_output
from ._where import build_query, check_query

__all__ = ["emit_records", "read_data", "register"]


def _shape(
    spec: ResourceSpec,
    records: Sequence[Mapping[str, Any]],
    fmt: OutputFormat,
    fields: Sequence[str],
    wire: bool,
) -> list[Mapping[str, Any]]:
    """Records as JSON/NDJSON print them: real types unless ``wire``, only ``fields`` if given."""
    shaped: list[Mapping[str, Any]] = list(records)
    if fmt in ("json", "ndjson"):
        if not wire:
            shaped = [typed(record, spec.entity) for record in shaped]
        if fields:
            shaped = [project(record, fields) for record in shaped]
    return shaped


def emit_records(
    spec: ResourceSpec,
    pages: Iterable[Sequence[Mapping[str, Any]]],
    fmt: OutputFormat,
    *,
    fields: Sequence[str] = (),
    title: str | None = None,
    csv_raw: bool = False,
    wire: bool = False,
    pager: bool | None = None,
) -> int:
    """Print records as they come (ndjson, csv) or once all are in (table, json); returns the count.
    ``fields`` are checked against the endpoint and the first page (an unknown one is an error)."""
    out = sys.stdout
    total = 0
    checked = False
    if fmt in ("ndjson", "csv"):
        columns: list[str] | None = None
        for page in pages:
            if not checked:
                check_fields(spec, fields, page)
                checked = True
            if fmt == "ndjson":
                out.write(
                    "".join(json_record(record) + "\n" for record in _shape(spec, page, fmt, fields, wire))
                )
            else:
                if columns is None:
                    columns = choose_columns(spec, page, fields=fields)
                    out.write(csv_header(columns))
                out.write(csv_rows(page, columns, raw=csv_raw))
            out.flush()
            total += len(page)
        if not checked:
            check_fields(spec, fields)
        return total
    records = [record for page in pages for record in page]
    check_fields(spec, fields, records[:100])
    if fmt == "json":
        text = json.dumps(_shape(spec, records, fmt, fields, wire), indent=2, ensure_ascii=False, default=str)
        page_output(text + "\n", pager)
    else:
        columns = choose_columns(spec, records, fields=fields, limit=TABLE_COLUMNS)
        page_output(render_table(title, records, columns), pager)
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
    names = split_names(relations)
    return Query(load_relations=names or None)


def emit_one(
    spec: ResourceSpec,
    record: Mapping[str, Any],
    fmt: OutputFormat,
    *,
    fields: Sequence[str] = (),
    csv_raw: bool = False,
    wire: bool = False,
) -> None:
    """One record: a JSON object (``json``), one line (``ndjson``/``csv``) or a field/value table."""
    check_fields(spec, fields, [record])
    if fmt == "table":
        shown = project(record, fields) if fields else record
        page_output(render_record(f"{spec.entity} {record.get(spec.id_field, '')}", shown), None)
    elif fmt == "json":
        (shaped,) = _shape(spec, [record], fmt, fields, wire)
        typer.echo(json.dumps(shaped, indent=2, ensure_ascii=False, default=str))
    else:
        emit_records(spec, [[record]], fmt, fields=fields, csv_raw=csv_raw, wire=wire)


def register(app: typer.Typer) -> None:
    """Add the record commands to ``app``."""

    @app.command("accounts")
    @guarded
    def accounts(ctx: typer.Context, fmt: Format = "table", wire: Wire = False) -> None:
        """The accounts the token can see (GET /Account.json)."""
        spec, collection = state_of(ctx).collection("accounts")
        pages = _limited(collection.each_page(), None)
        emit_records(spec, pages, fmt, fields=["accountID", "name"], wire=wire)

    @app.command("resources")
    @guarded
    def resources() -> None:
        """The RESOURCE names the commands take (the collection names of the Python API)."""
        for name in resource_names():
            spec = resolve_resource(name)
            typer.echo(f"{name:32} {spec.entity:24} {', '.join(sorted(spec.operations))}")

    @app.command("list")
    @guarded
    def list_(
        ctx: typer.Context,
        resource: Resource,
        where: Where = None,
        relations: Relations = None,
        sort: Sort = None,
        limit: Annotated[
            int | None, typer.Option("--limit", "-n", min=1, metavar="N", help="At most N records.")
        ] = None,
        archived: Archived = False,
        fields: Fields = None,
        fmt: Format = "table",
        csv_raw: CsvRaw = False,
        wire: Wire = False,
        pager: Pager = None,
    ) -> None:
        """Records of RESOURCE, page by page (GET Account/{id}/{Resource}.json)."""
        spec = resolve_resource(resource)
        query = build_query(where or [], relations=relations or [], sort=sort, archived=archived)
        check_query(query, spec)
        _, collection = state_of(ctx).collection(resource)
        page_size = min(limit, 100) if limit else 100
        pages = _limited(collection.each_page(query, page_size=page_size), limit)
        with listing_progress(cli_name(spec), buffered=fmt in ("table", "json")) as progress:
            count = emit_records(
                spec,
                progress.track(pages),
                fmt,
                fields=split_names(fields),
                title=cli_name(spec),
                csv_raw=csv_raw,
                wire=wire,
                pager=pager,
            )
        if fmt == "table":
            typer.echo(f"{count} record(s); query: {encode_query(query.params()) or '(none)'}", err=True)

    @app.command("get")
    @guarded
    def get(
        ctx: typer.Context,
        resource: Resource,
        record_id: RecordId,
        relations: Relations = None,
        fields: Fields = None,
        fmt: Format = "json",
        csv_raw: CsvRaw = False,
        wire: Wire = False,
    ) -> None:
        """One record, archived or not, as the API's single-record read (GET {Resource}.json?{idField}=ID);
        exit status 1 when there is none."""
        spec = resolve_resource(resource)
        query = _relations_query(relations or [])
        check_query(query, spec)
        _, collection = state_of(ctx).collection(resource)
        record = collection.find(record_id, query).to_dict()
        emit_one(spec, record, fmt, fields=split_names(fields), csv_raw=csv_raw, wire=wire)

    @app.command("create")
    @guarded
    def create(
        ctx: typer.Context,
        resource: Resource,
        data: Data,
        fields: Fields = None,
        fmt: Format = "json",
        wire: Wire = False,
    ) -> None:
        """Create a record (POST {Resource}.json) and print it."""
        payload = read_data(data)
        spec, collection = state_of(ctx).collection(resource)
        emit_one(spec, collection.create(payload).to_dict(), fmt, fields=split_names(fields), wire=wire)

    @app.command("update")
    @guarded
    def update(
        ctx: typer.Context,
        resource: Resource,
        record_id: RecordId,
        data: Data,
        fields: Fields = None,
        fmt: Format = "json",
        wire: Wire = False,
    ) -> None:
        """Update a record (PUT {Resource}/ID.json) and print it."""
        payload = read_data(data)
        spec, collection = state_of(ctx).collection(resource)
        record = collection.update(record_id, payload).to_dict()
        emit_one(spec, record, fmt, fields=split_names(fields), wire=wire)

    @app.command("archive")
    @guarded
    def archive(
        ctx: typer.Context,
        resource: Resource,
        record_id: RecordId,
        fields: Fields = None,
        fmt: Format = "json",
        wire: Wire = False,
    ) -> None:
        """Archive a record (DELETE {Resource}/ID.json, where the API archives) and print it."""
        spec, collection = state_of(ctx).collection(resource)
        emit_one(spec, collection.archive(record_id).to_dict(), fmt, fields=split_names(fields), wire=wire)
