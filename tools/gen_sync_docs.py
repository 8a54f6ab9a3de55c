"""Rewrite the generated tables of docs/sync.md (streams; every field as a column) from the code.

``python tools/gen_sync_docs.py`` (``--check`` exits 1 when the file is not current).
"""

from __future__ import annotations

import sys
from pathlib import Path

from lightspeed_pos.sync import column_name, resolve_streams

DOC = Path(__file__).resolve().parent.parent / "docs" / "sync.md"
SQL = {
    "integer": "bigint",
    "decimal": "numeric",
    "boolean": "boolean",
    "datetime": "timestamp with time zone",
    "string": "text",
}


def streams_table() -> str:
    lines = [
        "| stream (table) | endpoint | cursor | relations loaded | drips per page |",
        "|---|---|---|---|---|",
    ]
    for s in resolve_streams(None):
        cursor = {
            "updatetime": "`updatetime`",
            "timestamp": "`timeStamp`",
            "id": f"id (`{s.id_field}`)",
            "snapshot": "snapshot",
        }[s.cursor]
        relations = ", ".join(s.relations) or "-"
        lines.append(f"| `{s.name}` | `{s.spec.path}` | {cursor} | {relations} | {s.page_cost():g} |")
    return "\n".join(lines)


def columns_table() -> str:
    kinds: dict[str, set[str]] = {}
    for stream in resolve_streams(None):
        for name, kind in stream.spec.fields:
            if kind != "object":
                kinds.setdefault(name, set()).add(kind)
    lines = ["| API field | column | type (PostgreSQL) |", "|---|---|---|"]
    for name in sorted(kinds, key=lambda n: (n.lower(), n)):
        types = " or ".join(SQL[k] for k in sorted(kinds[name]))
        lines.append(f"| `{name}` | `{column_name(name)}` | {types} |")
    return "\n".join(lines)


def render(text: str) -> str:
    for marker, table in (("streams", streams_table()), ("columns", columns_table())):
        start, end = f"<!-- {marker} -->\n", f"\n<!-- /{marker} -->"
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        text = before + start + table + end + after
    return text


def main() -> int:
    current = DOC.read_text()
    wanted = render(current)
    if "--check" in sys.argv:
        return 0 if wanted == current else 1
    DOC.write_text(wanted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
