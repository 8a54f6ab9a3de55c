"""Writes are validated completely before anything changes: a refused write is the API's 400 in
its JSON shape and leaves every table exactly as it was (docs/reference.md#error-body)."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.sandbox.domains import items as _entities

from ._hostile import assert_api_error

pytestmark = pytest.mark.timeout(20)

TABLES = ("Item", "ItemShop", "Category", "Sale", "SaleLine", "SalePayment", "Customer")


def snapshot(sandbox: Sandbox) -> dict[str, Any]:
    """Every record of the tables a write could touch, as the API renders them."""
    engine: Any = sandbox.engine
    out: dict[str, Any] = {}
    for table in TABLES:
        count = engine.count(sandbox.account_id, table)
        out[table] = [engine.record(sandbox.account_id, table, i) for i in range(1, count + 30)]
    return out


def url(sandbox: Sandbox, rest: str) -> str:
    return f"/API/V3/Account/{sandbox.account_id}/{rest}"


@pytest.mark.parametrize(
    ("method", "rest", "body"),
    [
        ("POST", "Item.json", '{"description": "\\ud800"}'),
        ("POST", "Category.json", '{"name": "x\\udfff"}'),
        ("PUT", "Item/1.json", '{"description": "\\ud800"}'),
        ("PUT", "Customer/1.json", '{"Contact": {"custom": "\\ud83d"}}'),
        (
            "PUT",
            "Item/1.json",
            '{"description": "ok", "ItemShops": {"ItemShop": {"shopID": 1, "qoh": "1e999999999"}}}',
        ),
        (
            "PUT",
            "Item/1.json",
            '{"description": "ok", "ItemShops": {"ItemShop": {"shopID": 1, "qoh": 1e999999999}}}',
        ),
        ("POST", "Item.json", '{"description": "x", "defaultCost": "NaN"}'),
        ("POST", "Item.json", '{"description": "x", "defaultCost": NaN}'),
        ("POST", "Item.json", '{"description": "x", "defaultCost": Infinity}'),
        ("POST", "Item.json", '{"description": "x", "defaultCost": "abc"}'),
        ("POST", "Item.json", '{"description": "x", "defaultCost": "1e400"}'),
        ("POST", "Item.json", '{"description": "x", "categoryID": "abc"}'),
        ("POST", "Item.json", '{"description": "x", "categoryID": 987654}'),
        ("POST", "Item.json", '{"description": "x", "manufacturerID": 1.5}'),
        ("POST", "Item.json", '{"description": "x", "modelYear": ' + "9" * 5000 + "}"),
        (
            "POST",
            "Sale.json",
            json.dumps({"shopID": 1, "SaleLines": {"SaleLine": [{"itemID": 1}, {"itemID": 999999}]}}),
        ),
        (
            "POST",
            "Sale.json",
            json.dumps(
                {"shopID": 1, "SalePayments": {"SalePayment": {"amount": "1", "paymentTypeID": 4242}}}
            ),
        ),
        ("POST", "SaleLine.json", '{"saleID": 1, "itemID": 999999}'),
        ("PUT", "Sale/1.json", '{"SaleLines": {"SaleLine": {"itemID": 999999}}}'),
        ("POST", "Item.json", "[" * 100_000 + "]" * 100_000),
        ("POST", "Item.json", '{"description": "x", "defaultCost": ' + "[" * 40 + "]" * 40 + "}"),
        ("POST", "Item.json", b"\xff\xfe{}".decode("latin-1")),
        ("POST", "Item.json", '{"description": '),
    ],
    ids=lambda value: value[:40] if isinstance(value, str) else value,
)
def test_a_refused_write_is_a_400_and_changes_nothing(
    sandbox: Sandbox, http: httpx2.Client, method: str, rest: str, body: str
) -> None:
    before = snapshot(sandbox)
    raw = body.encode("latin-1") if body.startswith("\xff") else body.encode("utf-8", "surrogatepass")
    assert_api_error(http.request(method, url(sandbox, rest), content=raw), 400)
    assert snapshot(sandbox) == before
    listing = http.get(url(sandbox, "Item.json"), params={"defaultCost": ">,1"})
    assert listing.status_code == 200


def test_a_write_that_fails_midway_is_undone(
    sandbox: Sandbox, http: httpx2.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever breaks after the first change (here: creating the new item's ItemShops), the
    item itself is not left behind."""

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")

    before = snapshot(sandbox)
    monkeypatch.setattr(_entities, "create_item_shops", broken)
    answer = http.post(url(sandbox, "Item.json"), json={"description": "half"})
    assert_api_error(answer, 500)
    assert snapshot(sandbox) == before
    monkeypatch.undo()
    created = http.post(url(sandbox, "Item.json"), json={"description": "whole"})
    assert created.status_code == 200
    assert created.json()["Item"]["itemID"] == str(len(before["Item"]) - before["Item"].count(None) + 1)


def test_valid_numbers_still_go_through(sandbox: Sandbox, http: httpx2.Client) -> None:
    created = http.post(
        url(sandbox, "Item.json"),
        json={"description": "ok", "defaultCost": "12.50", "categoryID": 1, "modelYear": 2024},
    )
    assert created.status_code == 200, created.text
    item = created.json()["Item"]
    assert (item["defaultCost"], item["categoryID"], item["modelYear"]) == ("12.5", "1", "2024")
    raw = json.dumps({"description": "float", "defaultCost": 3.25}).encode()
    assert http.post(url(sandbox, "Item.json"), content=raw).json()["Item"]["defaultCost"] == "3.25"
