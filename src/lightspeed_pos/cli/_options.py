"""The options several commands share, defined once (``Annotated`` aliases for typer)."""

from __future__ import annotations

from typing import Annotated

import typer

from ._output import OutputFormat

__all__ = ["Archived", "Data", "Format", "RecordId", "Relations", "Resource", "Sort", "Where"]

WHERE_HELP = (
    'A filter, e.g. "timeStamp>=2024-01-01", "description~%shirt%", "itemID=IN[1,2,3]", '
    '"itemID><1,10", "a!=b", "a!~x%", "a=1|b=2" (any); repeat for AND.'
)

Resource = Annotated[str, typer.Argument(help="items, sales, item_matrices, ... (or the entity: Item).")]
RecordId = Annotated[int, typer.Argument(metavar="ID")]
Where = Annotated[list[str] | None, typer.Option("--where", "-w", help=WHERE_HELP)]
Relations = Annotated[list[str] | None, typer.Option("--relations", "-r", help="load_relations name(s).")]
Sort = Annotated[str | None, typer.Option("--sort", help="Sort field; -field for descending.")]
Archived = Annotated[bool, typer.Option("--archived", help="Include archived records.")]
Data = Annotated[str, typer.Option("--data", "-d", help="JSON object, @file or @- (stdin).")]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="table, json, ndjson or csv.")]
