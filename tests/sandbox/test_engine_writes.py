"""Writes (POST/PUT/DELETE), sale arithmetic, nested payloads, and deterministic seeding."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from lightspeed_pos.sandbox.engine.engine import Engine
from tests.sandbox._engine_support import Client, all_scalars_are_strings, as_list, recorded, request

RECORDED_SALE = {"taxCategoryID": 0, "employeeID": 1, "shopID": 1, "registerID": 1}
LINE = {"itemID": 1, "unitQuantity": 2, "unitPrice": "1.23", "tax": True}


@pytest.fixture
def client() -> Client:
    return Client()


def test_item_create_matches_recording(client: Client) -> None:
    real = recorded("items/create.yml")[0][2]["Item"]
    item = client.call("POST", f"{client.base}/Item.json", {"description": "Onesie"})["Item"]
    assert set(real) - {"ItemShops", "Prices"} <= set(item)
    assert next(iter(item)) == "itemID"
    assert item["systemSku"] == "21" + item["itemID"].zfill(10)
    shops = item["ItemShops"]["ItemShop"]
    assert sorted(s["shopID"] for s in shops) == ["0", "1", "2"]
    assert [p["amount"] for p in item["Prices"]["ItemPrice"]] == ["0", "0", "0"]
    assert item["createTime"] == item["timeStamp"] == "2026-11-05T12:00:01+00:00"
    assert all_scalars_are_strings(item)


def test_item_validation_messages(client: Client) -> None:
    error = client.call("POST", f"{client.base}/Item.json", {"description": ""}, status=400)
    assert error == recorded("items/create_invalid.yml")[0][2]
    error = client.call("PUT", f"{client.base}/Item/1.json", {"description": ""}, status=400)
    assert error["message"] == "Item not updated. An Item must have a description."


def test_item_update_moves_timestamp_and_converts_json_types(client: Client) -> None:
    before = client.get("/Item/2.json")["Item"]
    body = {
        "description": "T-Shirt Red Small",
        "defaultCost": 6.50,
        "tax": False,
        "Prices": {"ItemPrice": [{"amount": 12.5, "useTypeID": 1}]},
    }
    item = client.call("PUT", f"{client.base}/Item/2.json", body)["Item"]
    assert (
        item["description"] == "T-Shirt Red Small" and item["defaultCost"] == "6.5" and item["tax"] == "false"
    )
    assert item["Prices"]["ItemPrice"][0]["amount"] == "12.5"
    assert item["timeStamp"] > before["timeStamp"] and item["createTime"] == before["createTime"]
    assert "ItemShops" in item


def test_item_qoh_through_item_shops(client: Client) -> None:
    body = {"ItemShops": {"ItemShop": [{"shopID": 1, "qoh": 7}, {"shopID": 2, "qoh": 5}]}}
    shops = client.call("PUT", f"{client.base}/Item/3.json", body)["Item"]["ItemShops"]["ItemShop"]
    assert {s["shopID"]: s["qoh"] for s in shops} == {"0": "12", "1": "7", "2": "5"}
    row = shops[1]
    changed = client.call(
        "PUT", f"{client.base}/ItemShop/{row['itemShopID']}.json", {"qoh": 99, "reorderPoint": 3}
    )
    assert changed["ItemShop"]["qoh"] == row["qoh"] and changed["ItemShop"]["reorderPoint"] == "3"


def test_item_archive_and_unarchive(client: Client) -> None:
    archived = client.call("DELETE", f"{client.base}/Item/5.json")["Item"]
    assert archived["archived"] == "true" and "ItemShops" not in archived and "Prices" in archived
    shops = client.get('/Item/5.json?load_relations=["ItemShops"]')["Item"]["ItemShops"]["ItemShop"]
    assert all(s["qoh"] == "0" for s in shops)
    assert client.get("/Item.json?itemID=5") == {"@attributes": {"next": "", "previous": ""}}
    restored = client.call("PUT", f"{client.base}/Item/5.json", {"archived": False})["Item"]
    assert restored["archived"] == "false"
    assert client.engine.count(client.account, "Item", include_archived=False) == 244


def test_category_nested_set(client: Client) -> None:
    root = client.call("POST", f"{client.base}/Category.json", {"name": "Toys"})["Category"]
    assert root["nodeDepth"] == "0" and root["fullPathName"] == "Toys" and root["parentID"] == "0"
    assert int(root["rightNode"]) == int(root["leftNode"]) + 1
    child = client.call(
        "POST", f"{client.base}/Category.json", {"name": "Puzzles", "parentID": root["categoryID"]}
    )
    node = child["Category"]
    assert node["fullPathName"] == "Toys/Puzzles" and node["nodeDepth"] == "1"
    parent = client.get(f"/Category/{root['categoryID']}.json")["Category"]
    assert int(parent["leftNode"]) < int(node["leftNode"]) < int(node["rightNode"]) < int(parent["rightNode"])
    renamed = client.call("PUT", f"{client.base}/Category/{root['categoryID']}.json", {"name": "Games"})
    assert renamed["Category"]["fullPathName"] == "Games"
    assert client.get(f"/Category/{node['categoryID']}.json")["Category"]["fullPathName"] == "Games/Puzzles"
    blocked = client.call("DELETE", f"{client.base}/Category/{root['categoryID']}.json", status=400)
    assert blocked["httpCode"] == "400"
    deleted = client.call("DELETE", f"{client.base}/Category/{node['categoryID']}.json")
    assert deleted["Category"]["categoryID"] == node["categoryID"]
    client.get(f"/Category/{node['categoryID']}.json", status=404)


def test_category_blank_name(client: Client) -> None:
    expected = recorded("categories/create_invalid.yml")[0][2]
    assert client.call("POST", f"{client.base}/Category.json", {"name": ""}, status=400) == expected
    assert client.call("PUT", f"{client.base}/Category/1.json", {"name": ""}, status=400) == expected


def test_vendor_create_update_archive_like_recordings(client: Client) -> None:
    body = {"accountNumber": "testAccountNumber456", "name": "Test Vendor 2B"}
    created = client.call("POST", f"{client.base}/Vendor.json", body)["Vendor"]
    assert set(recorded("vendors/update.yml")[0][2]["Vendor"]) <= set(created)
    vendor_id = created["vendorID"]
    updated = client.call("PUT", f"{client.base}/Vendor/{vendor_id}.json", {"accountNumber": "x789"})[
        "Vendor"
    ]
    assert updated["accountNumber"] == "x789" and updated["name"] == "Test Vendor 2B"
    assert client.call("DELETE", f"{client.base}/Vendor/{vendor_id}.json")["Vendor"]["archived"] == "true"


def test_customer_with_contact_in_both_shapes(client: Client) -> None:
    body = {
        "firstName": "Kim",
        "lastName": "Lee",
        "Contact": {
            "Emails": [{"ContactEmail": {"address": "kim@x.com", "useType": "Primary"}}],
            "Phones": {
                "ContactPhone": [{"number": "1", "useType": "Home"}, {"number": "2", "useType": "Mobile"}]
            },
        },
    }
    created = client.call("POST", f"{client.base}/Customer.json?load_relations=all", body)["Customer"]
    contact = created["Contact"]
    assert contact["Emails"] == {"ContactEmail": {"address": "kim@x.com", "useType": "Primary"}}
    assert len(contact["Phones"]["ContactPhone"]) == 2 and contact["Addresses"] == ""
    assert contact["noEmail"] == "true"
    found = client.get('/Customer.json?load_relations=["Contact"]&Contact.mobile=2')
    assert as_list(found["Customer"])[0]["customerID"] == created["customerID"]


def test_sale_matches_recording(client: Client) -> None:
    real = recorded("Sales/create.yml")[1][2]["Sale"]
    sale = client.call(
        "POST", f"{client.base}/Sale.json", {**RECORDED_SALE, "SaleLines": [{"SaleLine": LINE}]}
    )
    mine = sale["Sale"]
    assert set(real) <= set(mine)
    assert set(real["SaleLines"]["SaleLine"]) <= set(mine["SaleLines"]["SaleLine"])
    for key in (
        "calcSubtotal",
        "calcTotal",
        "total",
        "totalDue",
        "balance",
        "calcNonTaxable",
        "displayableTotal",
    ):
        assert mine[key] == real[key] == "2.46", key
    assert mine["calcTaxable"] == "0" and mine["SaleLines"]["SaleLine"]["tax"] == "false"
    assert mine["ticketNumber"] == "22" + mine["saleID"].zfill(10)
    empty = client.call("POST", f"{client.base}/Sale.json", RECORDED_SALE)["Sale"]
    assert "SaleLines" not in empty and empty["total"] == "0"


@pytest.mark.parametrize(
    "lines",
    [
        {"SaleLine": [LINE, LINE]},
        [{"SaleLine": LINE}, {"SaleLine": LINE}],
        {"SaleLine": LINE},
        [{"SaleLine": LINE}],
    ],
)
def test_nested_line_shapes(client: Client, lines: object) -> None:
    sale = client.call("POST", f"{client.base}/Sale.json", {**RECORDED_SALE, "SaleLines": lines})["Sale"]
    count = len(as_list(sale["SaleLines"]["SaleLine"]))
    assert sale["calcSubtotal"] == str(Decimal("2.46") * count)


def test_worked_tax_example(client: Client) -> None:
    body = {
        "taxCategoryID": 2,
        "shopID": 1,
        "registerID": 1,
        "employeeID": 1,
        "SaleLines": {"SaleLine": [{"itemID": 1, "unitQuantity": 4, "unitPrice": 70, "tax": True}]},
    }
    sale = client.call("POST", f"{client.base}/Sale.json", body)["Sale"]
    assert (sale["calcSubtotal"], sale["calcTax1"], sale["calcTax2"]) == ("280", "23.1", "14")
    assert sale["total"] == sale["calcTotal"] == "317.1" and sale["taxTotal"] == "37.1"
    assert sale["TaxCategory"]["tax1Rate"] == "0.0825" and sale["tax1Rate"] == "0.0825"


def test_worked_line_example(client: Client) -> None:
    category = client.call("POST", f"{client.base}/TaxCategory.json", {"tax1Name": "HST", "tax1Rate": 0.13})
    tax_id = category["TaxCategory"]["taxCategoryID"]
    line = {"itemID": 2, "unitQuantity": 2, "unitPrice": 34.95, "discountPercent": 0.05, "tax": True}
    sale = client.call("POST", f"{client.base}/Sale.json", {"taxCategoryID": tax_id, "SaleLines": [line]})[
        "Sale"
    ]
    priced = sale["SaleLines"]["SaleLine"]
    assert (priced["calcSubtotal"], priced["calcLineDiscount"], priced["calcTotal"]) == (
        "69.9",
        "3.5",
        "75.032",
    )


def test_completed_sale_must_balance(client: Client) -> None:
    before = client.engine.count(client.account, "Sale")
    body = {
        **RECORDED_SALE,
        "completed": True,
        "SaleLines": [{"SaleLine": LINE}],
        "SalePayments": [{"SalePayment": {"amount": 1, "paymentTypeID": 1}}],
    }
    assert client.call("POST", f"{client.base}/Sale.json", body, status=400)["httpCode"] == "400"
    assert client.engine.count(client.account, "Sale") == before
    qoh = client.engine.record(client.account, "ItemShop", 2)
    assert qoh is not None and qoh["shopID"] == "1"
    body["SalePayments"] = {"SalePayment": {"amount": "2.46", "paymentTypeID": 1}}
    sale = client.call("POST", f"{client.base}/Sale.json", body)["Sale"]
    assert sale["completed"] == "true" and sale["balance"] == "0" and sale["calcPayments"] == "2.46"
    assert sale["completeTime"] != ""
    assert sale["SalePayments"]["SalePayment"]["registerID"] == "1"
    after = client.engine.record(client.account, "ItemShop", 2)
    assert after is not None and int(after["qoh"]) == int(qoh["qoh"]) - 2


def test_sale_lines_by_item_code_and_nested_line_writes(client: Client) -> None:
    upc = client.get("/Item/9.json")["Item"]["upc"]
    sale = client.call(
        "POST",
        f"{client.base}/Sale.json",
        {**RECORDED_SALE, "SaleLines": [{"SaleLine": {"itemCode": upc, "unitQuantity": 1}}]},
    )["Sale"]
    assert sale["SaleLines"]["SaleLine"]["itemID"] == "9"
    price = client.get("/Item/9.json")["Item"]["Prices"]["ItemPrice"][0]["amount"]
    assert sale["total"] == price
    sale_id = sale["saleID"]
    line = client.call("POST", f"{client.base}/Sale/{sale_id}/SaleLine.json", {"itemID": 1, "unitPrice": 10})
    assert line["SaleLine"]["saleID"] == sale_id
    total = client.get(f"/Sale/{sale_id}.json")["Sale"]["total"]
    assert Decimal(total) == Decimal(price) + 10
    client.call("DELETE", f"{client.base}/Sale/{sale_id}/SaleLine/{line['SaleLine']['saleLineID']}.json")
    assert client.get(f"/Sale/{sale_id}.json")["Sale"]["total"] == price
    paid = client.call(
        "PUT",
        f"{client.base}/Sale/{sale_id}.json",
        {"SalePayments": [{"SalePayment": {"amount": price, "paymentTypeID": 3}}], "completed": True},
    )["Sale"]
    assert paid["balance"] == "0" and paid["completed"] == "true"


def test_timestamp_moves_on_every_change(client: Client) -> None:
    first = client.call("PUT", f"{client.base}/Customer/1.json", {"title": "Dr"})["Customer"]["timeStamp"]
    second = client.call("PUT", f"{client.base}/Customer/1.json", {"title": "Mx"})["Customer"]["timeStamp"]
    assert first < second
    since = client.get(f"/Customer.json?timeStamp=%3E%3D,{first.replace('+', '%2B')}")
    assert [c["customerID"] for c in as_list(since["Customer"])] == ["1"]


def test_generic_resources(client: Client) -> None:
    tag = client.call("POST", f"{client.base}/Tag.json", {"name": "vip"})["Tag"]
    assert (
        client.call("PUT", f"{client.base}/Tag/{tag['tagID']}.json", {"name": "VIP"})["Tag"]["name"] == "VIP"
    )
    assert client.call("DELETE", f"{client.base}/Tag/{tag['tagID']}.json")["Tag"]["name"] == "VIP"
    client.get(f"/Tag/{tag['tagID']}.json", status=404)
    work = client.call("POST", f"{client.base}/Workorder.json", {"customerID": 1, "note": "fix"})["Workorder"]
    assert client.get(f"/Workorder/{work['workorderID']}.json")["Workorder"]["customerID"] == "1"
    assert client.get("/Quote.json?saleID=0") == {"@attributes": {"next": "", "previous": ""}}
    discount = client.call("DELETE", f"{client.base}/Discount/1.json")["Discount"]
    assert discount["archived"] == "true"


def test_bad_bodies(client: Client) -> None:
    broken = request("POST", f"{client.base}/Tag.json")
    broken = type(broken)("POST", broken.path, (), {}, b"{not json", broken.origin)
    assert client.engine.handle(broken, client.auth).status == 400
    client.call("POST", f"{client.base}/Tag.json", [1, 2], status=400)


def test_seeding_is_deterministic() -> None:
    one, two, other = (
        Engine.create(seed=7, items=60),
        Engine.create(seed=7, items=60),
        Engine.create(seed=8, items=60),
    )
    account = one.account_ids[0]
    assert one.account_ids == two.account_ids
    for entity in ("Item", "Sale", "SaleLine", "Customer", "Order", "ItemShop", "Category"):
        assert one.count(account, entity) == two.count(account, entity)
        for record_id in (1, 2, 3):
            assert one.record(account, entity, record_id) == two.record(account, entity, record_id)
    assert one.record(account, "Item", 20) != other.record(account, "Item", 20)


def test_seeded_sales_are_consistent() -> None:
    client = Client(Engine.create(items=80))
    for sale in client.all_pages('/Sale.json?completed=true&load_relations=["SalePayments"]'):
        payments = sum(Decimal(p["amount"]) for p in as_list(sale["SalePayments"]["SalePayment"]))
        assert payments == Decimal(sale["total"]) and sale["balance"] == "0"


def test_large_store_build_time() -> None:
    started = time.perf_counter()
    engine = Engine.create(items=100_000)
    elapsed = time.perf_counter() - started
    print(f"\n100k-item store built in {elapsed:.2f} s")
    client = Client(engine)
    assert engine.count(client.account, "Item") == 100_000
    assert len(client.get('/Item.json?load_relations=["ItemShops"]&sort=-timeStamp')["Item"]) == 100
