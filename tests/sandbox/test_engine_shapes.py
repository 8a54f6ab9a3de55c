"""The engine's wire shapes against the real recordings, plus account-level endpoints and errors."""

from __future__ import annotations

import pytest

from tests.sandbox._engine_support import Client, all_scalars_are_strings, as_list, recorded, scalar_keys

# Keys of 2016 recordings that the current API no longer sends (PINs removed 2016.20; V1-era ids).
RETIRED = {"accessPin", "itemAttributesID", "noteID"}


@pytest.fixture(scope="module")
def client() -> Client:
    return Client()


@pytest.mark.parametrize(
    ("cassette", "entity", "path"),
    [
        ("items/show.yml", "Item", "/Item/3.json"),
        ("Sales/index.yml", "Sale", "/Sale/2.json"),
        ("categories/index.yml", "Category", "/Category/1.json"),
        ("customers/show.yml", "Customer", "/Customer/1.json"),
        ("employees/show.yml", "Employee", "/Employee/1.json"),
        ("vendors/show.yml", "Vendor", "/Vendor/1.json"),
    ],
)
def test_records_have_the_recorded_keys(client: Client, cassette: str, entity: str, path: str) -> None:
    real = as_list(recorded(cassette)[0][2][entity])[0]
    ours = client.get(path + "?load_relations=all")
    assert ours["@attributes"] == {"count": "1"}
    mine = ours[entity]
    assert scalar_keys(real) - RETIRED <= scalar_keys(mine)
    assert all_scalars_are_strings(mine)


def test_nested_relation_shapes_match_recordings(client: Client) -> None:
    item = client.get("/Item/3.json?load_relations=all")["Item"]
    assert [p["useType"] for p in item["Prices"]["ItemPrice"]] == ["Default", "MSRP", "Online"]
    assert isinstance(item["ItemShops"]["ItemShop"], list)
    assert item["Category"]["categoryID"] == item["categoryID"]
    real_shop = recorded("items/show.yml")[0][2]["Item"]["ItemShops"]["ItemShop"][0]
    assert set(real_shop) <= set(item["ItemShops"]["ItemShop"][0])
    sale = client.get('/Sale/2.json?load_relations=["SaleLines","SalePayments.PaymentType","TaxCategory"]')
    line = sale["Sale"]["SaleLines"]["SaleLine"]
    line = line if isinstance(line, dict) else line[0]
    real_sale = recorded("Sales/index.yml")[0][2]["Sale"][0]
    assert scalar_keys(real_sale["SaleLines"]["SaleLine"][0]) <= scalar_keys(line)
    assert set(real_sale["TaxCategory"]) <= set(sale["Sale"]["TaxCategory"])
    contact = client.get("/Customer/1.json?load_relations=all")["Customer"]["Contact"]
    assert contact["Websites"] == ""
    assert set(contact["Addresses"]["ContactAddress"]) >= {"address1", "city", "state", "zip", "country"}
    assert contact["Emails"]["ContactEmail"]["useType"] == "Primary"


def test_prices_without_load_relations_and_no_other_relations(client: Client) -> None:
    item = client.get("/Item/1.json")["Item"]
    assert "Prices" in item and "ItemShops" not in item and "ItemAttributes" not in item


def test_money_and_datetime_formats(client: Client) -> None:
    sale = client.get("/Sale/1.json")["Sale"]
    for key in ("total", "calcSubtotal", "balance", "calcTax1"):
        assert not sale[key].endswith("0") or "." not in sale[key] or sale[key] == "0", sale[key]
    assert sale["timeStamp"].endswith("+00:00") and len(sale["timeStamp"]) == 25


def test_account_list_and_details(client: Client) -> None:
    listing = client.call("GET", "/API/V3/Account.json")
    assert listing["@attributes"] == {"count": "1"}
    assert listing["Account"]["link"] == {"@attributes": {"href": f"/API/V3/Account/{client.account}"}}
    legacy = client.call("GET", "/API/Account.json")
    assert legacy["Account"]["link"]["@attributes"]["href"] == f"/API/Account/{client.account}"
    details = client.call("GET", f"/API/V3/Account/{client.account}.json")
    assert details["@attributes"] == {"systemCustomerID": str(client.account)}
    assert {"status", "name", "defaultCurrency", "purchasingCurrencies"} <= set(details)


@pytest.mark.parametrize("path", ["/API/Session.json", "/API/V3/Session.json"])
def test_session(client: Client, path: str) -> None:
    session = client.call("GET", path)
    assert session["systemCustomerID"] == str(client.account)
    assert session["sessionCookie"] == "PHPSESSID=; path=/"
    assert session["Employee"]["employeeID"] == "1"


def test_not_found_error_shape(client: Client) -> None:
    error = client.get("/Item/999999.json", status=404)
    assert error == {
        "httpCode": "404",
        "httpMessage": "Not Found",
        "message": "Object of type 'Item' not found with primary ID '999999'.",
        "errorClass": "Exception",
    }


def test_unknown_resource_and_path(client: Client) -> None:
    assert client.get("/Bogus.json", status=404)["httpCode"] == "404"
    assert client.call("GET", "/API/V3/Nothing.json", status=404)["httpCode"] == "404"


def test_other_account_is_refused(client: Client) -> None:
    other = Client(client.engine)
    other.auth = type(client.auth)(account_id=client.account + 7, client_id="x")
    assert other.call("GET", f"{client.base}/Item.json", status=403)["httpCode"] == "403"
    assert other.call("GET", "/API/V3/Account/5.json", status=404)["httpCode"] == "404"
    from lightspeed_pos.sandbox.engine.engine import Engine

    engine = Engine.create(items=20, accounts=2)
    first, second = engine.account_ids
    assert first != second
    intruder = Client(engine)
    assert intruder.call("GET", f"/API/V3/Account/{second}/Item.json", status=403)["httpCode"] == "403"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/SalePayment.json"),
        ("DELETE", "/Shop/1.json"),
        ("PUT", "/Item.json"),
        ("POST", "/Item/1.json"),
        ("DELETE", "/Manufacturer/1.json"),
        ("POST", "/ItemShop.json"),
        ("GET", "/InventoryLog/1.json"),
    ],
)
def test_operations_the_table_does_not_allow(client: Client, method: str, path: str) -> None:
    assert client.call(method, client.base + path, body={}, status=405)["httpCode"] == "405"


def test_nested_paths(client: Client) -> None:
    lines = client.get("/Sale/1/SaleLine.json")
    assert all(line["saleID"] == "1" for line in as_list(lines["SaleLine"]))
    first = as_list(lines["SaleLine"])[0]
    one = client.get(f"/Sale/1/SaleLine/{first['saleLineID']}.json")
    assert one["SaleLine"]["saleLineID"] == first["saleLineID"]
    other_sale = client.get("/Sale/2/SaleLine.json")
    other_id = as_list(other_sale["SaleLine"])[0]["saleLineID"]
    client.get(f"/Sale/1/SaleLine/{other_id}.json", status=404)
    client.get("/Sale/999999/SaleLine.json", status=404)
    images = client.get("/Item/1/Image.json")
    assert as_list(images["Image"])[0]["itemID"] == "1"


def test_every_catalogue_resource_answers_its_query(client: Client) -> None:
    from lightspeed_pos._catalog import catalog

    for spec in catalog().account_resources():
        if "query" not in spec.operations or spec.nested:
            continue
        answer = client.raw("GET", f"{client.base}/{spec.path}.json")
        assert answer.status == 200, spec.name
