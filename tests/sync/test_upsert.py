"""The batched upsert: many rows in one call, a key repeated within one batch, and every kind of
value (integer, money, boolean, timestamp, text, JSON, NULL) read back as it was written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from lightspeed_pos.sync._dest import Destination
from lightspeed_pos.sync._types import sql_type


def test_upsert_writes_every_row_once_and_keeps_the_last_of_a_repeated_key(database_url: str) -> None:
    destination = Destination(database_url)
    try:
        kinds = {"label": "string", "price": "decimal", "on": "boolean", "at": "datetime", "extra": "json"}
        table = sa.Table(
            "upsert_probe",
            sa.MetaData(),
            sa.Column("account_id", sa.BigInteger, primary_key=True),
            sa.Column("probe_id", sa.BigInteger, primary_key=True),
            *(sa.Column(name, sql_type(kind)) for name, kind in kinds.items()),
        )
        table.create(destination.engine)
        when = dt.datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=dt.UTC)
        count = 1207

        def row(i: int, label: str) -> dict[str, object]:
            return {
                "account_id": 1,
                "probe_id": i,
                "label": label,
                "price": Decimal(f"{i}.05"),
                "on": i % 2 == 0,
                "at": when + dt.timedelta(seconds=i),
                "extra": [f"tag {i}", {"n": i}] if i % 3 else None,
            }

        rows = [row(i, f"first {i}") for i in range(count)]
        rows.append({**row(3, "second 3"), "label": 'second "3" \\ é'})  # a repeat in the batch
        with destination.transaction() as conn:
            destination.upsert(conn, table, rows)
        with destination.transaction() as conn:  # and again: an update now
            destination.upsert(conn, table, [{**row(5, "updated 5"), "price": None, "on": None}])
        with destination.engine.connect() as conn:
            stored = {r.probe_id: r for r in conn.execute(sa.select(table))}
        assert len(stored) == count
        assert stored[3].label == 'second "3" \\ é'
        assert (stored[5].label, stored[5].price, stored[5].on) == ("updated 5", None, None)
        last = stored[count - 1]
        assert last.label == f"first {count - 1}"
        assert last.price == Decimal(f"{count - 1}.05")
        assert last.on is ((count - 1) % 2 == 0)
        assert last.at == when + dt.timedelta(seconds=count - 1)
        assert stored[4].extra == ["tag 4", {"n": 4}] and stored[3].extra is None
    finally:
        destination.close()
