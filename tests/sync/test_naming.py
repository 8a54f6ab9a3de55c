"""Names and types: the mechanical rule, the documented table, cursors and relations by cost."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from lightspeed_pos.sync import all_streams, column_name, resolve_streams
from lightspeed_pos.sync._rows import Flattener

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sync.md"
TOOL = Path(__file__).resolve().parents[2] / "tools" / "gen_sync_docs.py"


@pytest.mark.parametrize(
    ("api", "column"),
    [
        ("itemID", "item_id"),
        ("defaultCost", "default_cost"),
        ("calcFIFOCost", "calc_fifo_cost"),
        ("tax1Rate", "tax1_rate"),
        ("timeStamp", "time_stamp"),
        ("b2bSellerUID", "b2b_seller_uid"),
        ("updatetime", "updatetime"),
    ],
)
def test_columns_are_snake_case(api: str, column: str) -> None:
    assert column_name(api) == column


def test_the_generated_tables_of_the_docs_are_current() -> None:
    assert subprocess.run([sys.executable, str(TOOL), "--check"], check=False).returncode == 0, (
        "docs/sync.md is out of date: run python tools/gen_sync_docs.py"
    )


def test_the_documented_table_is_the_rule() -> None:
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \| ([a-z ]+) \|$", DOCS.read_text(), re.MULTILINE)
    assert len(rows) > 200
    for api, column, _type in rows:
        assert column_name(api) == column, api
    documented = {api for api, _, _ in rows}
    for stream in resolve_streams(None):
        assert {f for f, kind in stream.spec.fields if kind != "object"} <= documented, stream.name


def test_cursors_follow_what_each_endpoint_can_sort_by() -> None:
    streams = all_streams()
    assert streams["sales"].cursor == "updatetime"
    assert streams["items"].cursor == "timestamp"
    assert streams["item_shops"].cursor == "timestamp"
    assert streams["inventory_logs"].cursor == "id"
    assert streams["registers"].cursor == "snapshot"  # sortable only by its id
    assert streams["items"].archivable and not streams["item_shops"].archivable


def test_relations_are_chosen_by_cost() -> None:
    streams = all_streams()
    assert "Contact" in streams["customers"].relations  # no endpoint of its own
    assert "ItemShops" not in streams["items"].relations  # a stream of its own
    assert "SaleLines" not in streams["sales"].relations
    assert streams["customers"].page_cost() == pytest.approx(1.8)  # 1 + 0.2 to-one + 2 x 0.4 to-many
    assert streams["item_shops"].page_cost() == 1


def test_nested_objects_become_prefixed_columns_and_child_tables() -> None:
    record = {
        "customerID": "7",
        "firstName": "Ava",
        "archived": "false",
        "dob": "",
        "timeStamp": "2026-05-05T10:00:00-04:00",
        "Contact": {
            "noEmail": "true",
            "Addresses": {"ContactAddress": {"address1": "1 Main St.", "zip": "02108"}},
            "Phones": {
                "ContactPhone": [{"number": "1", "useType": "Home"}, {"number": "2", "useType": "Work"}]
            },
            "Emails": "",
        },
        "Note": "",
    }
    flat = Flattener("Customer", "customer", "customer_id").flatten(record)
    assert flat.row["customer_id"] == 7
    assert flat.row["archived"] is False
    assert flat.row["dob"] is None
    assert flat.row["time_stamp"].isoformat() == "2026-05-05T14:00:00+00:00"
    assert flat.row["contact_no_email"] is True
    assert flat.children["customer_addresses"] == [{"_position": 0, "address1": "1 Main St.", "zip": "02108"}]
    assert [p["number"] for p in flat.children["customer_phones"]] == ["1", "2"]
    assert flat.children["customer_emails"] == []
    item = Flattener("Item", "item", "item_id").flatten(
        {"itemID": "1", "defaultCost": "1.10", "Prices": {"ItemPrice": [{"amount": "2.5", "useTypeID": "1"}]}}
    )
    assert item.row["default_cost"] == Decimal("1.10")
    assert item.children["item_prices"][0]["amount"] == Decimal("2.5")
    assert item.child_kinds["item_prices"]["use_type_id"] == "integer"


def test_unknown_streams_are_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown stream 'itemz'.*items"):
        resolve_streams("items,itemz")
