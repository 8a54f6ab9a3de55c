"""Resumable exports: one data file and one small state file per resource in the output directory.

``DIR/items.ndjson`` (or ``.csv`` / ``.json``) holds the records; ``DIR/items.export-state.json``
says how far the export got: the byte ``offset`` of the data file up to which every record is
complete, the ``last_id`` exported, the counts, the CSV columns and whether it is ``complete``.

Records are listed sorted by id (``sort=<idField>``), and a resumed export asks only for
``<idField> > last_id``. Each page is written, flushed and fsynced, *then* the state is replaced
atomically (``os.replace``). On a re-run the data file is first truncated back to the recorded
offset, so a page written after the last committed state (Ctrl-C, a crash, a kill) is dropped and
fetched again: nothing is lost and nothing is duplicated. A JSON file is ``[`` + records joined by
``,`` and gets its ``]`` only when the export completes, so a finished file is always valid JSON.
A finished export is not repeated (``--restart`` starts over). The few endpoints that cannot be
sorted by id (CurrencyRate, TagGroup, TaxCategoryClass) are small; they restart instead.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lightspeed_pos._catalog import ResourceSpec
from lightspeed_pos.query import F, Query

from ._output import choose_columns, csv_header, csv_rows, json_record

__all__ = ["ExportState", "ResourceExport"]

STATE_VERSION = 1


@dataclass
class ExportState:
    """How far one resource's export got; saved after every page."""

    resource: str
    format: str
    id_field: str
    resumable: bool
    last_id: int | None = None
    offset: int = 0
    records: int = 0
    pages: int = 0
    complete: bool = False
    columns: list[str] | None = None
    version: int = STATE_VERSION

    def save(self, path: Path) -> None:
        """Write atomically: a temporary file in the same directory, fsynced, then ``os.replace``."""
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(asdict(self), out, indent=2)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> ExportState | None:
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:
            raise ValueError(f"{path} is not an export state file; remove it or pass --restart") from None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise ValueError(f"{path} is from another version; remove it or pass --restart")
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class ResourceExport:
    """The export of one resource to ``directory`` in ``fmt`` (``csv``, ``ndjson`` or ``json``)."""

    spec: ResourceSpec
    collection: Any
    directory: Path
    fmt: str
    archived: bool = False
    page_size: int = 100
    state: ExportState = field(init=False)

    def __post_init__(self) -> None:
        self.state = ExportState(
            self.spec.name, self.fmt, self.spec.id_field, self.spec.id_field in self.spec.sortable
        )

    @property
    def data_path(self) -> Path:
        return self.directory / f"{self.spec.attr}.{self.fmt}"

    @property
    def state_path(self) -> Path:
        return self.directory / f"{self.spec.attr}.export-state.json"

    # --- starting or resuming ----------------------------------------------------------------
    def prepare(self, *, restart: bool = False) -> ExportState:
        """Load the saved state (or start afresh) and cut the data file back to its last commit."""
        saved = None if restart else ExportState.load(self.state_path)
        if saved is not None and (saved.resource, saved.format) != (self.spec.name, self.fmt):
            raise ValueError(
                f"{self.state_path} belongs to a {saved.format} export of {saved.resource}; "
                "pass --restart to start over"
            )
        if saved is None and not restart and self.data_path.exists():
            raise ValueError(f"{self.data_path} exists but has no export state; remove it or pass --restart")
        if saved is not None and not saved.complete and not saved.resumable:
            saved = None  # cannot continue an unsorted listing: start again
        if saved is not None:
            self.state = saved
        if not self.state.complete:
            self.directory.mkdir(parents=True, exist_ok=True)
            with self.data_path.open("ab") as out:
                out.truncate(self.state.offset)
            self.state.save(self.state_path)
        return self.state

    def query(self) -> Query:
        """The listing still to fetch: sorted by id, after the last id already exported."""
        options: dict[str, Any] = {"archived": "true" if self.archived else None}
        if not self.state.resumable:
            return Query(**options)
        after = [F(self.spec.id_field) > self.state.last_id] if self.state.last_id is not None else []
        return Query(*after, sort=self.spec.id_field, **options)

    def total_query(self) -> Query:
        """The whole listing, for its count (the progress bar's total)."""
        return Query(archived="true" if self.archived else None)

    def pages_left(self, total: int) -> int:
        return math.ceil(max(0, total - self.state.records) / self.page_size)

    # --- the data file -----------------------------------------------------------------------
    def _encode(self, records: Sequence[Mapping[str, Any]]) -> bytes:
        first = self.state.records == 0
        if self.fmt == "ndjson":
            text = "".join(json_record(record) + "\n" for record in records)
        elif self.fmt == "csv":
            if self.state.columns is None:
                self.state.columns = choose_columns(self.spec, records)
            head = csv_header(self.state.columns) if first else ""
            text = head + csv_rows(records, self.state.columns)
        else:
            text = ("[\n" if first else ",\n") + ",\n".join(json_record(record) for record in records)
        return text.encode("utf-8")

    def _trailer(self) -> bytes:
        if self.fmt == "json":
            return b"[]\n" if self.state.records == 0 else b"\n]\n"
        if self.fmt == "csv" and self.state.records == 0:
            columns = [name for name, kind in self.spec.fields if kind != "object"]
            return csv_header(columns).encode("utf-8")
        return b""

    def _append(self, data: bytes) -> None:
        with self.data_path.open("r+b") as out:
            out.seek(self.state.offset)
            out.write(data)
            out.truncate()
            out.flush()
            os.fsync(out.fileno())
        self.state.offset += len(data)

    def run(self, on_page: Callable[[ExportState], None] = lambda state: None) -> ExportState:
        """Fetch the remaining pages; after each one the records are on disk, then the state."""
        if self.state.complete:
            return self.state
        for page in self.collection.each_page(self.query(), page_size=self.page_size):
            records = [record.to_dict() for record in page]
            self._append(self._encode(records))
            self.state.records += len(records)
            self.state.pages += 1
            if self.state.resumable:
                self.state.last_id = max(int(record.id) for record in page)
            self.state.save(self.state_path)
            on_page(self.state)
        self._append(self._trailer())
        self.state.complete = True
        self.state.save(self.state_path)
        return self.state
