"""Resumable exports: one data file and one small state file per resource and format.

``DIR/items.ndjson`` (or ``.csv`` / ``.json``) holds the records; ``DIR/items.ndjson.export-state.json``
says how far the export got and how to check the data file: the byte ``offset`` up to which every
record is complete, the SHA-256 of those bytes, the ``last_id`` exported, the counts, the CSV
columns, the options the export runs with and whether it is ``complete``.

Records are listed sorted by id (``sort=<idField>``), and a resumed export asks only for
``<idField> > last_id``. Each page is written, flushed and fsynced, *then* the state is replaced
atomically (``os.replace``). On a re-run the data file is first checked against the state (its
size and the hash of the committed bytes); bytes after the offset (a page written after the last
committed state: Ctrl-C, a crash, SIGKILL) are cut off and fetched again. A data file that is
missing, shorter, or changed anywhere before the offset, or a run with other options
(``--archived``, ``--fields``, ``--csv-raw``), starts that export over with a one-line notice:
nothing is lost, nothing duplicated, nothing mixed. A JSON file is ``[`` + records joined by ``,``
and gets its ``]`` only when the export completes, so a finished file is always valid JSON. The
final count is counted from the finished file. A finished export whose file still verifies is not
repeated (``--restart`` starts over). The few endpoints that cannot be sorted by id
(CurrencyRate, TagGroup, TaxCategoryClass) are small; they restart instead of resuming.
"""

from __future__ import annotations

import csv
import hashlib
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

from ._output import check_fields, choose_columns, csv_header, csv_rows, json_record, project

__all__ = ["ExportState", "ResourceExport", "count_records"]

STATE_VERSION = 2
_CHUNK = 1 << 20


@dataclass
class ExportState:
    """How far one resource's export got, and how to verify its data file; saved after every page."""

    resource: str
    format: str
    id_field: str
    resumable: bool
    options: dict[str, Any] = field(default_factory=dict)
    last_id: int | None = None
    offset: int = 0
    sha256: str = hashlib.sha256().hexdigest()
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
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ValueError(f"{path} is not an export state file; remove it or pass --restart") from None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise ValueError(f"{path} is from another version; remove it or pass --restart")
        known = set(cls.__dataclass_fields__)
        try:
            state = cls(**{key: value for key, value in data.items() if key in known})
        except TypeError:
            raise ValueError(f"{path} is not an export state file; remove it or pass --restart") from None
        if not (isinstance(state.offset, int) and state.offset >= 0 and isinstance(state.sha256, str)):
            raise ValueError(f"{path} is not an export state file; remove it or pass --restart")
        return state


def count_records(path: Path, fmt: str) -> int:
    """The records in a finished data file, counted from the file itself."""
    with path.open(encoding="utf-8", newline="") as data:
        if fmt == "ndjson":
            return sum(1 for line in data if line.strip())
        if fmt == "csv":
            return max(0, sum(1 for _ in csv.reader(data)) - 1)
        records = json.load(data)
    if not isinstance(records, list):
        raise ValueError(f"{path} is not a JSON array")
    return len(records)


def _describe(options: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in sorted(options.items())) or "none"


