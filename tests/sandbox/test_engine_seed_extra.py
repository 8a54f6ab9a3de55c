"""Every listable catalogue row answers, with seeded records where the seed has them."""

from __future__ import annotations

import pytest

from lightspeed_pos._catalog import ResourceSpec, catalog
from lightspeed_pos.sandbox.engine.engine import Engine
from lightspeed_pos.sandbox.engine.schema import table_key
from tests.sandbox._engine_support import Client, as_list

LISTED = [s for s in catalog().resources if s.scope == "account" and s.allows("query")]

UNSEEDED_KINDS = frozenset({"report", "display_template"})
"""Reports and display templates are computed/rendered by the real API; the seed has none."""


@pytest.fixture(scope="module")
def client() -> Client:
    return Client()


def listing_path(client: Client, spec: ResourceSpec) -> str:
    """The row's listing path with real parent ids (taken from a child record that has them)."""
    path = spec.path
    if spec.parents:
        store = client.engine._store(client.account)
        child = next(
            row for row in store.table(table_key(spec)) if all(row.get(p, "0") != "0" for p in spec.parents)
        )
        for placeholder in spec.parents:
            path = path.replace("{" + placeholder + "}", child[placeholder])
    return f"/{path}.json"


@pytest.mark.parametrize("spec", LISTED, ids=[s.name for s in LISTED])
def test_every_listing_answers(client: Client, spec: ResourceSpec) -> None:
    page = client.get(listing_path(client, spec))
    assert "next" in page["@attributes"]
    if spec.kind not in UNSEEDED_KINDS:
        records = as_list(page.get(spec.entity))
        assert records, f"{spec.name} has no seeded records"
        assert all(spec.id_field in record for record in records)


def test_seeded_links_hold_together(client: Client) -> None:
    quote = as_list(client.get("/Quote.json")["Quote"])[0]
    assert client.get(f"/Sale/{quote['saleID']}.json")["Sale"]["quoteID"] == quote["quoteID"]
    void = as_list(client.get("/SaleVoid.json")["SaleVoid"])[0]
    assert client.get(f"/Sale/{void['saleID']}.json")["Sale"]["voided"] == "true"
    gift_cards = as_list(client.get("/CreditAccount.json?giftCard=true")["CreditAccount"])
    assert len(gift_cards) == 3 and all(len(card["code"]) >= 8 for card in gift_cards)
    holder = as_list(client.get("/CreditAccount.json?giftCard=false&limit=1")["CreditAccount"])[0]
    customer = client.get(f"/Customer/{holder['customerID']}.json")["Customer"]
    assert customer["creditAccountID"] == holder["creditAccountID"]
    statuses = {s["systemValue"] for s in as_list(client.get("/WorkorderStatus.json")["WorkorderStatus"])}
    assert statuses == {"open", "waiting", "estimate", "finished", "paid"}
    transfers = as_list(client.get('/Inventory/Transfer/2.json?load_relations=["TransferItems"]')["Transfer"])
    assert transfers[0]["sendingShopID"] != transfers[0]["receivingShopID"]
    assert as_list(transfers[0]["TransferItems"]["TransferItem"])


def test_item_and_customer_details(client: Client) -> None:
    item = client.get('/Item/50.json?load_relations=["TagRelations","ItemVendorNums","CustomFieldValues"]')[
        "Item"
    ]
    tags = as_list(item["TagRelations"]["TagRelation"])
    assert tags and all(t["Tag"]["tagID"] == t["tagID"] for t in tags)
    assert item["ItemVendorNums"]["ItemVendorNum"]["vendorID"] == item["defaultVendorID"]
    assert item["CustomFieldValues"]["CustomFieldValue"]["name"] == "Material"
    plain = client.get("/Item/50.json")["Item"]
    assert "TagRelations" not in plain and "ItemVendorNums" not in plain


def test_extra_seed_is_deterministic_and_bounded() -> None:
    one, two = Engine.create(seed=3, items=60), Engine.create(seed=3, items=60)
    account = one.account_ids[0]
    for entity in ("Workorder", "WorkorderLine", "TransferItem", "CreditAccount", "InventoryLog", "CCCharge"):
        count = one.count(account, entity)
        assert count == two.count(account, entity) > 0
        assert [one.record(account, entity, n) for n in range(1, count + 1)] == [
            two.record(account, entity, n) for n in range(1, count + 1)
        ]
    assert one.count(account, "InventoryLog") <= 300 and one.count(account, "Workorder") <= 200
