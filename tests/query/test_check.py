"""Query.check: each rule, with a message naming what is allowed; split_in; estimate_cost."""

from __future__ import annotations

import pytest

from lightspeed_pos._catalog import ResourceSpec, catalog
from lightspeed_pos._cost import request_cost
from lightspeed_pos.query import MAX_IN_VALUES, F, Or, Query, estimate_cost

ITEM = catalog().get("Item")


def spec(name: str) -> ResourceSpec:
    return catalog().get(name)


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        (Query(F("colour") == "red"), "Item", r"Item has no field 'colour'; fields: itemID, systemSku"),
        (Query(F("Category") == 1), "Item", r"no field 'Category'"),  # a relation, not a field
        (Query(F("itemCode") == "1"), "Customer", r"Customer has no field 'itemCode'"),
        (Query(load_relations=["Shops"]), "Item", r"no relation 'Shops'; relations: Category, TaxClass"),
        (
            Query(sort="upc"),
            "Item",
            r"cannot be sorted by 'upc'; sortable fields: itemID, timeStamp, description",
        ),
        (Query(sort="-name"), "Shop", r"sortable fields: shopID"),
        (Query(count=True, sort="itemID"), "Item", r"count cannot be combined with sort, limit"),
        (Query(count=True, limit=10), "Item", r"count cannot be combined"),
        (
            Query(F("ItemShops.qoh") > 0),
            "Item",
            r"load the relation first \(load_relations=\['ItemShops'\]\)",
        ),
        (
            Query(F("CustomFieldValues.value") == "x", load_relations="all"),
            "Item",
            r"load the relation first",  # `all` loads everything except CustomFieldValues
        ),
        (
            Query(F("SaleLines.Item.description") == "x", load_relations=["SaleLines.Item"]),
            "Sale",
            r"one relation deep only",
        ),
        (
            Query(F("ItemShops.colour") > 0, load_relations=["ItemShops"]),
            "Item",
            r"ItemShop has no field 'colour'",
        ),
        (
            Query(F("itemID").in_(range(MAX_IN_VALUES + 1))),
            "Item",
            r"at most 100 values, got 101; use query.split_in",
        ),
        (
            Query(F("itemID").like("1%")),
            "Item",
            r"itemID is an integer field: like/not_like apply to string fields",
        ),
        (Query(F("timeStamp").not_like("2024%")), "Item", r"timeStamp is a datetime field"),
        (Query(F("itemCode") > "5"), "Item", r"itemCode takes only equals, in_\(\) or Or"),
        (Query(F("itemID") > 1, F("itemID") < 9), "Item", r"'itemID' appears twice.*between\(\)"),
        (
            Query(Or(F("upc") == "1", F("ean") == "1"), Or(F("upc") == "2", F("ean") == "2")),
            "Item",
            r"'or' appears",
        ),
        (Query(archived="only"), "Category", r"Category has no archived field"),
        (Query(F("itemID") == "abc"), "Item", r"itemID is an integer field: 'abc' is not an integer"),
        (Query(F("defaultCost") > "cheap"), "Item", r"defaultCost is a decimal field"),
        (Query(F("timeStamp") > "yesterday"), "Item", r"timeStamp is a datetime field"),
        (Query(F("tax") == "maybe"), "Item", r"tax is a boolean field"),
    ],
)
def test_check_refuses_with_what_is_allowed(query: Query, name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        query.check(spec(name))


@pytest.mark.parametrize(
    ("query", "name"),
    [
        (Query(F("itemCode") == "123"), "Item"),
        (Query(F("itemCode").in_(["1", "2"]), Or(F("itemCode") == "3", F("upc") == "4")), "Item"),
        (Query(F("description").like("%shirt%"), sort="-description"), "Item"),
        (Query(F("ItemShops.qoh") > 0, F("ItemShops.shopID") == 1, load_relations=["ItemShops"]), "Item"),
        (Query(F("Category.name").like("A%"), load_relations="all"), "Item"),
        (Query(F("Contact.email").not_like(""), load_relations=["Contact"]), "Customer"),
        (Query(F("SaleLines.itemID") == 3, load_relations=["SaleLines.Item"]), "Sale"),
        (Query(F("timeStamp").between("2016-11-01T00:00:00-0400", "2016-12-01T00:00:00Z")), "Item"),
        (Query(F("itemID").in_(range(MAX_IN_VALUES)), archived=True), "Item"),
        (Query(F("giftCard") == True, F("code") == "ABC"), "CreditAccount"),  # noqa: E712
        (Query(F("startDate") == "2024-01-01"), "ReportsAccountingTaxesByDay"),  # reports: own params
        (Query(count=True, load_relations=["ItemShops"]), "Item"),
    ],
)
def test_check_accepts(query: Query, name: str) -> None:
    query.check(spec(name))
    query.check(name)


def test_counting_flag_checks_as_a_count_request() -> None:
    Query(F("itemID") > 1).check(ITEM, counting=True)
    with pytest.raises(ValueError, match="count cannot"):
        Query(sort="itemID").check(ITEM, counting=True)


def test_conditions_are_objects_not_bools() -> None:
    cond = F("itemID") == 5
    assert cond.field == "itemID" and cond.op == "=" and cond.operands == ("5",)
    assert (F("itemID") != 5) == F("itemID").ne(5)
    assert len({F("a"), F("a"), F("b")}) == 2
    with pytest.raises(TypeError, match="not a bool"):
        bool(cond)
    with pytest.raises(TypeError, match="not a bool"):
        _ = 1 < F("itemID") < 5  # chained comparison: use between()
    with pytest.raises(AttributeError):
        cond.op = ">"


def test_construction_errors() -> None:
    with pytest.raises(ValueError, match="use Query"):
        F("archived")
    with pytest.raises(ValueError, match="cannot contain '\\|'"):
        Or(F("description") == "a|b", F("upc") == "1")
    with pytest.raises(ValueError, match="comma"):
        F("description").between("a,b", "c")
    with pytest.raises(ValueError, match="at least one value"):
        F("itemID").in_([])
    with pytest.raises(ValueError, match="limit must be between 0 and 100"):
        Query(limit=101)
    with pytest.raises(ValueError, match="archived is True"):
        Query(archived="sometimes")
    with pytest.raises(ValueError, match='either "all"'):
        Query(load_relations=["all", "ItemShops"])
    with pytest.raises(TypeError, match="takes conditions"):
        Query(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="scalar"):
        F("itemID") == [1, 2]  # noqa: B015


def test_split_in_chunks_every_long_list_and_each_part_checks() -> None:
    q = Query(F("itemID").in_(range(250)), F("description").like("%a%"), sort="itemID")
    parts = q.split_in()
    assert [len(p.filters[0].operands) for p in parts] == [100, 100, 50]  # type: ignore[union-attr]
    assert all(p.filters[1:] == q.filters[1:] and p.order == "itemID" for p in parts)
    for part in parts:
        part.check(ITEM)
    assert Query(F("itemID").in_([1, 2])).split_in() == [Query(F("itemID").in_([1, 2]))]
    two = Query(F("itemID").in_(range(5)), Or(F("upc").in_(map(str, range(3))), F("ean") == "x")).split_in(2)
    assert len(two) == 3 * 2
    values = {(p.filters[0].operands, p.filters[1].conditions[0].operands) for p in two}  # type: ignore[union-attr]
    assert len(values) == 6


def test_estimate_cost_is_the_throttlers_number() -> None:
    q = Query(F("itemID") > 1, load_relations=["ItemShops", "Category"])
    assert estimate_cost(ITEM, q) == request_cost("GET", "Item", q.params(), None) == pytest.approx(1.6)
    assert estimate_cost("Item", q, single=True) == pytest.approx(1.3)
    assert estimate_cost(ITEM, Query().count()) == 10
    assert estimate_cost("Item", {"or": "upc=1|ean=2"}) == 3
    assert estimate_cost(spec("SaleSaleLine"), None, method="POST", body={"itemID": 1}) == 2
