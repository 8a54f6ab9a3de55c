"""Row-by-row comparison of a destination with the API: every record, every field, every child row.

Values are compared by what the database returned (an ``int`` against ``int(raw)``, a ``Decimal``
against ``Decimal(raw)``, a ``datetime`` against the parsed instant, a ``bool`` against
``"true"``), and the top-level fields also against the typed models' values, so the check does not
reuse the sync's own conversion.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from lightspeed_pos import Client
from lightspeed_pos._catalog import snake
from lightspeed_pos.sync import Stream, column_name
from lightspeed_pos.sync._queue import engine_url
from lightspeed_pos.sync._streams import load_params


def same(raw: Any, stored: Any) -> bool:
    """Whether a stored value is the wire value ``raw``."""
    if raw == "" and stored is None:
        return True
    if stored is None:
        return raw is None
    if isinstance(stored, bool):
        return stored == (str(raw).lower() == "true")
    if isinstance(stored, int):
        return Decimal(str(raw)) == stored
    if isinstance(stored, Decimal):
        return Decimal(str(raw)) == stored
    if isinstance(stored, float):
        return Decimal(str(raw)) == Decimal(repr(stored))
    if isinstance(stored, dt.datetime):
        return dt.datetime.fromisoformat(str(raw)) == stored
    if isinstance(stored, (list, dict)):
        return bool(raw == stored)
    return bool(str(raw) == stored)


def api_records(client: Client, account_id: int, stream: Stream) -> dict[int, Any]:
    params = dict(load_params(stream))
    if stream.archivable:
        params["archived"] = "true"
    collection = client.collection(stream.spec.name, account_id=account_id)
    return {int(m.attributes[stream.id_field]): m for m in collection.all(params)}


def table_rows(conn: sa.Connection, name: str, *, live_only: bool = True) -> list[dict[str, Any]]:
    """The rows as the driver returns them, read back by each column's declared type."""
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    quote = conn.dialect.identifier_preparer.quote
    result = conn.exec_driver_sql(f"SELECT * FROM {quote(name)}")
    names = list(result.keys())
    kinds = {c.name: type(c.type).__name__.upper() for c in table.columns}
    rows = []
    for raw in result:
        values = dict(zip(names, raw, strict=True))
        for column, value in values.items():
            kind = kinds[column]
            if value is None:
                continue
            if "BOOL" in kind:
                values[column] = bool(value)
            elif "NUMERIC" in kind or "DECIMAL" in kind:
                values[column] = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            elif "DATETIME" in kind or "TIMESTAMP" in kind:
                when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
                values[column] = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when
            elif "JSON" in kind and isinstance(value, str):
                values[column] = json.loads(value)
        if live_only and values.get("_deleted_at") is not None:
            continue
        rows.append(values)
    return rows


def _container(value: dict[str, Any]) -> str | None:
    if len(value) == 1:
        key, inner = next(iter(value.items()))
        if key[:1].isupper() and isinstance(inner, (dict, list)):
            return key
    return None


class Mismatch(AssertionError):
    pass


def compare_all(client: Client, account_id: int, url: str, streams: list[Stream]) -> int:
    """Assert every stream equals the API (and holds no duplicate key); the rows compared."""
    engine = sa.create_engine(engine_url(url))
    compared = 0
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            for stream in streams:
                compared += compare_stream(client, account_id, conn, stream, names)
                assert count_duplicates(conn, stream) == 0
    finally:
        engine.dispose()
    return compared


