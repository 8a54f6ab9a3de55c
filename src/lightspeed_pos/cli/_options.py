"""The options several commands share, defined once (``Annotated`` aliases for typer)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import typer

from ._output import OutputFormat

__all__ = [
    "Archived",
    "CsvRaw",
    "Data",
    "Fields",
    "Format",
    "Pager",
    "RecordId",
    "Relations",
    "Resource",
    "Sort",
    "Where",
    "Wire",
    "split_names",
]

WHERE_HELP = (
    'A filter, e.g. "timeStamp>=2024-01-01", "description~%shirt%", "itemID=IN[1,2,3]", '
    '"itemID><1,10", "a!=b", "a!~x%", "a=1|b=2" (any); repeat for AND.'
)

Resource = Annotated[
    str, typer.Argument(metavar="RESOURCE", help="items, sales, item_matrices, ... (or the entity: Item).")
]
RecordId = Annotated[int, typer.Argument(metavar="ID")]
Where = Annotated[list[str] | None, typer.Option("--where", "-w", metavar="FILTER", help=WHERE_HELP)]
Relations = Annotated[
    list[str] | None, typer.Option("--relations", "-r", metavar="NAMES", help="load_relations name(s).")
]
Sort = Annotated[
    str | None, typer.Option("--sort", metavar="FIELD", help="Sort field; -FIELD for descending.")
]
Archived = Annotated[bool, typer.Option("--archived", help="Include archived records.")]
Data = Annotated[str, typer.Option("--data", "-d", metavar="JSON", help="JSON object, @file or @- (stdin).")]
Format = Annotated[
    OutputFormat, typer.Option("--format", "-f", metavar="FORMAT", help="table, json, ndjson or csv.")
]
Fields = Annotated[
    str | None,
    typer.Option(
        "--fields", metavar="A,B.C", help="Only these fields (dotted names reach into nested objects)."
    ),
]
CsvRaw = Annotated[
    bool,
    typer.Option(
        "--csv-raw", help="Write CSV cells as they are (by default =, +, -, @ at the start are escaped)."
    ),
]

Wire = Annotated[
    bool,
    typer.Option(
        "--wire", help="JSON values as the API sends them (strings) instead of numbers and booleans."
    ),
]
Pager = Annotated[
    bool | None,
    typer.Option("--pager/--no-pager", help="Page long output (default: on a terminal, when it is long)."),
]


def split_names(values: str | Iterable[str] | None) -> list[str]:
    """``"a,b"`` or ``["a", "b,c"]`` as ``["a", "b", "c"]`` (blanks dropped)."""
    if values is None:
        return []
    raw = [values] if isinstance(values, str) else list(values)
    return [name.strip() for item in raw for name in item.split(",") if name.strip()]
