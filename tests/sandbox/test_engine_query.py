"""Query features: operators, or, sort, count, cursor pagination, relations, archived, legacy."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest

from tests.sandbox._engine_support import ORIGIN, Client, as_list


@pytest.fixture(scope="module")
def client() -> Client:
    return Client()


def ids(page: dict[str, object], entity: str = "Item", key: str = "itemID") -> list[int]:
    return [int(r[key]) for r in as_list(page.get(entity))]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("itemID=5", [5]),
        ("itemID=%3E,245", [246, 247, 248, 249, 250]),
        ("itemID=%3E%3D,248", [248, 249, 250]),
        ("itemID=%3C,3", [1, 2]),
        ("itemID=%3C%3D,2", [1, 2]),
        ("itemID=%3E%3C,10,13", [10, 11, 12, 13]),
        ("itemID=IN,[3,7,9]", [3, 7, 9]),
        ("itemID=IN,3,7", [3, 7]),
        ("customSku=SKU-00042", [42]),
        ("customSku=~,sku-0001%25", list(range(10, 20))),
    ],
)
def test_operators(client: Client, query: str, expected: list[int]) -> None:
    assert ids(client.get(f"/Item.json?{query}")) == expected


def test_not_equal_and_not_like(client: Client) -> None:
    everything = client.get("/Item.json?count=1")["@attributes"]["count"]
    not_five = client.get("/Item.json?count=1&itemID=!%3D,5")["@attributes"]["count"]
    assert int(not_five) == int(everything) - 1
    unlike = client.all_pages("/Item.json?customSku=!~,SKU-000%25")
    assert unlike and all(not r["customSku"].startswith("SKU-000") for r in unlike)


def test_decimal_and_datetime_comparisons(client: Client) -> None:
    cheap = client.all_pages("/Item.json?defaultCost=%3C,10")
    assert cheap and all(Decimal(r["defaultCost"]) < 10 for r in cheap)
    since = "2026-09-01T00:00:00-0400"
    recent = client.all_pages(f"/Item.json?timeStamp=%3E%3D,{quote(since)}")
    assert recent and all(r["timeStamp"] >= "2026-09-01T04:00:00+00:00" for r in recent)
    zulu = client.all_pages("/Item.json?timeStamp=%3E%3D,2026-09-01T04:00:00Z")
    assert [r["itemID"] for r in zulu] == [r["itemID"] for r in recent]
    between = client.all_pages(
        "/Sale.json?timeStamp=%3E%3C,2026-07-01T00:00:00%2B00:00,2026-07-31T23:59:59%2B00:00"
    )
    assert between and all("2026-07" in s["timeStamp"] for s in between)


def test_boolean_filter(client: Client) -> None:
    open_sales = client.all_pages("/Sale.json?completed=false")
    assert open_sales and all(s["completed"] == "false" for s in open_sales)
    assert client.all_pages("/Sale.json?completed=true")


def test_or(client: Client) -> None:
    page = client.get("/Item.json?or=customSku%3DSKU-00004|customSku%3D~,SKU-0000%25&sort=itemID")
    assert ids(page) == list(range(1, 10))
    page = client.get("/Item.json?or=itemID%3D3|itemID%3D%3E,248")
    assert ids(page) == [3, 249, 250]


def test_in_with_too_many_values(client: Client) -> None:
    values = ",".join(str(i) for i in range(101))
    assert "100" in client.get(f"/Item.json?itemID=IN,[{values}]", status=400)["message"]


def test_unknown_filter_field_is_400(client: Client) -> None:
    client.get("/Item.json?nonsense=1", status=400)


def test_sort_and_not_allowed_sort(client: Client) -> None:
    page = client.get("/Item.json?sort=-itemID&limit=3")
    assert ids(page) == [250, 249, 248]
    by_description = client.get("/Item.json?sort=description&limit=20")
    names = [r["description"].casefold() for r in as_list(by_description["Item"])]
    assert names == sorted(names)
    error = client.get("/Item.json?sort=upc", status=400)
    assert "itemID, timeStamp, description" in error["message"]


def test_count(client: Client) -> None:
    assert client.get("/Item.json?count=1") == {"@attributes": {"count": "244"}}
    assert client.get("/Item.json?count=1&archived=true") == {"@attributes": {"count": "250"}}
    for extra in ("limit=10", "sort=itemID", "after=WzEwMF0%3D", "before=WzEwMF0%3D"):
        assert client.get(f"/Item.json?count=1&{extra}", status=400)["httpCode"] == "400"


def test_limit_default_and_clamp(client: Client) -> None:
    assert len(client.get("/Item.json")["Item"]) == 100
    assert len(client.get("/Item.json?limit=500")["Item"]) == 100
    assert ids(client.get("/Item.json?limit=1")) == [1]
    assert isinstance(client.get("/Item.json?limit=1")["Item"], dict)


def test_cursor_pagination_walks_everything_once(client: Client) -> None:
    url = "/Item.json?sort=-timeStamp&archived=true&limit=30"
    seen = client.all_pages(url)
    assert len(seen) == 250 and len({r["itemID"] for r in seen}) == 250
    keys = [(r["timeStamp"], int(r["itemID"])) for r in seen]
    assert keys == sorted(keys, reverse=True)


def test_next_and_previous_links(client: Client) -> None:
    first = client.get("/Sale.json?completed=true&limit=5")
    attributes = first["@attributes"]
    assert attributes["previous"] == ""
    parts = urlsplit(attributes["next"])
    assert f"{parts.scheme}://{parts.netloc}" == ORIGIN
    pairs = parse_qsl(parts.query)
    assert [k for k, _ in pairs] == ["sort", "completed", "limit", "after"]
    last_id = as_list(first["Sale"])[-1]["saleID"]
    assert json.loads(base64.b64decode(unquote(dict(pairs)["after"]))) == [int(last_id)]
    second = client.call("GET", attributes["next"].removeprefix(ORIGIN))
    back = client.call("GET", second["@attributes"]["previous"].removeprefix(ORIGIN))
    assert ids(back, "Sale", "saleID") == ids(first, "Sale", "saleID")
    assert back["@attributes"]["previous"] == ""


def test_cursor_carries_sort_value_and_id(client: Client) -> None:
    page = client.get("/Item.json?sort=timeStamp&limit=2")
    after = dict(parse_qsl(urlsplit(page["@attributes"]["next"]).query))["after"]
    last = as_list(page["Item"])[-1]
    assert json.loads(base64.b64decode(after)) == [last["timeStamp"], int(last["itemID"])]


def test_last_page_and_empty_result(client: Client) -> None:
    last = client.get("/Item.json?itemID=%3E,245")
    assert last["@attributes"]["next"] == ""
    assert client.get("/Item.json?itemID=0") == {"@attributes": {"next": "", "previous": ""}}


def test_bad_cursor(client: Client) -> None:
    client.get("/Item.json?after=not-base64!", status=400)


def test_load_relations_list_all_and_nested(client: Client) -> None:
    item = client.get('/Item/1.json?load_relations=["ItemShops","Category"]')["Item"]
    assert {"ItemShops", "Category"} <= set(item) and "TaxClass" not in item
    everything = client.get("/Item/1.json?load_relations=all")["Item"]
    assert {"ItemShops", "Category", "TaxClass", "Manufacturer", "ItemAttributes", "Images"} <= set(
        everything
    )
    sale = client.get('/Sale/1.json?load_relations=["SaleLines.Item"]')["Sale"]
    for line in as_list(sale["SaleLines"]["SaleLine"]):
        assert line["Item"]["itemID"] == line["itemID"]
    matrix = client.get('/ItemMatrix/1.json?load_relations=["Items","ItemAttributeSet"]')["ItemMatrix"]
    assert len(matrix["Items"]["Item"]) == 6
    child = client.get('/Category/5.json?load_relations=["Parent"]')["Category"]
    assert child["Parent"]["categoryID"] == child["parentID"]


def test_dot_filters(client: Client) -> None:
    stocked = client.all_pages('/Item.json?load_relations=["ItemShops"]&ItemShops.qoh=%3E,35')
    assert stocked
    for item in stocked:
        assert any(int(s["qoh"]) > 35 for s in item["ItemShops"]["ItemShop"])
    client.get("/Item.json?ItemShops.qoh=%3E,1", status=400)
    found = client.get('/Customer.json?load_relations=["Contact"]&Contact.email=~,ava.%25')
    assert all(c["firstName"] == "Ava" for c in as_list(found["Customer"]))
    with_email = client.get('/Customer.json?load_relations=["Contact"]&Contact.email=!~,&count=1')
    assert int(with_email["@attributes"]["count"]) > 0


def test_archived_modes(client: Client) -> None:
    default = ids(client.get("/Item.json?itemID=%3E%3C,38,42"))
    assert default == [38, 39, 41, 42]
    assert ids(client.get("/Item.json?itemID=%3E%3C,38,42&archived=true")) == [38, 39, 40, 41, 42]
    assert ids(client.get("/Item.json?itemID=%3E%3C,38,42&archived=only")) == [40]
    assert client.get("/Item/40.json")["Item"]["archived"] == "true"


def test_item_code(client: Client) -> None:
    item = client.get("/Item/7.json")["Item"]
    assert ids(client.get(f"/Item.json?itemCode={item['upc']}")) == [7]
    assert ids(client.get(f"/Item.json?itemCode={item['systemSku']}")) == [7]


def test_legacy_offset_pagination(client: Client) -> None:
    page = client.call("GET", f"{client.legacy}/Category.json?limit=5&offset=0")
    assert page["@attributes"] == {"count": "13", "offset": "0", "limit": "5"}
    tail = client.call("GET", f"{client.legacy}/Category.json?limit=5&offset=10")
    assert [c["categoryID"] for c in tail["Category"]] == ["11", "12", "13"]
    desc = client.call("GET", f"{client.legacy}/Item.json?orderby=itemID&orderby_desc=1&limit=2")
    assert [i["itemID"] for i in desc["Item"]] == ["250", "249"]
    one = client.call("GET", f"{client.legacy}/Item.json?itemID=3&limit=1")
    assert one["@attributes"] == {"count": "1", "offset": "0", "limit": "1"} and isinstance(one["Item"], dict)
    assert client.call("GET", f"{client.legacy}/Item.json?itemID=0") == {"@attributes": {"count": "0"}}
    assert client.call("GET", f"{client.legacy}/Item/3.json")["@attributes"] == {"count": "1"}


def test_legacy_inventory(client: Client) -> None:
    rows = client.call("GET", f"{client.legacy}/Inventory.json?itemID=1")
    assert {r["shopID"] for r in rows["Inventory"]} == {"1", "2"}
    assert rows["@attributes"]["count"] == "2"
