"""Records as text: a rich table, JSON, NDJSON or CSV; written once for ``list``, ``get`` and ``export``.

Records are printed as the API sent them (``record.to_dict()``: wire strings, nested objects
kept). In a table or a CSV file a nested object is one cell of compact JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from lightspeed_pos._catalog import ResourceSpec

__all__ = [
    "FORMATS",
    "OutputFormat",
    "cell",
    "check_fields",
    "choose_columns",
    "csv_header",
    "csv_rows",
    "escape_formula",
    "json_record",
    "pluck",
    "project",
    "render_table",
    "typed",
]

OutputFormat = Literal["table", "json", "ndjson", "csv"]
FORMATS: tuple[str, ...] = ("table", "json", "ndjson", "csv")
TABLE_COLUMNS = 8
"""Columns a table shows by default (``--fields`` picks others)."""


def cell(value: Any) -> str:
    """One value as a table or CSV cell: strings as they are, objects as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def escape_formula(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP "CSV injection"): a cell
    starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``; plain numbers such as
    ``-12.50`` are left alone (a spreadsheet reads them as numbers)."""
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def pluck(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` (``Category.name``); through a list, the list of values."""
    value: Any = record
    for part in path.split("."):
        if isinstance(value, list):
            value = [item.get(part) if isinstance(item, Mapping) else None for item in value]
        elif isinstance(value, Mapping):
            value = value.get(part)
        else:
            return None
    return value


def check_fields(
    spec: ResourceSpec, fields: Sequence[str], records: Iterable[Mapping[str, Any]] = ()
) -> None:
    """``ValueError`` naming the fields when one of ``fields`` is neither a field of the endpoint,
    a relation, nor a key of the records (a dotted name is checked by its first part)."""
    known = {name for name, _ in spec.fields} | {name.split(".")[0] for name in spec.relations}
    for record in records:
        known.update(record)
    unknown = [name for name in fields if name.split(".")[0] not in known]
    if unknown:
        names = ", ".join(name for name, _ in spec.fields)
        raise ValueError(f"unknown field {unknown[0]!r} for {spec.attr}; its fields: {names}")


def project(record: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Only ``fields`` of ``record``; a dotted field keeps its nesting (``{"Category": {"name": ..}}``)."""
    projected: dict[str, Any] = {}
    for path in fields:
        *parents, last = path.split(".")
        target = projected
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = pluck(record, path)
    return projected


def json_record(record: Mapping[str, Any]) -> str:
    """One record as one line of JSON."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)


def choose_columns(
    spec: ResourceSpec,
    records: Sequence[Mapping[str, Any]],
    *,
    fields: Sequence[str] = (),
    limit: int | None = None,
) -> list[str]:
    """The columns to show: ``fields`` if given; else the endpoint's scalar fields (catalogue
    order, id first) that any record has, then the other keys the records carry."""
    if fields:
        return list(fields)
    present: dict[str, None] = {}
    for record in records:
        present.update(dict.fromkeys(record))
    scalar = [name for name, kind in spec.fields if kind != "object"]
    ordered = [spec.id_field, *(name for name in scalar if name != spec.id_field)]
    columns = [name for name in ordered if name in present]
    if limit is not None:
        kinds = dict(spec.fields)
        filled = [c for c in columns if any(str(r.get(c, "")) not in ("", "0") for r in records)]
        ranked = sorted(filled, key=lambda name: _rank(name, kinds.get(name), spec.id_field))
        return ranked[:limit] if spec.id_field in ranked or not columns else [spec.id_field, *ranked][:limit]
    return columns + [name for name in present if name not in columns]


_KIND_RANK = {"string": 1, "decimal": 2, "datetime": 3, "integer": 4, "boolean": 5}


def _rank(name: str, kind: str | None, id_field: str) -> int:
    """Table order: the id, then text, amounts, times, numbers, other ids, flags."""
    if name == id_field:
        return 0
    if name.endswith(("ID", "Sku")):
        return 6
    return _KIND_RANK.get(kind or "", 7)


def csv_header(columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(columns)
    return buffer.getvalue()


def csv_rows(records: Iterable[Mapping[str, Any]], columns: Sequence[str], *, raw: bool = False) -> str:
    """CSV rows; cells that a spreadsheet would run as formulas are escaped unless ``raw``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for record in records:
        cells = [cell(pluck(record, column)) for column in columns]
        writer.writerow(cells if raw else [escape_formula(text) for text in cells])
    return buffer.getvalue()


def render_table(title: str | None, records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> Any:
    """A ``rich.table.Table`` of the records (one row each)."""
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for record in records:
        table.add_row(*(cell(pluck(record, column)) for column in columns))
    return table


def render_record(title: str | None, record: Mapping[str, Any]) -> Any:
    """A two-column ``rich.table.Table`` (field, value) of one record."""
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    table.add_column("field")
    table.add_column("value", overflow="fold")
    for name, value in record.items():
        table.add_row(name, cell(value))
    return table


# --- real JSON types -------------------------------------------------------------------------------

_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")


def _entity_kinds() -> dict[str, dict[str, str]]:
    from lightspeed_pos._catalog import catalog

    kinds: dict[str, dict[str, str]] = {}
    for spec in sorted(catalog().resources, key=lambda row: (row.kind != "resource", row.nested)):
        kinds.setdefault(spec.entity, dict(spec.fields))
    return kinds


_KINDS: dict[str, dict[str, str]] = {}


def _value(kind: str | None, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if kind == "integer" and _INTEGER.fullmatch(value):
        return int(value)
    if kind == "decimal" and _DECIMAL.fullmatch(value):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    if kind in ("integer", "decimal", "datetime", "boolean") and value == "":
        return None
    return value


def typed(record: Mapping[str, Any], entity: str) -> dict[str, Any]:
    """``record`` with real JSON types where the catalogue knows the field: integers, decimals as
    numbers, booleans, ``""`` as null for those; nested records (``Category``, ``ItemShops.ItemShop``)
    by their own entity. Strings, times and unknown fields stay as the API sent them."""
    if not _KINDS:
        _KINDS.update(_entity_kinds())
    kinds = _KINDS.get(entity, {})
    converted: dict[str, Any] = {}
    for name, value in record.items():
        if isinstance(value, Mapping):
            converted[name] = typed(value, name)  # a nested record's key is its entity (Category)
        elif isinstance(value, list):
            converted[name] = [typed(item, name) if isinstance(item, Mapping) else item for item in value]
        else:
            converted[name] = _value(kinds.get(name), value)
    return converted
