"""``request_cost`` against the rules and examples of docs/reference.md#request-costs."""

from __future__ import annotations

from typing import Any

import pytest

from lightspeed_pos._cost import request_cost

V3 = "/API/V3/Account/1/"


def cost(method: str, path: str, query: list[tuple[str, str]] | None = None, body: Any = None) -> float:
    return request_cost(method, path, query or [], body)


@pytest.mark.parametrize("path", [V3 + "Item.json", "/API/Account/1/Item.json", "Item.json", "Item"])
def test_every_path_form_resolves_the_resource(path: str) -> None:
    assert cost("GET", path, [("load_relations", '["ItemShops"]')]) == pytest.approx(1.4)


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_base_cost_is_one_for_every_method(method: str) -> None:
    assert cost(method, V3 + "Item/5.json") == 1


@pytest.mark.parametrize(
    ("path", "relations", "expected"),
    [
        ("Item/5.json", '["Category"]', 1.1),  # to-one on a single read
        ("Item/5.json", '["ItemShops"]', 1.2),  # to-many on a single read
        ("Item/5.json", '["Category","ItemShops","Images"]', 1.5),
        ("Item.json", '["Category"]', 1.2),  # doubled on a query read
        ("Item.json", '["ItemShops"]', 1.4),
        ("Sale/5.json", '["SaleLines.Item"]', 1.2),  # to-one nested under a to-many: doubled
        ("Category/3.json", "all", 1.1),  # all = the endpoint's relations (Parent)
        ("Category.json", "all", 1.2),
        ("Item/5.json", '["Category","Category"]', 1.1),  # a repeated name counts once
    ],
)
def test_load_relations(path: str, relations: str, expected: float) -> None:
    assert cost("GET", V3 + path, [("load_relations", relations)]) == pytest.approx(expected)


def test_load_relations_all_sums_every_relation_of_the_endpoint() -> None:
    single = cost("GET", V3 + "Item/5.json", [("load_relations", "all")])
    query = cost("GET", V3 + "Item.json", [("load_relations", "all")])
    assert single > 3 and query > single


def test_count_costs_ten() -> None:
    assert cost("GET", V3 + "Item.json", [("count", "1")]) == 10


@pytest.mark.parametrize(
    ("expression", "extra"),
    [
        ("description=foo|description=bar", 0),  # same field
        ("description=foo|upc=bar", 2),  # same entity: +1 per operand
        ("description=foo|upc=bar|ean=baz", 3),
        ("itemID=>,5|timeStamp=<,2020-01-01", 11),  # two range operators: +10 per entity +1 per extra operand
        ("description=foo|Category.name=bar", 20),  # two entities: +10 each
        ("description=foo|upc=x|Category.name=bar", 21),
    ],
)
def test_or_operands(expression: str, extra: float) -> None:
    assert cost("GET", V3 + "Item.json", [("or", expression)]) == 1 + extra


def test_legacy_offset_and_orderby() -> None:
    assert cost("GET", "/API/Account/1/Item.json", [("offset", "1000")]) == pytest.approx(1.5)
    assert cost("GET", "/API/Account/1/Item.json", [("orderby", "upc")]) == 5
    assert cost("GET", "/API/Account/1/Item.json", [("orderby", "itemID")]) == 1


SALE = {
    "employeeID": 1,
    "SaleLines": {"SaleLine": [{"itemID": 1, "unitQuantity": 2}, {"itemID": 2, "unitQuantity": 1}]},
    "SalePayments": {"SalePayment": {"paymentTypeID": 1, "amount": "10"}},
}


def test_sale_post_base_two_plus_half_per_nested_entity() -> None:
    assert cost("POST", V3 + "Sale.json", body=SALE) == pytest.approx(3.5)


@pytest.mark.parametrize("completed", [True, "true"])
def test_completed_sale_costs_three_more(completed: object) -> None:
    assert cost("POST", V3 + "Sale.json", body={**SALE, "completed": completed}) == pytest.approx(6.5)
    assert cost("PUT", V3 + "Sale/4.json", body={"completed": completed}) == 5


def test_nested_writes_in_the_list_shape_and_at_depth() -> None:
    lines = {"SaleLines": [{"SaleLine": {"itemID": 1}}, {"SaleLine": {"itemID": 2}}]}
    assert cost("POST", V3 + "Sale.json", body=lines) == 3
    customer = {
        "firstName": "Jane",
        "Contact": {
            "Phones": {"ContactPhone": {"number": "1", "useType": "Home"}},
            "Emails": {"ContactEmail": [{"address": "a@b.c"}, {"address": "d@e.f"}]},
        },
    }
    assert cost("POST", V3 + "Customer.json", body=customer) == pytest.approx(1 + 0.5 * 4)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("PUT", "SaleLine/3.json", 2),
        ("POST", "Sale/5/SaleLine.json", 2),
        ("DELETE", "Sale/5/SaleLine/3.json", 2),
        ("GET", "Sale/5/SaleLine.json", 1),
        ("POST", "Sale/5/EmailReceipt.json", 5),
        ("POST", "Sale/5/refund.json", 10),
        ("POST", "Category.json", 10),
        ("PUT", "Category/3.json", 10),
        ("DELETE", "Category/3.json", 10),
        ("GET", "Category/3.json", 1),
        ("POST", "InventoryCountReconcile.json", 10),
        ("POST", "InventoryCount/2/Reconcile.json", 10),
        ("GET", "../../Account.json", 1),
    ],
)
def test_endpoint_overrides(method: str, path: str, expected: float) -> None:
    assert cost(method, V3 + path) == expected


def test_account_less_paths_cost_one() -> None:
    assert cost("GET", "/API/V3/Account.json") == 1
    assert cost("GET", "/API/Session.json") == 1


def test_malformed_parameters_do_not_raise() -> None:
    query = [("load_relations", "[not json"), ("offset", "x"), ("or", "")]
    assert cost("GET", V3 + "Item.json", query) >= 1