@dataclass
class ResourceExport:
    """The export of one resource to ``directory`` in ``fmt`` (``csv``, ``ndjson`` or ``json``)."""

    spec: ResourceSpec
    collection: Any
    directory: Path
    fmt: str
    archived: bool = False
    page_size: int = 100
    fields: Sequence[str] = ()
    csv_raw: bool = False
    state: ExportState = field(init=False)
    notice: str | None = field(init=False, default=None)
    """A one-line note for the user when a saved export could not be continued and starts over."""

    def __post_init__(self) -> None:
        self.state = self._fresh_state()
        self._hasher = hashlib.sha256()

    @property
    def options(self) -> dict[str, Any]:
        """What decides the content of the file besides the data: a change starts over."""
        options: dict[str, Any] = {"archived": self.archived, "fields": list(self.fields)}
        if self.fmt == "csv":
            options["csv_raw"] = self.csv_raw
        return options

    def _fresh_state(self) -> ExportState:
        return ExportState(
            self.spec.name,
            self.fmt,
            self.spec.id_field,
            self.spec.id_field in self.spec.sortable,
            options=self.options,
        )

    @property
    def data_path(self) -> Path:
        return self.directory / f"{self.spec.attr}.{self.fmt}"

    @property
    def state_path(self) -> Path:
        return self.directory / f"{self.spec.attr}.{self.fmt}.export-state.json"

    # --- starting or resuming ----------------------------------------------------------------
    def prepare(self, *, restart: bool = False) -> ExportState:
        """Load the saved state (or start afresh), verify the data file against it, and cut the
        file back to its last commit; sets :attr:`notice` when a saved export starts over."""
        saved = None if restart else ExportState.load(self.state_path)
        if saved is not None and (saved.resource, saved.format) != (self.spec.name, self.fmt):
            raise ValueError(
                f"{self.state_path} belongs to a {saved.format} export of {saved.resource}; "
                "pass --restart to start over"
            )
        if saved is None and not restart and self.data_path.exists():
            raise ValueError(f"{self.data_path} exists but has no export state; remove it or pass --restart")
        if saved is not None:
            reason = self._why_not_continue(saved)
            if reason is None:
                self.state = saved
            else:
                self.notice = f"{self.spec.attr}: {reason}; starting over"
                self.state, self._hasher = self._fresh_state(), hashlib.sha256()
        if not self.state.complete:
            self.directory.mkdir(parents=True, exist_ok=True)
            with self.data_path.open("ab") as out:
                out.truncate(self.state.offset)
            self.state.save(self.state_path)
        return self.state

    def _why_not_continue(self, saved: ExportState) -> str | None:
        """Why ``saved`` cannot be continued (or trusted, when complete); ``None`` when it can.
        On success the hash of the committed bytes is ready to be extended."""
        if saved.options != self.options:
            return f"the options changed ({_describe(saved.options)} -> {_describe(self.options)})"
        if not saved.complete and not saved.resumable:
            return f"{self.spec.entity} cannot be listed in id order, so it cannot resume"
        try:
            size = self.data_path.stat().st_size
        except FileNotFoundError:
            return f"{self.data_path} is missing"
        if size < saved.offset:
            return f"{self.data_path} is shorter than what was written ({size} of {saved.offset} bytes)"
        if saved.complete and size != saved.offset:
            return f"{self.data_path} changed after the export completed"
        hasher = hashlib.sha256()
        with self.data_path.open("rb") as data:
            left = saved.offset
            while left:
                chunk = data.read(min(_CHUNK, left))
                if not chunk:
                    break
                hasher.update(chunk)
                left -= len(chunk)
        if hasher.hexdigest() != saved.sha256:
            return f"{self.data_path} does not match what was written (it was changed)"
        self._hasher = hasher
        return None

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
        if self.fields and first:
            check_fields(self.spec, self.fields, records)
        if self.fields:
            records = [project(record, self.fields) for record in records]
        if self.fmt == "ndjson":
            text = "".join(json_record(record) + "\n" for record in records)
        elif self.fmt == "csv":
            if self.state.columns is None:
                self.state.columns = choose_columns(self.spec, records, fields=self.fields)
            head = csv_header(self.state.columns) if first else ""
            text = head + csv_rows(records, self.state.columns, raw=self.csv_raw)
        else:
            text = ("[\n" if first else ",\n") + ",\n".join(json_record(record) for record in records)
        return text.encode("utf-8")

    def _trailer(self) -> bytes:
        if self.fmt == "json":
            return b"[]\n" if self.state.records == 0 else b"\n]\n"
        if self.fmt == "csv" and self.state.records == 0:
            columns = list(self.fields) or [name for name, kind in self.spec.fields if kind != "object"]
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
        self._hasher.update(data)
        self.state.sha256 = self._hasher.hexdigest()

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
        counted = count_records(self.data_path, self.fmt)
        if counted != self.state.records:
            raise ValueError(
                f"{self.data_path} holds {counted} records where {self.state.records} were written; "
                "pass --restart to export again"
            )
        self.state.complete = True
        self.state.save(self.state_path)
        return self.state
