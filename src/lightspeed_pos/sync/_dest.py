"""The destination database: stream tables that grow columns as fields appear, batched upserts,
checkpoints committed with the rows they cover, and the ``_lightspeed_state`` and
``_lightspeed_runs`` tables. SQLAlchemy Core, so SQLite and PostgreSQL share every statement.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import operator
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ._queue import create_tables, engine_url
from ._rows import Flat, Kind
from ._types import Money, UtcDateTime, kind_of, sql_type

STATE_TABLE = "_lightspeed_state"
RUNS_TABLE = "_lightspeed_runs"
CHILDREN_TABLE = "_lightspeed_children"
ID_CHUNK = 500


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class PageCounts:
    """What one page did to the destination."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    rows_written: int = 0
    seconds: float = 0.0
    """Time inside the page's transaction (after waiting for the writer's turn), commit included."""


@dataclass
class Record:
    """One record of a page, ready to write."""

    id: int
    flat: Flat
    digest: str
    raw: dict[str, Any] | None = None


@dataclass
class TableShape:
    name: str
    keys: tuple[str, ...]
    kinds: dict[str, Kind] = field(default_factory=dict)


class Destination:
    """One database. Thread-safe: on SQLite, writes are serialised (one writer at a time)."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = engine_url(url)
        options: dict[str, Any] = {"echo": echo}
        if self.url.startswith("sqlite"):
            options["connect_args"] = {"timeout": 60, "check_same_thread": False}
        else:
            options["pool_size"] = 10
            options["max_overflow"] = 20
        self.engine: Engine = sa.create_engine(self.url, **options)
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self._lock = threading.RLock()
        self._tables: dict[str, sa.Table] = {}
        self._children: dict[str, set[str]] = {}
        self._statements: dict[tuple[str, int, tuple[str, ...]], tuple[str, list[Callable[[Any], Any]]]] = {}
        self._busy = threading.Lock()
        self._writers = 0
        self._busy_since = 0.0
        self.rows_written = 0
        """Rows (and child rows) written by :meth:`write_page` since this object was made."""
        self.write_seconds = 0.0
        """Wall time during which at least one :meth:`write_page` ran (parallel pages count once)."""
        self._ensure_meta()

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"<Destination {self.engine.url.render_as_string(hide_password=True)}>"

    # --- transactions ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction; on SQLite also the single writer's turn."""
        lock = self._lock if self.dialect == "sqlite" else contextlib.nullcontext()
        with lock, self.engine.begin() as conn:
            yield conn

    # --- tables ----------------------------------------------------------------------------------
    def _ensure_meta(self) -> None:
        meta = sa.MetaData()
        sa.Table(
            STATE_TABLE,
            meta,
            sa.Column("account_id", sa.BigInteger, primary_key=True),
            sa.Column("stream", sa.Text, primary_key=True),
            sa.Column("phase", sa.Text, nullable=False, default="new"),
            sa.Column("cursor_value", sa.Text),
            sa.Column("cursor_id", sa.BigInteger),
            sa.Column("walk_mark", sa.Text),
            sa.Column("last_success", UtcDateTime),
            sa.Column("last_sweep", UtcDateTime),
            sa.Column("last_error", sa.Text),
            sa.Column("updated_at", UtcDateTime),
        )
        sa.Table(
            RUNS_TABLE,
            meta,
            sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("started_at", UtcDateTime, nullable=False),
            sa.Column("finished_at", UtcDateTime),
            sa.Column("status", sa.Text, nullable=False),
            sa.Column("accounts", sa.Text),
            sa.Column("streams", sa.Text),
            sa.Column("requests", sa.Integer),
            sa.Column("cost", sa.Float),
            sa.Column("rows_inserted", sa.Integer),
            sa.Column("rows_updated", sa.Integer),
            sa.Column("rows_archived", sa.Integer),
            sa.Column("rows_deleted", sa.Integer),
            sa.Column("errors", sa.Integer),
            sa.Column("error_text", sa.Text),
            sa.Column("report", sa.JSON),
        )
        sa.Table(
            CHILDREN_TABLE,
            meta,
            sa.Column("parent_table", sa.Text, primary_key=True),
            sa.Column("child_table", sa.Text, primary_key=True),
        )
        with self._lock:
            create_tables(self.engine, list(meta.tables.values()))
        for name in (STATE_TABLE, RUNS_TABLE, CHILDREN_TABLE):
            self._tables[name] = meta.tables[name]

    def _build(self, shape: TableShape) -> sa.Table:
        columns = [
            sa.Column(k, sql_type(shape.kinds.get(k, "integer")), primary_key=True) for k in shape.keys
        ]
        columns += [sa.Column(n, sql_type(k)) for n, k in shape.kinds.items() if n not in shape.keys]
        return sa.Table(shape.name, sa.MetaData(), *columns)

    def table(self, shape: TableShape) -> sa.Table:
        """The table ``shape.name`` with at least the columns of ``shape``: created, or given new
        columns (a field the API added becomes a column), then cached."""
        known = self._tables.get(shape.name)
        if known is not None and all(c in known.c for c in shape.kinds):
            return known
        with self._lock:
            inspector = sa.inspect(self.engine)
            if not inspector.has_table(shape.name):
                # another process may create it at the same moment: then use theirs
                create_tables(self.engine, [self._build(shape)])
                inspector = sa.inspect(self.engine)
            present = {c["name"]: kind_of(c["type"]) for c in inspector.get_columns(shape.name)}
            missing = {n: k for n, k in shape.kinds.items() if n not in present}
            for name, kind in missing.items():
                self._add_column(shape.name, name, kind)
                present[name] = kind
            merged = TableShape(shape.name, shape.keys, {**shape.kinds, **present})
            for key in shape.keys:
                merged.kinds.setdefault(key, "integer")
            built = self._build(merged)
            self._tables[shape.name] = built
            return built

    def _add_column(self, table: str, name: str, kind: Kind) -> None:
        type_sql = sql_type(kind).compile(dialect=self.engine.dialect)
        quote = self.engine.dialect.identifier_preparer.quote
        exists = "IF NOT EXISTS " if self.dialect == "postgresql" else ""
        statement = f"ALTER TABLE {quote(table)} ADD COLUMN {exists}{quote(name)} {type_sql}"
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.text(statement))
        except sa.exc.OperationalError as exc:  # another writer added it first (SQLite)
            if "duplicate column" not in str(exc).lower():
                raise

    def existing_table(self, name: str) -> sa.Table | None:
        if name in self._tables:
            return self._tables[name]
        with self._lock:
            inspector = sa.inspect(self.engine)
            if not inspector.has_table(name):
                return None
            columns = inspector.get_columns(name)
            keys = tuple(inspector.get_pk_constraint(name).get("constrained_columns") or ())
        shape = TableShape(name, keys, {c["name"]: kind_of(c["type"]) for c in columns})
        return self.table(shape)

    def child_tables(self, parent: str) -> set[str]:
        """The child tables of ``parent`` (read once, then kept up to date; threads share it)."""
        with self._lock:
            if parent not in self._children:
                registry = self._tables[CHILDREN_TABLE]
                with self.engine.connect() as conn:
                    rows = conn.execute(
                        sa.select(registry.c.child_table).where(registry.c.parent_table == parent)
                    )
                    self._children[parent] = {r[0] for r in rows}
            return set(self._children[parent])

    # --- writing ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[PageCounts]:
        """One page's write, counted into :attr:`rows_written` and :attr:`write_seconds`."""
        with self._busy:
            if not self._writers:
                self._busy_since = time.perf_counter()
            self._writers += 1
        counts = PageCounts()
        try:
            yield counts
        except BaseException:
            counts.rows_written = 0  # rolled back
            raise
        finally:
            with self._busy:
                self._writers -= 1
                if not self._writers:
                    self.write_seconds += time.perf_counter() - self._busy_since
                self.rows_written += counts.rows_written

    def upsert(self, conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
        """Insert or replace ``rows`` (every row carries the same columns) with one prepared
        ``INSERT ... ON CONFLICT DO UPDATE``, past SQLAlchemy's per-value type machinery.

        SQLite: the driver's ``executemany`` of the one statement, values converted once per
        column here. PostgreSQL: ONE statement for all the rows, sent as one JSON document that
        the server turns back into rows of the table's own types (``json_populate_recordset``):
        a short, constant statement text, prepared once, where a statement of many ``VALUES``
        rows is a new text of thousands of parameters that both sides parse every time, and
        where one array parameter per column costs the client a Python call per value. A key
        may stand only once in one such statement: the last of a page's repeats is kept, as a
        row-by-row upsert would."""
        if not rows:
            return
        names = tuple(rows[0])
        sql, converters = self._upsert_sql(table, names)
        if self.dialect == "postgresql":
            keys = operator.itemgetter(*(c.name for c in table.primary_key.columns))
            unique = list({keys(row): row for row in rows}.values())
            with conn.connection.dbapi_connection.cursor() as cursor:  # type: ignore[union-attr]
                cursor.execute(sql, (_json_rows(unique),))
            return
        columns = [[row[name] for row in rows] for name in names]
        for i, convert in enumerate(converters):
            if convert is not _same:
                columns[i] = [None if v is None else convert(v) for v in columns[i]]
        conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))  # executemany of one statement

    def _upsert_sql(self, table: sa.Table, names: tuple[str, ...]) -> tuple[str, list[Callable[[Any], Any]]]:
        cache_key = (table.name, id(table), names)
        found = self._statements.get(cache_key)
        if found is None:
            quote = self.engine.dialect.identifier_preparer.quote
            keys = [c.name for c in table.primary_key.columns]
            columns = ", ".join(quote(n) for n in names)
            if self.dialect == "postgresql":
                rows = f"SELECT {columns} FROM json_populate_recordset(NULL::{quote(table.name)}, %s::json)"
            else:
                rows = f"VALUES ({', '.join('?' for _ in names)})"
            sql = f"INSERT INTO {quote(table.name)} ({columns}) {rows}"
            updates = [f"{quote(n)} = excluded.{quote(n)}" for n in names if n not in keys]
            conflict = ", ".join(quote(k) for k in keys)
            sql += f" ON CONFLICT ({conflict}) " + (
                f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
            )
            found = (sql, [self._converter(table.c[n].type) for n in names])
            self._statements[cache_key] = found
        return found

    @staticmethod
    def _converter(column_type: Any) -> Callable[[Any], Any]:
        """How one column's (non-NULL) Python values go to SQLite's driver, as the types in
        ``_types`` would send them; ``_same`` when the driver takes them as they are."""
        if isinstance(column_type, (UtcDateTime, sa.DateTime)):
            return _sqlite_datetime
        if isinstance(column_type, (Money, sa.Numeric)):
            return float
        if isinstance(column_type, sa.Boolean):
            return int
        if isinstance(column_type, sa.JSON):
            return json.dumps
        return _same

    def write_page(
        self,
        *,
        table_name: str,
        key: str,
        account_id: int,
        records: Sequence[Record],
        state: dict[str, Any] | None,
        stream: str,
        force: bool = False,
    ) -> PageCounts:
        """Write one page: changed records (new digest) and their child rows, and the stream's
        checkpoint, in one transaction. Records whose digest is already stored are skipped
        (the de-duplication that makes ``>=`` cursors and re-reads free of duplicates)."""
        with self._writing() as counts:
            kinds: dict[str, Kind] = {"account_id": "integer", key: "integer"}
            for record in records:
                kinds.update(record.flat.kinds)
            kinds.update({"_hash": "string", "_synced_at": "datetime", "_deleted_at": "datetime"})
            if any(r.raw is not None for r in records):
                kinds["_raw"] = "json"
            main = self.table(TableShape(table_name, ("account_id", key), kinds))
            child_shapes: dict[str, dict[str, Kind]] = {}
            for record in records:
                for child, rows in record.flat.children.items():
                    shape = child_shapes.setdefault(child, {"account_id": "integer", key: "integer"})
                    shape["_position"] = "integer"
                    shape.update(record.flat.child_kinds.get(child, {}))
                    if rows and child not in record.flat.child_kinds:
                        shape.update(dict.fromkeys(rows[0], "string"))
            children = {
                name: self.table(TableShape(name, ("account_id", key, "_position"), shape))
                for name, shape in child_shapes.items()
            }
            self._register_children(table_name, set(children))
            stamp = now()
            with self.transaction() as conn:
                began = time.perf_counter()
                seen = self._existing(conn, main, key, account_id, [r.id for r in records])
                fresh: list[Record] = []
                for record in records:
                    before = seen.get(record.id)
                    if before is None:
                        counts.inserted += 1
                    elif before[0] == record.digest and before[2] is None and not force:
                        counts.unchanged += 1
                        continue
                    else:
                        counts.updated += 1
                    if record.flat.row.get("archived") is True and (before is None or before[1] is not True):
                        counts.archived += 1
                    fresh.append(record)
                if fresh:
                    columns = [c.name for c in main.columns]
                    rows = []
                    for record in fresh:
                        row = dict.fromkeys(columns)
                        row.update(record.flat.row)
                        row.update(
                            account_id=account_id,
                            _hash=record.digest,
                            _synced_at=stamp,
                            _deleted_at=None,
                        )
                        row[key] = record.id
                        if "_raw" in row:
                            row["_raw"] = record.raw
                        rows.append(row)
                    self.upsert(conn, main, rows)
                    counts.rows_written += len(rows)
                    stored = [r.id for r in fresh if r.id in seen]
                    counts.rows_written += self._replace_children(
                        conn, table_name, key, account_id, fresh, children, stored
                    )
                if state is not None:
                    self._save_state(conn, account_id, stream, state)
                try:
                    conn.commit()
                finally:
                    counts.seconds = time.perf_counter() - began
        return counts

    def _where_ids(
        self, table: str, key: str, account_id: int, ids: Sequence[int]
    ) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """``"t" WHERE account_id = ? AND "key" IN (...)`` with its parameters, for ``ids``: one
        array parameter on PostgreSQL (``= ANY(%s)``: one constant, prepared statement), chunks of
        ``ID_CHUNK`` placeholders on SQLite."""
        quote = self.engine.dialect.identifier_preparer.quote
        head = f"{quote(table)} WHERE account_id = "
        if self.dialect == "postgresql":
            if ids:
                yield f"{head}%s AND {quote(key)} = ANY(%s::bigint[])", (account_id, list(ids))
            return
        for start in range(0, len(ids), ID_CHUNK):
            chunk = tuple(ids[start : start + ID_CHUNK])
            yield f"{head}? AND {quote(key)} IN ({', '.join('?' for _ in chunk)})", (account_id, *chunk)

    def _existing(
        self, conn: Connection, table: sa.Table, key: str, account_id: int, ids: Sequence[int]
    ) -> dict[int, tuple[str | None, Any, Any]]:
        """(digest, archived, deleted at) of the stored rows among ``ids``."""
        found: dict[int, tuple[str | None, Any, Any]] = {}
        quote = self.engine.dialect.identifier_preparer.quote
        archived = "archived" if "archived" in table.c else "NULL"
        columns = f"_hash, {archived}, _deleted_at"
        if self.dialect == "postgresql":
            # One index probe per id, whatever the statistics say: a table just filled by a first
            # copy is not analysed yet, and the planner then matches only ``account_id`` in the
            # index and filters every row of the account (a page's look-up growing with the
            # table). ``LIMIT 1`` (the key is the primary key) keeps the probe a nested loop.
            queries: Any = [
                (
                    f"SELECT k.id, t.* FROM unnest(%s::bigint[]) AS k(id) CROSS JOIN LATERAL "
                    f"(SELECT {columns} FROM {quote(table.name)} "
                    f"WHERE account_id = %s AND {quote(key)} = k.id LIMIT 1) AS t",
                    (list(ids), account_id),
                )
            ]
        else:
            select = f"SELECT {quote(key)}, {columns} FROM "
            queries = [
                (select + where, params)
                for where, params in self._where_ids(table.name, key, account_id, ids)
            ]
        for sql, params in queries:
            for row in conn.exec_driver_sql(sql, params):
                found[int(row[0])] = (row[1], None if row[2] is None else bool(row[2]), row[3])
        return found

    def _register_children(self, parent: str, names: set[str]) -> None:
        new = names - self.child_tables(parent)
        if not new:
            return
        registry = self._tables[CHILDREN_TABLE]
        with self.transaction() as conn:
            self.upsert(conn, registry, [{"parent_table": parent, "child_table": n} for n in sorted(new)])
        with self._lock:
            self._children[parent].update(new)

    def _replace_children(
        self,
        conn: Connection,
        parent: str,
        key: str,
        account_id: int,
        records: Sequence[Record],
        tables: dict[str, sa.Table],
        stored: Sequence[int],
    ) -> int:
        """Child rows of ``records`` replaced: the old ones of the records already ``stored``
        deleted (a record new to the table has none: a first copy deletes nothing), the new ones
        written."""
        ids = list(stored)
        written = 0
        for name in sorted(self.child_tables(parent) | set(tables)):
            table = tables[name] if name in tables else self.existing_table(name)
            if table is None:
                continue
            for where, params in self._where_ids(name, key, account_id, ids):
                conn.exec_driver_sql("DELETE FROM " + where, params)
            columns = [c.name for c in table.columns]
            rows = []
            for record in records:
                for child in record.flat.children.get(name, []):
                    row = dict.fromkeys(columns)
                    row.update(child)
                    row.update(account_id=account_id)
                    row[key] = record.id
                    rows.append(row)
            self.upsert(conn, table, rows)
            written += len(rows)
        return written

    # --- state -----------------------------------------------------------------------------------
    def _save_state(self, conn: Connection, account_id: int, stream: str, state: dict[str, Any]) -> None:
        row = {"account_id": account_id, "stream": stream, "phase": "new", "updated_at": now(), **state}
        self.upsert(conn, self._tables[STATE_TABLE], [row])

    def save_state(self, account_id: int, stream: str, state: dict[str, Any]) -> None:
        with self.transaction() as conn:
            self._save_state(conn, account_id, stream, state)

    def load_state(self, account_id: int, stream: str) -> dict[str, Any]:
        table = self._tables[STATE_TABLE]
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(table).where(table.c.account_id == account_id, table.c.stream == stream)
            ).first()
        if row is None:
            return {"phase": "new"}
        found = dict(row._mapping)
        found.pop("account_id"), found.pop("stream"), found.pop("updated_at")
        return found

    def reset_stream(self, account_id: int, stream: str, table_name: str) -> None:
        """Forget one stream of one account: its rows, child rows and checkpoint (``--full-refresh``)."""
        state = self._tables[STATE_TABLE]
        names = [table_name, *sorted(self.child_tables(table_name))]
        with self.transaction() as conn:
            for name in names:
                table = self.existing_table(name)
                if table is not None:
                    conn.execute(sa.delete(table).where(table.c.account_id == account_id))
            conn.execute(sa.delete(state).where(state.c.account_id == account_id, state.c.stream == stream))

    # --- deletions -------------------------------------------------------------------------------
    @staticmethod
    def _live(table: sa.Table, key: str, account_id: int, low: int, high: int) -> tuple[Any, ...]:
        """The rows of one account in an id range that are not marked deleted."""
        return (
            table.c.account_id == account_id,
            table.c[key].between(low, high),
            table.c._deleted_at.is_(None),
        )

    def local_ids(self, table_name: str, key: str, account_id: int, low: int, high: int) -> list[int]:
        table = self.existing_table(table_name)
        if table is None:
            return []
        query = (
            sa.select(table.c[key])
            .where(*self._live(table, key, account_id, low, high))
            .order_by(table.c[key])
        )
        with self.engine.connect() as conn:
            return [int(r[0]) for r in conn.execute(query)]

    def local_span(self, table_name: str, key: str, account_id: int) -> tuple[int, int, int]:
        """(count, lowest id, highest id) of the rows not marked deleted."""
        table = self.existing_table(table_name)
        if table is None:
            return 0, 0, 0
        query = sa.select(sa.func.count(), sa.func.min(table.c[key]), sa.func.max(table.c[key])).where(
            table.c.account_id == account_id, table.c._deleted_at.is_(None)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).one()
        return int(row[0]), int(row[1] or 0), int(row[2] or 0)

    def local_count(self, table_name: str, key: str, account_id: int, low: int, high: int) -> int:
        table = self.existing_table(table_name)
        if table is None:
            return 0
        query = sa.select(sa.func.count()).where(*self._live(table, key, account_id, low, high))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def local_median(self, table_name: str, key: str, account_id: int, low: int, high: int) -> int:
        """The middle id of the live rows in a range (where the sweep splits it)."""
        table = self.existing_table(table_name)
        assert table is not None
        count = self.local_count(table_name, key, account_id, low, high)
        query = (
            sa.select(table.c[key])
            .where(*self._live(table, key, account_id, low, high))
            .order_by(table.c[key])
            .offset(count // 2)
            .limit(1)
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def mark_deleted(self, table_name: str, key: str, account_id: int, ids: Sequence[int]) -> int:
        """Mark rows deleted for good upstream (``_deleted_at``); they are kept, never dropped."""
        table = self.existing_table(table_name)
        if table is None or not ids:
            return 0
        marked = 0
        stamp = now()
        with self.transaction() as conn:
            for start in range(0, len(ids), ID_CHUNK):
                result = conn.execute(
                    sa.update(table)
                    .where(
                        table.c.account_id == account_id,
                        table.c[key].in_(list(ids[start : start + ID_CHUNK])),
                        table.c._deleted_at.is_(None),
                    )
                    .values(_deleted_at=stamp)
                )
                marked += result.rowcount or 0
        return marked

    # --- runs ------------------------------------------------------------------------------------
    def start_run(self, accounts: Sequence[int], streams: Sequence[str]) -> int:
        table = self._tables[RUNS_TABLE]
        with self.transaction() as conn:
            result = conn.execute(
                sa.insert(table)
                .values(
                    started_at=now(),
                    status="running",
                    accounts=",".join(str(a) for a in accounts),
                    streams=",".join(streams),
                )
                .returning(table.c.run_id)
            )
            return int(result.scalar_one())

    def finish_run(self, run_id: int, values: dict[str, Any]) -> None:
        table = self._tables[RUNS_TABLE]
        with self.transaction() as conn:
            conn.execute(sa.update(table).where(table.c.run_id == run_id).values(finished_at=now(), **values))


def _same(value: Any) -> Any:
    return value


@functools.lru_cache(maxsize=65536)
def _sqlite_datetime(value: dt.datetime) -> str:
    """As SQLAlchemy stores a UTC time in SQLite; once per distinct value (a page repeats them)."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact; PostgreSQL reads numeric from the string
    if isinstance(value, dt.datetime):
        return value.isoformat()  # aware (UTC): the offset is in the text
    raise TypeError(f"cannot store a {type(value).__name__}")


def _json_rows_stdlib(rows: Sequence[dict[str, Any]]) -> str:
    return json.dumps(rows, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def _json_rows_orjson() -> Callable[[Sequence[dict[str, Any]]], str] | None:
    try:
        import orjson
    except ImportError:  # the ``fast`` extra is not installed
        return None
    option = orjson.OPT_NON_STR_KEYS  # as the standard library does: int keys become strings

    def dumps(rows: Sequence[dict[str, Any]]) -> str:
        return orjson.dumps(rows, default=_json_default, option=option).decode()

    return dumps


_json_rows: Callable[[Sequence[dict[str, Any]]], str] = _json_rows_orjson() or _json_rows_stdlib
"""Rows as one JSON array of objects (orjson when installed: a few times faster)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()
