"""The batched upsert: more rows than one statement holds, and a key repeated within one batch."""

from __future__ import annotations

import sqlalchemy as sa

from lightspeed_pos.sync._dest import _PG_ROWS_PER_STATEMENT, Destination


def test_upsert_writes_every_row_once_and_keeps_the_last_of_a_repeated_key(database_url: str) -> None:
    destination = Destination(database_url)
    try:
        table = sa.Table(
            "upsert_probe",
            sa.MetaData(),
            sa.Column("account_id", sa.BigInteger, primary_key=True),
            sa.Column("probe_id", sa.BigInteger, primary_key=True),
            sa.Column("label", sa.Text),
        )
        table.create(destination.engine)
        count = _PG_ROWS_PER_STATEMENT * 2 + 7  # three statements on PostgreSQL
        rows = [{"account_id": 1, "probe_id": i, "label": f"first {i}"} for i in range(count)]
        rows.append({"account_id": 1, "probe_id": 3, "label": "second 3"})  # a repeat in the batch
        with destination.transaction() as conn:
            destination.upsert(conn, table, rows)
        with destination.transaction() as conn:  # and again: every row is an update now
            destination.upsert(conn, table, [{"account_id": 1, "probe_id": 5, "label": "updated 5"}])
        with destination.engine.connect() as conn:
            stored = {row[0]: row[1] for row in conn.execute(sa.select(table.c.probe_id, table.c.label))}
        assert len(stored) == count
        assert stored[3] == "second 3"
        assert stored[5] == "updated 5"
        assert stored[count - 1] == f"first {count - 1}"
    finally:
        destination.close()
