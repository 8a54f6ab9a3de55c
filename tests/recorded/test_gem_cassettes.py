"""The gem's own specs, replayed through this client on the real recorded traffic."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import pytest

import lightspeed_pos as ls
from tests.recorded.conftest import Replay

pytestmark = pytest.mark.recorded
Make = Callable[..., Replay]


# --- accounts and tokens ---------------------------------------------------------------------------
def test_accounts_all_count_first(replay: Make) -> None:
    r = replay("accounts_oauth")
    accounts = r.client.accounts.all()
    assert [type(a) for a in accounts] == [ls.Account]
    assert accounts[0].id == 120645
    assert accounts[0].name == "Kit Kraft Sandbox"
    assert r.client.accounts.count() == 1
    first = r.client.accounts.first()
    assert first is not None and first.id == 120645
    assert all(req.headers["authorization"] == "Bearer test" for req in r.transport.requests)


def test_a_401_refreshes_the_token_once_and_replays(replay: Make) -> None:
    r = replay("accounts_oauth_with_refresh")
    account = r.client.accounts.first()
    assert account is not None and account.id == 120645
    assert r.holder.refresh_count == 1
    assert [req.headers["authorization"] for req in r.transport.requests] == [
        "Bearer test",
        "Bearer test_refreshed",
    ]


def test_bucket_headers_are_read(replay: Make) -> None:
    r = replay("request_throttler/bucket_limits")
    r.client.accounts.first()
    assert r.client.throttler.bucket_max == 90.0
    assert r.client.throttler.bucket_level == 9.2179536819447


# --- items -------------------------------------------------------------------------------------------
def test_items_all_follows_the_offset_pages(replay: Make) -> None:
    r = replay("account/items/index")
    items = r.account.items.all()
    assert len(items) == 234
    assert len({item.id for item in items}) == 234
    assert all(isinstance(item, ls.Item) for item in items)
    assert [
        int(req.url.params["offset"]) if "offset" in req.url.params else 0 for req in r.transport.requests
    ] == [
        0,
        100,
        200,
    ]


def test_items_each_page_and_each(replay: Make) -> None:
    r = replay("account/items/index")
    assert [len(page) for page in r.account.items.each_page()] == [100, 100, 34]
    r2 = replay("account/items/index")
    seen = [item.id for item in r2.account.items.each()]
    assert len(seen) == len(set(seen)) == 234
    assert r2.request_count == 3


def test_items_typed_fields(replay: Make) -> None:
    r = replay("account/items/index")
    item = r.account.items.first()
    assert item is not None
    assert item.id == 135 and item.itemID == 135
    assert isinstance(item.description, str) and item.description.startswith("Antique Brass")
    assert item.archived is False
    assert item.defaultCost == Decimal("0")
    assert isinstance(item.timeStamp, datetime) and item.timeStamp.tzinfo is not None
    assert item.defaultVendorID == 73 and item.categoryID == 0
    assert item.prices["default"] == Decimal("6.5")
    assert item.prices["msrp"] == Decimal("0")


def test_items_filtered_by_item_matrix(replay: Make) -> None:
    r = replay("account/items/index_without_item_matrices")
    items = r.account.items.all(params={"itemMatrixID": 0})
    assert len(items) == 233
    first = items[0]
    assert first.id == 135
    before = r.request_count
    assert first.item_matrix is None
    assert r.request_count == before


def test_items_find(replay: Make) -> None:
    r = replay("account/items/show")
    item = r.account.items.find(417)
    assert isinstance(item, ls.Item)
    assert item.id == 417


def test_items_create(replay: Make) -> None:
    r = replay("account/items/create")
    item = r.account.items.create(description="Onesie")
    assert isinstance(item, ls.Item)
    assert item.id == 429
    assert item.description == "Onesie"


def test_items_create_accepts_a_dict(replay: Make) -> None:
    r = replay("account/items/create")
    assert r.account.items.create({"description": "Onesie"}).id == 429


def test_items_create_invalid(replay: Make) -> None:
    r = replay("account/items/create_invalid")
    with pytest.raises(
        ls.BadRequestError, match=re.escape("Item not created. An Item must have a description.")
    ) as caught:
        r.account.items.create(description="")
    error = caught.value
    assert error.status_code == 400
    assert error.message == "Item not created. An Item must have a description."
    assert isinstance(error.body, dict) and error.body["errorClass"] == "Exception"


def test_items_update_by_id(replay: Make) -> None:
    r = replay("account/items/update")
    created = r.account.items.create(description="Item to update")
    item = r.account.items.update(created.id, description="T-Shirt Red Small")
    assert item.description == "T-Shirt Red Small"


def test_items_update_in_place(replay: Make) -> None:
    r = replay("account/items/update")
    item = r.account.items.create(description="Item to update")
    returned = item.update(description="T-Shirt Red Small")
    assert returned is item
    assert item.description == "T-Shirt Red Small"
    assert item.attributes["description"] == "T-Shirt Red Small"


def test_items_update_invalid(replay: Make) -> None:
    r = replay("account/items/update_invalid")
    created = r.account.items.create(description="Item to update")
    with pytest.raises(
        ls.BadRequestError, match=re.escape("Item not updated. An Item must have a description.")
    ):
        r.account.items.update(created.id, description="")


def test_items_archive_by_id(replay: Make) -> None:
    r = replay("account/items/archive")
    created = r.account.items.create(description="Item to destroy")
    archived = r.account.items.archive(created.id)
    assert archived.archived is True


def test_items_archive_in_place(replay: Make) -> None:
    r = replay("account/items/archive")
    item = r.account.items.create(description="Item to destroy")
    assert item.archived is False
    item.archive()
    assert item.archived is True
    assert r.transport.requests[-1].method == "DELETE"


# --- categories --------------------------------------------------------------------------------------
def test_categories_index(replay: Make) -> None:
    r = replay("account/categories/index")
    categories = r.account.categories.all()
    assert len(categories) == 7
    assert all(isinstance(c, ls.Category) for c in categories)


def test_categories_create(replay: Make) -> None:
    r = replay("account/categories/create")
    category = r.account.categories.create(name="Category One")
    assert category.id == 11 and category.name == "Category One"
    assert category.parent is None


def test_categories_create_invalid(replay: Make) -> None:
    r = replay("account/categories/create_invalid")
    with pytest.raises(ls.BadRequestError, match=re.escape("name cannot be blank.")):
        r.account.categories.create(name="")


def test_categories_update(replay: Make) -> None:
    r = replay("account/categories/update")
    created = r.account.categories.create(name="Category to update")
    assert r.account.categories.update(created.id, name="Category Two").name == "Category Two"


def test_categories_update_invalid(replay: Make) -> None:
    r = replay("account/categories/update_invalid")
    created = r.account.categories.create(name="Category to update")
    with pytest.raises(ls.BadRequestError, match=re.escape("name cannot be blank.")):
        created.update(name="")


def test_categories_destroy_then_find(replay: Make) -> None:
    r = replay("account/categories/destroy")
    created = r.account.categories.create(name="Category to delete")
    destroyed = r.account.categories.destroy(created.id)
    assert destroyed.id == 10
    with pytest.raises(ls.NotFoundError) as caught:
        r.account.categories.find(created.id)
    assert "'10'" in str(caught.value)
    assert caught.value.status_code == 404


def test_categories_cannot_be_archived(replay: Make) -> None:
    r = replay("account/categories/destroy")
    with pytest.raises(ls.OperationNotAllowedError, match=re.escape("cannot be archived")):
        r.account.categories.archive(10)
    assert r.request_count == 0


# --- customers, employees ----------------------------------------------------------------------------
def test_customers_index_and_find(replay: Make) -> None:
    r = replay("account/customers/index", "account/customers/show")
    customers = r.account.customers.all()
    assert len(customers) == 1
    customer = r.account.customers.find(1)
    assert isinstance(customer, ls.Customer)
    assert customer.firstName == "cust first"
    assert customer.dob is not None and customer.dob.year == 2019


def test_employees_index_and_find(replay: Make) -> None:
    r = replay("account/employees/index", "account/employees/show")
    employees = r.account.employees.all()
    assert [e.id for e in employees] == [1]
    employee = r.account.employees.find(1)
    assert isinstance(employee, ls.Employee)
    assert employee.firstName == "Jordan"


# --- vendors -----------------------------------------------------------------------------------------
def test_vendors_index(replay: Make) -> None:
    r = replay("account/vendors/index")
    vendors = r.account.vendors.all()
    assert len(vendors) == 703
    assert len({v.id for v in vendors}) == 703
    assert r.request_count == 8


def test_vendors_find(replay: Make) -> None:
    r = replay("account/vendors/show")
    vendor = r.account.vendors.find(1)
    assert isinstance(vendor, ls.Vendor)
    assert vendor.name == "Byron Fuels"


def test_vendors_create(replay: Make) -> None:
    r = replay("account/vendors/create")
    vendor = r.account.vendors.create(accountNumber="testAccountNumber123", name="Test Vendor 1A")
    assert vendor.id == 716 and vendor.name == "Test Vendor 1A"


def test_vendors_update_both_ways(replay: Make) -> None:
    r = replay("account/vendors/update")
    first = r.account.vendors.create(accountNumber="testAccountNumber456", name="Test Vendor 2B")
    updated = r.account.vendors.update(first.id, accountNumber="testAccountNumber789")
    assert updated.accountNumber == "testAccountNumber789"
    second = r.account.vendors.create(accountNumber="testAccountNumber000", name="Test Vendor 3C")
    second.update(accountNumber="testAccountNumber111")
    assert second.accountNumber == "testAccountNumber111"
    assert not r.transport.unplayed


def test_vendors_archive_both_ways(replay: Make) -> None:
    r = replay("account/vendors/archive")
    one = r.account.vendors.create(accountNumber="bornToDie", name="Test Vendor 4")
    assert r.account.vendors.archive(one.id).archived is True
    two = r.account.vendors.create(accountNumber="destroyMe", name="Test Vendor 5")
    two.archive()
    assert two.archived is True
    three = r.account.vendors.create(accountNumber="bornToDie", name="Test Vendor 4D")
    assert r.account.vendors.destroy(three.id).archived is True
    four = r.account.vendors.create(accountNumber="destroyMe", name="Test Vendor 5E")
    four.destroy()
    assert four.archived is True
    assert not r.transport.unplayed


# --- sales -------------------------------------------------------------------------------------------
def test_sales_index(replay: Make) -> None:
    r = replay("account/Sales/index")
    sales = r.account.sales.all()
    assert len(sales) == 119
    assert sales[0].id == 1
    assert all(isinstance(s, ls.Sale) for s in sales)


def test_sales_find(replay: Make) -> None:
    r = replay("account/Sales/show")
    sale = r.account.sales.find(4)
    assert isinstance(sale, ls.Sale) and sale.id == 4


def test_sales_create_without_lines(replay: Make) -> None:
    r = replay("account/Sales/create")
    sale = r.account.sales.create(taxCategoryID=0, employeeID=1, shopID=1, registerID=1)
    assert sale.id == 120
    assert sale.total == Decimal("0")
    assert "SaleLines" not in sale.attributes


def test_sales_create_with_lines(replay: Make) -> None:
    r = replay("account/Sales/create")
    lines = [{"SaleLine": {"itemID": 1, "unitQuantity": 2, "unitPrice": "1.23", "tax": True}}]
    sale = r.account.sales.create(taxCategoryID=0, employeeID=1, shopID=1, registerID=1, SaleLines=lines)
    assert sale.total == Decimal("2.46")
    assert sale.id == 121
    body = json.loads(r.transport.requests[-1].content)
    assert body["SaleLines"] == lines
    assert [line.unitQuantity for line in sale.sale_lines] == [2]


def test_sale_line_item_comes_from_the_sale_once(replay: Make) -> None:
    r = replay("account/Sales/index")
    sales = r.account.sales.all()
    sale = next(s for s in sales if s.sale_lines)
    line = sale.sale_lines[0]
    assert isinstance(line, ls.SaleLine)
    before = r.request_count
    item = line.item
    assert item is not None and item is line.item is line.item
    assert item.id == line.itemID
    assert r.request_count == before


def test_sale_line_item_is_fetched_once(replay: Make) -> None:
    r = replay("account/items/show")
    line = r.account.sale_lines.build({"saleLineID": "1", "itemID": "417"})
    assert line.item is not None and line.item.id == 417
    assert line.item is line.item
    assert r.request_count == 1


# --- build, attributes, JSON -------------------------------------------------------------------------
def test_build_attributes_and_json_round_trip(replay: Make) -> None:
    r = replay("account/items/show")
    item = r.account.items.find(417)
    rebuilt = r.account.items.build(json.loads(item.to_json()))
    assert rebuilt.attributes == item.attributes
    assert rebuilt == item
    assert json.loads(rebuilt.to_json()) == item.to_dict()
    assert "\n" not in item.to_json() and ", " not in item.to_json()[:200]
    built = r.account.items.build({"itemID": 2})
    assert built.id == 2 and built.attributes == {"itemID": 2}
    assert r.request_count == 1


def test_relations_with_id_zero_make_no_request(replay: Make) -> None:
    r = replay("account/items/show")
    item = r.account.items.build(
        {"itemID": "5", "itemMatrixID": "0", "categoryID": 0, "defaultVendorID": "0"}
    )
    assert item.item_matrix is None
    assert item.category is None
    assert item.default_vendor is None
    image = r.account.images.build({"imageID": "1", "itemID": "0", "itemMatrixID": "0"})
    assert image.item is None and image.item_matrix is None
    assert r.request_count == 0