def compare_stream(
    client: Client, account_id: int, conn: sa.Connection, stream: Stream, names: set[str]
) -> int:
    """Assert the stream's table and child tables equal the API's records; the rows compared."""
    expected = api_records(client, account_id, stream)
    key = column_name(stream.id_field)
    owner = snake(stream.entity)
    compared = 0
    rows = {r[key]: r for r in table_rows(conn, stream.name) if r["account_id"] == account_id}
    if set(rows) != set(expected):
        raise Mismatch(
            f"{stream.name}: ids differ: missing {sorted(set(expected) - set(rows))[:10]}, "
            f"extra {sorted(set(rows) - set(expected))[:10]}"
        )
    children: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for record_id, model in expected.items():
        row = rows[record_id]
        compared += 1
        _compare_object(stream.name, record_id, model.attributes, row, "", owner, children)
        for name in type(model).model_fields:
            value = getattr(model, name)
            column = column_name(name)
            typed = isinstance(value, (int, Decimal, bool, dt.datetime))
            if typed and column in row and row[column] != value:
                raise Mismatch(f"{stream.name} {record_id}.{name}: {row[column]!r} != {value!r}")
    for child, expected_rows in children.items():
        stored = [r for r in table_rows(conn, child) if r["account_id"] == account_id]
        grouped = Counter(r[key] for r in stored)
        wanted = Counter(parent for parent, _ in expected_rows)
        if grouped != wanted:
            raise Mismatch(f"{child}: child rows per parent differ")
        by_key = {(r[key], r["_position"]): r for r in stored}
        positions: Counter[int] = Counter()
        for parent, item in expected_rows:
            position = positions[parent]
            positions[parent] += 1
            row = by_key[(parent, position)]
            compared += 1
            if isinstance(item, dict):
                _compare_child(child, parent, item, row, "")
            elif not same(item, row["value"]):
                raise Mismatch(f"{child} {parent}/{position}: {row['value']!r} != {item!r}")
    for name in sorted(names):
        if name.startswith(owner + "_") and name not in children and name != stream.name:
            leftover = [r for r in table_rows(conn, name) if r.get("account_id") == account_id and key in r]
            if leftover and any(r[key] in expected for r in leftover):
                registry = sa.Table("_lightspeed_children", sa.MetaData(), autoload_with=conn)
                owned = conn.execute(
                    sa.select(registry.c.child_table).where(registry.c.parent_table == stream.name)
                ).scalars()
                if name in set(owned):
                    raise Mismatch(f"{name}: child rows whose parent has none")
    return compared


def _compare_object(
    table: str,
    record_id: int,
    record: dict[str, Any],
    row: dict[str, Any],
    prefix: str,
    owner: str,
    children: dict[str, list[tuple[int, dict[str, Any]]]],
) -> None:
    for name, raw in record.items():
        column = prefix + column_name(name)
        if isinstance(raw, dict):
            inner = _container(raw)
            if inner is None:
                _compare_object(table, record_id, raw, row, column + "_", owner, children)
                continue
            child = column_name(name)
            child = child if child.startswith(owner + "_") else f"{owner}_{child}"
            items = raw[inner] if isinstance(raw[inner], list) else [raw[inner]]
            children.setdefault(child, []).extend((record_id, item) for item in items)
            continue
        if raw == "" and name[:1].isupper():
            if name.endswith("s"):
                child = column_name(name)
                child = child if child.startswith(owner + "_") else f"{owner}_{child}"
                children.setdefault(child, [])
            continue
        if column not in row:
            raise Mismatch(f"{table} {record_id}: no column {column} for {name}")
        if not same(raw, row[column]):
            raise Mismatch(f"{table} {record_id}.{name}: {row[column]!r} != {raw!r}")


def _compare_child(table: str, parent: int, item: dict[str, Any], row: dict[str, Any], prefix: str) -> None:
    for name, raw in item.items():
        column = prefix + column_name(name)
        if isinstance(raw, dict) and _container(raw) is None:
            _compare_child(table, parent, raw, row, column + "_")
        elif raw == "" and name[:1].isupper():
            continue
        elif not same(raw, row.get(column)):
            raise Mismatch(f"{table} {parent}.{name}: {row.get(column)!r} != {raw!r}")


def count_duplicates(conn: sa.Connection, stream: Stream) -> int:
    """Rows sharing a key (the primary key should make this 0; counted anyway)."""
    key = column_name(stream.id_field)
    table = sa.Table(stream.name, sa.MetaData(), autoload_with=conn)
    query = (
        sa.select(table.c.account_id, table.c[key], sa.func.count())
        .group_by(table.c.account_id, table.c[key])
        .having(sa.func.count() > 1)
    )
    return len(conn.execute(query).all())
