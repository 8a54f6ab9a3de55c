"""One job: one stream of one account, brought up to date from its checkpoint.

The job is written once, as a generator that yields what it needs - a :class:`RequestSpec` to send
(answered with the response) or a :class:`Write` to run against the database (answered with its
result) - and returns its :class:`StreamReport`. :func:`run_job` drives it with a
:class:`~lightspeed_pos.Client`; :func:`run_job_async` with an
:class:`~lightspeed_pos.AsyncClient` (database work in a worker thread).

Per cursor kind (docs/reference.md#cursor-pagination, #webhooks-and-trials):

- ``timestamp``/``updatetime``: the first run walks the table by id (stable while records change)
  after noting the newest cursor value (one request, sorted descending); then it lists
  ``field >= mark - lookback`` sorted by the field. Every page is written with the checkpoint
  (cursor value, id) in one transaction. Re-read records (ties at a page boundary, the look-back
  window, a rerun after a crash) are de-duplicated by key and content digest.
- ``id``: append-only records (``InventoryLog``): ``id > last id``.
- ``snapshot``: small tables that cannot be sorted by time: listed whole; rows missing from the
  listing are marked ``_deleted_at``.

Records deleted for good from the other tables are found by a sweep that compares counts
(``count=1``, 10 drips) of id ranges with the destination's and lists only the ranges that
differ, without relations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import httpx2

from .._catalog import snake
from .._collection_base import CollectionBase
from .._cost import request_cost
from .._flow import RequestSpec
from .._pagination import PageGuard, read_page
from .._wire import decode_json
from ._dest import Destination, PageCounts, Record
from ._rows import Flattener, column_name, convert, record_hash
from ._streams import Stream, load_params

ISO = "%Y-%m-%dT%H:%M:%S+00:00"


@dataclass(frozen=True)
class Write:
    """Run ``call`` against the destination; the job receives its result.

    A ``pipelined`` write (a page's rows and checkpoint) may run while the job goes on - its next
    request sent, the next page read - and the job receives ``None`` at once; ``then`` receives
    the result when the write is done. A driver runs one job's writes one at a time and in order:
    any later write waits for a pipelined one first, and so does the job's end. Crash safety is
    unchanged: each page's checkpoint still commits with that page's rows, and a run resumes from
    the last page committed."""

    call: Callable[[], Any]
    then: Callable[[Any], None] | None = None
    pipelined: bool = False

    def run(self) -> Any:
        """``call``, then ``then`` with its result; the result."""
        result = self.call()
        if self.then is not None:
            self.then(result)
        return result


Instruction = RequestSpec | Write
JobOp = Generator[Instruction, Any, Any]


@dataclass(frozen=True)
class SyncOptions:
    full_refresh: bool = False
    """Forget the stream's rows and checkpoint and copy it again."""
    lookback: dt.timedelta | float = dt.timedelta(minutes=5)
    """How far before the checkpoint each incremental listing starts (late commits)."""
    sweep: bool | None = None
    """Look for records deleted for good: ``True`` always, ``False`` never, ``None`` when due."""
    sweep_interval: dt.timedelta | float = dt.timedelta(hours=24)
    raw: bool = False
    """Keep each record as received in a ``_raw`` JSON column."""
    page_size: int = 100
    list_threshold: int = 1000
    """The sweep lists an id range (1 drip per 100) once it holds at most this many rows; above,
    it compares counts of its halves (10 drips each)."""
    estimate_totals: bool = False
    """Ask for a count (10 drips) before a first copy, for progress with an ETA."""
    pipeline: bool = True
    """Read a stream's next page while the previous one is written (``False``: one after the
    other, in the stream's own thread)."""

    def __post_init__(self) -> None:
        for name in ("lookback", "sweep_interval"):
            value = getattr(self, name)
            if isinstance(value, (int, float)):
                object.__setattr__(self, name, dt.timedelta(seconds=value))
            elif not isinstance(value, dt.timedelta):
                raise TypeError(f"{name} must be a timedelta or a number of seconds, not {value!r}")
        if not 1 <= self.page_size <= 100:
            raise ValueError(f"page_size must be between 1 and 100, not {self.page_size}")


@dataclass
class StreamReport:
    """What one job did."""

    account_id: int
    stream: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    deleted: int = 0
    requests: int = 0
    cost: float = 0.0
    pages: int = 0
    records: int = 0
    rows_written: int = 0
    write_seconds: float = 0.0
    seconds: float = 0.0
    phase: str = ""
    swept: bool = False
    total: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Progress = Callable[[StreamReport], None]


@dataclass
class Job:
    """Brings one stream of one account up to date (see the module's docstring)."""

    collection: CollectionBase[Any]
    dest: Destination
    account_id: int
    stream: Stream
    options: SyncOptions = field(default_factory=SyncOptions)
    progress: Progress | None = None
    _state: dict[str, Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.report = StreamReport(self.account_id, self.stream.name)
        self.key = column_name(self.stream.id_field)
        self.flattener = Flattener(
            self.stream.entity, snake(self.stream.entity), self.key, self.stream.spec.field_types
        )

    # --- what the driver calls -------------------------------------------------------------------
    def count_request(self, spec: RequestSpec, response: httpx2.Response) -> None:
        self.report.requests += 1
        header = response.headers.get("X-LS-API-Request-Cost")
        try:
            self.report.cost += float(header) if header else self._estimate(spec)
        except ValueError:
            self.report.cost += self._estimate(spec)

    @staticmethod
    def _estimate(spec: RequestSpec) -> float:
        url = httpx2.URL(spec.url)
        params = list(spec.params) if spec.params is not None else list(url.params.multi_items())
        return request_cost(spec.method, url.path, params, None)

    # --- the job ---------------------------------------------------------------------------------
    def op(self) -> JobOp:
        stream, dest = self.stream, self.dest
        if self.options.full_refresh:
            yield Write(partial(dest.reset_stream, self.account_id, stream.name, stream.name))
        state: dict[str, Any] = yield Write(partial(dest.load_state, self.account_id, stream.name))
        first_copy = state.get("phase") != "incremental"
        if stream.cursor == "snapshot":
            yield from self._snapshot()
        elif stream.cursor == "id":
            yield from self._append_only(state)
        else:
            if state.get("phase") != "incremental":
                state = yield from self._first_copy(state)
            yield from self._incremental(state)
        if stream.cursor != "snapshot" and self._sweep_due(state):
            yield from self._sweep()
        finished = {"last_success": dt.datetime.now(dt.UTC), "last_error": None}
        if self.report.swept or first_copy:  # a first copy is as good as a sweep
            finished["last_sweep"] = dt.datetime.now(dt.UTC)
        elif state.get("last_sweep") is not None:
            finished["last_sweep"] = state["last_sweep"]
        yield Write(partial(dest.save_state, self.account_id, stream.name, self._state_now(finished)))
        return self.report

    def _state_now(self, extra: dict[str, Any]) -> dict[str, Any]:
        state = dict(self._state)
        state.update(extra)
        return state

    def _base_params(self) -> dict[str, str]:
        params = dict(load_params(self.stream))
        if self.stream.archivable:
            params["archived"] = "true"
        return params

    def _listing(self, params: dict[str, str], on_page: Callable[[list[dict[str, Any]]], JobOp]) -> JobOp:
        """Every page of one listing, each handed to ``on_page`` (which yields its writes)."""
        guard = PageGuard(httpx2.URL(self.collection.client.base_url))
        for part in self.collection.queries(params):
            request: Any = self.collection.first_page(part, self.options.page_size)
            while request is not None:
                guard.check(request)
                response = yield RequestSpec("GET", request.url, request.params)
                page = read_page(decode_json(response), self.stream.entity, request, response)
                request = page.next
                if page.records:
                    self.report.pages += 1
                    self.report.records += len(page.records)
                    yield from on_page(page.records)
                    if self.progress is not None:
                        self.progress(self.report)

    def _write(self, records: list[dict[str, Any]], state: dict[str, Any] | None) -> JobOp:
        """Write one page with its checkpoint (pipelined: the job reads on meanwhile)."""
        if state is not None:
            self._state = dict(state)
        pipelined = self.options.pipeline
        yield Write(partial(self._write_page, records, state), then=self._count, pipelined=pipelined)

    def _write_page(self, records: list[dict[str, Any]], state: dict[str, Any] | None) -> PageCounts:
        """The page's records as rows (flattened, digested), written (in the writer's thread)."""
        id_field, raw = self.stream.id_field, self.options.raw
        prepared = [
            Record(int(r[id_field]), self.flattener.flatten(r), record_hash(r), r if raw else None)
            for r in records
            if str(r.get(id_field, "")).isdigit()
        ]
        return self.dest.write_page(
            table_name=self.stream.name,
            key=self.key,
            account_id=self.account_id,
            records=prepared,
            state=state,
            stream=self.stream.name,
            force=self.options.full_refresh,
        )

    def _count(self, counts: PageCounts) -> None:
        report = self.report
        report.write_seconds += counts.seconds
        report.inserted += counts.inserted
        report.updated += counts.updated
        report.unchanged += counts.unchanged
        report.archived += counts.archived
        report.rows_written += counts.rows_written

    def _last_id(self, records: list[dict[str, Any]]) -> int:
        return int(records[-1][self.stream.id_field])

    # --- snapshot, append-only -------------------------------------------------------------------
    def _snapshot(self) -> JobOp:
        self.report.phase = "snapshot"
        seen: set[int] = set()

        def page(records: list[dict[str, Any]]) -> JobOp:
            seen.update(int(r[self.stream.id_field]) for r in records)
            yield from self._write(records, {"phase": "snapshot"})

        yield from self._listing({**self._base_params(), "sort": self.stream.id_field}, page)
        local: list[int] = yield Write(
            partial(self.dest.local_ids, self.stream.name, self.key, self.account_id, 0, 2**62)
        )
        gone = [i for i in local if i not in seen]
        if gone:
            self.report.deleted += yield Write(
                partial(self.dest.mark_deleted, self.stream.name, self.key, self.account_id, gone)
            )

    def _append_only(self, state: dict[str, Any]) -> JobOp:
        self.report.phase = "incremental" if state.get("cursor_id") else "first copy"
        after = int(state.get("cursor_id") or 0)
        params = {**self._base_params(), "sort": self.stream.id_field}
        if after:
            params[self.stream.id_field] = f">,{after}"

        def page(records: list[dict[str, Any]]) -> JobOp:
            yield from self._write(records, {"phase": "incremental", "cursor_id": self._last_id(records)})

        self._state = {"phase": "incremental", "cursor_id": after}
        yield from self._listing(params, page)

    # --- cursor streams --------------------------------------------------------------------------
    def _first_copy(self, state: dict[str, Any]) -> Generator[Instruction, Any, dict[str, Any]]:
        """Walk the table by id; the newest cursor value, noted first, is where changes resume."""
        self.report.phase = "first copy"
        field_name = self.stream.cursor_field
        assert field_name is not None
        if state.get("phase") != "walk":
            probe = {**self._base_params(), "sort": f"-{field_name}", "limit": "1"}
            probe.pop("load_relations", None)
            newest: list[dict[str, Any]] = []

            def keep(records: list[dict[str, Any]]) -> JobOp:
                newest.extend(records)
                return
                yield

            yield from self._one_page(probe, keep)
            mark = str(newest[0].get(field_name) or "") if newest else ""
            state = {"phase": "walk", "walk_mark": mark, "cursor_id": 0, "cursor_value": None}
            yield Write(partial(self.dest.save_state, self.account_id, self.stream.name, state))
        if self.options.estimate_totals:
            count_params = {k: v for k, v in self._base_params().items() if k != "load_relations"}
            self.report.total = yield from self.collection.count_op(count_params)
        after = int(state.get("cursor_id") or 0)
        params = {**self._base_params(), "sort": self.stream.id_field}
        if after:
            params[self.stream.id_field] = f">,{after}"
        walk = dict(state)

        def page(records: list[dict[str, Any]]) -> JobOp:
            walk["cursor_id"] = self._last_id(records)
            yield from self._write(records, dict(walk))

        self._state = dict(walk)
        yield from self._listing(params, page)
        done = {"phase": "incremental", "cursor_value": walk.get("walk_mark") or None, "cursor_id": 0}
        done["walk_mark"] = None
        yield Write(partial(self.dest.save_state, self.account_id, self.stream.name, done))
        return done

    def _one_page(self, params: dict[str, str], on_page: Callable[[list[dict[str, Any]]], JobOp]) -> JobOp:
        part = self.collection.queries(params)[0]
        request = self.collection.first_page(part, self.options.page_size)
        response = yield RequestSpec("GET", request.url, request.params)
        page = read_page(decode_json(response), self.stream.entity, request, response)
        yield from on_page(page.records)

    def _incremental(self, state: dict[str, Any]) -> JobOp:
        if self.report.phase != "first copy":
            self.report.phase = "incremental"
        field_name = self.stream.cursor_field
        assert field_name is not None
        cursor = convert(state.get("cursor_value") or "", "datetime")
        cursor_id = int(state.get("cursor_id") or 0)
        params = {**self._base_params(), "sort": field_name}
        if cursor is not None:
            lookback = self.options.lookback
            assert isinstance(lookback, dt.timedelta)
            params[field_name] = ">=," + (cursor - lookback).strftime(ISO)
        position = {"cursor": cursor, "id": cursor_id}

        def page(records: list[dict[str, Any]]) -> JobOp:
            last = records[-1]
            value = convert(str(last.get(field_name) or ""), "datetime")
            if value is not None and (position["cursor"] is None or value >= position["cursor"]):
                position["cursor"], position["id"] = value, int(last[self.stream.id_field])
            yield from self._write(records, self._checkpoint(position))

        self._state = self._checkpoint(position)
        yield from self._listing(params, page)

    @staticmethod
    def _checkpoint(position: dict[str, Any]) -> dict[str, Any]:
        cursor = position["cursor"]
        return {
            "phase": "incremental",
            "cursor_value": cursor.strftime(ISO) if cursor is not None else None,
            "cursor_id": position["id"],
        }

    # --- deletions -------------------------------------------------------------------------------
    def _sweep_due(self, state: dict[str, Any]) -> bool:
        if self.options.sweep is not None:
            return self.options.sweep
        last = state.get("last_sweep")
        if last is None:
            return False
        interval = self.options.sweep_interval
        assert isinstance(interval, dt.timedelta)
        return bool(dt.datetime.now(dt.UTC) - last >= interval)

    def _sweep(self) -> JobOp:
        """Find records deleted for good: compare counts of id ranges, list only ranges that differ."""
        self.report.swept = True
        count, low, high = yield Write(
            partial(self.dest.local_span, self.stream.name, self.key, self.account_id)
        )
        if count:
            yield from self._sweep_range(low, high, count)

    def _remote_count(self, low: int, high: int) -> Generator[Instruction, Any, int]:
        params = {self.stream.id_field: f"><,{low},{high}"}
        if self.stream.archivable:
            params["archived"] = "true"
        total: int = yield from self.collection.count_op(params)
        return total

    def _sweep_range(self, low: int, high: int, local: int) -> JobOp:
        remote = yield from self._remote_count(low, high)
        if remote >= local:
            return  # nothing gone here (ids only grow: a range's new rows come from the cursor)
        if local <= self.options.list_threshold or low == high:
            params = {self.stream.id_field: f"><,{low},{high}", "sort": self.stream.id_field}
            if self.stream.archivable:
                params["archived"] = "true"
            alive: set[int] = set()

            def page(records: list[dict[str, Any]]) -> JobOp:
                alive.update(int(r[self.stream.id_field]) for r in records)
                return
                yield

            yield from self._listing(params, page)
            ids: list[int] = yield Write(
                partial(self.dest.local_ids, self.stream.name, self.key, self.account_id, low, high)
            )
            gone = [i for i in ids if i not in alive]
            if gone:
                self.report.deleted += yield Write(
                    partial(self.dest.mark_deleted, self.stream.name, self.key, self.account_id, gone)
                )
            return
        middle = yield Write(
            partial(self.dest.local_median, self.stream.name, self.key, self.account_id, low, high)
        )
        for part_low, part_high in ((low, middle - 1), (middle, high)):
            if part_low > part_high:
                continue
            part = yield Write(
                partial(
                    self.dest.local_count, self.stream.name, self.key, self.account_id, part_low, part_high
                )
            )
            if part:
                yield from self._sweep_range(part_low, part_high, part)
